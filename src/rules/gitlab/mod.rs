//! GitLab CI rules: the images of a pipeline and its jobs, and what its
//! `include:` pulls in. Images are judged by the Dockerfile rules' image
//! reference model.

pub mod gl001_ci_image_unpinned;
pub mod gl002_ci_include_unpinned;

use crate::source::gitlab::{GitlabCi, Pipeline};

/// What a GitLab CI rule reads: one file, and the pipeline it is part of
/// (its other files can say what a job of this one runs on).
pub struct Context<'a> {
    pub file: &'a GitlabCi,
    pub pipeline: &'a Pipeline,
}

/// The runner tags of GitLab's hosted runners that run a job in one of
/// GitLab's virtual machines rather than in a container: the job's
/// `image:` names a VM image of GitLab's (`macos-15-xcode-16`), not a
/// container image. Prefixes; GitLab's docs list the machine types
/// (`saas-macos-medium-m1`, `saas-windows-medium-amd64`), and
/// `shared-macos-`/`shared-windows` are the names of the beta before them.
pub const HOSTED_VM_TAG_PREFIXES: &[&str] = &[
    "saas-macos-",
    "saas-windows-",
    "shared-macos-",
    "shared-windows",
];

/// Whether a job with these tags runs on a hosted VM runner.
pub fn on_hosted_vm(tags: &[String]) -> bool {
    tags.iter().any(|tag| {
        HOSTED_VM_TAG_PREFIXES
            .iter()
            .any(|prefix| tag.starts_with(prefix))
    })
}
