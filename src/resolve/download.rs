//! The sha256 of what an `ADD` URL serves now, for `--checksum` (DF020):
//! downloaded once, hashed as it streams, never kept.

use std::io::Read as _;

use sha2::{Digest as _, Sha256};

use super::net::{self, Network};

/// The largest download hashed.
const MAX_DOWNLOAD: u64 = 4 * 1024 * 1024 * 1024;

/// `sha256:<hex>` of the body `url` serves (redirects followed, none from
/// HTTPS to plain HTTP).
pub fn checksum(agent: &ureq::Agent, network: &Network, url: &str) -> Result<String, String> {
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err("not an http(s) URL".to_owned());
    }
    let reached = net::send(agent, network, net::Request::get(url), network.timeout())
        .map_err(|e| format!("download failed: {e}"))?;
    let mut response = reached.response;
    let status = response.status().as_u16();
    if status != 200 {
        return Err(format!("the server answered HTTP {status}"));
    }
    let mut reader = response
        .body_mut()
        .with_config()
        .limit(MAX_DOWNLOAD)
        .reader();
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let read = reader
            .read(&mut buffer)
            .map_err(|e| format!("download failed: {e}"))?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    Ok(format!(
        "sha256:{}",
        crate::resolve::hex(&hasher.finalize())
    ))
}
