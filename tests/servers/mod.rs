//! Real servers on loopback for the `--fix` tests, started by the tests and
//! stopped when dropped: Debian's `docker-registry` (the CNCF distribution
//! registry) with no authentication, `htpasswd` or token authentication;
//! images pushed into it with Debian's `skopeo` from OCI layouts built here;
//! a token issuer signing with a key the registry trusts; a plain HTTP
//! server; git's smart HTTP through `git http-backend`.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use base64::Engine as _;
use sha2::{Digest as _, Sha256};

/// Whether `tools` are all on PATH; when one is missing the test is
/// skipped with a notice, unless `REPRO_AUDIT_REQUIRE_ORACLES` is set (as
/// `.ci/run` sets it, after installing them): then it fails.
pub fn have(tools: &[&str]) -> bool {
    let missing: Vec<&str> = tools
        .iter()
        .copied()
        .filter(|tool| {
            !std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
                .any(|dir| dir.join(tool).is_file())
        })
        .collect();
    if missing.is_empty() {
        return true;
    }
    assert!(
        std::env::var_os("REPRO_AUDIT_REQUIRE_ORACLES").is_none(),
        "{} missing; `bash scripts/servers.sh` installs them",
        missing.join(", ")
    );
    eprintln!(
        "skipped: {} not installed (bash scripts/servers.sh)",
        missing.join(", ")
    );
    false
}

/// This machine's address on its network (not a loopback one), as the
/// route to a documentation address reports it (no packet is sent); none
/// when it has no network.
pub fn network_address() -> Option<String> {
    let socket = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    socket.connect("192.0.2.1:9").ok()?;
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then(|| ip.to_string())
}

/// A fresh directory for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("repro-audit-fix-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_until_listening(port: u16, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "{what} did not start on port {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

pub fn sha256(bytes: &[u8]) -> String {
    repro_audit::resolve::hex(&Sha256::digest(bytes))
}

