//! Loading what `kubectl get ... -o yaml|json` exported from a cluster.
//!
//! Live exports come in every shape kubectl (and people) produce: one
//! object, a `---` stream, a `kind: List` wrapper, JSON (one object, a List,
//! an array or several concatenated objects), a directory of such files, or
//! stdin. Old exports carry `selfLink`, `extensions/v1beta1` Ingresses and
//! unquoted timestamps; all of them load. Errors point at file:line:column
//! and never quote the input, which may hold Secret data.

use crate::error::{Error, Result};
use crate::live_split;
use crate::resource::Resource;
use crate::yaml::Limits;
use serde_json::Value;
use std::io::Read;
use std::path::Path;

/// The argument of `--live` that means "read standard input".
pub const STDIN: &str = "-";

/// Name of standard input in error messages.
const STDIN_ORIGIN: &str = "<stdin>";

/// Budget for one live export. A big cluster's export is one `kind: List`
/// of many thousand objects, or as many `---` documents, so the document
/// budget is far above the default for hand-written files; the byte limit
/// still bounds memory and time.
pub const LIVE_LIMITS: Limits = Limits {
    max_bytes: 256 << 20,
    max_documents: 1_000_000,
    max_depth: 64,
};

/// Loads every object from `spec`: a file, a directory (its `.yaml`,
/// `.yml` and `.json` files, in sorted order) or [`STDIN`], read from
/// `stdin`.
pub fn load(spec: &str, stdin: &mut dyn Read) -> Result<Vec<Resource>> {
    if spec == STDIN {
        let text = read_bounded(stdin, STDIN_ORIGIN, LIVE_LIMITS.max_bytes)?;
        return parse(&text, STDIN_ORIGIN);
    }
    let path = Path::new(spec);
    if path.is_dir() {
        load_dir(path)
    } else {
        load_file(path)
    }
}

fn load_dir(dir: &Path) -> Result<Vec<Resource>> {
    let mut objects = Vec::new();
    let walker = walkdir::WalkDir::new(dir).sort_by_file_name();
    for entry in walker {
        let entry = entry.map_err(|e| walk_error(dir, e))?;
        if entry.file_type().is_file() && is_export_file(entry.path()) {
            objects.extend(load_file(entry.path())?);
        }
    }
    Ok(objects)
}

fn is_export_file(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml" | "json")
    )
}

fn load_file(path: &Path) -> Result<Vec<Resource>> {
    let file = std::fs::File::open(path).map_err(|e| Error::io("reading live export", path, e))?;
    let origin = path.display().to_string();
    let text = read_bounded(
        &mut std::io::BufReader::new(file),
        &origin,
        LIVE_LIMITS.max_bytes,
    )?;
    parse(&text, &origin)
}

/// Reads at most one byte more than the limit, so an endless or huge input
/// is refused without being held in memory.
fn read_bounded(input: &mut dyn Read, origin: &str, max_bytes: usize) -> Result<String> {
    let mut bytes = Vec::new();
    input
        .take(max_bytes as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io("reading live export", origin, e))?;
    if bytes.len() > max_bytes {
        return Err(Error::Parse {
            location: origin.to_string(),
            message: format!("input is larger than {max_bytes} bytes"),
            hint: "export only the namespace and kinds to compare, e.g. `kubectl get ingress,svc,backendconfig,managedcertificate,secret -n NS -o yaml`".into(),
        });
    }
    String::from_utf8(bytes).map_err(|e| Error::Parse {
        location: origin.to_string(),
        message: format!("not UTF-8 text (byte {})", e.utf8_error().valid_up_to()),
        hint: "give the output of `kubectl get ... -o yaml` or `-o json`".into(),
    })
}

/// Parses one export's text. JSON (first character `{` or `[`) is read with
/// serde_json, which is much faster than a YAML parser on big exports.
pub fn parse(text: &str, origin: &str) -> Result<Vec<Resource>> {
    // Editors on Windows may start a file with a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let documents = if looks_like_json(text) {
        parse_json(text, origin)?
    } else {
        live_split::parse_stream(text, origin, LIVE_LIMITS)?
    };
    let mut objects = Vec::new();
    for (index, document) in documents.into_iter().enumerate() {
        unwrap_into(document, origin, index + 1, &mut objects)?;
    }
    Ok(objects)
}

fn looks_like_json(text: &str) -> bool {
    text.trim_start().starts_with(['{', '['])
}

/// Reads one or more concatenated JSON values; a top-level array is a list
/// of objects.
fn parse_json(text: &str, origin: &str) -> Result<Vec<Value>> {
    let mut documents = Vec::new();
    for value in serde_json::Deserializer::from_str(text).into_iter::<Value>() {
        match value.map_err(|e| json_error(&e, origin))? {
            Value::Array(items) => documents.extend(items),
            other => documents.push(other),
        }
    }
    Ok(documents)
}

fn json_error(e: &serde_json::Error, origin: &str) -> Error {
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

/// Adds `document` to `objects`, unwrapping `kind: List` (and typed lists
/// such as `IngressList`) into their items.
fn unwrap_into(
    document: Value,
    origin: &str,
    number: usize,
    objects: &mut Vec<Resource>,
) -> Result<()> {
    if is_list(&document) {
        let Value::Object(mut map) = document else {
            unreachable!("is_list checked it is a mapping")
        };
        if let Some(Value::Array(items)) = map.remove("items") {
            for item in items {
                unwrap_into(item, origin, number, objects)?;
            }
        }
        return Ok(());
    }
    match Resource::new(document) {
        Some(resource) => {
            objects.push(resource);
            Ok(())
        }
        None => Err(Error::Parse {
            location: format!("{origin} (document {number})"),
            message: "not a Kubernetes object: apiVersion, kind or metadata.name is missing".into(),
            hint: "give the output of `kubectl get ... -o yaml` or `-o json`, unedited".into(),
        }),
    }
}

/// `kind: List` is kubectl's wrapper; the API itself answers `IngressList`,
/// `ServiceList`, … with an `items` array.
fn is_list(document: &Value) -> bool {
    let kind = document.get("kind").and_then(Value::as_str).unwrap_or("");
    let has_items = matches!(document.get("items"), Some(Value::Array(_)));
    kind == "List" || (kind.ends_with("List") && has_items)
}

fn walk_error(dir: &Path, e: walkdir::Error) -> Error {
    let path = e.path().unwrap_or(dir).to_path_buf();
    let source = e
        .into_io_error()
        .unwrap_or_else(|| std::io::Error::other("directory loop"));
    Error::io("reading live export directory", path, source)
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let err = read_bounded(&mut endless, "<stdin>", 1000)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("<stdin>: input is larger than 1000 bytes"),
            "{err}"
        );
    }

    #[test]
    fn binary_input_is_refused_as_not_text() {
        let err = read_bounded(&mut &b"kind: \xff\xfe"[..], "x.yaml", 1000)
            .unwrap_err()
            .to_string();
        assert!(err.contains("not UTF-8"), "{err}");
    }

    #[test]
    fn stdin_is_read_when_the_spec_is_a_dash() {
        let mut input = "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n".as_bytes();
        assert_eq!(names(&load(STDIN, &mut input).unwrap()), ["s"]);
    }
}
