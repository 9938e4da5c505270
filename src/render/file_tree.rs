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
/// The built-in `overlay.yaml` files as JSON arrays of their documents,
/// read when the binary was built (build/parsed_overlays.rs).
static PARSED_OVERLAYS: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/parsed_overlays.rs"));

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
    /// YAML files of `files` already read, as JSON (sorted by path): the
    /// built-in overlays' overlay.yaml.
    parsed: &'static [(&'static str, &'static str)],
}

impl FileTree {
    /// The templates built into the binary.
    pub fn builtin_templates() -> Self {
        Self::from_embedded("built-in templates", &EMBEDDED_TEMPLATES)
    }

    /// The overlays built into the binary.
    pub fn builtin_overlays() -> Self {
        FileTree {
            parsed: PARSED_OVERLAYS,
            ..Self::from_embedded("built-in overlays", &EMBEDDED_OVERLAYS)
        }
    }

    fn from_embedded(origin: &str, dir: &'static include_dir::Dir<'static>) -> Self {
        let mut files = BTreeMap::new();
        collect_embedded(dir, &mut files);
        FileTree {
            origin: origin.to_string(),
            files: Arc::new(files),
            parsed: &[],
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
            parsed: &[],
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
            parsed: &[],
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

    /// The documents of the YAML file `path` when the tree holds them
    /// already read (built-in overlays), `None` when the caller must read
    /// the text.
    pub fn parsed_yaml(&self, path: &str) -> Option<Vec<serde_json::Value>> {
        let index = self.parsed.binary_search_by(|(p, _)| (*p).cmp(path)).ok()?;
        let docs = serde_json::from_str(self.parsed[index].1)
            .expect("build/parsed_overlays.rs writes a JSON array");
        Some(docs)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml;

    #[test]
    fn every_builtin_overlay_is_embedded_read_as_the_yaml_reader_reads_it() {
        let tree = FileTree::builtin_overlays();
        let files: Vec<&str> = tree
            .iter()
            .map(|(path, _)| path)
            .filter(|path| path.ends_with("/overlay.yaml"))
            .collect();
        assert_eq!(files.len(), PARSED_OVERLAYS.len(), "{files:?}");
        for path in files {
            let text = tree.get(path).unwrap();
            let read_now = yaml::parse_stream(text, path, yaml::Limits::default()).unwrap();
            assert_eq!(tree.parsed_yaml(path), Some(read_now), "{path}");
        }
    }

    #[test]
    fn only_the_builtin_overlays_come_read() {
        let text = "description: x\n";
        let tree = FileTree::from_map("test", [("mine/overlay.yaml", text)]);
        assert_eq!(tree.parsed_yaml("mine/overlay.yaml"), None);
        assert_eq!(
            FileTree::builtin_templates().parsed_yaml("helm/values.yaml.j2"),
            None
        );
        assert!(FileTree::builtin_overlays()
            .parsed_yaml("google-managed/overlay.yaml")
            .is_some());
    }
}
