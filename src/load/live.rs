//! The one loader of Kubernetes objects from files: `diff --live`,
//! `status --live` and `validate PATH` all read through it.
//!
//! Inputs come in every shape kubectl (and people) produce: one object, a
//! `---` stream, a `kind: List` wrapper, JSON (one object, a List, an array
//! or several concatenated objects), a directory of such files, or stdin.
//! Old exports carry `selfLink`, `extensions/v1beta1` Ingresses and
//! unquoted timestamps; all of them load. Big YAML exports parse on every
//! core (`live_split`), JSON with serde_json. Errors point at
//! file:line:column and never quote the input, which may hold Secret data.
//!
//! Which files of a directory are read is `object_files`'s decision;
//! what `validate` makes of documents that are not objects (the chart's
//! Helm values) is `crate::load::manifest_set`'s.

use crate::bounded_read::{self, Limit};
use crate::error::{Error, Result};
use crate::k8s::resource::{ResId, Resource};
use crate::load::duplicates;
use crate::load::json_sift;
use crate::load::live_split;
use crate::load::object_files;
use crate::yaml::Limits;
use serde_json::Value;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The path argument that means "read standard input".
pub const STDIN: &str = "-";

/// Name of standard input in error messages.
const STDIN_ORIGIN: &str = "<stdin>";

/// What every caller says about a document that is not an object.
pub const NOT_AN_OBJECT: &str =
    "not a Kubernetes object: apiVersion, kind or metadata.name is missing";

/// Budget for one input. A big cluster's export is one `kind: List` of
/// many thousand objects, or as many `---` documents, so the document
/// budget is far above the default for hand-written files; the byte limit
/// still bounds memory and time.
pub const LIVE_LIMITS: Limits = Limits {
    max_bytes: 256 << 20,
    max_documents: 1_000_000,
    max_depth: 64,
};

/// The default of `--max-input-bytes`: [`LIVE_LIMITS`]' byte limit.
pub const DEFAULT_MAX_BYTES: u64 = LIVE_LIMITS.max_bytes as u64;

/// What to do about an export over the limit.
const TOO_LARGE_HINT: &str = "export only the namespace and kinds to compare (`kubectl get ingress,svc,backendconfig,managedcertificate,secret -n NS -o yaml`), or raise the limit with --max-input-bytes";

/// Where documents were read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// `-`: standard input.
    Stdin,
    /// A file, or one file of a directory.
    File(PathBuf),
}

impl Source {
    /// The file, when the documents came from one.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Source::Stdin => None,
            Source::File(path) => Some(path),
        }
    }
}

impl fmt::Display for Source {
    /// `<stdin>` or the path: the origin in every message.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Stdin => f.write_str(STDIN_ORIGIN),
            Source::File(path) => write!(f, "{}", path.display()),
        }
    }
}

/// One file's (or stdin's) documents in order, as parsed: `kind: List` is
/// not unwrapped yet, so each document keeps its position for messages.
#[derive(Debug, Clone)]
pub struct Input {
    /// Where the text came from.
    pub source: Source,
    /// The documents kept, a null for each one dropped.
    pub documents: Vec<Value>,
}

impl Input {
    /// Every object, Lists unwrapped; the first document that is not an
    /// object is an error naming it.
    pub fn into_objects(self) -> Result<Vec<Resource>> {
        objects(self.documents, &self.source.to_string())
    }
}

/// Everything one path argument held.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// The inputs read, in path order.
    pub files: Vec<Input>,
    /// Files of a directory that were not read (see `object_files`).
    pub skipped: Vec<PathBuf>,
}

/// The decision made for each object as it is parsed: how much of it to
/// keep, from its identity and its content (labels, a Secret's type).
pub type KeepFn<'a> = &'a (dyn Fn(&ResId, &Value) -> Keep + Sync);

