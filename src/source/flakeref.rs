//! Flake references: what a `flake.nix` input says, turned into the
//! attributes Nix records as the lock's `original`, so that the two can be
//! compared exactly as Nix compares them before it reuses a lock entry
//! (`computeLocks` in `src/libflake/flake.cc`). The URL forms follow
//! `parseFlakeRef` and each scheme's `inputFromURL` (`src/libfetchers`).

use std::collections::BTreeMap;
use std::fmt;

use super::flake_lock::{AttrValue, Attrs};
use super::flake_nix::{Spec, Value};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum RefValue {
    Str(String),
    Bool(bool),
    Int(i64),
}

impl fmt::Display for RefValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RefValue::Str(s) => f.write_str(s),
            RefValue::Bool(b) => write!(f, "{}", u8::from(*b)),
            RefValue::Int(i) => write!(f, "{i}"),
        }
    }
}

/// A flake reference as attributes (`type`, `owner`, `repo`, `ref`, …).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlakeRef(pub BTreeMap<String, RefValue>);

impl FlakeRef {
    pub fn get(&self, name: &str) -> Option<&str> {
        match self.0.get(name) {
            Some(RefValue::Str(s)) => Some(s),
            _ => None,
        }
    }

    pub fn set_str(&mut self, name: &str, value: &str) {
        self.set(name, value);
    }

    fn set(&mut self, name: &str, value: impl Into<String>) {
        self.0.insert(name.to_owned(), RefValue::Str(value.into()));
    }

    /// The reference an input of `flake.nix` declares, as Nix reads it; an
    /// input with neither a reference nor `follows` is the registry entry
    /// of its own name. `None` for an input that only follows another.
    pub fn declared(name: &str, spec: &Spec) -> Result<Option<FlakeRef>, String> {
        if spec.follows.is_some() {
            return Ok(None);
        }
        if spec.attrs.iter().any(|(n, _)| n == "type") {
            // In attribute form, `url` is one of the attributes.
            let mut attrs = FlakeRef::default();
            let url = spec.url.iter().map(|u| ("url".to_owned(), u.clone()));
            for (n, value) in spec.attrs.iter().cloned().chain(url) {
                let value = match &value.value {
                    Value::Str(s) | Value::Path(s) => RefValue::Str(s.clone()),
                    Value::Bool(b) => RefValue::Bool(*b),
                    Value::Int(i) => RefValue::Int(*i),
                };
                attrs.0.insert(n, value);
            }
            return Ok(Some(attrs));
        }
        match spec.url.as_ref().map(|u| &u.value) {
            Some(Value::Str(url)) => parse(url, spec.is_flake()).map(Some),
            Some(Value::Path(path)) => Ok(Some(path_ref(path))),
            Some(_) => Err("`url` must be a string or a path".into()),
            None => {
                let mut attrs = FlakeRef::default();
                attrs.set("type", "indirect");
                attrs.set("id", name);
                Ok(Some(attrs))
            }
        }
    }

