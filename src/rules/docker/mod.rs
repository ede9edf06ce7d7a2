//! Dockerfile rules and what they share: the parsed file, its stages and
//! images, and the commands of every `RUN`.

pub mod df001_base_image_floating;
pub mod df002_base_image_unpinned;
pub mod df003_base_image_unresolved;
pub mod df004_syntax_frontend_unpinned;
pub mod df010_package_index_update;
pub mod df011_package_upgrade;
pub mod df012_os_package_unpinned;
pub mod df013_language_package_unpinned;
pub mod df014_lockfile_not_enforced;
pub mod df020_remote_source_unverified;
pub mod df021_download_piped_to_shell;
pub mod df022_git_clone_unpinned;
pub mod package_managers;

use crate::source::dockerfile::shell::{self, Command};
use crate::source::dockerfile::stages::{
    self, Build, BuildArgs, ImageSource, ImageUse, PLATFORM_ARGS,
};
use crate::source::dockerfile::Dockerfile;

/// Everything a Dockerfile rule reads, computed once per file.
pub struct Context<'a> {
    pub dockerfile: &'a Dockerfile,
    pub build: Build,
    /// The commands of each `RUN` (and `ONBUILD RUN`): instruction index and
    /// its commands.
    pub runs: Vec<(usize, Vec<Command>)>,
    /// Per stage: the earliest offset at which it (or a stage it derives
    /// from) points apt at a dated snapshot.
    snapshot_from: Vec<Option<usize>>,
}

/// Text that points apt at a dated snapshot of the archive.
const SNAPSHOT_MARKERS: &[&str] = &[
    "snapshot.debian.org",
    "snapshot.ubuntu.com",
    "--snapshot",
    "APT::Snapshot",
];

impl<'a> Context<'a> {
    pub fn new(dockerfile: &'a Dockerfile, build_args: &BuildArgs) -> Self {
        let build = stages::analyze(dockerfile, build_args);
        let runs = dockerfile
            .instructions
            .iter()
            .enumerate()
            .map(|(i, instruction)| (i, shell::run_commands(dockerfile, instruction)))
            .filter(|(_, commands)| !commands.is_empty())
            .collect();
        let mut snapshot_from: Vec<Option<usize>> = Vec::with_capacity(build.stages.len());
        for stage in &build.stages {
            let inherited = stage.parent.and_then(|p| snapshot_from[p]).map(|_| 0);
            let own = dockerfile.instructions[stage.from..stage.end]
                .iter()
                .filter_map(|instruction| {
                    let text = dockerfile.slice(instruction.span);
                    SNAPSHOT_MARKERS
                        .iter()
                        .filter_map(|marker| text.find(marker))
                        .min()
                        .map(|at| instruction.span.start + at)
                })
                .min();
            snapshot_from.push(inherited.or(own));
        }
        Context {
            dockerfile,
            build,
            runs,
            snapshot_from,
        }
    }

    /// Every command of every `RUN`, with the instruction it belongs to.
    pub fn commands(&self) -> impl Iterator<Item = (usize, &Command)> {
        self.runs
            .iter()
            .flat_map(|(i, commands)| commands.iter().map(move |c| (*i, c)))
    }

    /// Images from `FROM`, `COPY --from` and `--mount=from=` (not the
    /// `# syntax=` frontend).
    pub fn build_images(&self) -> impl Iterator<Item = &ImageUse> {
        self.build
            .images
            .iter()
            .filter(|image| image.source != ImageSource::Syntax)
    }

    /// The stage that holds instruction `instruction`.
    pub fn stage_of(&self, instruction: usize) -> Option<usize> {
        self.build.stage_of(instruction)
    }

    /// The value of environment variable `name` for `command` of
    /// instruction `instruction`: a `NAME=value` prefix of the command, or
    /// what `ENV` set before it in its stage or a stage it derives from.
    pub fn env(&self, instruction: usize, command: &Command, name: &str) -> Option<String> {
        let prefix = command.words[..command.program.min(command.words.len())]
            .iter()
            .rev()
            .find_map(|w| w.as_str().strip_prefix(name)?.strip_prefix('='));
        if let Some(value) = prefix {
            return Some(value.to_string());
        }
        self.build
            .var(self.stage_of(instruction)?, name, instruction)
            .map(|value| value.text.to_string())
    }

    /// Whether apt reads a dated snapshot at `offset` in instruction
    /// `instruction`.
    pub fn apt_snapshot_before(&self, instruction: usize, offset: usize) -> bool {
        self.stage_of(instruction)
            .and_then(|stage| self.snapshot_from[stage])
            .is_some_and(|at| at < offset)
    }
}

/// How an image is named in messages: as written, and as expanded when the
/// two differ.
pub fn describe(image: &ImageUse) -> String {
    // The platform arguments' values are the usual platform's, not the
    // build's: the written form says more than `golang:1.22-amd64`.
    if image.written == image.expanded.value || platform_dependent(image) {
        format!("`{}`", image.written)
    } else {
        format!("`{}` (`{}`)", image.written, image.expanded.value)
    }
}

/// Whether the reference names BuildKit's platform arguments, so that it
/// names a different image on each platform.
pub fn platform_dependent(image: &ImageUse) -> bool {
    PLATFORM_ARGS
        .iter()
        .any(|(name, _)| image.written.contains(name))
}

/// What the image is, for messages.
pub fn noun(image: &ImageUse) -> &'static str {
    match image.source {
        ImageSource::From => "base image",
        ImageSource::CopyFrom => "`COPY --from` image",
        ImageSource::MountFrom => "`--mount` image",
        ImageSource::Syntax => "syntax frontend",
    }
}

/// Whether an environment value turns a boolean setting on, as uv and
/// Bundler read it: `1`, `true`, `yes`, `on` (any case).
pub fn is_truthy(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "1" | "true" | "yes" | "on" | "y" | "t"
    )
}

/// A reference is resolved when no build argument it uses lacks a value
/// and its expansion was not cut.
pub fn is_resolved(image: &ImageUse) -> bool {
    image.expanded.is_complete()
}
