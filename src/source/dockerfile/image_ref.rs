//! Image references, split as docker/distribution's grammar splits them:
//! `[domain/]path[:tag][@digest]`, where the first component is a domain
//! only if it has a `.` or a `:`, is `localhost`, or has an upper-case letter
//! (so `localhost:5000/app` has no tag).

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    /// The name as written, without tag and digest.
    pub name: String,
    pub domain: Option<String>,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

impl ImageRef {
    pub fn parse(reference: &str) -> ImageRef {
        let (rest, digest) = match reference.split_once('@') {
            Some((rest, digest)) => (rest, Some(digest.to_owned())),
            None => (reference, None),
        };
        let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match rest[last_slash..].rfind(':') {
            Some(colon) => (
                &rest[..last_slash + colon],
                Some(rest[last_slash + colon + 1..].to_owned()),
            ),
            None => (rest, None),
        };
        let domain = name.split_once('/').and_then(|(first, _)| {
            let is_domain = first.contains(['.', ':'])
                || first == "localhost"
                || first.chars().any(|c| c.is_ascii_uppercase());
            is_domain.then(|| first.to_owned())
        });
        ImageRef {
            name: name.to_owned(),
            domain,
            tag,
            digest,
        }
    }

    /// Whether the reference carries a well-formed digest: `sha256:` and 64
    /// lower-case hex digits, or another registered algorithm.
    pub fn is_pinned(&self) -> bool {
        self.digest.as_deref().is_some_and(is_valid_digest)
    }

    pub fn floats(&self) -> bool {
        !self.is_pinned() && self.tag.as_deref().is_none_or(|tag| tag == "latest")
    }
}

fn is_valid_digest(digest: &str) -> bool {
    let Some((algorithm, hex)) = digest.split_once(':') else {
        return false;
    };
    let expected_len = match algorithm {
        "sha256" => 64,
        "sha384" => 96,
        "sha512" => 128,
        _ => return false,
    };
    hex.len() == expected_len && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIGEST: &str = "sha256:2b0e4f1c1e5a8b7d0c9f3a6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c";

    fn parts(reference: &str) -> (String, Option<String>, Option<String>, Option<String>) {
        let r = ImageRef::parse(reference);
        (r.name, r.domain, r.tag, r.digest)
    }

    #[test]
    fn domains_ports_tags_and_digests() {
        assert_eq!(parts("debian"), ("debian".into(), None, None, None));
        assert_eq!(
            parts("localhost:5000/app"),
            (
                "localhost:5000/app".into(),
                Some("localhost:5000".into()),
                None,
                None
            )
        );
        assert_eq!(
            parts("registry.io:443/team/app:1.2"),
            (
                "registry.io:443/team/app".into(),
                Some("registry.io:443".into()),
                Some("1.2".into()),
                None
            )
        );
        let both = ImageRef::parse(&format!("python:3.13-slim@{DIGEST}"));
        assert_eq!(both.tag.as_deref(), Some("3.13-slim"));
        assert!(both.is_pinned());
        assert_eq!(parts("library/x").1, None);
    }

    #[test]
    fn floating_and_pinned() {
        assert!(ImageRef::parse("debian").floats());
        assert!(ImageRef::parse("debian:latest").floats());
        assert!(!ImageRef::parse("debian:12").floats());
        assert!(!ImageRef::parse(&format!("debian@{DIGEST}")).floats());
        assert!(!ImageRef::parse("debian@sha256:abc").is_pinned());
    }
}
