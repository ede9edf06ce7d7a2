//! An image's digest, as the OCI distribution API gives it: `HEAD
//! /v2/<name>/manifests/<tag>` with the Accept headers for indexes,
//! manifest lists and manifests, answering the registry's challenge
//! (anonymous or credentialed Bearer tokens, Basic) as Docker clients do.

use std::io::Read as _;

use serde::Deserialize;
use sha2::{Digest as _, Sha256};

use super::credentials::{Credential, Credentials};
use super::net::{self, Network};
use crate::source::dockerfile::image_ref::ImageRef;

/// What we accept, a multi-platform index first: the digest written is
/// the index's whenever the tag names one, never one platform's manifest.
pub const ACCEPT: &str = "application/vnd.oci.image.index.v1+json, \
application/vnd.docker.distribution.manifest.list.v2+json, \
application/vnd.oci.image.manifest.v1+json, \
application/vnd.docker.distribution.manifest.v2+json";

const MEDIA_TYPES: &[&str] = &[
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
];

/// The largest manifest read when its digest must be computed.
const MAX_MANIFEST: u64 = 4 * 1024 * 1024;

/// Where an image lives: its registry (as credentials name it), the base
/// URLs to ask, its repository and the tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// `docker.io`, `ghcr.io`, `localhost:5000`.
    pub registry: String,
    /// How messages name where it was asked: the registry, or the mirror
    /// asked in its place.
    pub shown: String,
    /// `https://registry-1.docker.io`; with a second, plain-HTTP URL to
    /// fall back on for loopback and configured registries.
    pub bases: Vec<String>,
    /// `library/python`.
    pub repository: String,
    pub tag: String,
}

/// Where `reference` is to be looked up: Docker Hub names normalised as
/// Docker normalises them (`python` → `docker.io/library/python`).
pub fn locate(reference: &ImageRef, network: &Network) -> Location {
    let (registry, repository) = match &reference.domain {
        Some(domain) => (
            domain.clone(),
            reference.name[domain.len() + 1..].to_owned(),
        ),
        None => ("docker.io".to_owned(), reference.name.clone()),
    };
    let registry = match registry.as_str() {
        "index.docker.io" | "registry-1.docker.io" => "docker.io".to_owned(),
        _ => registry,
    };
    let repository = if registry == "docker.io" && !repository.contains('/') {
        format!("library/{repository}")
    } else {
        repository
    };
    let mirror = network.mirrors.get(&registry);
    let shown = match mirror {
        Some(url) => format!("{registry} (through {})", url.trim_end_matches('/')),
        None => registry.clone(),
    };
    let bases = match mirror {
        Some(mirror) => vec![mirror.trim_end_matches('/').to_owned()],
        None => {
            let host = if registry == "docker.io" {
                "registry-1.docker.io"
            } else {
                registry.as_str()
            };
            let mut bases = vec![format!("https://{host}")];
            if network.allows_plain_http(&registry) {
                bases.push(format!("http://{host}"));
            }
            bases
        }
    };
    Location {
        registry,
        shown,
        bases,
        repository,
        tag: reference.tag.clone().unwrap_or_else(|| "latest".to_owned()),
    }
}

/// A registry client for one run: one agent, the Docker credentials.
pub struct Registry<'a> {
    pub network: &'a Network,
    pub agent: ureq::Agent,
    pub credentials: &'a Credentials,
    /// Registries that could not be reached, and why: their other
    /// references are not tried again in this run.
    pub unreachable: std::sync::Mutex<std::collections::HashMap<String, String>>,
}

