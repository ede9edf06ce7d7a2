//! A Compose project: its file, the override file `docker compose` merges
//! into it, and the files they `include:` and `extends:` — which images
//! its services pull, and where each is written.
//!
//! Each file's references are judged where they are written, as Renovate
//! updates them and as ruff reports them: a finding belongs to the file
//! that holds the text, its span exact there. What the merge decides is
//! whether a service pulls an image at all. The file alone is judged (it
//! is what `docker compose -f compose.yaml` and a deployment that names
//! its own files run), and then the file with its override, as
//! `docker compose up` runs it: an image is judged when either pulls it.
//! So an override that pins a floating image leaves the base's reference
//! judged (the base alone still pulls it), while one that resets a
//! service's `build:` (`build: !reset`) makes the base's image one that is
//! pulled. A service with `build:` — written in it, merged in by the
//! override, or brought by `extends:` — pulls nothing: its image is the
//! name of what is built.
//!
//! Files are merged as compose-go merges them: documents and files in
//! order, each over what came before (a key written later wins, `build`
//! merges, `!reset` drops what came before, `!override` replaces rather
//! than merges); an `include:`d project's services first, the including
//! file's own written over them; an `extends:`'d service under the
//! service that extends it. Other files are read only through a
//! [`Reader`], which bounds what may be read; remote includes and paths
//! written with a variable that has no value are not followed.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use super::{
    interpolate, read_env_file, ComposeFile, Field, Include, Interpolated, ServiceImage, Variables,
    Written,
};
use crate::source::span::{Position, Span};

/// How deep `extends:` may chain (`a` extends `b` extends `c` …); real
/// chains are two or three long.
const MAX_EXTENDS_DEPTH: usize = 32;

/// What reads the files a project names, with its bounds.
pub trait Reader {
    /// The file at `path` (absolute, `.` and `..` folded): `Ok(None)`
    /// when there is no such file, `Err` with why it was not read.
    fn read(&mut self, path: &Path, what: Wanted) -> Result<Option<Fetched>, String>;

    /// How reports show `path`.
    fn shown(&self, path: &Path) -> String;
}

/// What is being read: a Compose file, or a `.env` file (smaller).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wanted {
    Compose,
    Env,
}

/// A file read.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// What makes it one file (every link resolved).
    pub real: PathBuf,
    /// As reports show it.
    pub shown: String,
    pub text: String,
}

/// One file of the project.
#[derive(Debug, Clone)]
pub struct ProjectFile {
    pub shown: String,
    pub file: ComposeFile,
    /// What its values are interpolated with.
    pub variables: Variables,
    /// The directory the paths it writes are from; `None` for standard
    /// input, whose paths are not followed.
    pub dir: Option<PathBuf>,
    /// Every service of it is in the project (the project's file, its
    /// override, an included file), not only those another extends.
    pub whole: bool,
    /// What makes it one file (its path, every link resolved), when it
    /// is one.
    pub real: Option<PathBuf>,
}

impl ProjectFile {
    /// The project's own file, at `path` (`None` for standard input).
    pub fn main(shown: &str, file: ComposeFile, variables: Variables, path: Option<&Path>) -> Self {
        ProjectFile {
            shown: shown.to_owned(),
            file,
            variables,
            dir: path.and_then(Path::parent).map(Path::to_path_buf),
            whole: true,
            real: path.map(Path::to_path_buf),
        }
    }
}

/// What went wrong in one file: a file that names one it cannot have
/// (at the name), or a file read that does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectError {
    pub path: String,
    pub message: String,
    pub position: Option<Position>,
}

/// A project's files, each with the images it pulls in
/// [`ComposeFile::images`], and what could not be followed.
#[derive(Debug)]
pub struct Project {
    pub files: Vec<ProjectFile>,
    pub errors: Vec<ProjectError>,
}

/// A service as the merge has it so far.
#[derive(Debug, Clone, Default)]
struct State {
    image: Option<Rc<ImageAt>>,
    build: bool,
    /// The file whose `build: !reset` took its `build` away.
    build_reset_by: Option<usize>,
    /// It takes its image from another file through `extends`: the
    /// service it extends, and the file of the service that extends.
    extended_from: Option<(Rc<str>, usize)>,
}

#[derive(Debug)]
struct ImageAt {
    file: usize,
    written: Written,
}

/// Services in the order they were first written: slots, emptied when a
/// service is dropped, so that dropping one costs no more than adding it.
#[derive(Debug, Clone, Default)]
struct Services {
    slots: Vec<Option<(Rc<str>, State)>>,
    index: HashMap<Rc<str>, usize>,
}

impl Services {
    fn get(&self, name: &str) -> Option<&State> {
        let slot = self.slots.get(*self.index.get(name)?)?;
        slot.as_ref().map(|(_, state)| state)
    }

    fn get_mut(&mut self, name: &str) -> Option<&mut State> {
        let slot = self.slots.get_mut(*self.index.get(name)?)?;
        slot.as_mut().map(|(_, state)| state)
    }

