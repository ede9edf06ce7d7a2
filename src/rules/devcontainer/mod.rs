//! Dev container rules: the definition's `image` and its `features`, both
//! OCI references, judged by the Dockerfile rules' image reference model.

pub mod dc001_devcontainer_image_unpinned;
pub mod dc002_devcontainer_feature_unpinned;

use crate::source::devcontainer::Devcontainer;

/// What a dev container rule reads.
pub struct Context<'a> {
    pub file: &'a Devcontainer,
}
