//! The commit a tag or branch names in a git repository, over git's smart
//! HTTP protocol: `GET <repo>.git/info/refs?service=git-upload-pack` and
//! its pkt-line reference advertisement, an annotated tag peeled to its
//! commit (`refs/tags/v4^{}`) as `git ls-remote` shows it.

use std::io::Read as _;

use super::net::{self, Network};

/// The largest advertisement read (repositories with many tags send a few
/// megabytes).
const MAX_ADVERTISEMENT: u64 = 64 * 1024 * 1024;

/// The commit `reference` (a tag, else a branch) names in repository
/// `owner/repo` of the network's GitHub.
pub fn commit(
    agent: &ureq::Agent,
    network: &Network,
    unreachable: &std::sync::Mutex<std::collections::HashMap<String, String>>,
    repository: &str,
    reference: &str,
) -> Result<String, String> {
    let base = network.github_url.trim_end_matches('/');
    if let Some(why) = unreachable
        .lock()
        .ok()
        .and_then(|dead| dead.get(base).cloned())
    {
        return Err(why);
    }
    let url = format!("{base}/{repository}.git/info/refs?service=git-upload-pack");
    // The token is GitHub's: sent to github.com only, never to a server a
    // project's configuration names, nor after a redirect away from it.
    let token = network
        .github_token
        .as_ref()
        .filter(|_| base == "https://github.com")
        .map(|token| net::basic("x-access-token", token));
    let request = net::Request::get(url).authorization(token);
    let reached = net::send(agent, network, request, network.timeout()).map_err(|e| {
        let why = format!("{base} unreachable: {e}");
        // A server that could not be connected to is not asked again.
        if e.is_connect_failure() {
            if let Ok(mut dead) = unreachable.lock() {
                dead.insert(base.to_owned(), why.clone());
            }
        }
        why
    })?;
    let mut response = reached.response;
    match response.status().as_u16() {
        200 => {}
        401 | 403 | 404 => {
            return Err(format!(
                "no repository {repository} at {base} (HTTP {})",
                response.status().as_u16()
            ))
        }
        other => return Err(format!("{base} answered HTTP {other} for {repository}")),
    }
    let mut body = Vec::new();
    response
        .body_mut()
        .with_config()
        .limit(MAX_ADVERTISEMENT)
        .reader()
        .read_to_end(&mut body)
        .map_err(|e| format!("reading {repository}'s references: {e}"))?;
    let refs = advertisement(&body).map_err(|e| format!("{repository}: {e}"))?;
    resolve(&refs, reference)
        .ok_or_else(|| format!("{repository} has no tag or branch `{reference}`"))
}

/// The `(commit, name)` pairs of a smart-HTTP reference advertisement.
pub fn advertisement(body: &[u8]) -> Result<Vec<(String, String)>, String> {
    let mut refs = Vec::new();
    let mut at = 0;
    while at + 4 <= body.len() {
        let length = std::str::from_utf8(&body[at..at + 4])
            .ok()
            .and_then(|hex| usize::from_str_radix(hex, 16).ok())
            .ok_or("not a git reference advertisement")?;
        if length == 0 {
            at += 4;
            continue;
        }
        if length < 4 || at + length > body.len() {
            return Err("a truncated git reference advertisement".to_owned());
        }
        let line = &body[at + 4..at + length];
        at += length;
        let line = line.strip_suffix(b"\n").unwrap_or(line);
        if line.starts_with(b"#") {
            continue;
        }
        // The first reference carries the capabilities after a NUL.
        let line = line.split(|b| *b == 0).next().unwrap_or_default();
        let line = String::from_utf8_lossy(line);
        if let Some((id, name)) = line.split_once(' ') {
            if id.len() == 40 && id.bytes().all(|b| b.is_ascii_hexdigit()) {
                refs.push((id.to_ascii_lowercase(), name.to_owned()));
            }
        }
    }
    Ok(refs)
}

/// A tag's commit (peeled when annotated), else a branch's.
pub fn resolve(refs: &[(String, String)], reference: &str) -> Option<String> {
    let find = |name: &str| {
        refs.iter()
            .find(|(_, n)| n == name)
            .map(|(id, _)| id.clone())
    };
    find(&format!("refs/tags/{reference}^{{}}"))
        .or_else(|| find(&format!("refs/tags/{reference}")))
        .or_else(|| find(&format!("refs/heads/{reference}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pkt(line: &str) -> String {
        format!("{:04x}{line}", line.len() + 4)
    }

    #[test]
    fn annotated_tags_are_peeled_and_branches_follow_tags() {
        let a = "a".repeat(40);
        let b = "b".repeat(40);
        let c = "c".repeat(40);
        let body = format!(
            "{}0000{}{}{}{}0000",
            pkt("# service=git-upload-pack\n"),
            pkt(&format!("{a} HEAD\0multi_ack side-band-64k\n")),
            pkt(&format!("{a} refs/heads/main\n")),
            pkt(&format!("{b} refs/tags/v4\n")),
            pkt(&format!("{c} refs/tags/v4^{{}}\n")),
        );
        let refs = advertisement(body.as_bytes()).unwrap();
        assert_eq!(resolve(&refs, "v4"), Some(c));
        assert_eq!(resolve(&refs, "main"), Some(a));
        assert_eq!(resolve(&refs, "v5"), None);
        assert!(advertisement(b"zzzz").is_err());
        assert!(advertisement(b"00ffshort").is_err());
    }
}
