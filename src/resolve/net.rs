//! How `--fix` reaches the network: one HTTP agent with timeouts, the
//! registries it may speak plain HTTP to, and the mirrors and servers the
//! configuration names.

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The longest a request may take: the bound `[fix] timeout` accepts, and
/// what any other duration given to this module is clamped to, so that no
/// deadline computed from it can overflow.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(3600);

/// The network settings of a run, from the configuration's `[fix]` table
/// and the environment.
#[derive(Debug, Clone)]
pub struct Network {
    /// Registry host (`docker.io`, `ghcr.io`) → the base URL asked in its
    /// place (`https://mirror.example.com`, `http://127.0.0.1:5000`).
    pub mirrors: HashMap<String, String>,
    /// Registry hosts (`host` or `host:port`) that may be spoken to over
    /// plain HTTP, besides loopback ones.
    pub insecure: Vec<String>,
    /// Where actions' repositories are: `https://github.com`, or a GitHub
    /// Enterprise server.
    pub github_url: String,
    /// A token for the actions' git server (`GITHUB_TOKEN`), sent only to
    /// `github_url`.
    pub github_token: Option<String>,
    /// How long one request may take in all.
    pub timeout: Duration,
    /// The Docker configuration directory (`$DOCKER_CONFIG`, else
    /// `~/.docker`).
    pub docker_config: Option<PathBuf>,
}

impl Default for Network {
    fn default() -> Network {
        Network {
            mirrors: HashMap::new(),
            insecure: Vec::new(),
            github_url: "https://github.com".to_owned(),
            github_token: None,
            timeout: Duration::from_secs(30),
            docker_config: None,
        }
    }
}

impl Network {
    /// The settings the environment gives: `$DOCKER_CONFIG` (else
    /// `$HOME/.docker`) and `$GITHUB_TOKEN`.
    pub fn from_env() -> Network {
        let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
        Network {
            docker_config: var("DOCKER_CONFIG")
                .map(PathBuf::from)
                .or_else(|| var("HOME").map(|home| PathBuf::from(home).join(".docker"))),
            github_token: var("GITHUB_TOKEN").and_then(|v| v.into_string().ok()),
            ..Network::default()
        }
    }

    /// The HTTP agent: statuses are answers, not errors; every request is
    /// bounded by the timeout.
    pub fn agent(&self) -> ureq::Agent {
        // The machine's trusted certificates, as `docker pull` uses them
        // (a company's own authority included; `SSL_CERT_FILE` too).
        let tls = ureq::tls::TlsConfig::builder()
            .root_certs(ureq::tls::RootCerts::PlatformVerifier)
            .build();
        ureq::Agent::config_builder()
            .tls_config(tls)
            .http_status_as_error(false)
            .timeout_global(Some(self.timeout()))
            .timeout_connect(Some(self.timeout().min(Duration::from_secs(10))))
            .user_agent(concat!("repro-audit/", env!("CARGO_PKG_VERSION")))
            .build()
            .into()
    }

    /// How long one request may take, at most [`MAX_TIMEOUT`].
    pub fn timeout(&self) -> Duration {
        self.timeout.min(MAX_TIMEOUT)
    }

    /// Whether `host` (`name` or `name:port`) may be spoken to over plain
    /// HTTP: a loopback address or name, or one the configuration lists.
    pub fn allows_plain_http(&self, host: &str) -> bool {
        is_loopback(host) || self.insecure.iter().any(|h| h == host)
    }
}

/// The instant `timeout` (at most [`MAX_TIMEOUT`]) from now; now itself in
/// the impossible case that the clock cannot count that far.
pub fn deadline_after(timeout: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(timeout.min(MAX_TIMEOUT)).unwrap_or(now)
}

/// Whether `host` (`name`, `name:port`, `[::1]:port`) is this machine.
pub fn is_loopback(host: &str) -> bool {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return ip.is_loopback();
    }
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or_default(),
        None => match host.rsplit_once(':') {
            Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
            _ => host,
        },
    };
    name.eq_ignore_ascii_case("localhost")
        || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The host (`name` or `name:port`) a client connects to for `url`, as it
/// parses the URL; none for a URL with user information in it (`user@`),
/// whose host is easy to misread.
pub fn host_of(url: &str) -> Option<String> {
    let uri = url.parse::<ureq::http::Uri>().ok()?;
    if uri.authority()?.as_str().contains('@') {
        return None;
    }
    Some(match (uri.host()?, uri.port_u16()) {
        (host, Some(port)) => format!("{host}:{port}"),
        (host, None) => host.to_owned(),
    })
}

/// A response's header as text.
pub fn header<'a>(response: &'a ureq::http::Response<ureq::Body>, name: &str) -> Option<&'a str> {
    response.headers().get(name).and_then(|v| v.to_str().ok())
}

/// Why a request failed, in a few words.
pub fn describe(error: &ureq::Error) -> String {
    match error {
        ureq::Error::Timeout(_) => "timed out".to_owned(),
        ureq::Error::HostNotFound => "host not found".to_owned(),
        ureq::Error::Io(e) => e.to_string(),
        other => other.to_string(),
    }
}

/// Whether a request failed in a way that says the server cannot be used
/// now: a name that does not resolve, a connection refused or never
/// established, or no answer within the timeout.
pub fn is_connect_failure(error: &ureq::Error) -> bool {
    match error {
        ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => true,
        // A server that let a whole request time out is not asked again
        // either: every other lookup would wait as long.
        ureq::Error::Timeout(_) => true,
        ureq::Error::Io(e) => matches!(
            e.kind(),
            std::io::ErrorKind::ConnectionRefused
                | std::io::ErrorKind::HostUnreachable
                | std::io::ErrorKind::NetworkUnreachable
                | std::io::ErrorKind::AddrNotAvailable
        ),
        _ => false,
    }
}

/// Base64 as HTTP Basic authentication writes it.
pub fn basic(user: &str, secret: &str) -> String {
    use base64::Engine as _;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{secret}"))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        for host in [
            "localhost",
            "localhost:5000",
            "127.0.0.1:5000",
            "127.1.2.3",
            "[::1]:5000",
            "::1",
        ] {
            assert!(is_loopback(host), "{host}");
        }
        for host in [
            "docker.io",
            "10.0.0.1:5000",
            "localhost.example.com",
            "[2001:db8::1]:80",
        ] {
            assert!(!is_loopback(host), "{host}");
        }
    }

    #[test]
    fn plain_http_only_where_allowed() {
        let network = Network {
            insecure: vec!["registry.lan:5000".to_owned()],
            ..Network::default()
        };
        assert!(network.allows_plain_http("registry.lan:5000"));
        assert!(network.allows_plain_http("localhost:5000"));
        assert!(!network.allows_plain_http("registry.lan"));
        assert!(!network.allows_plain_http("ghcr.io"));
    }
}
