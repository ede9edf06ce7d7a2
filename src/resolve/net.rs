//! How `--fix` reaches the network: one HTTP agent with timeouts, the
//! registries it may speak plain HTTP to, and the mirrors and servers the
//! configuration names; every request goes through [`send`], which follows
//! redirects itself so that a credential never leaves the origin it was
//! meant for.

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The longest a request may take: the bound `[fix] timeout` accepts, and
/// what any other duration given to this module is clamped to, so that no
/// deadline computed from it can overflow.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(3600);

/// The most redirects one request follows (as ureq and curl's default).
const MAX_REDIRECTS: usize = 10;

/// The environment variable naming registries (`host[:port]`, separated by
/// commas or blanks) that the user allows plain HTTP and credentials for.
pub const INSECURE_ENV: &str = "REPRO_AUDIT_INSECURE_REGISTRIES";

/// The network settings of a run, from the configuration's `[fix]` table
/// and the environment.
#[derive(Debug, Clone)]
pub struct Network {
    /// Registry host (`docker.io`, `ghcr.io`) → the base URL asked in its
    /// place (`https://mirror.example.com`, `http://127.0.0.1:5000`).
    pub mirrors: HashMap<String, String>,
    /// Registry hosts (`host` or `host:port`) that the project's
    /// configuration says may be spoken to over plain HTTP: anonymously
    /// only, since the configuration is the repository's, not the user's.
    pub insecure: Vec<String>,
    /// Registry hosts the user allows plain HTTP for, credentials included
    /// (`--insecure-registry`, `$REPRO_AUDIT_INSECURE_REGISTRIES`): the
    /// user's own word, from outside the repository.
    pub insecure_by_user: Vec<String>,
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
            insecure_by_user: Vec::new(),
            github_url: "https://github.com".to_owned(),
            github_token: None,
            timeout: Duration::from_secs(30),
            docker_config: None,
        }
    }
}

impl Network {
    /// The settings the environment gives: `$DOCKER_CONFIG` (else
    /// `$HOME/.docker`), `$GITHUB_TOKEN` and
    /// `$REPRO_AUDIT_INSECURE_REGISTRIES`.
    pub fn from_env() -> Network {
        let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
        Network {
            docker_config: var("DOCKER_CONFIG")
                .map(PathBuf::from)
                .or_else(|| var("HOME").map(|home| PathBuf::from(home).join(".docker"))),
            github_token: var("GITHUB_TOKEN").and_then(|v| v.into_string().ok()),
            insecure_by_user: var(INSECURE_ENV)
                .map(|v| hosts_in(&v.to_string_lossy()))
                .unwrap_or_default(),
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
            // Redirects are followed by `send`, which knows whose
            // credentials a request carries.
            .max_redirects(0)
            .user_agent(concat!("repro-audit/", env!("CARGO_PKG_VERSION")))
            .build()
            .into()
    }

    /// How long one request may take, at most [`MAX_TIMEOUT`].
    pub fn timeout(&self) -> Duration {
        self.timeout.min(MAX_TIMEOUT)
    }

    /// Whether `host` (`name` or `name:port`) may be spoken to over plain
    /// HTTP: a loopback address or name, or one the configuration or the
    /// user lists.
    pub fn allows_plain_http(&self, host: &str) -> bool {
        self.allows_credentials_over_plain_http(host) || self.insecure.iter().any(|h| h == host)
    }

    /// Whether credentials may go to `host` over plain HTTP: on this
    /// machine (where the traffic never reaches a network, and as Docker
    /// itself treats `127.0.0.0/8`), or to a host the user — not the
    /// project — declared insecure.
    pub fn allows_credentials_over_plain_http(&self, host: &str) -> bool {
        is_loopback(host) || self.insecure_by_user.iter().any(|h| h == host)
    }

    /// Whether credentials may be sent to `url`: over HTTPS, or over plain
    /// HTTP where [`Network::allows_credentials_over_plain_http`] says so;
    /// never to a URL with user information in it, whose host is easy to
    /// misread.
    pub fn may_send_credentials(&self, url: &str) -> bool {
        let Some(host) = host_of(url) else {
            return false;
        };
        match url.split_once("://").map(|(scheme, _)| scheme) {
            Some("https") => true,
            Some("http") => self.allows_credentials_over_plain_http(&host),
            _ => false,
        }
    }
}

/// `a.lan:5000, b.lan` → the hosts, for the environment variable.
pub fn hosts_in(text: &str) -> Vec<String> {
    text.split([',', ' ', '\t', '\n'])
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The instant `timeout` (at most [`MAX_TIMEOUT`]) from now; now itself in
/// the impossible case that the clock cannot count that far.
pub fn deadline_after(timeout: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(timeout.min(MAX_TIMEOUT)).unwrap_or(now)
}

/// A request's method: lookups only read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Head,
}

/// A request for [`send`].
#[derive(Debug, Clone)]
pub struct Request {
    pub method: Method,
    pub url: String,
    /// Headers for every host on the way (`Accept`).
    pub headers: Vec<(&'static str, String)>,
    /// The `Authorization` header: sent to the URL's own origin only, and
    /// never again once a redirect has left it.
    pub authorization: Option<String>,
}

impl Request {
    pub fn get(url: impl Into<String>) -> Request {
        Request {
            method: Method::Get,
            url: url.into(),
            headers: Vec::new(),
            authorization: None,
        }
    }