impl Registry<'_> {
    /// The digest `reference`'s tag names now (`sha256:…`), or why not.
    pub fn digest(&self, reference: &str) -> Result<String, String> {
        let parsed = ImageRef::parse(reference);
        let location = locate(&parsed, self.network);
        if let Some(why) = self
            .unreachable
            .lock()
            .ok()
            .and_then(|dead| dead.get(&location.registry).cloned())
        {
            return Err(why);
        }
        // HTTPS's failure is the one to tell, when plain HTTP fails too.
        let mut first_error: Option<String> = None;
        for (index, base) in location.bases.iter().enumerate() {
            match self.digest_at(base, &location) {
                Ok(digest) => return Ok(digest),
                // Plain HTTP is tried only when HTTPS did not answer.
                Err(Failure::Transport(e, _)) if index + 1 < location.bases.len() => {
                    first_error.get_or_insert(e);
                }
                Err(Failure::Transport(e, connecting)) => {
                    let e = first_error.unwrap_or(e);
                    let why = format!("registry {} unreachable: {e}", location.shown);
                    // Only a registry that could not be connected to is not
                    // asked again: one slow or odd answer says nothing of
                    // the others.
                    if connecting {
                        if let Ok(mut dead) = self.unreachable.lock() {
                            dead.insert(location.registry.clone(), why.clone());
                        }
                    }
                    return Err(why);
                }
                Err(Failure::Answer(e)) => return Err(e),
            }
        }
        Err(first_error.unwrap_or_default())
    }

    fn digest_at(&self, base: &str, location: &Location) -> Result<String, Failure> {
        let mut url = format!(
            "{base}/v2/{}/manifests/{}",
            location.repository, location.tag
        );
        let mut authorization: Option<String> = None;
        let mut asked_token = false;
        let mut method_get = false;
        // Why the user's credentials were not used, when they were not:
        // said when the registry then refuses.
        let mut withheld: Option<String> = None;
        loop {
            let request = if method_get {
                net::Request::get(url.as_str())
            } else {
                net::Request::head(url.as_str())
            };
            let request = request
                .header("Accept", ACCEPT)
                .authorization(authorization.clone());
            let reached = net::send(&self.agent, self.network, request, self.network.timeout())
                .map_err(Failure::transport)?;
            let mut response = reached.response;
            let status = response.status().as_u16();
            // A registry that speaks only HTTPS answers plain HTTP with 400.
            if status == 400 && base.starts_with("http://") {
                return Err(Failure::Transport(
                    "it answers HTTPS only".to_owned(),
                    false,
                ));
            }
            match status {
                200 => {
                    let media = net::header(&response, "content-type")
                        .map(|m| m.split(';').next().unwrap_or_default().trim().to_owned())
                        .unwrap_or_default();
                    if !media.is_empty() && !MEDIA_TYPES.contains(&media.as_str()) {
                        return Err(Failure::Answer(format!(
                            "{} answered with a `{media}` manifest, which cannot be pinned",
                            location.registry
                        )));
                    }
                    let header = net::header(&response, "docker-content-digest").map(str::to_owned);
                    if !method_get {
                        match header {
                            Some(digest) => return checked(&digest, location),
                            // No digest in the answer: read the manifest
                            // and hash it.
                            None => {
                                method_get = true;
                                continue;
                            }
                        }
                    }
                    let mut body = Vec::new();
                    response
                        .body_mut()
                        .with_config()
                        .limit(MAX_MANIFEST)
                        .reader()
                        .read_to_end(&mut body)
                        .map_err(|e| Failure::Answer(format!("reading the manifest: {e}")))?;
                    let computed =
                        format!("sha256:{}", crate::resolve::hex(&Sha256::digest(&body)));
                    if let Some(digest) = header {
                        if digest != computed {
                            return Err(Failure::Answer(format!(
                                "{} sent a manifest whose digest is {computed}, not the {digest} it claims",
                                location.registry
                            )));
                        }
                    }
                    return Ok(computed);
                }
                // Registries that refuse HEAD are asked with GET.
                405 if !method_get => method_get = true,
                401 if !asked_token => {
                    asked_token = true;
                    let challenge = net::header(&response, "www-authenticate")
                        .unwrap_or_default()
                        .to_owned();
                    let credential = if reached.same_origin {
                        self.credential_for(base, &mut withheld)?
                    } else {
                        // The challenge is the host's the registry
                        // redirected to, and so is its realm: that host is
                        // asked directly from now on, anonymously — the
                        // credentials are the registry's own.
                        let elsewhere = net::host_of(&reached.url).unwrap_or_default();
                        withheld = Some(format!(
                            "{} redirected to {elsewhere}, which is sent no credentials",
                            location.shown
                        ));
                        url = reached.url.clone();
                        None
                    };
                    authorization = Some(self.authorize(
                        &challenge,
                        credential.as_ref(),
                        withheld.as_deref(),
                        location,
                    )?);
                }
                401 | 403 => {
                    let mut why = format!(
                        "{} refused access to {} ({status})",
                        location.shown, location.repository
                    );
                    if let Some(withheld) = &withheld {
                        why.push_str(&format!("; {withheld}"));
                    } else if let Some(problem) = &self.credentials.problem {
                        why.push_str(&format!("; {problem}"));
                    } else if matches!(
                        self.credentials.for_registry(&credential_key(base)),
                        Ok(None)
                    ) {
                        why.push_str("; no credentials for it in the Docker config");
                    }
                    return Err(Failure::Answer(why));
                }
                404 => {
                    return Err(Failure::Answer(format!(
                        "{} has no tag `{}` for {}",
                        location.shown, location.tag, location.repository
                    )))
                }
                429 => {
                    return Err(Failure::Answer(format!(
                        "{} is rate-limiting requests (429); log in to raise the limit",
                        location.shown
                    )))
                }
                other => {
                    return Err(Failure::Answer(format!(
                        "{} answered HTTP {other} for {}:{}",
                        location.shown, location.repository, location.tag
                    )))
                }
            }
        }
    }

    /// The credential for the host asked at `base` — a mirror's own, never
    /// the registry's it stands in for — unless `base` is plain HTTP to a
    /// host the user has not allowed it for: then none, and `withheld`
    /// says why.
    fn credential_for(
        &self,
        base: &str,
        withheld: &mut Option<String>,
    ) -> Result<Option<Credential>, Failure> {
        let key = credential_key(base);
        if !self.network.may_send_credentials(base) {
            let host = net::host_of(base).unwrap_or_else(|| key.clone());
            *withheld = Some(format!(
                "credentials are not sent over plain HTTP to {host} unless you allow it (`--insecure-registry {host}` or ${})",
                net::INSECURE_ENV
            ));
            return Ok(None);
        }
        self.credentials.for_registry(&key).map_err(Failure::Answer)
    }

    /// The Authorization header that answers `challenge`: a Bearer token
    /// from the realm (with the credential as Basic authentication when
    /// there is one), or the credential itself for a Basic challenge;
    /// `withheld` says why there is none when there could have been one.
    fn authorize(
        &self,
        challenge: &str,
        credential: Option<&Credential>,
        withheld: Option<&str>,
        location: &Location,
    ) -> Result<String, Failure> {
        let (scheme, params) = parse_challenge(challenge);
        if scheme.eq_ignore_ascii_case("basic") {
            return credential
                .map(|c| net::basic(&c.user, &c.secret))
                .ok_or_else(|| {
                    Failure::Answer(match withheld {
                        Some(why) => format!(
                            "{} wants a user name and password; {why}",
                            location.shown
                        ),
                        None => format!(
                            "{} wants a user name and password, and the Docker config has none for it",
                            location.shown
                        ),
                    })
                });
        }
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(Failure::Answer(format!(
                "{} asked for `{scheme}` authentication, which is not supported",
                location.shown
            )));
        }
        let realm = params.get("realm").ok_or_else(|| {
            Failure::Answer(format!(
                "{}'s Bearer challenge names no realm",
                location.registry
            ))
        })?;
        let scope = params
            .get("scope")
            .cloned()
            .unwrap_or_else(|| format!("repository:{}:pull", location.repository));
        let mut query = vec![("scope", scope.as_str())];
        if let Some(service) = params.get("service") {
            query.push(("service", service));
        }
        // Credentials go to the realm the registry announced, over HTTPS,
        // or over plain HTTP only where the user allows it.
        let credential = credential.filter(|_| self.network.may_send_credentials(realm));
        if let Some(c) = credential {
            query.push(("account", &c.user));
        }
        let request = net::Request::get(with_query(realm, &query))
            .authorization(credential.map(|c| net::basic(&c.user, &c.secret)));
        let reached = net::send(&self.agent, self.network, request, self.network.timeout())
            .map_err(|e| Failure::Answer(format!("token server {realm} unreachable: {e}")))?;
        let mut response = reached.response;
        let status = response.status().as_u16();
        if status != 200 {
            return Err(Failure::Answer(format!(
                "token server {realm} answered HTTP {status} for {scope}"
            )));
        }
        #[derive(Deserialize)]
        struct TokenAnswer {
            token: Option<String>,
            access_token: Option<String>,
        }
        let body = response
            .body_mut()
            .with_config()
            .limit(1024 * 1024)
            .read_to_vec()
            .map_err(|e| Failure::Answer(format!("token server {realm}: {e}")))?;
        let answer: TokenAnswer = serde_json::from_slice(&body)
            .map_err(|e| Failure::Answer(format!("token server {realm} sent no token: {e}")))?;
        let token = answer
            .token
            .or(answer.access_token)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| Failure::Answer(format!("token server {realm} sent no token")))?;
        Ok(format!("Bearer {token}"))
    }
}

