//! Compose file rules: each service's `image:`, judged by the same image
//! reference model as the Dockerfile rules (DF001–DF003), so that a
//! reference pinned in one is pinned in the other.

pub mod cp001_compose_image_floating;
pub mod cp002_compose_image_unpinned;
pub mod cp003_compose_image_unresolved;

use crate::source::compose::{ComposeFile, Interpolated, ServiceImage};
use crate::source::dockerfile::image_ref::ImageRef;

/// What a Compose rule reads.
pub struct Context<'a> {
    pub file: &'a ComposeFile,
}

impl Context<'_> {
    /// The images whose value is known, with their parsed reference.
    pub fn resolved(&self) -> impl Iterator<Item = (&ServiceImage, &str, ImageRef)> {
        self.file
            .images
            .iter()
            .filter_map(|image| match &image.value {
                Interpolated::Resolved(value) => {
                    Some((image, value.as_str(), ImageRef::parse(value)))
                }
                _ => None,
            })
    }
}

/// `nginx` as written, or `${IMAGE}` with what it resolved to.
pub fn describe(image: &ServiceImage, value: &str) -> String {
    if image.written == value {
        format!("`{value}`")
    } else {
        format!("`{}` (`{value}`)", image.written)
    }
}