/// What is held of an object once it is kept, decided on the thread that
/// parsed it: `validate` checks each object alone there, then holds only
/// what its checks across objects read. An object may be taken twice: when
/// a parse in pieces is given up (a YAML alias into another piece), the
/// text is parsed again whole and every object taken again.
pub type TakeFn<'a> = &'a (dyn Fn(Resource) -> Value + Sync);

/// How one export is read: what is kept of each object, and how large the
/// input may be. The one way into this module: `validate` reads
/// documents per file ([`LiveReader::read`]), `diff` and `status` read
/// objects ([`LiveReader::load`]), tests and benchmarks parse text
/// ([`LiveReader::parse`]).
pub struct LiveReader<'a> {
    keep: KeepFn<'a>,
    take: Option<TakeFn<'a>>,
    max_bytes: u64,
}

impl Default for LiveReader<'static> {
    /// Keeps every object whole; refuses inputs over [`DEFAULT_MAX_BYTES`].
    fn default() -> Self {
        LiveReader {
            keep: &|_, _| Keep::Whole,
            take: None,
            max_bytes: DEFAULT_MAX_BYTES,
        }
    }
}

impl<'a> LiveReader<'a> {
    /// Keeps of each object what `keep` says, dropping the rest as soon as
    /// the object is parsed: a whole-cluster export then needs little more
    /// memory than its text. Documents that are not objects are kept, so
    /// they are still reported; a dropped document leaves a `null` in its
    /// place, so the reported document numbers stay right.
    pub fn keeping(keep: KeepFn<'a>) -> Self {
        LiveReader {
            keep,
            take: None,
            max_bytes: DEFAULT_MAX_BYTES,
        }
    }

    /// Passes each kept object through `take` on the thread that parsed
    /// it, and holds what `take` returns instead.
    pub fn taking(self, take: TakeFn<'a>) -> Self {
        LiveReader {
            take: Some(take),
            ..self
        }
    }

    /// Refuses an input of more than `max_bytes` (`--max-input-bytes`).
    pub fn max_bytes(self, max_bytes: u64) -> Self {
        LiveReader { max_bytes, ..self }
    }

    /// Reads `spec`: a file, a directory (its object files, in name order)
    /// or [`STDIN`], read from `stdin`; documents per file, as parsed.
    pub fn read(&self, spec: &Path, stdin: &mut dyn Read) -> Result<Inputs> {
        read_with(spec, stdin, &self.reading())
    }

    /// Every object of `spec` (see [`LiveReader::read`]), Lists unwrapped,
    /// copies from several files merged; a document that is not an object
    /// is an error, since kubectl never exports one.
    pub fn load(&self, spec: &Path, stdin: &mut dyn Read) -> Result<Vec<Resource>> {
        let mut objects = Vec::new();
        for input in self.read(spec, stdin)?.files {
            let origin = input.source.to_string();
            objects.extend(
                input
                    .into_objects()?
                    .into_iter()
                    .map(|object| (origin.clone(), object)),
            );
        }
        duplicates::merge(objects)
    }

    /// The objects of one input's text, `origin` naming it in errors.
    pub fn parse(&self, text: &str, origin: &str) -> Result<Vec<Resource>> {
        objects(parse_documents_with(text, origin, &self.reading())?, origin)
    }

    fn reading(&self) -> Reading<'_> {
        Reading {
            keep: self.keep,
            take: self.take,
            max_bytes: self.max_bytes,
        }
    }
}

/// How one export is parsed: what is kept of it, and how large it may be.
#[derive(Clone, Copy)]
struct Reading<'a> {
    keep: KeepFn<'a>,
    take: Option<TakeFn<'a>>,
    max_bytes: u64,
}

impl Reading<'_> {
    fn limits(&self) -> Limits {
        Limits {
            // u64::MAX (no practical limit) does not fit a 32-bit usize.
            max_bytes: usize::try_from(self.max_bytes).unwrap_or(usize::MAX),
            ..LIVE_LIMITS
        }
    }

    fn limit(&self) -> Limit<'static> {
        Limit {
            max_bytes: self.max_bytes,
            hint: TOO_LARGE_HINT,
        }
    }
}

