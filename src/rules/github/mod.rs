//! GitHub Actions rules: actions and reusable workflows by `uses:`, job
//! images (`container:`, `services:`), runner images (`runs-on:`). Images
//! are judged by the Dockerfile rules' image reference model.

pub mod gh001_action_unpinned;
pub mod gh002_job_image_unpinned;
pub mod gh003_runner_image_floating;

use crate::source::workflow::Workflow;

/// What a GitHub Actions rule reads.
pub struct Context<'a> {
    pub workflow: &'a Workflow,
}

/// A value GitHub computes when the job runs (`${{ matrix.os }}`): not
/// something the file pins or floats.
pub fn is_expression(value: &str) -> bool {
    value.contains("${{")
}

/// A full commit id: 40 hexadecimal digits.
pub fn is_commit(reference: &str) -> bool {
    reference.len() == 40 && reference.bytes().all(|b| b.is_ascii_hexdigit())
}