/// `url` with `query` added, each value percent-encoded as a form's.
fn with_query(url: &str, query: &[(&str, &str)]) -> String {
    let mut out = url.to_owned();
    for (index, (name, value)) in query.iter().enumerate() {
        let first = index == 0 && !url.contains('?');
        out.push(if first { '?' } else { '&' });
        out.push_str(name);
        out.push('=');
        for byte in value.bytes() {
            match byte {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    out.push(char::from(byte))
                }
                other => out.push_str(&format!("%{other:02X}")),
            }
        }
    }
    out
}

enum Failure {
    /// No answer: TLS, timeout; `true` when the host could not even be
    /// connected to (not found, refused, no route).
    Transport(String, bool),
    /// An answer that is not a digest.
    Answer(String),
}

impl Failure {
    fn transport(error: net::RequestError) -> Failure {
        let connecting = error.is_connect_failure();
        Failure::Transport(error.to_string(), connecting)
    }
}

/// Whose credentials answer a challenge from `base`: the registry's when
/// it is asked itself, the mirror's host when a mirror stands in for it.
fn credential_key(base: &str) -> String {
    match net::host_of(base).as_deref() {
        Some("registry-1.docker.io") => "docker.io".to_owned(),
        Some(host) => host.to_owned(),
        None => base.to_owned(),
    }
}