fn read_with(spec: &Path, stdin: &mut dyn Read, how: &Reading) -> Result<Inputs> {
    let inputs = if spec.as_os_str() == STDIN {
        Inputs::one(read_stdin(stdin, how)?)
    } else if spec.is_dir() {
        read_dir(spec, how)?
    } else {
        Inputs::one(read_file(spec, how)?)
    };
    refuse_empty(inputs, spec)
}

/// An input without a single document is what a failed `kubectl get` in a
/// pipe leaves behind (kubectl exports an empty `kind: List` when nothing
/// matches): every command refuses it rather than report everything as
/// missing.
fn refuse_empty(inputs: Inputs, spec: &Path) -> Result<Inputs> {
    if inputs.files.iter().any(|input| !input.documents.is_empty()) {
        return Ok(inputs);
    }
    let origin = if spec.as_os_str() == STDIN {
        STDIN_ORIGIN.to_string()
    } else {
        spec.display().to_string()
    };
    Err(Error::Parse {
        location: origin,
        message: "no Kubernetes object found: the input is empty".into(),
        hint: "check that the `kubectl get ... -o yaml` feeding it succeeded (`set -o pipefail`); kubectl exports an empty `kind: List` when nothing matches".into(),
    })
}

impl Inputs {
    fn one(input: Input) -> Inputs {
        Inputs {
            files: vec![input],
            skipped: Vec::new(),
        }
    }
}

fn read_stdin(stdin: &mut dyn Read, how: &Reading) -> Result<Input> {
    let text = read_bounded(stdin, STDIN_ORIGIN, how.limit())?;
    Ok(Input {
        documents: parse_documents_with(&text, STDIN_ORIGIN, how)?,
        source: Source::Stdin,
    })
}

fn read_dir(dir: &Path, how: &Reading) -> Result<Inputs> {
    let listing = object_files::list(dir)?;
    let files = listing
        .files
        .iter()
        .map(|file| read_file(file, how))
        .collect::<Result<_>>()?;
    Ok(Inputs {
        files,
        skipped: listing.skipped,
    })
}

/// How much of a live object a command needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// All of it.
    Whole,
    /// Its apiVersion, kind and name and namespace only: enough to say
    /// what else the export held, at a few bytes per object.
    Id,
    /// What its author wrote: without `status`, `managedFields` and the
    /// last-applied annotation.
    Written,
    /// What `diff` compares: without `status` and `managedFields`, which
    /// its normalization drops anyway (`--strict` still shows the
    /// last-applied annotation).
    Compared,
    /// Its apiVersion, kind and metadata as written: all a check of a kind
    /// without a schema reads, a fraction of a Deployment's bytes.
    Metadata,
    /// None of it.
    Nothing,
}

/// `object` without `status`, the metadata only the API server writes
/// ([`SERVER_METADATA`]) and the
/// `kubectl.kubernetes.io/last-applied-configuration` annotation: the API
/// server and kubectl write them, `kubectl apply` never takes them from a
/// manifest, and in a live export they are most of the bytes.
fn without_server_fields(mut object: Value) -> Value {
    if let Some(map) = object.as_object_mut() {
        map.shift_remove("status");
        if let Some(metadata) = map.get_mut("metadata").and_then(Value::as_object_mut) {
            metadata.retain(|key, _| !SERVER_METADATA.contains(&key.as_str()));
            if let Some(annotations) = metadata
                .get_mut("annotations")
                .and_then(Value::as_object_mut)
            {
                annotations.shift_remove(LAST_APPLIED);
            }
        }
    }
    object
}

/// `object` without `status` and `metadata.managedFields`.
fn without_server_state(mut object: Value) -> Value {
    if let Some(map) = object.as_object_mut() {
        map.shift_remove("status");
        if let Some(metadata) = map.get_mut("metadata").and_then(Value::as_object_mut) {
            metadata.shift_remove("managedFields");
        }
    }
    object
}