fn run(command: &mut Command) -> String {
    let output = command.output().expect("the command runs");
    assert!(
        output.status.success(),
        "{command:?} failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// How a registry asks for credentials.
pub enum Auth<'a> {
    None,
    /// `htpasswd` with this file.
    Htpasswd(&'a Path),
    /// Distribution's `auth.token`: the issuer's realm, and the bundle of
    /// certificates whose keys may sign tokens.
    Token {
        realm: String,
        bundle: &'a Path,
    },
}

/// The service and issuer names the token registry expects.
pub const SERVICE: &str = "repro-audit-test-registry";
pub const ISSUER: &str = "repro-audit-test-issuer";

pub struct Registry {
    child: Child,
    pub port: u16,
}

impl Registry {
    /// A registry over `storage` (shared by several, read only but by the
    /// first) on a free loopback port.
    pub fn start(dir: &Path, storage: &Path, auth: Auth) -> Registry {
        Registry::serve(dir, storage, auth, None)
    }

    /// Over HTTPS, with this certificate and key.
    pub fn start_tls(dir: &Path, storage: &Path, certificate: &Path, key: &Path) -> Registry {
        Registry::serve(dir, storage, Auth::None, Some((certificate, key)))
    }

    fn serve(dir: &Path, storage: &Path, auth: Auth, tls: Option<(&Path, &Path)>) -> Registry {
        let port = free_port();
        let tls = match tls {
            Some((certificate, key)) => format!(
                "  tls:\n    certificate: {}\n    key: {}\n",
                certificate.display(),
                key.display()
            ),
            None => String::new(),
        };
        let auth = match auth {
            Auth::None => String::new(),
            Auth::Htpasswd(file) => format!(
                "auth:\n  htpasswd:\n    realm: test\n    path: {}\n",
                file.display()
            ),
            Auth::Token { realm, bundle } => format!(
                "auth:\n  token:\n    realm: {realm}\n    service: {SERVICE}\n    issuer: {ISSUER}\n    rootcertbundle: {}\n",
                bundle.display()
            ),
        };
        let config = dir.join(format!("registry-{port}.yml"));
        std::fs::write(
            &config,
            format!(
                "version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: {}\nhttp:\n  addr: 127.0.0.1:{port}\n{tls}{auth}",
                storage.display()
            ),
        )
        .unwrap();
        let child = Command::new("docker-registry")
            .arg("serve")
            .arg(&config)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("docker-registry starts");
        wait_until_listening(port, "docker-registry");
        Registry { child, port }
    }

    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An OCI image layout, built blob by blob.
pub struct Layout {
    pub dir: PathBuf,
    refs: Vec<serde_json::Value>,
}

/// A blob's digest and size.
#[derive(Clone)]
pub struct Blob {
    pub digest: String,
    pub size: usize,
}

impl Layout {
    pub fn new(dir: &Path) -> Layout {
        std::fs::create_dir_all(dir.join("blobs/sha256")).unwrap();
        std::fs::write(dir.join("oci-layout"), r#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
        Layout {
            dir: dir.to_owned(),
            refs: Vec::new(),
        }
    }

    pub fn blob(&self, bytes: &[u8]) -> Blob {
        let hex = sha256(bytes);
        std::fs::write(self.dir.join("blobs/sha256").join(&hex), bytes).unwrap();
        Blob {
            digest: format!("sha256:{hex}"),
            size: bytes.len(),
        }
    }

    /// One platform's image: a config, one layer (an empty tar archive,
    /// uncompressed, so that every digest is the same on every machine) and
    /// the manifest naming them.
    pub fn image(&self, arch: &str, label: &str) -> Blob {
        let layer = self.blob(&[0u8; 10240]);
        let config = self.blob(
            serde_json::json!({
                "architecture": arch,
                "os": "linux",
                "config": {"Labels": {"test": label}},
                "rootfs": {"type": "layers", "diff_ids": []}
            })
            .to_string()
            .as_bytes(),
        );
        self.blob(
            serde_json::json!({
                "schemaVersion": 2,
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config.digest, "size": config.size},
                "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": layer.digest, "size": layer.size}]
            })
            .to_string()
            .as_bytes(),
        )
    }

    /// A multi-platform index of `images` (architecture, manifest).
    pub fn index(&self, images: &[(&str, Blob)]) -> Blob {
        let manifests: Vec<serde_json::Value> = images
            .iter()
            .map(|(arch, blob)| {
                serde_json::json!({
                    "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "digest": blob.digest, "size": blob.size,
                    "platform": {"architecture": arch, "os": "linux"}
                })
            })
            .collect();
        self.blob(
            serde_json::json!({
                "schemaVersion": 2,
                "mediaType": "application/vnd.oci.image.index.v1+json",
                "manifests": manifests
            })
            .to_string()
            .as_bytes(),
        )
    }

    /// Name `blob` (a manifest or an index) `name` in the layout.
    pub fn name(&mut self, name: &str, blob: &Blob, index: bool) {
        let media = if index {
            "application/vnd.oci.image.index.v1+json"
        } else {
            "application/vnd.oci.image.manifest.v1+json"
        };
        self.refs.push(serde_json::json!({
            "mediaType": media, "digest": blob.digest, "size": blob.size,
            "annotations": {"org.opencontainers.image.ref.name": name}
        }));
        std::fs::write(
            self.dir.join("index.json"),
            serde_json::json!({"schemaVersion": 2, "manifests": self.refs}).to_string(),
        )
        .unwrap();
    }

    /// `skopeo copy --all oci:<layout>:<name> docker://<destination>`.
    pub fn push(&self, name: &str, destination: &str) {
        run(Command::new("skopeo")
            .args([
                "--insecure-policy",
                "copy",
                "--all",
                "--preserve-digests",
                "--quiet",
                "--dest-tls-verify=false",
            ])
            .arg(format!("oci:{}:{name}", self.dir.display()))
            .arg(format!("docker://{destination}")));
    }
}

/// The images every registry test sees, pushed once into one storage
/// directory that each test's registry then serves.
pub struct Images {
    pub storage: PathBuf,
    /// `library/python:3.12-slim`: a two-platform index.
    pub python_index: String,
    /// Its amd64 manifest, which must never be what is written.
    pub python_amd64: String,
    /// `library/alpine:3.20` and `library/alpine:latest`: single manifests.
    pub alpine: String,
    pub alpine_latest: String,
    /// `team/app:1.4`.
    pub app: String,
}

/// Build the layout, push it through a registry with no authentication,
/// stop it; once per test binary. The storage also holds the example
/// project's images under their own names: `library/python:3.13-slim` and
/// `nixos/nix:latest`, both indexes.
pub fn images() -> &'static Images {
    static IMAGES: OnceLock<Images> = OnceLock::new();
    IMAGES.get_or_init(|| {
        let dir = scratch("images");
        let storage = dir.join("storage");
        let mut layout = Layout::new(&dir.join("layout"));
        let amd64 = layout.image("amd64", "python");
        let arm64 = layout.image("arm64", "python");
        let index = layout.index(&[("amd64", amd64.clone()), ("arm64", arm64)]);
        layout.name("python", &index, true);
        let alpine = layout.image("amd64", "alpine-3.20");
        layout.name("alpine", &alpine, false);
        let latest = layout.image("amd64", "alpine-latest");
        layout.name("alpine-latest", &latest, false);
        let app = layout.image("amd64", "app");
        layout.name("app", &app, false);
        for (name, label) in [("python-3.13", "python-3.13-slim"), ("nix", "nixos-nix")] {
            let amd64 = layout.image("amd64", label);
            let arm64 = layout.image("arm64", label);
            let index = layout.index(&[("amd64", amd64), ("arm64", arm64)]);
            layout.name(name, &index, true);
        }
        let registry = Registry::start(&dir, &storage, Auth::None);
        let host = registry.host();
        layout.push("python", &format!("{host}/library/python:3.12-slim"));
        layout.push("alpine", &format!("{host}/library/alpine:3.20"));
        layout.push("alpine-latest", &format!("{host}/library/alpine:latest"));
        layout.push("app", &format!("{host}/team/app:1.4"));
        layout.push("python-3.13", &format!("{host}/library/python:3.13-slim"));
        layout.push("nix", &format!("{host}/nixos/nix:latest"));
        drop(registry);
        Images {
            storage,
            python_index: index.digest,
            python_amd64: amd64.digest,
            alpine: alpine.digest,
            alpine_latest: latest.digest,
            app: app.digest,
        }
    })
}