fn checked(digest: &str, location: &Location) -> Result<String, Failure> {
    let valid = digest.strip_prefix("sha256:").is_some_and(|hex| {
        hex.len() == 64 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    });
    if valid {
        Ok(digest.to_owned())
    } else {
        Err(Failure::Answer(format!(
            "{} gave `{digest}`, which is not a sha256 digest",
            location.registry
        )))
    }
}

/// `Bearer realm="…",service="…",scope="…"` → the scheme and its
/// parameters (quoted or not; commas inside quotes kept).
pub fn parse_challenge(header: &str) -> (String, std::collections::HashMap<String, String>) {
    let header = header.trim();
    let (scheme, rest) = header.split_once(' ').unwrap_or((header, ""));
    let mut params = std::collections::HashMap::new();
    let mut chars = rest.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| *c == ',' || c.is_whitespace()) {
            chars.next();
        }
        let key: String = chars.by_ref().take_while(|c| *c != '=').collect();
        if key.is_empty() {
            break;
        }
        let mut value = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => value.extend(chars.next()),
                    '"' => break,
                    c => value.push(c),
                }
            }
        } else {
            while let Some(c) = chars.peek().copied() {
                if c == ',' {
                    break;
                }
                value.push(c);
                chars.next();
            }
        }
        params.insert(key.trim().to_ascii_lowercase(), value.trim().to_owned());
    }
    (scheme.to_owned(), params)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(reference: &str) -> Location {
        locate(&ImageRef::parse(reference), &Network::default())
    }

    #[test]
    fn docker_hub_names_are_normalised() {
        let python = at("python:3.12-slim");
        assert_eq!(python.registry, "docker.io");
        assert_eq!(python.bases, vec!["https://registry-1.docker.io"]);
        assert_eq!(python.repository, "library/python");
        assert_eq!(python.tag, "3.12-slim");
        assert_eq!(at("bitnami/redis").repository, "bitnami/redis");
        assert_eq!(at("bitnami/redis").tag, "latest");
        assert_eq!(at("docker.io/library/node:20").repository, "library/node");
        assert_eq!(at("index.docker.io/node:20").repository, "library/node");
        let ghcr = at("ghcr.io/owner/app:1");
        assert_eq!(
            (ghcr.registry.as_str(), ghcr.repository.as_str()),
            ("ghcr.io", "owner/app")
        );
        assert_eq!(ghcr.bases, vec!["https://ghcr.io"]);
    }

    #[test]
    fn plain_http_only_for_loopback_and_configured_registries() {
        assert_eq!(
            at("localhost:5000/app:1").bases,
            vec!["https://localhost:5000", "http://localhost:5000"]
        );
        let mut network = Network::default();
        network
            .mirrors
            .insert("docker.io".into(), "http://127.0.0.1:5000/".into());
        let mirrored = locate(&ImageRef::parse("python:3"), &network);
        assert_eq!(mirrored.bases, vec!["http://127.0.0.1:5000"]);
        assert_eq!(mirrored.repository, "library/python");
    }

    #[test]
    fn credentials_go_only_to_safe_token_servers() {
        let network = Network {
            insecure: vec!["project.lan:5000".to_owned()],
            insecure_by_user: vec!["user.lan:5000".to_owned()],
            ..Network::default()
        };
        for (realm, expected) in [
            // The project may make plain HTTP allowed, never credentials
            // over it; the user may.
            ("http://project.lan:5000/token", false),
            ("http://user.lan:5000/token", true),
            ("https://auth.docker.io/token", true),
            ("http://127.0.0.1:5001/token", true),
            ("http://[::1]:5001/token", true),
            ("http://localhost/token", true),
            ("http://auth.example.com/token", false),
            ("http://[::1]@192.0.2.2:18734/token", false),
            ("https://user@auth.example.com/token", false),
            ("ftp://127.0.0.1/token", false),
            ("not a url", false),
        ] {
            assert_eq!(network.may_send_credentials(realm), expected, "{realm}");
        }
    }

    #[test]
    fn token_queries_are_percent_encoded() {
        assert_eq!(
            with_query(
                "https://auth.example.com/token",
                &[("scope", "repository:a/b:pull"), ("service", "x y")]
            ),
            "https://auth.example.com/token?scope=repository%3Aa%2Fb%3Apull&service=x%20y"
        );
        assert_eq!(
            with_query("http://127.0.0.1/t?x=1", &[("account", "me")]),
            "http://127.0.0.1/t?x=1&account=me"
        );
    }

    #[test]
    fn challenges() {
        let (scheme, params) = parse_challenge(
            r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/python:pull,push""#,
        );
        assert_eq!(scheme, "Bearer");
        assert_eq!(params["realm"], "https://auth.docker.io/token");
        assert_eq!(params["service"], "registry.docker.io");
        assert_eq!(params["scope"], "repository:library/python:pull,push");
        let (scheme, params) = parse_challenge(r#"Basic realm="Registry Realm""#);
        assert_eq!(scheme, "Basic");
        assert_eq!(params["realm"], "Registry Realm");
    }
}