/// What the API server writes into `metadata` (`ObjectMeta`'s read-only
/// fields); `managedFields` the largest.
const SERVER_METADATA: &[&str] = &[
    "managedFields",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "selfLink",
];

/// kubectl's copy of the applied manifest, as JSON in an annotation.
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

fn sift_kept(document: Value, kept: &mut Vec<Value>, how: &Reading) {
    if is_list(&document) {
        let mut items = Vec::new();
        let Value::Object(mut map) = document else {
            unreachable!("is_list checked it is a mapping")
        };
        if let Some(Value::Array(all)) = map.remove("items") {
            for item in all {
                sift_kept(item, &mut items, how);
            }
        }
        map.insert("items".into(), Value::Array(items));
        kept.push(Value::Object(map));
        return;
    }
    let Some(id) = ResId::of(&document) else {
        kept.push(document);
        return;
    };
    let mut object = match (how.keep)(&id, &document) {
        Keep::Whole => document,
        Keep::Id => id_only(&document),
        Keep::Written => without_server_fields(document),
        Keep::Compared => without_server_state(document),
        Keep::Metadata => metadata_only(without_server_fields(document)),
        Keep::Nothing => Value::Null,
    };
    if let Some(take) = how.take.filter(|_| !object.is_null()) {
        object = take(Resource { id, value: object });
    }
    compact(&mut object);
    kept.push(object);
}

/// `value` rebuilt with every map and array exactly as large as its
/// content: a map grown while parsing holds up to twice the room it needs,
/// and a big export keeps many thousand of them.
fn compact(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let grown = std::mem::take(map);
            let mut exact = serde_json::Map::with_capacity(grown.len());
            for (key, mut child) in grown {
                compact(&mut child);
                exact.insert(key, child);
            }
            *map = exact;
        }
        Value::Array(items) => {
            items.iter_mut().for_each(compact);
            items.shrink_to_fit();
        }
        _ => {}
    }
}

/// apiVersion, kind and metadata of `object`.
fn metadata_only(object: Value) -> Value {
    match object {
        Value::Object(mut map) => {
            map.retain(|key, _| matches!(key.as_str(), "apiVersion" | "kind" | "metadata"));
            Value::Object(map)
        }
        other => other,
    }
}

/// apiVersion, kind, metadata.name and metadata.namespace of `object`.
pub fn id_only(object: &Value) -> Value {
    let mut metadata = serde_json::Map::new();
    for key in ["name", "namespace"] {
        if let Some(v) = object["metadata"].get(key) {
            metadata.insert(key.into(), v.clone());
        }
    }
    serde_json::json!({
        "apiVersion": object["apiVersion"],
        "kind": object["kind"],
        "metadata": metadata,
    })
}

fn read_file(path: &Path, how: &Reading) -> Result<Input> {
    let source = Source::File(path.to_path_buf());
    let origin = source.to_string();
    let read = || bounded_read::into_text(bounded_read::file(path, how.limit())?, &origin);
    let mut text = read()?;
    // Editors on Windows may start a file with a byte-order mark.
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    let sift = |document: Value, kept: &mut Vec<Value>| sift_kept(document, kept, how);
    // A big export is parsed in pieces, letting its text go as they are
    // parsed; when a piece does not parse, the file is read again for the
    // one parse that says where the error is (or resolves the alias).
    let json = looks_like_json(&text);
    let documents = match live_split::parse_owned(text, json, how.limits(), &sift) {
        live_split::Owned::Parsed(documents) => documents,
        live_split::Owned::Whole(text) => parse_documents_with(&text, &origin, how)?,
        live_split::Owned::Failed => parse_whole_with(&read()?, &origin, how)?,
    };
    Ok(Input { source, documents })
}

/// Reads at most one byte more than the limit, so an endless or huge input
/// is refused without being held in memory.
fn read_bounded(input: &mut dyn Read, origin: &str, limit: Limit) -> Result<String> {
    bounded_read::into_text(bounded_read::stream(input, origin, limit)?, origin)
}