/// One HTTP request as a tiny server sees it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// The path and query.
    pub target: String,
    pub headers: Vec<(String, String)>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A status, headers and body.
pub type Response = (u16, Vec<(String, String)>, Vec<u8>);

type Handler = dyn Fn(&Request) -> Response + Send + Sync;

/// A small HTTP/1.1 server on a loopback port: one thread, one request per
/// connection, every request recorded.
pub struct HttpServer {
    /// The address it listens on (`127.0.0.1`, another loopback address,
    /// or this machine's address on a network).
    pub ip: String,
    pub port: u16,
    stop: Arc<AtomicBool>,
    pub requests: Arc<Mutex<Vec<Request>>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl HttpServer {
    pub fn start(handler: Box<Handler>) -> HttpServer {
        HttpServer::start_on("127.0.0.1", handler)
    }

    /// On `ip`: distinct addresses are distinct hosts to a client.
    pub fn start_on(ip: &str, handler: Box<Handler>) -> HttpServer {
        let listener = TcpListener::bind((ip, 0)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (stop_flag, log) = (Arc::clone(&stop), Arc::clone(&requests));
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop_flag.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                if let Some(request) = serve(stream, handler.as_ref()) {
                    log.lock().unwrap().push(request);
                }
            }
        });
        HttpServer {
            ip: ip.to_owned(),
            port,
            stop,
            requests,
            thread: Some(thread),
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.host())
    }

    /// `ip:port`, as a registry is named.
    pub fn host(&self) -> String {
        format!("{}:{}", self.ip, self.port)
    }

    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect((self.ip.as_str(), self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve(stream: TcpStream, handler: &Handler) -> Option<Request> {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok()?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.push((name.trim().to_owned(), value.trim().to_owned()));
        }
    }
    let request = Request {
        method,
        target,
        headers,
    };
    let (status, headers, body) = handler(&request);
    let mut stream = stream;
    let mut head = format!(
        "HTTP/1.1 {status} X\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    if request.method != "HEAD" {
        let _ = stream.write_all(&body);
    }
    let _ = stream.flush();
    Some(request)
}

/// A signing key and its self-signed certificate (the registry's
/// `rootcertbundle`), made with openssl.
pub struct SigningKey {
    pub key: PathBuf,
    pub certificate: PathBuf,
    /// The certificate, DER, base64: the token header's `x5c`.
    pub x5c: String,
}

impl SigningKey {
    pub fn new(dir: &Path) -> SigningKey {
        let key = dir.join("token.key");
        let certificate = dir.join("token.crt");
        run(Command::new("openssl")
            .args([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            ])
            .args(["-subj", "/CN=repro-audit-test-issuer", "-keyout"])
            .arg(&key)
            .arg("-out")
            .arg(&certificate));
        let der = Command::new("openssl")
            .args(["x509", "-outform", "DER", "-in"])
            .arg(&certificate)
            .output()
            .unwrap()
            .stdout;
        SigningKey {
            key,
            certificate,
            x5c: base64::engine::general_purpose::STANDARD.encode(der),
        }
    }

    /// A JWT (RS256) the registry accepts for `access` (`[(repository,
    /// actions)]`), signed with openssl.
    pub fn token(&self, dir: &Path, subject: &str, access: &[(&str, &[&str])]) -> String {
        let url = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let header = serde_json::json!({"typ": "JWT", "alg": "RS256", "x5c": [self.x5c]});
        let access: Vec<serde_json::Value> = access
            .iter()
            .map(|(name, actions)| serde_json::json!({"type": "repository", "name": name, "actions": actions}))
            .collect();
        let claims = serde_json::json!({
            "iss": ISSUER, "sub": subject, "aud": SERVICE,
            "exp": now + 3600, "nbf": now - 60, "iat": now - 60,
            "jti": format!("{subject}-{now}"), "access": access
        });
        let input = format!(
            "{}.{}",
            url(header.to_string().as_bytes()),
            url(claims.to_string().as_bytes())
        );
        let file = dir.join(format!("token-input-{subject}"));
        std::fs::write(&file, &input).unwrap();
        let signature = Command::new("openssl")
            .args(["dgst", "-sha256", "-sign"])
            .arg(&self.key)
            .arg(&file)
            .output()
            .unwrap()
            .stdout;
        format!("{input}.{}", url(&signature))
    }
}

