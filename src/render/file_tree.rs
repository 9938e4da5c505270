//! An in-memory copy of a directory of text files.
//!
//! Templates and overlays are tiny, so they are read whole up front — from the
//! copy embedded in the binary, from a user's `--templates`/`--overlays`
//! directory, or from a map built in a test. Everything after loading works on
//! this tree, so tests never touch the disk (kustomize's `filesys.MakeFsInMemory`
//! plays the same role).

use crate::bounded_read::{self, Limit};
use crate::error::{Error, Result};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

static EMBEDDED_TEMPLATES: include_dir::Dir<'_> =
    include_dir::include_dir!("$CARGO_MANIFEST_DIR/templates");
static EMBEDDED_OVERLAYS: include_dir::Dir<'_> =
    include_dir::include_dir!("$CARGO_MANIFEST_DIR/overlays");

/// A template or an overlay is a few kilobytes; a file of more than a
/// megabyte under `--templates`/`--overlays` is a wrong directory.
const TEMPLATE_FILE_LIMIT: Limit<'static> = Limit {
    max_bytes: 1 << 20,
    hint: "--templates and --overlays take directories of small text files (a copy of templates/ or overlays/); move other files out",
};

/// Files keyed by their `/`-separated path relative to the tree's root.
#[derive(Debug, Clone, Default)]
pub struct FileTree {
    /// Where the files came from, for messages: `built-in templates`, a path.
    pub origin: String,
    /// Shared, so the template engine's loader can hold the tree without
    /// copying every file again. Borrowed from the binary for the built-in
    /// trees: a render then copies none of them (it reads three or four).
    files: Arc<BTreeMap<Cow<'static, str>, Cow<'static, str>>>,
}

impl FileTree {
    /// The templates built into the binary.
    pub fn builtin_templates() -> Self {
        Self::from_embedded("built-in templates", &EMBEDDED_TEMPLATES)
    }

    /// The overlays built into the binary.
    pub fn builtin_overlays() -> Self {
        Self::from_embedded("built-in overlays", &EMBEDDED_OVERLAYS)
    }

    fn from_embedded(origin: &str, dir: &'static include_dir::Dir<'static>) -> Self {
        let mut files = BTreeMap::new();
        collect_embedded(dir, &mut files);
        FileTree {
            origin: origin.to_string(),
            files: Arc::new(files),
        }
    }

    /// A tree held in memory, for tests and fuzzing.
    pub fn from_map<K: Into<String>, V: Into<String>>(
        origin: &str,
        entries: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        let files = entries
            .into_iter()
            .map(|(k, v)| (Cow::Owned(k.into()), Cow::Owned(v.into())))
            .collect();
        FileTree {
            origin: origin.to_string(),
            files: Arc::new(files),
        }
    }

    /// Reads every regular file below `root`. Hidden files and directories
    /// (editor swap files, `.git`) are skipped.
    pub fn from_dir(root: &Path) -> Result<Self> {
        if !root.is_dir() {
            return Err(Error::io(
                "reading directory",
                root,
                std::io::Error::new(std::io::ErrorKind::NotFound, "not a directory"),
            ));
        }
        let mut files = BTreeMap::new();
        let walker = walkdir::WalkDir::new(root).follow_links(true).into_iter();
        for entry in walker
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
        {
            let entry = entry.map_err(|e| Error::io("reading directory", root, e.into()))?;
            if !entry.file_type().is_file() {
                continue;
            }
            let key = relative_key(root, entry.path());
            let text = bounded_read::text_file(entry.path(), TEMPLATE_FILE_LIMIT)?;
            files.insert(Cow::Owned(key), Cow::Owned(text));
        }
        Ok(FileTree {
            origin: root.display().to_string(),
            files: Arc::new(files),
        })
    }

    /// Every file as (path, text), in path order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files.iter().map(|(p, t)| (p.as_ref(), t.as_ref()))
    }

    /// The text of one file.
    pub fn get(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(AsRef::as_ref)
    }

    /// Files directly inside `dir` (not in its subdirectories), sorted by name.
    pub fn files_in<'a>(&'a self, dir: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        let prefix = format!("{dir}/");
        self.files.iter().filter_map(move |(path, text)| {
            let rest = path.strip_prefix(&prefix)?;
            (!rest.contains('/')).then_some((path.as_ref(), text.as_ref()))
        })
    }

    /// Names of the directories directly below the root, sorted.
    pub fn top_dirs(&self) -> Vec<&str> {
        let mut dirs: Vec<&str> = self
            .files
            .keys()
            .filter_map(|p| p.split_once('/').map(|(d, _)| d))
            .collect();
        dirs.dedup();
        dirs
    }
}

/// `path` below `root` as a tree key: its components joined by `/` on
/// every platform, as the embedded trees and the output files name them.
pub(crate) fn relative_key(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .expect("walked below root")
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn collect_embedded(
    dir: &'static include_dir::Dir<'static>,
    files: &mut BTreeMap<Cow<'static, str>, Cow<'static, str>>,
) {
    for file in dir.files() {
        if let Some(text) = file.contents_utf8() {
            let path = match file.path().to_str() {
                Some(path) if !path.contains('\\') => Cow::Borrowed(path),
                _ => Cow::Owned(file.path().to_string_lossy().replace('\\', "/")),
            };
            files.insert(path, Cow::Borrowed(text));
        }
    }
    for sub in dir.dirs() {
        collect_embedded(sub, files);
    }
}
