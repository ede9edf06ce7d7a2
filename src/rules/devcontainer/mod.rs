//! Dev container rules: the definition's `image` and its `features`, both
//! OCI references, judged by the Dockerfile rules' image reference model.

pub mod dc001_devcontainer_image_unpinned;
pub mod dc002_devcontainer_feature_unpinned;

use crate::source::devcontainer::Devcontainer;

/// What a dev container rule reads.
pub struct Context<'a> {
    pub file: &'a Devcontainer,
}

/// The short ids of the features that lived in
/// microsoft/vscode-dev-containers (`"docker-in-docker": "latest"`), and
/// the feature the dev containers CLI installs for each
/// (`getBackwardCompatibleFeatureId`): `ghcr.io/devcontainers/features/`
/// that name, at `:1`. Other short ids (`gradle`, `fish`) it cannot
/// resolve, and fails on.
pub const LEGACY_FEATURES: &[(&str, &str)] = &[
    ("aws-cli", "aws-cli"),
    ("azure-cli", "azure-cli"),
    ("common", "common-utils"),
    ("desktop-lite", "desktop-lite"),
    ("docker-from-docker", "docker-from-docker"),
    ("docker-in-docker", "docker-in-docker"),
    ("dotnet", "dotnet"),
    ("git", "git"),
    ("git-lfs", "git-lfs"),
    ("github-cli", "github-cli"),
    ("golang", "go"),
    ("java", "java"),
    ("kubectl-helm-minikube", "kubectl-helm-minikube"),
    ("node", "node"),
    ("powershell", "powershell"),
    ("python", "python"),
    ("ruby", "ruby"),
    ("rust", "rust"),
    ("sshd", "sshd"),
    ("terraform", "terraform"),
];

/// Where the CLI takes the legacy short ids' features from, and at which
/// version.
pub const LEGACY_FEATURES_AT: (&str, &str) = ("ghcr.io/devcontainers/features", "1");

/// The OCI reference the dev containers CLI installs for a legacy short
/// feature id, if it is one.
pub fn legacy_feature(id: &str) -> Option<String> {
    let (_, current) = LEGACY_FEATURES.iter().find(|(short, _)| *short == id)?;
    let (registry, version) = LEGACY_FEATURES_AT;
    Some(format!("{registry}/{current}:{version}"))
}