    pub fn head(url: impl Into<String>) -> Request {
        Request {
            method: Method::Head,
            ..Request::get(url)
        }
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Request {
        self.headers.push((name, value.into()));
        self
    }

    pub fn authorization(mut self, value: Option<String>) -> Request {
        self.authorization = value;
        self
    }
}

/// The answer a request reached, after its redirects.
pub struct Reached {
    pub response: ureq::http::Response<ureq::Body>,
    /// The URL that answered.
    pub url: String,
    /// Whether every hop stayed on the first URL's origin (scheme, host
    /// and port): an answer from elsewhere (a 401 naming a token realm)
    /// is that other host's, never the first's.
    pub same_origin: bool,
}

/// Why a request got no answer.
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    #[error("{}", describe(.0))]
    Http(#[from] ureq::Error),
    /// A redirect that is not followed, and why.
    #[error("{0}")]
    Redirect(String),
    #[error("`{0}` is not an http:// or https:// URL")]
    Url(String),
}

impl RequestError {
    /// Whether the server could not be used at all (see
    /// [`is_connect_failure`]).
    pub fn is_connect_failure(&self) -> bool {
        matches!(self, RequestError::Http(e) if is_connect_failure(e))
    }
}

/// Send `request` with `agent`, following redirects here rather than in
/// the HTTP client: the `Authorization` header goes only to hops on the
/// first URL's origin, until a redirect leaves it (it is then dropped for
/// the rest of the way, even if a later redirect comes back); a redirect
/// from HTTPS to plain HTTP is followed only to a host `network` allows
/// plain HTTP for; at most [`MAX_REDIRECTS`], all within one `timeout`.
pub fn send(
    agent: &ureq::Agent,
    network: &Network,
    request: Request,
    timeout: Duration,
) -> Result<Reached, RequestError> {
    let deadline = deadline_after(timeout);
    let first = origin_of(&request.url).ok_or_else(|| RequestError::Url(request.url.clone()))?;
    let mut url = request.url.clone();
    let mut same_origin = true;
    for _ in 0..=MAX_REDIRECTS {
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Err(RequestError::Http(ureq::Error::Timeout(
                ureq::Timeout::Global,
            )));
        }
        let method = match request.method {
            Method::Get => ureq::http::Method::GET,
            Method::Head => ureq::http::Method::HEAD,
        };
        let mut builder = ureq::http::Request::builder().method(method).uri(&url);
        for (name, value) in &request.headers {
            builder = builder.header(*name, value);
        }
        if let Some(value) = request.authorization.as_ref().filter(|_| same_origin) {
            builder = builder.header("Authorization", value);
        }
        let built = builder
            .body(())
            .map_err(|_| RequestError::Url(url.clone()))?;
        let built = agent
            .configure_request(built)
            .timeout_global(Some(remaining))
            .build();
        let response = agent.run(built)?;
        let status = response.status().as_u16();
        let location = match status {
            301 | 302 | 303 | 307 | 308 => header(&response, "location").map(str::to_owned),
            _ => None,
        };
        // Not a redirect, or one with nowhere to go: the answer.
        let Some(location) = location else {
            return Ok(Reached {
                response,
                url,
                same_origin,
            });
        };
        let next = join(&url, &location).ok_or_else(|| {
            RequestError::Redirect(format!(
                "redirected to `{location}`, which is not an http:// or https:// URL"
            ))
        })?;
        let Some(origin) = origin_of(&next) else {
            return Err(RequestError::Redirect(format!(
                "redirected to `{next}`, which is not an http:// or https:// URL"
            )));
        };
        if is_downgrade(&url, &origin, network) {
            return Err(RequestError::Redirect(format!(
                "redirected from HTTPS to plain HTTP (`{next}`)"
            )));
        }
        same_origin &= origin == first;
        url = next;
    }
    Err(RequestError::Redirect(format!(
        "more than {MAX_REDIRECTS} redirects"
    )))
}

/// Whether a redirect from `from` to `to` leaves HTTPS for plain HTTP to a
/// host that may not be spoken to that way.
fn is_downgrade(from: &str, to: &Origin, network: &Network) -> bool {
    to.scheme == "http"
        && from.starts_with("https://")
        && !network.allows_plain_http(&to.host_port())
}

/// Where a URL is served from: its scheme, host and port (the scheme's
/// default when none is written), as the client connects to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub scheme: String,
    pub host: String,
    pub port: u16,
}

impl Origin {
    /// `host:port`, as registries are named (the port left out when it is
    /// the scheme's default).
    fn host_port(&self) -> String {
        match (self.scheme.as_str(), self.port) {
            ("http", 80) | ("https", 443) => self.host.clone(),
            _ => format!("{}:{}", self.host, self.port),
        }
    }
}

/// The origin of an http:// or https:// URL; none for another scheme, or
/// a URL with user information (`user@`) in it.
pub fn origin_of(url: &str) -> Option<Origin> {
    let uri = url.parse::<ureq::http::Uri>().ok()?;
    let authority = uri.authority()?;
    if authority.as_str().contains('@') {
        return None;
    }
    let scheme = uri.scheme_str()?.to_ascii_lowercase();
    let default = match scheme.as_str() {
        "http" => 80,
        "https" => 443,
        _ => return None,
    };
    Some(Origin {
        host: authority.host().to_ascii_lowercase(),
        port: authority.port_u16().unwrap_or(default),
        scheme,
    })
}

/// A redirect's `Location` read against the URL that sent it: absolute,
/// scheme-relative (`//host/path`), absolute path, or relative path.
fn join(base: &str, location: &str) -> Option<String> {
    let location = location.trim();
    if location.starts_with("http://") || location.starts_with("https://") {
        return Some(location.to_owned());
    }
    let (scheme, rest) = base.split_once("://")?;
    if let Some(network_path) = location.strip_prefix("//") {
        return Some(format!("{scheme}://{network_path}"));
    }
    // A location with a scheme of its own that is not http(s).
    if location
        .split(['/', '?', '#'])
        .next()
        .is_some_and(|first| first.contains(':'))
    {
        return None;
    }
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let origin = &base[..scheme.len() + 3 + authority_end];
    if location.starts_with('/') {
        return Some(format!("{origin}{location}"));
    }
    let path = rest[authority_end..].split(['?', '#']).next().unwrap_or("");
    let directory = path.rfind('/').map_or("/", |slash| &path[..=slash]);
    Some(format!("{origin}{directory}{location}"))
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
    fn redirect_locations() {
        let base = "https://r.example/v2/a/manifests/1?x=y";
        for (location, expected) in [
            ("https://o.example/p", Some("https://o.example/p")),
            ("//o.example/p", Some("https://o.example/p")),
            ("/v2/b", Some("https://r.example/v2/b")),
            ("2", Some("https://r.example/v2/a/manifests/2")),
            ("ftp://o.example/p", None),
            ("javascript:alert(1)", None),
        ] {
            assert_eq!(join(base, location).as_deref(), expected, "{location}");
        }
        assert_eq!(join("http://h:1", "x").as_deref(), Some("http://h:1/x"));
    }

    #[test]
    fn origins_are_scheme_host_and_port() {
        let origin = |url| origin_of(url).map(|o| (o.scheme, o.host, o.port));
        assert_eq!(
            origin("https://Registry.Example/v2/"),
            Some(("https".into(), "registry.example".into(), 443))
        );
        assert_eq!(
            origin("http://127.0.0.1/"),
            Some(("http".into(), "127.0.0.1".into(), 80))
        );
        assert_eq!(
            origin("http://[::1]:5000/"),
            Some(("http".into(), "[::1]".into(), 5000))
        );
        assert_ne!(
            origin_of("https://a.example/"),
            origin_of("http://a.example/")
        );
        assert_ne!(
            origin_of("https://a.example/"),
            origin_of("https://a.example:444/")
        );
        assert_eq!(origin_of("https://u:p@a.example/"), None);
        assert_eq!(origin_of("ftp://a.example/"), None);
    }

    #[test]
    fn no_redirect_from_https_to_plain_http_unless_allowed() {
        let network = Network {
            insecure: vec!["mirror.lan".to_owned()],
            ..Network::default()
        };
        let to = |url| origin_of(url).unwrap();
        assert!(is_downgrade(
            "https://a.example/x",
            &to("http://a.example/x"),
            &network
        ));
        assert!(!is_downgrade(
            "https://a.example/x",
            &to("http://mirror.lan/x"),
            &network
        ));
        assert!(!is_downgrade(
            "https://a.example/x",
            &to("http://127.0.0.1:9/x"),
            &network
        ));
        assert!(!is_downgrade(
            "http://a.example/x",
            &to("http://b.example/x"),
            &network
        ));
        assert!(!is_downgrade(
            "https://a.example/x",
            &to("https://b.example/x"),
            &network
        ));
    }

    /// The path and the `Authorization` header of each request a test
    /// server received.
    type Seen = std::sync::Arc<std::sync::Mutex<Vec<(String, Option<String>)>>>;

    /// A server on `ip` that answers each request with `answer(path)` and
    /// records the `Authorization` header of each.
    fn server(ip: &str, answer: impl Fn(&str) -> String + Send + 'static) -> (u16, Seen) {
        use std::io::{BufRead as _, Write as _};
        let listener = std::net::TcpListener::bind((ip, 0)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = std::sync::Arc::clone(&seen);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut reader = std::io::BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                let path = line.split(' ').nth(1).unwrap_or("").to_owned();
                let mut authorization = None;
                loop {
                    let mut header = String::new();
                    reader.read_line(&mut header).unwrap();
                    let header = header.trim_end();
                    if header.is_empty() {
                        break;
                    }
                    if let Some((name, value)) = header.split_once(':') {
                        if name.eq_ignore_ascii_case("authorization") {
                            authorization = Some(value.trim().to_owned());
                        }
                    }
                }
                log.lock().unwrap().push((path.clone(), authorization));
                let mut stream = stream;
                let _ = stream.write_all(answer(&path).as_bytes());
            }
        });
        (port, seen)
    }

    /// The Authorization header follows a redirect on the same origin, and
    /// never one to another host — here 127.0.0.2, another loopback
    /// address — nor back from it.
    #[test]
    fn credentials_never_follow_a_redirect_to_another_host() {
        let redirect = |location: String| {
            format!("HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        };
        let ok = || "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_owned();
        let first_port = std::sync::Arc::new(std::sync::atomic::AtomicU16::new(0));
        let (other, other_seen) = server("127.0.0.2", {
            let first_port = std::sync::Arc::clone(&first_port);
            move |path| match path {
                "/bounce" => redirect(format!(
                    "http://127.0.0.1:{}/returned",
                    first_port.load(std::sync::atomic::Ordering::SeqCst)
                )),
                _ => ok(),
            }
        });
        let (first, first_seen) = server("127.0.0.1", move |path| match path {
            "/same" => redirect("/end".to_owned()),
            "/away" => redirect(format!("http://127.0.0.2:{other}/there")),
            "/away-and-back" => redirect(format!("http://127.0.0.2:{other}/bounce")),
            "/loop" => redirect("/loop".to_owned()),
            _ => ok(),
        });
        first_port.store(first, std::sync::atomic::Ordering::SeqCst);
        let network = Network::default();
        let agent = network.agent();
        let secret = "Basic c2VjcmV0";
        let ask = |path: &str| {
            send(
                &agent,
                &network,
                Request::get(format!("http://127.0.0.1:{first}{path}"))
                    .authorization(Some(secret.to_owned())),
                Duration::from_secs(10),
            )
        };
        let same = ask("/same").unwrap();
        assert!(same.same_origin);
        assert_eq!(same.url, format!("http://127.0.0.1:{first}/end"));
        let away = ask("/away").unwrap();
        assert!(!away.same_origin);
        assert_eq!(away.url, format!("http://127.0.0.2:{other}/there"));
        assert!(!ask("/away-and-back").unwrap().same_origin);
        let error = ask("/loop").err().unwrap();
        assert_eq!(error.to_string(), "more than 10 redirects");
        let with = |path: &str| (path.to_owned(), Some(secret.to_owned()));
        let first_seen = first_seen.lock().unwrap().clone();
        assert_eq!(
            &first_seen[..5],
            [
                with("/same"),
                with("/end"),
                with("/away"),
                with("/away-and-back"),
                ("/returned".to_owned(), None)
            ]
        );
        let other_seen = other_seen.lock().unwrap().clone();
        assert_eq!(
            other_seen,
            [("/there".to_owned(), None), ("/bounce".to_owned(), None)]
        );
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
        // The project's word allows plain HTTP, never credentials over it.
        assert!(!network.allows_credentials_over_plain_http("registry.lan:5000"));
        assert!(network.allows_credentials_over_plain_http("127.0.0.1:5000"));
        let user = Network {
            insecure_by_user: vec!["registry.lan:5000".to_owned()],
            ..Network::default()
        };
        assert!(user.allows_credentials_over_plain_http("registry.lan:5000"));
        assert!(user.may_send_credentials("http://registry.lan:5000/v2/"));
        assert!(!network.may_send_credentials("http://registry.lan:5000/v2/"));
        assert_eq!(
            hosts_in(" a.lan:5000,b.lan  c.lan,,"),
            ["a.lan:5000", "b.lan", "c.lan"]
        );
    }
}