    fn put(&mut self, name: &Rc<str>, state: State) {
        match self.index.get(name) {
            Some(&at) => self.slots[at] = Some((Rc::clone(name), state)),
            None => {
                self.index.insert(Rc::clone(name), self.slots.len());
                self.slots.push(Some((Rc::clone(name), state)));
            }
        }
    }

    fn remove(&mut self, name: &str) {
        if let Some(at) = self.index.remove(name) {
            self.slots[at] = None;
        }
    }

    fn clear(&mut self) {
        self.slots.clear();
        self.index.clear();
    }

    fn iter(&self) -> impl Iterator<Item = (&Rc<str>, &State)> {
        self.slots
            .iter()
            .flatten()
            .map(|(name, state)| (name, state))
    }
}

/// `top` written over `base`: a key written later wins, `build` merges.
fn over(base: &State, top: &State) -> State {
    State {
        image: top.image.clone().or_else(|| base.image.clone()),
        build: top.build || base.build,
        build_reset_by: top.build_reset_by.or(base.build_reset_by),
        extended_from: top
            .extended_from
            .clone()
            .or_else(|| base.extended_from.clone()),
    }
}

/// What one document drops from what came before it.
#[derive(Debug, Default)]
struct Resets {
    all: bool,
    services: HashSet<Rc<str>>,
    images: HashSet<Rc<str>>,
    builds: HashSet<Rc<str>>,
    /// Services written `!override`: they replace rather than merge.
    replaced: HashSet<Rc<str>>,
}

impl Resets {
    /// Drop from `services` what these reset; `by` is the file that
    /// resets.
    fn apply(&self, services: &mut Services, by: usize) {
        if self.all {
            services.clear();
        }
        for name in &self.services {
            services.remove(name);
        }
        for name in &self.images {
            if let Some(state) = services.get_mut(name) {
                state.image = None;
            }
        }
        for name in &self.builds {
            if let Some(state) = services.get_mut(name) {
                if state.build {
                    state.build = false;
                    state.build_reset_by = Some(by);
                }
            }
        }
    }
}

/// Where a service is written: file, document, index.
type Place = (usize, usize, usize);

struct Builder<'r> {
    files: Vec<ProjectFile>,
    errors: Vec<ProjectError>,
    reader: Option<&'r mut dyn Reader>,
    /// Files by what makes them one.
    by_real: HashMap<PathBuf, usize>,
    /// What each path named so far gave: a file read once is not read
    /// again however many services name it.
    by_path: HashMap<PathBuf, Result<Fetch, String>>,
    /// The services of each file that another extends, by name.
    extendable: HashMap<usize, Rc<HashMap<Rc<str>, Place>>>,
    /// The projects being included, for cycles.
    including: Vec<usize>,
    /// Included projects already merged, by their files.
    included: HashMap<Vec<usize>, Rc<Services>>,
}

/// What a path named gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fetch {
    File(usize),
    /// There is no such file.
    Missing,
    /// It does not parse: said in the file itself.
    Broken,
}

impl Project {
    /// The project of `main` and the override file at `override_path`
    /// (read through `reader`, as every other file); without a reader no
    /// other file is read.
    pub fn build(
        main: ProjectFile,
        override_path: Option<&Path>,
        reader: Option<&mut dyn Reader>,
    ) -> Project {
        let mut builder = Builder {
            by_real: main.real.iter().map(|r| (r.clone(), 0)).collect(),
            files: vec![main],
            errors: Vec::new(),
            reader,
            by_path: HashMap::new(),
            extendable: HashMap::new(),
            including: Vec::new(),
            included: HashMap::new(),
        };
        let mut pulled = Pulled::default();
        let alone = builder.judge(&[0]);
        pulled.add(&alone);
        if let Some(path) = override_path {
            match builder.fetch(path, None, true) {
                Ok(Fetch::File(id)) => {
                    let merged = builder.judge(&[0, id]);
                    pulled.add(&merged);
                }
                Ok(Fetch::Missing | Fetch::Broken) => {}
                Err(why) => {
                    let shown = builder.shown(path);
                    let message =
                        format!("{why}; {} is audited without it", builder.files[0].shown);
                    builder.errors.push(ProjectError {
                        path: shown,
                        message,
                        position: None,
                    });
                }
            }
        }
        let mut files = builder.files;
        pulled.fill(&mut files);
        let mut errors = builder.errors;
        let mut seen = HashSet::new();
        errors.retain(|e| {
            let at = e.position.map(|p| (p.line, p.column));
            seen.insert((e.path.clone(), e.message.clone(), at))
        });
        Project { files, errors }
    }
}

/// The images pulled, by where they are written: (file, span start, span
/// end).
#[derive(Default)]
struct Pulled {
    images: std::collections::BTreeMap<(usize, usize, usize), PulledImage>,
}