/// A certificate authority of the test's own and a server certificate it
/// signed for `localhost` and `127.0.0.1`: (authority, certificate, key).
pub fn tls_certificates(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let (ca_key, ca) = (dir.join("ca.key"), dir.join("ca.pem"));
    let (key, request, certificate) = (
        dir.join("server.key"),
        dir.join("server.csr"),
        dir.join("server.pem"),
    );
    run(Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        ])
        .args(["-subj", "/CN=repro-audit test authority"])
        .args(["-addext", "basicConstraints=critical,CA:TRUE"])
        .args(["-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        .arg("-keyout")
        .arg(&ca_key)
        .arg("-out")
        .arg(&ca));
    run(Command::new("openssl")
        .args([
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=localhost",
            "-keyout",
        ])
        .arg(&key)
        .arg("-out")
        .arg(&request));
    let extensions = dir.join("server.ext");
    std::fs::write(
        &extensions,
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    run(Command::new("openssl")
        .args(["x509", "-req", "-days", "2", "-in"])
        .arg(&request)
        .arg("-CA")
        .arg(&ca)
        .arg("-CAkey")
        .arg(&ca_key)
        .arg("-CAcreateserial")
        .arg("-out")
        .arg(&certificate)
        .arg("-extfile")
        .arg(&extensions));
    (ca, certificate, key)
}

/// A bare repository `owner/name.git` under `root` with a commit, an
/// annotated tag, a lightweight tag and a branch; returns (the commit, the
/// annotated tag's own object id).
pub fn git_repository(root: &Path, owner_name: &str) -> (String, String) {
    let work = root.join("work").join(owner_name);
    std::fs::create_dir_all(&work).unwrap();
    let git = |dir: &Path, args: &[&str]| {
        run(Command::new("git")
            .current_dir(dir)
            .args(args)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", root))
    };
    git(&work, &["init", "-q", "-b", "main"]);
    std::fs::write(
        work.join("action.yml"),
        "name: test\nruns:\n  using: node20\n  main: index.js\n",
    )
    .unwrap();
    git(&work, &["add", "."]);
    git(&work, &["commit", "-q", "-m", "first"]);
    git(&work, &["tag", "-a", "v4", "-m", "release 4"]);
    git(&work, &["tag", "v1.2"]);
    let commit = git(&work, &["rev-parse", "HEAD"]).trim().to_owned();
    let tag_object = git(&work, &["rev-parse", "v4"]).trim().to_owned();
    let bare = root.join("repos").join(format!("{owner_name}.git"));
    std::fs::create_dir_all(bare.parent().unwrap()).unwrap();
    git(
        root,
        &[
            "clone",
            "-q",
            "--bare",
            work.to_str().unwrap(),
            bare.to_str().unwrap(),
        ],
    );
    (commit, tag_object)
}

/// git's smart HTTP over the repositories under `root/repos`, through
/// `git http-backend` as a CGI program.
pub fn git_server(root: &Path) -> HttpServer {
    let projects = root.join("repos");
    HttpServer::start(Box::new(move |request: &Request| {
        let (path, query) = request
            .target
            .split_once('?')
            .unwrap_or((request.target.as_str(), ""));
        let output = Command::new("git")
            .arg("http-backend")
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("GIT_PROJECT_ROOT", &projects)
            .env("GIT_HTTP_EXPORT_ALL", "1")
            .env("REQUEST_METHOD", &request.method)
            .env("PATH_INFO", path)
            .env("QUERY_STRING", query)
            .env("GATEWAY_INTERFACE", "CGI/1.1")
            .env("REMOTE_ADDR", "127.0.0.1")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        // CGI: headers, a blank line, the body; `Status:` sets the status.
        let out = output.stdout;
        let split = out
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .map(|i| (i, 4))
            .or_else(|| out.windows(2).position(|w| w == b"\n\n").map(|i| (i, 2)));
        let Some((at, gap)) = split else {
            return (500, Vec::new(), out);
        };
        let mut status = 200;
        let mut headers = Vec::new();
        for line in String::from_utf8_lossy(&out[..at]).lines() {
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("status") {
                    status = value.trim()[..3].parse().unwrap_or(500);
                } else {
                    headers.push((name.trim().to_owned(), value.trim().to_owned()));
                }
            }
        }
        let mut body = Vec::new();
        let _ = (&out[at + gap..]).read_to_end(&mut body);
        (status, headers, body)
    }))
}