    /// A lock's `original` (or `locked`) attributes.
    pub fn from_lock(attrs: &Attrs) -> FlakeRef {
        let mut out = FlakeRef::default();
        for field in &attrs.fields {
            let value = match &field.value {
                AttrValue::String(s) => RefValue::Str(s.clone()),
                AttrValue::Bool(b) => RefValue::Bool(*b),
                AttrValue::Number(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => {
                    RefValue::Int(*n as i64)
                }
                AttrValue::Number(n) => RefValue::Str(n.to_string()),
                AttrValue::Other => RefValue::Str("…".into()),
            };
            out.0.insert(field.name.clone(), value);
        }
        out
    }

    /// Whether Nix would reuse a lock entry recorded from `original` for
    /// this declaration: the same attributes, exactly. Paths compare after
    /// normalising `./` and trailing slashes, which Nix resolves itself.
    pub fn matches(&self, original: &FlakeRef) -> bool {
        // A URL compares as Nix renders it (`=` and `%3D` are one URL).
        let canonical = |r: &FlakeRef| {
            let mut r = r.clone();
            if let Some(RefValue::Str(url)) = r.0.get_mut("url") {
                *url = canonical_url(url);
            }
            r
        };
        let (this, original) = (&canonical(self), &canonical(original));
        if this.get("type") == Some("path") && original.get("type") == Some("path") {
            let strip = |r: &FlakeRef| {
                let mut r = r.clone();
                if let Some(RefValue::Str(p)) = r.0.get_mut("path") {
                    *p = normalise_path(p);
                }
                r
            };
            return strip(this) == strip(original);
        }
        this == original
    }

    /// The reference in the URL syntax users write in `flake.nix`.
    pub fn to_url(&self) -> String {
        let kind = self.get("type").unwrap_or("");
        let mut query: Vec<(String, String)> = Vec::new();
        let rest = |skip: &[&str], query: &mut Vec<(String, String)>| {
            for (name, value) in &self.0 {
                if name != "type" && !skip.contains(&name.as_str()) {
                    query.push((name.clone(), value.to_string()));
                }
            }
        };
        let mut base = match kind {
            "github" | "gitlab" | "sourcehut" => {
                let mut base = format!(
                    "{kind}:{}/{}",
                    self.get("owner").unwrap_or("?"),
                    self.get("repo").unwrap_or("?")
                );
                let pinned = self.get("rev").or(self.get("ref"));
                if let Some(pinned) =
                    pinned.filter(|_| !(self.0.contains_key("rev") && self.0.contains_key("ref")))
                {
                    base.push('/');
                    base.push_str(pinned);
                    let used = if self.0.contains_key("rev") {
                        "rev"
                    } else {
                        "ref"
                    };
                    rest(&["owner", "repo", used], &mut query);
                } else {
                    rest(&["owner", "repo"], &mut query);
                }
                base
            }
            "indirect" => {
                let mut base = self.get("id").unwrap_or("?").to_owned();
                for part in ["ref", "rev"] {
                    if let Some(value) = self.get(part) {
                        base.push('/');
                        base.push_str(value);
                    }
                }
                rest(&["id", "ref", "rev"], &mut query);
                base
            }
            "path" => {
                rest(&["path"], &mut query);
                format!("path:{}", self.get("path").unwrap_or("?"))
            }
            "git" | "hg" => {
                rest(&["url"], &mut query);
                let url = self.get("url").unwrap_or("?");
                if kind == "git" && url.starts_with("git://") {
                    url.to_owned()
                } else {
                    format!("{kind}+{url}")
                }
            }
            "tarball" | "file" => {
                rest(&["url"], &mut query);
                let url = self.get("url").unwrap_or("?");
                let implied = if kind == "tarball" {
                    is_archive(url)
                } else {
                    !is_archive(url)
                };
                if implied {
                    url.to_owned()
                } else {
                    format!("{kind}+{url}")
                }
            }
            _ => {
                rest(&[], &mut query);
                format!("{kind}:")
            }
        };
        if !query.is_empty() {
            let separator = if base.contains('?') { '&' } else { '?' };
            base.push(separator);
            let joined: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();
            base.push_str(&joined.join("&"));
        }
        base
    }
}

fn normalise_path(path: &str) -> String {
    let trimmed = path.trim_end_matches('/');
    let trimmed = trimmed.strip_prefix("./").unwrap_or(trimmed);
    if trimmed.is_empty() || trimmed == "." {
        ".".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// A path literal (`url = ./sub;`) is the relative `path:` input.
fn path_ref(path: &str) -> FlakeRef {
    let mut attrs = FlakeRef::default();
    attrs.set("type", "path");
    attrs.set("path", path);
    attrs
}

const ARCHIVE_EXTENSIONS: &[&str] = &[
    ".zip", ".tar", ".tgz", ".tar.gz", ".tar.xz", ".tar.bz2", ".tar.zst",
];

fn is_archive(url: &str) -> bool {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    ARCHIVE_EXTENSIONS.iter().any(|ext| path.ends_with(ext))
}

fn is_hex_rev(text: &str) -> bool {
    text.len() == 40 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A flake input URL, as `parseFlakeRef` reads it, into attributes.
pub fn parse(url: &str, is_flake: bool) -> Result<FlakeRef, String> {
    let (rest, fragment) = url.split_once('#').unwrap_or((url, ""));
    if !fragment.is_empty() {
        return Err(format!("`{url}`: a flake input cannot have a fragment"));
    }
    let (base, query) = rest.split_once('?').unwrap_or((rest, ""));
    let mut params: Vec<(String, String)> = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        params.push((percent_decode(k), percent_decode(v)));
    }
    // `dir` is not the scheme's: Nix takes it out first (the subdirectory).
    let dir = take(&mut params, "dir");
    let mut attrs = match base.split_once(':') {
        Some((scheme, path)) if is_scheme(scheme) => {
            from_scheme(url, scheme, path, &mut params, is_flake)?
        }
        _ => {
            if base.starts_with('/') || base.starts_with('.') {
                path_ref(base)
            } else {
                indirect(url, base)?
            }
        }
    };
    if let Some(dir) = dir.filter(|d| !d.is_empty()) {
        attrs.set("dir", dir);
    }
    Ok(attrs)
}

fn is_scheme(scheme: &str) -> bool {
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
}

fn take(params: &mut Vec<(String, String)>, name: &str) -> Option<String> {
    let index = params.iter().position(|(k, _)| k == name)?;
    Some(params.remove(index).1)
}

fn from_scheme(
    url: &str,
    scheme: &str,
    path: &str,
    params: &mut Vec<(String, String)>,
    is_flake: bool,
) -> Result<FlakeRef, String> {
    let mut attrs = FlakeRef::default();
    match scheme {
        "github" | "gitlab" | "sourcehut" => {
            let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
            if parts.len() < 2 {
                return Err(format!("`{url}`: expected `{scheme}:owner/repo`"));
            }
            attrs.set("type", scheme);
            attrs.set("owner", parts[0]);
            attrs.set("repo", parts[1]);
            if parts.len() > 2 {
                let pinned = parts[2..].join("/");
                if parts.len() == 3 && is_hex_rev(&pinned) {
                    attrs.set("rev", pinned);
                } else {
                    attrs.set("ref", pinned);
                }
            }
            for (name, value) in params.drain(..) {
                match name.as_str() {
                    "rev" | "ref" => {
                        if attrs.0.contains_key(&name) {
                            return Err(format!("`{url}` gives `{name}` twice"));
                        }
                        attrs.set(&name, value);
                    }
                    "host" | "narHash" => attrs.set(&name, value),
                    _ => return Err(format!("`{url}` has an unsupported parameter `{name}`")),
                }
            }
            if attrs.0.contains_key("rev") && attrs.0.contains_key("ref") {
                return Err(format!("`{url}` gives both a commit and a branch or tag"));
            }
        }
        "flake" => return indirect(url, path),
        "path" => {
            attrs.set("type", "path");
            attrs.set("path", percent_decode(path));
            for (name, value) in params.drain(..) {
                set_typed(&mut attrs, name, value);
            }
        }
        "git" | "git+http" | "git+https" | "git+ssh" | "git+file" | "hg+http" | "hg+https"
        | "hg+ssh" | "hg+file" => {
            let kind = if scheme.starts_with("hg") {
                "hg"
            } else {
                "git"
            };
            let transport = scheme.strip_prefix(&format!("{kind}+")).unwrap_or(scheme);
            attrs.set("type", kind);
            let mut kept = Vec::new();
            for (name, value) in params.drain(..) {
                match name.as_str() {
                    "rev" | "ref" | "keytype" | "publicKey" | "publicKeys" => {
                        attrs.set(&name, value)
                    }
                    "shallow" | "submodules" | "lfs" | "exportIgnore" | "allRefs"
                    | "verifyCommit"
                        if kind == "git" =>
                    {
                        attrs.0.insert(name, RefValue::Bool(value == "1"));
                    }
                    "revCount" | "narHash" => set_typed(&mut attrs, name, value),
                    _ => kept.push(format!("{name}={value}")),
                }
            }
            attrs.set("url", location(transport, path, &kept));
        }
        "tarball+http" | "tarball+https" | "tarball+file" | "file+http" | "file+https"
        | "file+file" | "http" | "https" | "file" => {
            let (kind, transport) = match scheme.split_once('+') {
                Some((kind, transport)) => (kind, transport),
                None if is_flake || is_archive(path) => ("tarball", scheme),
                None => ("file", scheme),
            };
            attrs.set("type", kind);
            // What Nix takes out of the query for itself (`inputFromURL`
            // in tarball.cc); the rest is part of the URL.
            let mut kept = Vec::new();
            for (name, value) in params.drain(..) {
                match name.as_str() {
                    "narHash" | "rev" => attrs.set(&name, value),
                    "revCount" | "lastModified" => set_typed(&mut attrs, name, value),
                    _ => kept.push(format!("{name}={value}")),
                }
            }
            attrs.set("url", location(transport, path, &kept));
        }
        _ => {
            return Err(format!(
                "`{url}`: unsupported flake reference scheme `{scheme}`"
            ))
        }
    }
    Ok(attrs)
}

/// The `url` attribute: the URL without the scheme's own parameters, as
/// Nix renders it.
fn location(transport: &str, path: &str, kept: &[String]) -> String {
    let mut url = format!("{transport}:{path}");
    if !kept.is_empty() {
        url.push('?');
        url.push_str(&kept.join("&"));
    }
    canonical_url(&url)
}

/// A URL as Nix's `ParsedURL::to_string` renders what `parseURL` read
/// (`src/libutil/url.cc`): each path segment and query parameter
/// percent-decoded and encoded again, keeping only unreserved characters
/// and `:@` (in the path) or `:@/?` (in the query), parameters sorted by
/// name. So `…/=0.1.tar.gz` and `…/%3D0.1.tar.gz`, or `*` and `%2A`, are one
/// URL. A URL that is not `scheme://…` (`git@host:x`) is left as written.
pub fn canonical_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (rest, fragment) = match rest.split_once('#') {
        Some((rest, fragment)) => (rest, Some(fragment)),
        None => (rest, None),
    };
    let (rest, query) = match rest.split_once('?') {
        Some((rest, query)) => (rest, Some(query)),
        None => (rest, None),
    };
    let (authority, path) = match rest.find('/') {
        Some(at) => rest.split_at(at),
        None => (rest, ""),
    };
    let mut out = format!("{scheme}://{authority}");
    let segments: Vec<String> = path
        .split('/')
        .map(|segment| percent_encode(&percent_decode(segment), ":@"))
        .collect();
    out.push_str(&segments.join("/"));
    if let Some(query) = query.filter(|q| !q.is_empty()) {
        let mut params: BTreeMap<String, String> = BTreeMap::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            // Nix drops a parameter without `=` (with a warning).
            if let Some((name, value)) = pair.split_once('=') {
                params
                    .entry(percent_decode(name))
                    .or_insert_with(|| percent_decode(value));
            }
        }
        if !params.is_empty() {
            let rendered: Vec<String> = params
                .iter()
                .map(|(k, v)| {
                    format!(
                        "{}={}",
                        percent_encode(k, ":@/?"),
                        percent_encode(v, ":@/?")
                    )
                })
                .collect();
            out.push('?');
            out.push_str(&rendered.join("&"));
        }
    }
    if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
        out.push('#');
        out.push_str(&percent_encode(&percent_decode(fragment), ""));
    }
    out
}