/// One image pulled: as written, by which services, and why when its
/// file alone does not say it.
struct PulledImage {
    written: Written,
    services: Vec<String>,
    note: Option<Note>,
}

/// Whether a path is one for another of Compose's loaders (`oci://…`,
/// `https://….git`, `git@…`, a scheme of a loader of its own such as
/// `remote:`): not a file of the repository. A letter and a colon is a
/// Windows drive.
fn is_remote(value: &str) -> bool {
    let scheme = value.split_once(':').is_some_and(|(scheme, _)| {
        scheme.len() > 1
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'))
    });
    scheme || value.starts_with("git@")
}

/// Why a service pulls an image that the file writing it does not say it
/// pulls.
#[derive(Debug, Clone)]
enum Note {
    /// This file resets its `build`.
    BuildResetBy(usize),
    /// The service of this file extends the named one.
    Extending(String, usize),
}

impl Pulled {
    fn add(&mut self, services: &Services) {
        for (name, state) in services.iter() {
            let Some(image) = &state.image else { continue };
            if state.build {
                continue;
            }
            let key = (image.file, image.written.span.start, image.written.span.end);
            let note = state.note(image.file);
            let entry = self.images.entry(key).or_insert_with(|| PulledImage {
                written: image.written.clone(),
                services: Vec::new(),
                note: note.clone(),
            });
            if !entry.services.iter().any(|known| **known == **name) {
                entry.services.push(name.to_string());
            }
            // A note says why the file alone does not show it pulled: not
            // when another service plainly pulls it.
            if note.is_none() {
                entry.note = None;
            }
        }
    }

    /// Each file's images, interpolated with its variables.
    fn fill(self, files: &mut [ProjectFile]) {
        for ((file, _, _), pulled) in self.images {
            let PulledImage {
                written,
                services,
                note,
            } = pulled;
            let shown = |id: usize| files.get(id).map_or("", |f| f.shown.as_str()).to_owned();
            let note = note.map(|note| match note {
                Note::BuildResetBy(by) => format!("{} resets its `build`", shown(by)),
                Note::Extending(service, by) => {
                    format!("in {}, extending `{service}`", shown(by))
                }
            });
            let Some(project_file) = files.get_mut(file) else {
                continue;
            };
            let value = interpolate(&written.text, &project_file.variables);
            project_file.file.images.push(ServiceImage {
                services,
                note,
                written: written.text,
                span: written.span,
                value,
            });
        }
    }
}

impl State {
    /// Why a service pulls the image written in file `at`, when that
    /// file alone does not say it.
    fn note(&self, at: usize) -> Option<Note> {
        if let Some(by) = self.build_reset_by.filter(|by| *by != at) {
            return Some(Note::BuildResetBy(by));
        }
        self.extended_from
            .as_ref()
            .filter(|(_, by)| *by != at)
            .map(|(service, by)| Note::Extending(service.to_string(), *by))
    }
}