/// Parses one input's text into its non-empty documents. JSON (first
/// character `{` or `[`) is read with serde_json, which is much faster than
/// a YAML parser on big exports; a top-level JSON array is a list of
/// documents.
fn parse_documents_with(text: &str, origin: &str, how: &Reading) -> Result<Vec<Value>> {
    parse_with(text, origin, how, true)
}

/// [`parse_documents_with`] in one piece, for a text whose pieces did not
/// parse: cutting it again would fail again.
fn parse_whole_with(text: &str, origin: &str, how: &Reading) -> Result<Vec<Value>> {
    parse_with(text, origin, how, false)
}

fn parse_with(text: &str, origin: &str, how: &Reading, in_pieces: bool) -> Result<Vec<Value>> {
    // Editors on Windows may start a file with a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let sift = |document: Value, kept: &mut Vec<Value>| sift_kept(document, kept, how);
    if looks_like_json(text) {
        // Items stream by before their object's `kind` says it is a List:
        // they are only cut down then, and taken once the List is whole.
        let cut = Reading { take: None, ..*how };
        let items = |item: Value, kept: &mut Vec<Value>| sift_kept(item, kept, &cut);
        json_sift::parse(text, &items, &sift).map_err(|e| json_error(&e, origin))
    } else if in_pieces {
        live_split::parse_stream_sifted(text, origin, how.limits(), &sift)
    } else {
        live_split::parse_whole_sifted(text, origin, how.limits(), &sift)
    }
}

fn looks_like_json(text: &str) -> bool {
    text.trim_start().starts_with(['{', '['])
}

pub(crate) fn json_error(e: &serde_json::Error, origin: &str) -> Error {
    // serde_json's message ends with " at line L column C"; we print the
    // position in our own file:line:column form instead.
    let message = e.to_string();
    let message = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(m, _)| m)
        .to_string();
    Error::Parse {
        location: format!("{origin}:{}:{}", e.line(), e.column()),
        message,
        hint: "fix the JSON at that position, or export again with `kubectl get ... -o json`"
            .into(),
    }
}

/// Every object of `documents`; the first one that is not an object is an
/// error naming its position.
fn objects(documents: Vec<Value>, origin: &str) -> Result<Vec<Resource>> {
    let mut objects = Vec::with_capacity(documents.len());
    for (index, document) in documents.into_iter().enumerate() {
        for item in unwrap_list(document) {
            objects.push(item.map_err(|_| Error::Parse {
                location: document_location(origin, index + 1),
                message: NOT_AN_OBJECT.into(),
                hint: "give the output of `kubectl get ... -o yaml` or `-o json`, unedited".into(),
            })?);
        }
    }
    Ok(objects)
}

/// `file (document N)`: where a document that is not an object is.
pub fn document_location(origin: &str, number: usize) -> String {
    format!("{origin} (document {number})")
}

/// The objects of one document: the document itself, or the items of
/// `kind: List` (and typed lists such as `IngressList`), recursively. What
/// is not an object comes back as `Err` with the value.
pub fn unwrap_list(document: Value) -> Vec<Result<Resource, Value>> {
    let mut found = Vec::new();
    for_each_unwrapped(document, &mut |item| found.push(item));
    found
}

/// How many entries [`unwrap_list`] makes of `document`, counted without
/// moving anything: a caller collecting a big List's objects reserves
/// their room once instead of doubling it (and holding both) as it grows.
pub fn unwrapped_count(document: &Value) -> usize {
    if document.is_null() {
        0
    } else if is_list(document) {
        document
            .get("items")
            .and_then(Value::as_array)
            .map_or(0, |items| items.iter().map(unwrapped_count).sum())
    } else {
        1
    }
}

