//! Registry credentials as the Docker client keeps them: `config.json` in
//! `$DOCKER_CONFIG` (else `~/.docker`), with `auths`, `credHelpers` and
//! `credsStore`, the helpers spoken to through the `docker-credential-*`
//! protocol (`get`, the server on standard input, JSON on standard output).

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;
use std::sync::Mutex;
use std::time::Duration;

use super::process;

use serde::Deserialize;

/// A user name and its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    pub user: String,
    pub secret: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DockerConfig {
    #[serde(default)]
    auths: HashMap<String, AuthEntry>,
    #[serde(default)]
    cred_helpers: HashMap<String, String>,
    #[serde(default)]
    creds_store: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct AuthEntry {
    #[serde(default)]
    auth: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct HelperAnswer {
    username: String,
    secret: String,
}

/// The Docker configuration of a run, read once.
#[derive(Debug, Default)]
pub struct Credentials {
    config: DockerConfig,
    /// Why the file could not be used, for the messages of a 401.
    pub problem: Option<String>,
    /// How long a credential helper may take.
    pub timeout: Duration,
    /// Each registry's answer, asked once per run.
    known: Mutex<HashMap<String, Result<Option<Credential>, String>>>,
}

/// The largest Docker config read: a few KiB with dozens of registries.
pub const MAX_DOCKER_CONFIG: u64 = 1024 * 1024;

/// The most a credential helper may print: its answer is a user name and
/// a token of a few KiB.
const MAX_HELPER_OUTPUT: u64 = 1024 * 1024;

/// The key Docker Hub's credentials are stored under.
const DOCKER_HUB_KEY: &str = "https://index.docker.io/v1/";

impl Credentials {
    /// Read `config.json` in `dir`; none there is no credentials. The file
    /// is outside the repository but may still be anything: it is read only
    /// when it is a regular file no larger than [`MAX_DOCKER_CONFIG`] (a
    /// FIFO would hang the run, `/dev/zero` exhaust its memory), and when
    /// it is not, [`Credentials::problem`] says which file and why, and
    /// lookups go on without credentials. A credential helper may take
    /// `timeout`.
    pub fn load(dir: Option<&Path>, timeout: Duration) -> Credentials {
        let mut credentials = Credentials {
            timeout,
            ..Credentials::default()
        };
        let Some(path) = dir.map(|d| d.join("config.json")) else {
            return credentials;
        };
        // No file is no credentials, as for Docker; `symlink_metadata`
        // opens nothing, so a FIFO is not waited on here either.
        if let Err(e) = std::fs::symlink_metadata(&path) {
            if e.kind() == std::io::ErrorKind::NotFound {
                return credentials;
            }
        }
        let bytes = match crate::input::read_file(&path, MAX_DOCKER_CONFIG) {
            Ok(bytes) => bytes,
            Err(why) => {
                credentials.problem = Some(format!(
                    "the Docker config {} cannot be read: {why}",
                    path.display()
                ));
                return credentials;
            }
        };
        match serde_json::from_slice(&bytes) {
            Ok(config) => credentials.config = config,
            Err(e) => {
                credentials.problem = Some(format!(
                    "the Docker config {} is not valid: {e}",
                    path.display()
                ))
            }
        }
        credentials
    }

    /// The credential for registry `host` (`docker.io` for Docker Hub), or
    /// none: a `credHelpers` entry first, then `credsStore`, then `auths`.
    pub fn for_registry(&self, host: &str) -> Result<Option<Credential>, String> {
        // Held while a helper runs: lookups running at once wait for the
        // one answer instead of running the helper again.
        let Ok(mut known) = self.known.lock() else {
            return self.look_up(host);
        };
        if let Some(answer) = known.get(host) {
            return answer.clone();
        }
        let found = self.look_up(host);
        known.insert(host.to_owned(), found.clone());
        found
    }

    fn look_up(&self, host: &str) -> Result<Option<Credential>, String> {
        let hub = host == "docker.io";
        let keys: Vec<String> = if hub {
            vec![
                DOCKER_HUB_KEY.to_owned(),
                "docker.io".to_owned(),
                "index.docker.io".to_owned(),
                "registry-1.docker.io".to_owned(),
            ]
        } else {
            vec![
                host.to_owned(),
                format!("https://{host}"),
                format!("http://{host}"),
            ]
        };
        let server = if hub { DOCKER_HUB_KEY } else { host };
        if let Some(helper) = keys.iter().find_map(|k| self.config.cred_helpers.get(k)) {
            return run_helper(helper, server, self.timeout);
        }
        if let Some(store) = &self.config.creds_store {
            if let Some(found) = run_helper(store, server, self.timeout)? {
                return Ok(Some(found));
            }
        }
        let Some(entry) = keys.iter().find_map(|k| {
            self.config
                .auths
                .iter()
                .find(|(key, _)| key.trim_end_matches('/') == k.trim_end_matches('/'))
                .map(|(_, entry)| entry)
        }) else {
            return Ok(None);
        };
        if let Some(auth) = entry.auth.as_deref().filter(|a| !a.is_empty()) {
            use base64::Engine as _;
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(auth.trim())
                .map_err(|_| format!("the Docker config's `auth` for {host} is not base64"))?;
            let decoded = String::from_utf8_lossy(&decoded).into_owned();
            let (user, secret) = decoded.split_once(':').ok_or_else(|| {
                format!("the Docker config's `auth` for {host} is not `user:secret`")
            })?;
            return Ok(Some(Credential {
                user: user.to_owned(),
                secret: secret.to_owned(),
            }));
        }
        Ok(match (&entry.username, &entry.password) {
            (Some(user), Some(secret)) => Some(Credential {
                user: user.clone(),
                secret: secret.clone(),
            }),
            _ => None,
        })
    }
}

/// `docker-credential-<name> get` for `server`; a helper that knows no
/// credential for it says so, and that is none. It may take `timeout`.
fn run_helper(name: &str, server: &str, timeout: Duration) -> Result<Option<Credential>, String> {
    let program = format!("docker-credential-{name}");
    // A name with a path in it would run a program by that path (relative
    // to the repository being audited) instead of one found on PATH.
    if name.contains(['/', '\\']) || name.is_empty() {
        return Err(format!(
            "credential helper `{program}`: not a helper name (it holds a path)"
        ));
    }
    let output = process::run(
        Command::new(&program).arg("get"),
        server.as_bytes(),
        timeout,
        MAX_HELPER_OUTPUT,
    )
    .map_err(|e| format!("credential helper `{program}`: {e}"))?;
    if !output.status.success() {
        let said = String::from_utf8_lossy(&output.stdout).trim().to_owned()
            + String::from_utf8_lossy(&output.stderr).trim();
        if said.contains("credentials not found") {
            return Ok(None);
        }
        return Err(format!("credential helper `{program}` failed: {said}"));
    }
    let answer: HelperAnswer = serde_json::from_slice(&output.stdout).map_err(|e| {
        format!("credential helper `{program}` answered something else than credentials: {e}")
    })?;
    // `<token>` is an identity token for Docker's OAuth flow, which is not
    // a password.
    if answer.username == "<token>" {
        return Ok(None);
    }
    Ok(Some(Credential {
        user: answer.username,
        secret: answer.secret,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(json: &str) -> Credentials {
        Credentials {
            config: serde_json::from_str(json).unwrap(),
            timeout: Duration::from_secs(5),
            ..Credentials::default()
        }
    }

    #[test]
    fn auths_by_host_and_docker_hub_key() {
        let credentials = from(
            r#"{"auths": {
                "https://index.docker.io/v1/": {"auth": "aHViOnNlY3JldA=="},
                "registry.example.com:5000": {"auth": "dXNlcjpwYTpzcw=="},
                "https://other.example.com/": {"username": "u", "password": "p"}
            }}"#,
        );
        assert_eq!(
            credentials.for_registry("docker.io").unwrap(),
            Some(Credential {
                user: "hub".into(),
                secret: "secret".into()
            })
        );
        // The secret may itself hold a colon.
        assert_eq!(
            credentials
                .for_registry("registry.example.com:5000")
                .unwrap(),
            Some(Credential {
                user: "user".into(),
                secret: "pa:ss".into()
            })
        );
        assert_eq!(
            credentials.for_registry("other.example.com").unwrap(),
            Some(Credential {
                user: "u".into(),
                secret: "p".into()
            })
        );
        assert_eq!(credentials.for_registry("ghcr.io").unwrap(), None);
    }

    #[test]
    fn a_helper_name_with_a_path_is_refused_before_it_runs() {
        for name in ["../../bin/sh", "/bin/sh", "a\\b", ""] {
            let error = run_helper(name, "ghcr.io", Duration::from_secs(5)).unwrap_err();
            assert!(error.contains("not a helper name"), "{name}: {error}");
        }
    }

    #[test]
    fn a_missing_helper_is_an_error_not_silence() {
        let credentials = from(r#"{"credHelpers": {"ghcr.io": "no-such-helper-here"}}"#);
        let error = credentials.for_registry("ghcr.io").unwrap_err();
        assert!(
            error.contains("docker-credential-no-such-helper-here"),
            "{error}"
        );
    }
}