impl Builder<'_> {
    /// The services of the project whose files are `roots` (a file, then
    /// the files merged over it).
    fn judge(&mut self, roots: &[usize]) -> Services {
        let mut merged = Services::default();
        for &root in roots {
            for document in 0..self.files[root].file.documents.len() {
                let (layer, resets) = self.layer(root, document);
                resets.apply(&mut merged, root);
                for (name, state) in layer.iter() {
                    let state = match merged.get(name) {
                        Some(base) if !resets.replaced.contains(name) => over(base, state),
                        _ => state.clone(),
                    };
                    merged.put(name, state);
                }
            }
        }
        merged
    }

    /// One document's services, its includes and extends applied, and
    /// what it resets.
    fn layer(&mut self, file: usize, document: usize) -> (Services, Resets) {
        let written = Rc::clone(&self.files[file].file.documents[document]);
        let mut resets = Resets {
            all: written.services_reset,
            ..Resets::default()
        };
        let names: Vec<Rc<str>> = written
            .services
            .iter()
            .map(|service| Rc::from(service.name.as_str()))
            .collect();
        let mut places: HashMap<Rc<str>, Place> = HashMap::new();
        for ((index, service), name) in written.services.iter().enumerate().zip(&names) {
            if service.reset {
                resets.services.insert(Rc::clone(name));
                continue;
            }
            if service.replaces {
                resets.replaced.insert(Rc::clone(name));
            }
            if service.image == Field::Reset {
                resets.images.insert(Rc::clone(name));
            }
            if service.build == Field::Reset {
                resets.builds.insert(Rc::clone(name));
            }
            places.insert(Rc::clone(name), (file, document, index));
        }
        let mut services = Services::default();
        for include in &written.includes {
            let Some(imported) = self.include(file, include) else {
                continue;
            };
            for (name, state) in imported.iter() {
                let mut state = state.clone();
                // What this document resets in a service it also writes,
                // it resets in the included one (compose-go's import).
                if places.contains_key(name) {
                    let mut one = Services::default();
                    one.put(name, state.clone());
                    resets.apply(&mut one, file);
                    match one.get(name) {
                        Some(kept) => state = kept.clone(),
                        None => continue,
                    }
                }
                let state = match services.get(name) {
                    Some(base) => over(base, &state),
                    None => state,
                };
                services.put(name, state);
            }
        }
        for ((index, service), name) in written.services.iter().enumerate().zip(&names) {
            if service.reset {
                continue;
            }
            let state = self.extended((file, document, index), &places, &services, &mut Vec::new());
            let state = match services.get(name) {
                Some(base) if !resets.replaced.contains(name) => over(base, &state),
                _ => state,
            };
            services.put(name, state);
        }
        (services, resets)
    }

    /// A service as written, before what it extends.
    fn own_state(&self, file: usize, document: usize, index: usize) -> State {
        let service = &self.files[file].file.documents[document].services[index];
        State {
            image: match &service.image {
                Field::Set(written) => Some(Rc::new(ImageAt {
                    file,
                    written: written.clone(),
                })),
                _ => None,
            },
            build: service.build == Field::Set(()),
            build_reset_by: None,
            extended_from: None,
        }
    }

    /// The service at `place` with what it extends under it: `siblings`
    /// are the services of its own document (what `extends: name`
    /// names), `imported` those its document includes.
    fn extended(
        &mut self,
        place: Place,
        siblings: &HashMap<Rc<str>, Place>,
        imported: &Services,
        stack: &mut Vec<Place>,
    ) -> State {
        let (file, document, index) = place;
        let own = self.own_state(file, document, index);
        let written = &self.files[file].file.documents[document].services[index];
        if written.extends.is_none() {
            return own;
        }
        let service = written.clone();
        let Some(extends) = &service.extends else {
            return own;
        };
        let refuse = |builder: &mut Self, message: String, at: Span| {
            builder.error_at(file, at, message);
            own.clone()
        };
        if stack.contains(&place) {
            return refuse(
                self,
                format!(
                    "service `{}` extends itself through `{}`",
                    service.name, extends.service.text
                ),
                extends.service.span,
            );
        }
        if stack.len() >= MAX_EXTENDS_DEPTH {
            return refuse(
                self,
                format!("`extends` chains more than {MAX_EXTENDS_DEPTH} services deep"),
                extends.service.span,
            );
        }
        let name = extends.service.text.as_str();
        stack.push(place);
        let base = match &extends.file {
            None => match siblings.get(name) {
                Some(&base) => Some(self.extended(base, siblings, imported, stack)),
                None => match imported.get(name) {
                    Some(state) => Some(state.clone()),
                    None => {
                        let message = format!(
                            "service `{}` extends `{name}`, which this file does not define",
                            service.name
                        );
                        self.error_at(file, extends.service.span, message);
                        None
                    }
                },
            },
            Some(path) => self.extended_from_file(file, path, &extends.service, stack),
        };
        stack.pop();
        let Some(mut base) = base else { return own };
        // What the service resets, it resets in what it extends.
        if service.image == Field::Reset {
            base.image = None;
        }
        if service.build == Field::Reset && base.build {
            base.build = false;
            base.build_reset_by = Some(file);
        }
        let mut state = over(&base, &own);
        if state.image.as_ref().is_some_and(|image| image.file != file) {
            state.extended_from = Some((Rc::from(name), file));
        }
        state
    }

    /// The service `name` of the file `path` that file `from` names.
    fn extended_from_file(
        &mut self,
        from: usize,
        path: &Written,
        name: &Written,
        stack: &mut Vec<Place>,
    ) -> Option<State> {
        let other = self.follow(from, path, "extends file", None, false)?;
        let places = self.extendable(other);
        let Some(&place) = places.get(name.text.as_str()) else {
            let shown = self.files[other].shown.clone();
            self.error_at(
                from,
                name.span,
                format!(
                    "`extends` names service `{}`, which {shown} does not define",
                    name.text
                ),
            );
            return None;
        };
        Some(self.extended(place, &places, &Services::default(), stack))
    }

    /// The services of file `file` by name, its documents merged, as
    /// compose-go reads a file for `extends` (its includes not followed).
    fn extendable(&mut self, file: usize) -> Rc<HashMap<Rc<str>, Place>> {
        if let Some(places) = self.extendable.get(&file) {
            return Rc::clone(places);
        }
        let mut places: HashMap<Rc<str>, Place> = HashMap::new();
        for (document, written) in self.files[file].file.documents.iter().enumerate() {
            if written.services_reset {
                places.clear();
            }
            for (index, service) in written.services.iter().enumerate() {
                if service.reset {
                    places.remove(service.name.as_str());
                } else {
                    places.insert(Rc::from(service.name.as_str()), (file, document, index));
                }
            }
        }
        let places = Rc::new(places);
        self.extendable.insert(file, Rc::clone(&places));
        places
    }

    /// The services of the project that `include` names from `file`.
    fn include(&mut self, file: usize, include: &Include) -> Option<Rc<Services>> {
        let first = include.paths.first()?;
        let dir = self.files[file].dir.clone()?;
        // The files first: an include that cannot be read has no `.env`
        // to look for. Those read here for the first time are given the
        // included project's variables below.
        let known = self.files.len();
        let mut roots = Vec::new();
        for path in &include.paths {
            let id = self.follow(file, path, "include", None, true)?;
            if self.including.contains(&id) || id == file {
                let shown = self.files[id].shown.clone();
                self.error_at(
                    file,
                    path.span,
                    format!(
                        "include cycle: `{}` ({shown}) includes this file again",
                        path.text
                    ),
                );
                return None;
            }
            roots.push(id);
        }
        // The included project's variables: the including one's, and its
        // own `.env` (or `env_file`s) where those have none.
        let outer = self.files[file].variables.clone();
        let mut variables = outer.clone();
        let project_dir = match &include.project_directory {
            Some(written) => self
                .value(file, written)
                .map(|value| crate::input::normalize(&dir.join(value))),
            None => self.files[roots[0]].dir.clone(),
        };
        if let (true, Some(project_dir)) = (include.env_files.is_empty(), project_dir) {
            match self.read(&project_dir.join(".env"), Wanted::Env) {
                Ok(Some(fetched)) => variables.fill(&read_env_file(&fetched.text, &outer)),
                Ok(None) => {}
                Err(why) => self.error_at(
                    file,
                    first.span,
                    format!("`.env` of included `{}` not read: {why}", first.text),
                ),
            }
        }
        for env_file in &include.env_files {
            let Some(name) = self.value(file, env_file) else {
                continue;
            };
            if name == "/dev/null" {
                continue;
            }
            let path = crate::input::normalize(&dir.join(&name));
            let why = match self.read(&path, Wanted::Env) {
                Ok(Some(fetched)) => {
                    variables.fill(&read_env_file(&fetched.text, &outer));
                    continue;
                }
                Ok(None) => "there is no such file".to_owned(),
                Err(why) => why,
            };
            let message = format!("`env_file` `{}` not read: {why}", env_file.text);
            self.error_at(file, env_file.span, message);
        }
        for &id in &roots {
            if id >= known {
                self.files[id].variables = variables.clone();
            }
        }
        if let Some(done) = self.included.get(&roots) {
            return Some(Rc::clone(done));
        }
        self.including.push(file);
        let services = Rc::new(self.judge(&roots));
        self.including.pop();
        self.included.insert(roots, Rc::clone(&services));
        Some(services)
    }

    /// A path written in file `from`, interpolated; `None` when it is
    /// remote or depends on a variable with no value (not followed).
    fn value(&self, from: usize, written: &Written) -> Option<String> {
        let Interpolated::Resolved(value) = interpolate(&written.text, &self.files[from].variables)
        else {
            return None;
        };
        (!is_remote(&value) && !value.is_empty()).then_some(value)
    }

    /// The file `written` names from file `from`, read with `variables`
    /// (`None`: those of `from`); its id, or `None` (and an error where it
    /// is named) when it cannot be had.
    fn follow(
        &mut self,
        from: usize,
        written: &Written,
        what: &str,
        variables: Option<Variables>,
        whole: bool,
    ) -> Option<usize> {
        let value = self.value(from, written)?;
        let dir = self.files[from].dir.clone()?;
        let path = crate::input::normalize(&dir.join(&value));
        let variables = variables.unwrap_or_else(|| self.files[from].variables.clone());
        let why = match self.fetch(&path, Some(variables), whole) {
            Ok(Fetch::File(id)) => return Some(id),
            Ok(Fetch::Broken) => return None,
            Ok(Fetch::Missing) => "there is no such file".to_owned(),
            Err(why) => why,
        };
        self.error_at(
            from,
            written.span,
            format!("{what} `{}` not audited: {why}", written.text),
        );
        None
    }

    /// The Compose file at `path` as a file of the project, read with
    /// `variables` (`None`: the project's file's): read once (the first
    /// reading's variables stay) and parsed.
    fn fetch(
        &mut self,
        path: &Path,
        variables: Option<Variables>,
        whole: bool,
    ) -> Result<Fetch, String> {
        if let Some(known) = self.by_path.get(path) {
            if let Ok(Fetch::File(id)) = known {
                self.files[*id].whole |= whole;
            }
            return known.clone();
        }
        let fetched = self.fetch_new(path, variables, whole);
        self.by_path.insert(path.to_path_buf(), fetched.clone());
        fetched
    }

    fn fetch_new(
        &mut self,
        path: &Path,
        variables: Option<Variables>,
        whole: bool,
    ) -> Result<Fetch, String> {
        let Some(fetched) = self.read(path, Wanted::Compose)? else {
            return Ok(Fetch::Missing);
        };
        if let Some(&id) = self.by_real.get(&fetched.real) {
            self.files[id].whole |= whole;
            return Ok(Fetch::File(id));
        }
        let file = match ComposeFile::parse(fetched.text) {
            Ok(file) => file,
            Err(error) => {
                self.errors.push(ProjectError {
                    path: fetched.shown,
                    message: error.message,
                    position: Some(error.position),
                });
                return Ok(Fetch::Broken);
            }
        };
        let id = self.files.len();
        self.by_real.insert(fetched.real.clone(), id);
        let variables = variables.unwrap_or_else(|| self.files[0].variables.clone());
        self.files.push(ProjectFile {
            shown: fetched.shown,
            file,
            variables,
            dir: path.parent().map(Path::to_path_buf),
            whole,
            real: Some(fetched.real),
        });
        Ok(Fetch::File(id))
    }

    fn shown(&self, path: &Path) -> String {
        match self.reader.as_deref() {
            Some(reader) => reader.shown(path),
            None => path.to_string_lossy().into_owned(),
        }
    }

    fn read(&mut self, path: &Path, what: Wanted) -> Result<Option<Fetched>, String> {
        match self.reader.as_deref_mut() {
            Some(reader) => reader.read(path, what),
            None => Ok(None),
        }
    }

    fn error_at(&mut self, file: usize, at: Span, message: String) {
        let project_file = &self.files[file];
        let position = project_file
            .file
            .lines
            .position(&project_file.file.text, at.start);
        self.errors.push(ProjectError {
            path: project_file.shown.clone(),
            message,
            position: Some(position),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Files in memory, under `/r`.
    struct Memory(Vec<(&'static str, &'static str)>);

    impl Reader for Memory {
        fn read(&mut self, path: &Path, _: Wanted) -> Result<Option<Fetched>, String> {
            let shown = self.shown(path);
            if shown.starts_with("refused") {
                return Err("a symbolic link out of the repository".to_owned());
            }
            Ok(self
                .0
                .iter()
                .find(|(name, _)| *name == shown)
                .map(|(_, text)| Fetched {
                    real: path.to_path_buf(),
                    shown: shown.clone(),
                    text: text.to_string(),
                }))
        }

        fn shown(&self, path: &Path) -> String {
            path.strip_prefix("/r")
                .unwrap_or(path)
                .to_string_lossy()
                .into_owned()
        }
    }

    /// The project of the first file (its override the file named
    /// `compose.override.yaml`, if any): each image pulled as
    /// `file:line:column services (note)`, then each error as
    /// `file:line:column message`.
    fn project(files: &[(&'static str, &'static str)]) -> Vec<String> {
        let (name, text) = files[0];
        let mut reader = Memory(files.to_vec());
        let env = files
            .iter()
            .find(|(n, _)| *n == ".env")
            .map_or(Variables::default(), |(_, t)| {
                read_env_file(t, &Variables::default())
            });
        let path = PathBuf::from("/r").join(name);
        let main = ProjectFile::main(
            name,
            ComposeFile::parse(text.into()).unwrap(),
            env,
            Some(&path),
        );
        let override_path = files
            .iter()
            .any(|(n, _)| *n == "compose.override.yaml")
            .then(|| PathBuf::from("/r/compose.override.yaml"));
        let project = Project::build(main, override_path.as_deref(), Some(&mut reader));
        let mut out = Vec::new();
        for file in &project.files {
            for image in &file.file.images {
                let at = file.file.lines.position(&file.file.text, image.span.start);
                let value = match &image.value {
                    Interpolated::Resolved(value) => value.clone(),
                    other => format!("{other:?}"),
                };
                out.push(format!(
                    "{}:{}:{} {} = {value}",
                    file.shown,
                    at.line,
                    at.column,
                    image.who()
                ));
            }
        }
        for error in &project.errors {
            let at = error
                .position
                .map_or(String::new(), |p| format!(":{}:{}", p.line, p.column));
            out.push(format!("{}{at} {}", error.path, error.message));
        }
        out
    }

    macro_rules! assert_project {
        ([$($file:expr),* $(,)?], [$($line:expr),* $(,)?]) => {
            assert_eq!(project(&[$($file),*]), [$($line),*] as [&str; 0 $(+ { let _ = $line; 1 })*])
        };
    }

    const C: &str = "compose.yaml";
    const O: &str = "compose.override.yaml";

    #[test]
    fn a_service_with_build_pulls_nothing() {
        assert_project!(
            [(C, "services:\n  a:\n    image: x:1\n")],
            ["compose.yaml:3:12 service `a` = x:1"]
        );
        assert_project!([(C, "services:\n  a:\n    build: .\n    image: x:1\n")], []);
        assert_project!(
            [(C, "services:\n  a:\n    build: !reset\n    image: x:1\n")],
            ["compose.yaml:4:12 service `a` = x:1"]
        );
        assert_project!([(C, "services:\n  a:\n    image: !reset x:1\n")], []);
        assert_project!(
            [(C, "services:\n  a:\n    image: !override x:1\n")],
            ["compose.yaml:3:22 service `a` = x:1"]
        );
        assert_project!([(C, "services:\n  a: !reset\n    image: x:1\n")], []);
    }

    #[test]
    fn documents_are_layers() {
        assert_project!(
            [(
                C,
                "services:\n  a:\n    image: x:1\n---\nservices:\n  a:\n    build: .\n"
            )],
            []
        );
        assert_project!([(C, "services:\n  a:\n    build: .\n    image: x:1\n---\nservices:\n  a:\n    build: !reset\n")], ["compose.yaml:4:12 service `a` = x:1"]);
        assert_project!(
            [(
                C,
                "services:\n  a:\n    image: x:1\n---\nservices: !reset {}\n"
            )],
            []
        );
        assert_project!(
            [(
                C,
                "services:\n  a:\n    image: x:1\n---\nservices:\n  a:\n    image: x:2\n"
            )],
            ["compose.yaml:7:12 service `a` = x:2"]
        );
    }

    #[test]
    fn an_override_is_judged_with_its_base_and_the_base_alone() {
        // Each reference where it is written; the base's still pulled
        // when the base is used alone.
        assert_project!(
            [
                (C, "services:\n  a:\n    image: x\n"),
                (O, "services:\n  a:\n    image: x:1@sha256:0\n")
            ],
            [
                "compose.yaml:3:12 service `a` = x",
                "compose.override.yaml:3:12 service `a` = x:1@sha256:0"
            ]
        );
        // A build in the override: the base alone still pulls its image.
        assert_project!(
            [
                (C, "services:\n  a:\n    image: x:1\n"),
                (O, "services:\n  a:\n    build: .\n")
            ],
            ["compose.yaml:3:12 service `a` = x:1"]
        );
        // An image the override gives a service the base builds is the
        // name of what is built.
        assert_project!(
            [
                (C, "services:\n  a:\n    build: .\n"),
                (O, "services:\n  a:\n    image: me/a:dev\n")
            ],
            []
        );
        // `build: !reset` in the override: the base's image is pulled.
        assert_project!(
            [
                (C, "services:\n  a:\n    build: .\n    image: me/a\n"),
                (O, "services:\n  a:\n    build: !reset\n")
            ],
            ["compose.yaml:4:12 service `a` (compose.override.yaml resets its `build`) = me/a"]
        );
        assert_project!(
            [
                (C, "services:\n  a:\n    build: .\n    image: me/a\n"),
                (O, "services:\n  a: !override\n    image: me/a:2\n")
            ],
            ["compose.override.yaml:3:12 service `a` = me/a:2"]
        );
        assert_project!(
            [
                (C, "services:\n  a:\n    image: x:1\n"),
                (O, "services:\n  a: !reset\n")
            ],
            ["compose.yaml:3:12 service `a` = x:1"]
        );
        assert_project!(
            [
                (C, "services:\n  a:\n    image: x:1\n"),
                (O, "services:\n  b:\n    image: y:2\n")
            ],
            [
                "compose.yaml:3:12 service `a` = x:1",
                "compose.override.yaml:3:12 service `b` = y:2"
            ]
        );
    }

    #[test]
    fn extends() {
        assert_project!(
            [(C, "services:\n  a:\n    image: x:1\n  b:\n    extends: a\n")],
            ["compose.yaml:3:12 services `a` and `b` = x:1"]
        );
        assert_project!(
            [(
                C,
                "services:\n  a:\n    image: x:1\n  b:\n    extends: a\n    build: .\n"
            )],
            ["compose.yaml:3:12 service `a` = x:1"]
        );
        assert_project!([(C, "services:\n  b:\n    extends: {service: a}\n    image: y:2\n  a:\n    build: .\n    image: x:1\n")], []);
        assert_project!([(C, "services:\n  b:\n    extends: a\n    build: !reset\n  a:\n    build: .\n    image: x:1\n")], ["compose.yaml:7:12 service `b` = x:1"]);
        assert_project!(
            [
                (
                    C,
                    "services:\n  b:\n    extends:\n      file: common.yml\n      service: base\n"
                ),
                (
                    "common.yml",
                    "services:\n  base:\n    image: python\n  other:\n    image: ruby\n"
                )
            ],
            ["common.yml:3:12 service `b` (in compose.yaml, extending `base`) = python"]
        );
        assert_project!(
            [
                (
                    C,
                    "services:\n  b:\n    extends: {file: sub/common.yml, service: base}\n"
                ),
                (
                    "sub/common.yml",
                    "services:\n  base:\n    extends: {file: ../more.yml, service: root}\n"
                ),
                ("more.yml", "services:\n  root:\n    image: python:3\n")
            ],
            ["more.yml:3:12 service `b` (in compose.yaml, extending `base`) = python:3"]
        );
        // What Compose refuses is said where it is written.
        assert_project!(
            [(C, "services:\n  b:\n    extends: nope\n    image: x:1\n")],
            [
                "compose.yaml:4:12 service `b` = x:1",
                "compose.yaml:3:14 service `b` extends `nope`, which this file does not define"
            ]
        );
        assert_project!(
            [(C, "services:\n  a:\n    extends: b\n  b:\n    extends: a\n")],
            [
                "compose.yaml:3:14 service `a` extends itself through `b`",
                "compose.yaml:5:14 service `b` extends itself through `a`"
            ]
        );
        assert_project!(
            [(
                C,
                "services:\n  b:\n    extends: {file: gone.yml, service: a}\n"
            )],
            ["compose.yaml:3:21 extends file `gone.yml` not audited: there is no such file"]
        );
        assert_project!([(C, "services:\n  b:\n    extends: {file: refused.yml, service: a}\n")], ["compose.yaml:3:21 extends file `refused.yml` not audited: a symbolic link out of the repository"]);
        assert_project!(
            [
                (
                    C,
                    "services:\n  b:\n    extends: {file: c.yml, service: z}\n"
                ),
                ("c.yml", "services: {}\n")
            ],
            ["compose.yaml:3:37 `extends` names service `z`, which c.yml does not define"]
        );
        assert_project!([(C, "services:\n  b:\n    extends: {file: c.yml, service: z}\n"), ("c.yml", "sevices: {}\n")], ["c.yml:1:1 `sevices` is not a Compose top-level key (did you mean `services`?): `docker compose` refuses the file"]);
        // Remote or unknown: not followed.
        assert_project!([(C, "services:\n  b:\n    extends: {file: \"${DIR}/c.yml\", service: z}\n    image: x:1\n")], ["compose.yaml:4:12 service `b` = x:1"]);
    }

    #[test]
    fn includes() {
        assert_project!(
            [
                (
                    C,
                    "include:\n  - sub/compose.yaml\nservices:\n  a:\n    image: x:1\n"
                ),
                (
                    "sub/compose.yaml",
                    "services:\n  b:\n    image: y:${T:-2}\n"
                )
            ],
            [
                "compose.yaml:5:12 service `a` = x:1",
                "sub/compose.yaml:3:12 service `b` = y:2"
            ]
        );
        // The included project's `.env` fills what the including one lacks.
        assert_project!(
            [
                (C, "include:\n  - sub/compose.yaml\n"),
                (".env", "T=outer\n"),
                ("sub/compose.yaml", "services:\n  b:\n    image: y:$T-$U\n"),
                ("sub/.env", "T=inner\nU=u\n")
            ],
            ["sub/compose.yaml:3:12 service `b` = y:outer-u"]
        );
        assert_project!(
            [
                (
                    C,
                    "include:\n  - path: sub/compose.yaml\n    env_file: other.env\n"
                ),
                ("other.env", "T=3\n"),
                ("sub/compose.yaml", "services:\n  b:\n    image: y:$T\n")
            ],
            ["sub/compose.yaml:3:12 service `b` = y:3"]
        );
        // The including file's own definition is written over it.
        assert_project!(
            [
                (C, "include:\n  - sub.yaml\nservices:\n  b:\n    build: .\n"),
                ("sub.yaml", "services:\n  b:\n    image: y:2\n")
            ],
            []
        );
        assert_project!(
            [
                (C, "include:\n  - path: [sub.yaml, sub.override.yaml]\n"),
                (
                    "sub.yaml",
                    "services:\n  b:\n    build: .\n    image: y:2\n"
                ),
                ("sub.override.yaml", "services:\n  b:\n    build: !reset\n")
            ],
            ["sub.yaml:4:12 service `b` (sub.override.yaml resets its `build`) = y:2"]
        );
        assert_project!(
            [
                (C, "include:\n  - a.yaml\n"),
                (
                    "a.yaml",
                    "include:\n  - compose.yaml\nservices:\n  x:\n    image: x:1\n"
                )
            ],
            [
                "a.yaml:5:12 service `x` = x:1",
                "a.yaml:2:5 include cycle: `compose.yaml` (compose.yaml) includes this file again"
            ]
        );
        assert_project!([(C, "include:\n  - gone.yaml\n  - oci://registry/app:1\n  - https://github.com/a/b.git\n  - git@github.com:a/b.git\n  - remote:x/compose.yaml\n  - ${NOPE}/x.yaml\n")], ["compose.yaml:2:5 include `gone.yaml` not audited: there is no such file"]);
        assert_project!([(C, "include:\n  - refused.yaml\n")], ["compose.yaml:2:5 include `refused.yaml` not audited: a symbolic link out of the repository"]);
    }

    #[test]
    fn a_file_named_by_many_is_read_once() {
        assert_project!([(C, "include:\n  - c.yml\nservices:\n  a:\n    extends: {file: c.yml, service: base}\n  b:\n    extends: {file: c.yml, service: base}\n"), ("c.yml", "services:\n  base:\n    image: x:1\n")], ["c.yml:3:12 services `base`, `a` and `b` = x:1"]);
    }
}
