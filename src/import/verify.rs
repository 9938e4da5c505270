//! The proof of an import: render the inferred config and diff it against
//! the export it came from. Every field still different (compared
//! strictly, except on the chart's Service, where only what our Helm values
//! set counts) is something the parameters cannot express.

use super::settings::Settings;
use crate::diff::projection::Scope;
use crate::diff::{compare, ObjectDiff, Status};
use crate::error::Result;
use crate::k8s::kind;
use crate::k8s::resource::Resource;
use crate::render::params::ParamInputs;
use crate::render::{render, Sources};
use serde_json::Value;
use std::path::PathBuf;

/// The labels every render adds; a live object without them is adopted by
/// the first apply, which is not a difference the config could express.
const OWNERSHIP_LABELS: &[&str] = &[
    "/metadata/labels/app.kubernetes.io~1instance",
    "/metadata/labels/app.kubernetes.io~1managed-by",
];

/// What the render of the inferred config leaves different.
pub struct Verdict {
    /// One line per difference the config cannot express.
    pub differences: Vec<String>,
    /// Objects that differ only by lacking the ownership labels.
    pub unlabelled: Vec<String>,
}

pub fn verify(settings: &Settings, live: Vec<Resource>) -> Result<Verdict> {
    let text = crate::yaml::to_string(&settings.to_config());
    let inputs = ParamInputs {
        config: Some((PathBuf::from("milvus-l7.yaml"), text)),
        ..ParamInputs::default()
    };
    let rendered = render(&inputs, &Sources::builtin())?;
    let strict = compare(&rendered, live.clone(), Scope::Strict);
    let managed = compare(&rendered, live, Scope::Managed);
    let mut verdict = Verdict {
        differences: Vec::new(),
        unlabelled: Vec::new(),
    };
    for (object, managed_object) in strict.objects.iter().zip(&managed.objects) {
        let object = if kind::SERVICE.is_id(&object.id) && object.status != Status::Extra {
            managed_object
        } else {
            object
        };
        judge(object, &mut verdict);
    }
    Ok(verdict)
}

fn judge(object: &ObjectDiff, verdict: &mut Verdict) {
    let name = format!(
        "{} {}/{}",
        object.id.kind, object.id.namespace, object.id.name
    );
    match (object.status, &object.live, &object.rendered) {
        (Status::Unchanged, _, _) => {}
        // The Service is the chart's; found.rs already said it is not in the export.
        (Status::Missing, _, _) if kind::SERVICE.is_id(&object.id) => {}
        (Status::Missing, _, _) => verdict.differences.push(format!(
            "{name}: rendered, but not in the export (the first apply creates it; or add its kind to the `kubectl get`)"
        )),
        (Status::Extra, _, _) => verdict.differences.push(format!(
            "{name}: in the export, named like this release, but not rendered (delete it once nothing uses it)"
        )),
        (Status::Changed, Some(live), Some(rendered)) => {
            let mut paths = Vec::new();
            differing_paths(live, rendered, String::new(), &mut paths);
            let (labels, others): (Vec<_>, Vec<_>) = paths
                .into_iter()
                .partition(|p| OWNERSHIP_LABELS.contains(&p.as_str()));
            if !labels.is_empty() {
                verdict.unlabelled.push(name.clone());
            }
            if !others.is_empty() {
                verdict.differences.push(format!(
                    "{name}: the render differs at {}",
                    others.join(", ")
                ));
            }
        }
        (Status::Changed, _, _) => {}
    }
}

/// JSON pointers where `live` and `rendered` differ, down to the leaves.
fn differing_paths(live: &Value, rendered: &Value, at: String, out: &mut Vec<String>) {
    match (live, rendered) {
        (Value::Object(a), Value::Object(b)) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let path = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
                let empty = Value::Object(serde_json::Map::new());
                match (a.get(key), b.get(key)) {
                    (Some(x), Some(y)) => differing_paths(x, y, path, out),
                    // A map on one side only: each of its leaves differs.
                    (Some(x @ Value::Object(_)), None) => differing_paths(x, &empty, path, out),
                    (None, Some(y @ Value::Object(_))) => differing_paths(&empty, y, path, out),
                    _ => out.push(path),
                }
            }
        }
        (a, b) if a != b => out.push(if at.is_empty() { "/".into() } else { at }),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn differing_paths_go_down_to_the_leaves() {
        let mut out = Vec::new();
        differing_paths(
            &json!({"a": {"b": 1, "c": 2}, "d/e": [1]}),
            &json!({"a": {"b": 1, "c": 3}, "d/e": [2], "f": true, "g": {"h": {"i": 1}}}),
            String::new(),
            &mut out,
        );
        assert_eq!(out, ["/a/c", "/d~1e", "/f", "/g/h/i"]);
    }
}
