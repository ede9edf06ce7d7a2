//! GitLab CI rules: the images of a pipeline and its jobs, and what its
//! `include:` pulls in. Images are judged by the Dockerfile rules' image
//! reference model.

pub mod gl001_ci_image_unpinned;
pub mod gl002_ci_include_unpinned;

use crate::source::gitlab::GitlabCi;

/// What a GitLab CI rule reads.
pub struct Context<'a> {
    pub file: &'a GitlabCi,
}
