//! The only code that talks to the network (house style: renovate's
//! datasources): OCI registries for image digests, HTTP downloads for
//! checksums, git's smart HTTP for action commits; with credentials,
//! timeouts, and each distinct lookup made once, in parallel. Fixes say
//! *what* to look up ([`Lookup`]); this answers.

pub mod credentials;
pub mod download;
pub mod git;
pub mod net;
pub mod process;
pub mod registry;

use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use net::Network;

/// Something a fix must look up first.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lookup {
    Digest(String),
    Checksum(String),
    Commit {
        repository: String,
        reference: String,
    },
}

impl Lookup {
    /// How a message names it.
    pub fn subject(&self) -> String {
        match self {
            Lookup::Digest(reference) => format!("`{reference}`"),
            Lookup::Checksum(url) => format!("`{url}`"),
            Lookup::Commit {
                repository,
                reference,
            } => format!("`{repository}@{reference}`"),
        }
    }
}

/// The answers of a run's lookups.
#[derive(Debug, Default)]
pub struct Resolved {
    /// Each lookup's answer, or why there is none.
    pub answers: HashMap<Lookup, Result<String, String>>,
    /// What the user should know of the run as a whole: a Docker config
    /// that could not be read, and so was not used.
    pub warnings: Vec<String>,
}

/// Look every lookup up, at most eight at a time; a progress line on a
/// terminal's stderr when there are many.
pub fn resolve_all(lookups: &[Lookup], network: &Network) -> Resolved {
    if lookups.is_empty() {
        return Resolved::default();
    }
    let agent = network.agent();
    // The Docker config is read only when a registry is to be asked.
    let credentials = if lookups.iter().any(|l| matches!(l, Lookup::Digest(_))) {
        credentials::Credentials::load(network.docker_config.as_deref(), network.timeout())
    } else {
        credentials::Credentials::default()
    };
    let warnings = credentials
        .problem
        .iter()
        .map(|problem| format!("{problem}; registries are asked without credentials"))
        .collect();
    let registry = registry::Registry {
        network,
        agent: agent.clone(),
        credentials: &credentials,
        unreachable: Mutex::new(HashMap::new()),
    };
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let results: Mutex<HashMap<Lookup, Result<String, String>>> = Mutex::new(HashMap::new());
    let progress = lookups.len() >= 8 && std::io::stderr().is_terminal();
    let workers = lookups.len().min(8);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = lookups.get(index) else {
                    break;
                };
                let answer = match item {
                    Lookup::Digest(reference) => registry.digest(reference),
                    Lookup::Checksum(url) => download::checksum(&agent, network, url),
                    Lookup::Commit {
                        repository,
                        reference,
                    } => git::commit(
                        &agent,
                        network,
                        &registry.unreachable,
                        repository,
                        reference,
                    ),
                };
                if let Ok(mut map) = results.lock() {
                    map.insert(item.clone(), answer);
                }
                let finished = done.fetch_add(1, Ordering::Relaxed) + 1;
                if progress {
                    eprint!(
                        "\rlooking up digests, checksums and commits: {finished}/{}",
                        lookups.len()
                    );
                }
            });
        }
    });
    if progress {
        eprint!("\r\x1b[2K");
    }
    Resolved {
        answers: results.into_inner().unwrap_or_default(),
        warnings,
    }
}

/// Lower-case hexadecimal, as digests are written.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