/// [`unwrap_list`] one entry at a time, without collecting them first.
pub fn for_each_unwrapped(document: Value, found: &mut dyn FnMut(Result<Resource, Value>)) {
    // An empty document, or the place of one that the sift dropped.
    if document.is_null() {
        return;
    }
    if is_list(&document) {
        let Value::Object(mut map) = document else {
            unreachable!("is_list checked it is a mapping")
        };
        if let Some(Value::Array(items)) = map.remove("items") {
            for item in items {
                for_each_unwrapped(item, found);
            }
        }
        return;
    }
    found(match ResId::of(&document) {
        Some(id) => Ok(Resource {
            id,
            value: document,
        }),
        None => Err(document),
    });
}

/// `kind: List` is kubectl's wrapper; the API itself answers `IngressList`,
/// `ServiceList`, … with an `items` array.
fn is_list(document: &Value) -> bool {
    let kind = document.get("kind").and_then(Value::as_str).unwrap_or("");
    let has_items = matches!(document.get("items"), Some(Value::Array(_)));
    kind == "List" || (kind.ends_with("List") && has_items)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str, origin: &str) -> Result<Vec<Resource>> {
        LiveReader::default().parse(text, origin)
    }

    fn load(spec: &Path, stdin: &mut dyn Read) -> Result<Vec<Resource>> {
        LiveReader::default().load(spec, stdin)
    }

    fn read(spec: &Path, stdin: &mut dyn Read) -> Result<Inputs> {
        LiveReader::default().read(spec, stdin)
    }

    fn names(objects: &[Resource]) -> Vec<String> {
        objects.iter().map(|o| o.id.name.clone()).collect()
    }

    #[test]
    fn kind_list_is_unwrapped_into_its_items() {
        let text = "apiVersion: v1\nkind: List\nmetadata:\n  resourceVersion: \"\"\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {name: a, namespace: default}\n- apiVersion: networking.gke.io/v1\n  kind: ManagedCertificate\n  metadata: {name: b, namespace: default}\n";
        let objects = parse(text, "list.yaml").unwrap();
        assert_eq!(names(&objects), ["a", "b"]);
        assert_eq!(objects[1].id.kind, "ManagedCertificate");
    }

    #[test]
    fn typed_lists_from_the_api_are_unwrapped_too() {
        let text = r#"{"apiVersion":"networking.k8s.io/v1","kind":"IngressList","items":[{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"x"}}]}"#;
        assert_eq!(names(&parse(text, "l.json").unwrap()), ["x"]);
    }

    #[test]
    fn json_objects_arrays_and_concatenations_load() {
        let one = r#"{"apiVersion":"v1","kind":"Service","metadata":{"name":"a"}}"#;
        assert_eq!(names(&parse(one, "o.json").unwrap()), ["a"]);
        let two = format!("{one}\n{}", one.replace("\"a\"", "\"b\""));
        assert_eq!(names(&parse(&two, "o.json").unwrap()), ["a", "b"]);
        let array = format!("[{one}]");
        assert_eq!(names(&parse(&array, "o.json").unwrap()), ["a"]);
    }

    #[test]
    fn json_errors_give_file_line_and_column() {
        let err = parse("{\n  \"kind\": \"Service\",\n  oops\n}", "bad.json")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("bad.json:3:"), "{err}");
    }

    #[test]
    fn yaml_errors_give_file_and_line() {
        let err = parse(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: [a\n",
            "bad.yaml",
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("bad.yaml:"), "{err}");
    }

    #[test]
    fn old_exports_with_unquoted_timestamps_and_comments_load() {
        let text = "# exported by hand\napiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  creationTimestamp: 2018-09-23T19:13:36Z\n  name: a\n  selfLink: /apis/extensions/v1beta1/namespaces/default/ingresses/a\n";
        let objects = parse(text, "old.yaml").unwrap();
        assert_eq!(objects[0].id.group, "extensions");
        assert!(objects[0].value["metadata"]["creationTimestamp"].is_string());
    }

    #[test]
    fn a_document_that_is_not_an_object_is_an_error_naming_it() {
        let err = parse(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n---\nfoo: bar\n",
            "x.yaml",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("x.yaml (document 2)"), "{err}");
    }

    #[test]
    fn a_byte_order_mark_does_not_hide_json() {
        let text =
            "\u{feff}{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"a\"}}";
        assert_eq!(names(&parse(text, "bom.json").unwrap()), ["a"]);
    }

    #[test]
    fn ten_thousand_documents_load() {
        let doc = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: other\n";
        let text = vec![doc; 10_000].join("---\n");
        assert_eq!(parse(&text, "big.yaml").unwrap().len(), 10_000);
    }

    #[test]
    fn input_over_the_byte_limit_is_refused_without_reading_it_all() {
        let mut endless = std::io::repeat(b'a');
        let limit = Limit {
            max_bytes: 1000,
            hint: TOO_LARGE_HINT,
        };
        let err = read_bounded(&mut endless, "<stdin>", limit)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("<stdin>: input is larger than 1000 bytes"),
            "{err}"
        );
    }

    #[test]
    fn binary_input_is_refused_as_not_text() {
        let limit = Limit {
            max_bytes: 1000,
            hint: TOO_LARGE_HINT,
        };
        let err = read_bounded(&mut &b"kind: \xff\xfe"[..], "x.yaml", limit)
            .unwrap_err()
            .to_string();
        assert!(err.contains("not UTF-8"), "{err}");
    }

    #[test]
    fn stdin_is_read_when_the_spec_is_a_dash() {
        let mut input = "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n".as_bytes();
        assert_eq!(names(&load(Path::new(STDIN), &mut input).unwrap()), ["s"]);
    }

    #[test]
    fn lists_inside_lists_are_unwrapped_and_non_objects_come_back() {
        let document = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": [
            {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "a"}},
            {"apiVersion": "v1", "kind": "List", "items": [
                {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "b"}},
                {"just": "a map"}]}]});
        let found = unwrap_list(document);
        let kinds: Vec<String> = found
            .iter()
            .map(|item| match item {
                Ok(r) => r.id.kind.clone(),
                Err(v) => v.to_string(),
            })
            .collect();
        assert_eq!(kinds, ["Service", "Secret", r#"{"just":"a map"}"#]);
    }

    #[test]
    fn a_directory_is_read_in_name_order_with_its_skipped_files() {
        let dir = tempfile::tempdir().unwrap();
        let service =
            |name: &str| format!("apiVersion: v1\nkind: Service\nmetadata: {{name: {name}}}\n");
        std::fs::write(dir.path().join("b.yaml"), service("b")).unwrap();
        std::fs::write(dir.path().join("a.yml"), service("a")).unwrap();
        std::fs::write(dir.path().join("notes.txt"), "not: [yaml").unwrap();
        let inputs = read(dir.path(), &mut std::io::empty()).unwrap();
        let sources: Vec<String> = inputs
            .files
            .iter()
            .map(|i| {
                i.source
                    .path()
                    .unwrap()
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        assert_eq!(sources, ["a.yml", "b.yaml"]);
        assert_eq!(inputs.skipped, [dir.path().join("notes.txt")]);
        assert_eq!(
            names(&load(dir.path(), &mut std::io::empty()).unwrap()),
            ["a", "b"]
        );
    }

    /// A List (or stream) of `n` Services, alternating namespaces `keep`
    /// and `drop`, big enough to take the parallel path when `n` is large.
    fn services(n: usize, as_stream: bool) -> String {
        let item = |i: usize| {
            format!("apiVersion: v1\nkind: Service\nmetadata:\n  name: s{i}\n  namespace: {}\n  annotations:\n    filler: \"{}\"\n", if i.is_multiple_of(2) { "keep" } else { "drop" }, "x".repeat(200))
        };
        if as_stream {
            (0..n).map(item).collect::<Vec<_>>().join("---\n")
        } else {
            let items: String = (0..n)
                .map(|i| {
                    item(i)
                        .lines()
                        .enumerate()
                        .map(|(j, l)| format!("{}{l}\n", if j == 0 { "- " } else { "  " }))
                        .collect::<String>()
                })
                .collect();
            format!(
                "apiVersion: v1\nkind: List\nmetadata:\n  resourceVersion: \"\"\nitems:\n{items}"
            )
        }
    }

    fn try_load_sifted(text: &str, name: &str) -> Result<Vec<Resource>> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let keep = |id: &ResId, _: &Value| {
            if id.namespace == "keep" {
                Keep::Whole
            } else {
                Keep::Nothing
            }
        };
        LiveReader::keeping(&keep).load(&path, &mut std::io::empty())
    }

    fn load_sifted(text: &str, name: &str) -> Vec<Resource> {
        try_load_sifted(text, name).unwrap()
    }

    #[test]
    fn only_the_kept_objects_of_lists_streams_and_json_stay_in_order() {
        for n in [10, 6000] {
            let expected: Vec<String> = (0..n).step_by(2).map(|i| format!("s{i}")).collect();
            assert_eq!(
                names(&load_sifted(&services(n, false), "list.yaml")),
                expected,
                "YAML List of {n}"
            );
            assert_eq!(
                names(&load_sifted(&services(n, true), "stream.yaml")),
                expected,
                "YAML stream of {n}"
            );
            let items: Vec<Value> = parse(&services(n, false), "list.yaml")
                .unwrap()
                .into_iter()
                .map(|r| r.value)
                .collect();
            let list = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": items});
            assert_eq!(
                names(&load_sifted(&list.to_string(), "list.json")),
                expected,
                "JSON List of {n}"
            );
        }
    }

    /// A file parsed in pieces that do not all parse is read again, whole,
    /// so the error still names its exact line and column.
    #[test]
    fn an_error_deep_in_a_big_json_file_names_its_line_and_column() {
        let items: Vec<Value> = (0..4000)
            .map(|i| {
                serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap",
                "metadata": {"name": format!("c{i}")}, "data": {"a": "x".repeat(300)}})
            })
            .collect();
        let list = serde_json::json!({"apiVersion": "v1", "items": items, "kind": "List"});
        let mut text = serde_json::to_string_pretty(&list).unwrap();
        assert!(text.len() > 1 << 20);
        let at = text.find("\"c3000\"").unwrap();
        text.insert_str(at, "oops ");
        let line = text[..at].lines().count();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.json");
        std::fs::write(&path, &text).unwrap();
        let err = read(&path, &mut std::io::empty()).unwrap_err().to_string();
        assert!(
            err.starts_with(&format!("{}:{line}:", path.display())),
            "{err}"
        );
        text = text.replace("oops ", "");
        std::fs::write(&path, &text).unwrap();
        let objects = load(&path, &mut std::io::empty()).unwrap();
        assert_eq!(objects.len(), 4000);
        assert_eq!(objects[3999].id.name, "c3999");
    }

    #[test]
    fn compared_objects_lose_only_the_server_state_normalization_drops() {
        let text = r#"{"apiVersion":"v1","kind":"Service","metadata":{"name":"a","managedFields":[{"manager":"x"}],"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}"}},"spec":{"type":"ClusterIP"},"status":{"loadBalancer":{}}}"#;
        let keep = |_: &ResId, _: &Value| Keep::Compared;
        let kept = LiveReader::keeping(&keep).parse(text, "a.json").unwrap();
        assert_eq!(
            kept[0].value,
            serde_json::json!({"apiVersion": "v1", "kind": "Service",
                "metadata": {"name": "a", "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}"}},
                "spec": {"type": "ClusterIP"}})
        );
    }

    #[test]
    fn dropping_objects_still_reports_documents_that_are_not_objects() {
        let err = try_load_sifted("apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: drop}\n---\n- just\n- a list\n", "bad.yaml").unwrap_err().to_string();
        assert!(
            err.contains("bad.yaml (document 2)") && err.contains("not a Kubernetes object"),
            "{err}"
        );
    }
}