/// Percent-encode all but RFC 3986's unreserved characters and `keep`.
fn percent_encode(text: &str, keep: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        let c = byte as char;
        if c.is_ascii_alphanumeric() || "-._~".contains(c) || keep.contains(c) {
            out.push(c);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `revCount`, `lastModified` are integers in the lock; the rest strings.
fn set_typed(attrs: &mut FlakeRef, name: String, value: String) {
    let number = matches!(name.as_str(), "revCount" | "lastModified")
        .then(|| value.parse::<i64>().ok())
        .flatten();
    match number {
        Some(n) => {
            attrs.0.insert(name, RefValue::Int(n));
        }
        None => attrs.set(&name, value),
    }
}

/// A registry reference: `id`, `id/ref`, `id/rev`, `id/ref/rev`.
fn indirect(url: &str, path: &str) -> Result<FlakeRef, String> {
    let parts: Vec<&str> = path.split('/').collect();
    let valid_id = parts[0]
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && parts[0]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !valid_id || parts.len() > 3 || parts.iter().any(|p| p.is_empty()) {
        return Err(format!("`{url}` is not a flake reference Nix understands"));
    }
    let mut attrs = FlakeRef::default();
    attrs.set("type", "indirect");
    attrs.set("id", parts[0]);
    match parts.len() {
        2 if is_hex_rev(parts[1]) => attrs.set("rev", parts[1]),
        2 => attrs.set("ref", parts[1]),
        3 => {
            attrs.set("ref", parts[1]);
            attrs.set("rev", parts[2]);
        }
        _ => {}
    }
    Ok(attrs)
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(high), Some(low)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((high * 16 + low) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(url: &str) -> Vec<(String, String)> {
        parse(url, true)
            .unwrap_or_else(|e| panic!("{e}"))
            .0
            .into_iter()
            .map(|(k, v)| (k, v.to_string()))
            .collect()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut v: Vec<_> = list
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn forge_shorthand() {
        assert_eq!(
            attrs("github:NixOS/nixpkgs/nixos-unstable"),
            pairs(&[
                ("type", "github"),
                ("owner", "NixOS"),
                ("repo", "nixpkgs"),
                ("ref", "nixos-unstable")
            ])
        );
        assert_eq!(
            attrs("github:NixOS/nixpkgs?ref=nixos-unstable"),
            attrs("github:NixOS/nixpkgs/nixos-unstable")
        );
        assert_eq!(
            attrs("github:a/b/0123456789abcdef0123456789abcdef01234567?dir=sub"),
            pairs(&[
                ("type", "github"),
                ("owner", "a"),
                ("repo", "b"),
                ("rev", "0123456789abcdef0123456789abcdef01234567"),
                ("dir", "sub")
            ])
        );
        assert_eq!(
            attrs("sourcehut:~user/repo/feature/x"),
            pairs(&[
                ("type", "sourcehut"),
                ("owner", "~user"),
                ("repo", "repo"),
                ("ref", "feature/x")
            ])
        );
        assert!(parse("github:a/b?foo=1", true).is_err());
        assert!(parse(
            "github:a/b/main?rev=0123456789abcdef0123456789abcdef01234567",
            true
        )
        .is_err());
    }

    #[test]
    fn git_path_tarball_registry() {
        assert_eq!(
            attrs("git+https://example.org/r.git?ref=main&shallow=1"),
            pairs(&[
                ("type", "git"),
                ("url", "https://example.org/r.git"),
                ("ref", "main"),
                ("shallow", "1")
            ])
        );
        assert_eq!(
            parse("git+ssh://git@h/x", true).unwrap().get("url"),
            Some("ssh://git@h/x")
        );
        assert_eq!(
            parse("git+file:///home/me/src", true).unwrap().get("url"),
            Some("file:///home/me/src")
        );
        assert_eq!(
            attrs("path:./sub"),
            pairs(&[("type", "path"), ("path", "./sub")])
        );
        assert_eq!(
            attrs("https://flakehub.com/f/NixOS/nixpkgs/0.1.*.tar.gz"),
            pairs(&[
                ("type", "tarball"),
                ("url", "https://flakehub.com/f/NixOS/nixpkgs/0.1.%2A.tar.gz")
            ])
        );
        assert_eq!(
            parse("https://x/y", false).unwrap().get("type"),
            Some("file")
        );
        assert_eq!(
            parse("https://x/y", true).unwrap().get("type"),
            Some("tarball")
        );
        assert_eq!(
            attrs("nixpkgs/nixos-24.05"),
            pairs(&[
                ("type", "indirect"),
                ("id", "nixpkgs"),
                ("ref", "nixos-24.05")
            ])
        );
        assert_eq!(
            attrs("flake:nixpkgs"),
            pairs(&[("type", "indirect"), ("id", "nixpkgs")])
        );
        assert!(parse("not a ref", true).is_err());
    }

    #[test]
    fn urls_compare_as_nix_renders_them() {
        assert_eq!(
            canonical_url("https://flakehub.com/f/o/r/=0.1.tar.gz"),
            "https://flakehub.com/f/o/r/%3D0.1.tar.gz"
        );
        assert_eq!(
            canonical_url("https://flakehub.com/f/o/r/%3d0.1.tar.gz"),
            canonical_url("https://flakehub.com/f/o/r/=0.1.tar.gz")
        );
        assert_eq!(
            canonical_url("https://x/a b/%7Euser/~x?b=2&a=1:@/?x"),
            "https://x/a%20b/~user/~x?a=1:@/?x&b=2"
        );
        assert_eq!(canonical_url("git@github.com:o/r"), "git@github.com:o/r");
        let declared = parse("https://flakehub.com/f/o/r/=0.1.tar.gz", true).unwrap();
        let mut locked = declared.clone();
        locked.set("url", "https://flakehub.com/f/o/r/%3D0.1.tar.gz");
        assert!(declared.matches(&locked));
        assert_eq!(
            attrs("file:///srv/x.tar.gz"),
            pairs(&[("type", "tarball"), ("url", "file:///srv/x.tar.gz")])
        );
        assert_eq!(
            attrs("https://x/y.tar.gz?rev=0123456789abcdef0123456789abcdef01234567&revCount=5&a=b"),
            pairs(&[
                ("type", "tarball"),
                ("url", "https://x/y.tar.gz?a=b"),
                ("rev", "0123456789abcdef0123456789abcdef01234567"),
                ("revCount", "5")
            ])
        );
    }

    #[test]
    fn urls_round_trip() {
        for url in [
            "github:NixOS/nixpkgs/nixos-unstable",
            "github:a/b?dir=sub",
            "git+https://example.org/r.git?ref=main",
            "path:./sub",
            "nixpkgs/nixos-24.05",
            "https://example.org/x.tar.gz",
        ] {
            assert_eq!(parse(url, true).unwrap().to_url(), url);
        }
    }
}
