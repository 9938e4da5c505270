//! Writing a [`Comparison`]: unified diffs for people, JSON for bots.
//!
//! The text report is one unified diff per differing object,
//! `--- live/<id>` / `+++ rendered/<id>` like `kubectl diff`'s live and
//! merged sides, then a one-line summary. Both sides are YAML written the
//! same way, keys sorted, so only real differences show. Secret values
//! were masked before the comparison reached us; a private key in any
//! other field (an annotation) is replaced as the report is written.

use crate::diff::{Comparison, ObjectDiff, Status};
use crate::redact;
use crate::yaml;
use anstyle::{AnsiColor, Style};
use serde::Serialize;
use serde_json::Value;

/// Colours of the unified diff, as `git diff` uses them.
const HEADER: Style = Style::new().bold();
const HUNK: Style = AnsiColor::Cyan.on_default();
const REMOVED: Style = AnsiColor::Red.on_default();
const ADDED: Style = AnsiColor::Green.on_default();

/// Unified diffs of every differing object with `context` lines around
/// each change, then the summary line.
pub fn text(comparison: &Comparison, context: usize, color: bool) -> String {
    let mut out = String::new();
    for object in comparison
        .objects
        .iter()
        .filter(|o| o.status != Status::Unchanged)
    {
        let diff = redact::private_keys(&unified_diff(object, context)).into_owned();
        out.push_str(&if color { colorize(&diff) } else { diff });
    }
    out.push_str(&summary(comparison));
    out.push('\n');
    out
}

fn unified_diff(object: &ObjectDiff, context: usize) -> String {
    let live = object
        .live
        .as_ref()
        .map(yaml::to_string)
        .unwrap_or_default();
    let rendered = object
        .rendered
        .as_ref()
        .map(yaml::to_string)
        .unwrap_or_default();
    let live_id = object.live_id.as_ref().unwrap_or(&object.id);
    let diff = similar::TextDiff::from_lines(&live, &rendered);
    let mut text = diff
        .unified_diff()
        .context_radius(context)
        .header(
            &format!("live/{live_id}"),
            &format!("rendered/{}", object.id),
        )
        .to_string();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

fn colorize(diff: &str) -> String {
    diff.lines()
        .map(|line| {
            let style = if line.starts_with("---") || line.starts_with("+++") {
                HEADER
            } else if line.starts_with("@@") {
                HUNK
            } else if line.starts_with('-') {
                REMOVED
            } else if line.starts_with('+') {
                ADDED
            } else {
                return format!("{line}\n");
            };
            format!("{style}{line}{style:#}\n")
        })
        .collect()
}

/// `2 changed, 1 missing, 0 extra, 3 unchanged`
pub fn summary(comparison: &Comparison) -> String {
    format!(
        "{} changed, {} missing, {} extra, {} unchanged",
        comparison.count(Status::Changed),
        comparison.count(Status::Missing),
        comparison.count(Status::Extra),
        comparison.count(Status::Unchanged)
    )
}

/// The machine-readable report: a summary, every object with its status
/// and, for changed objects, the differing fields as JSON pointers with
/// their live (`before`) and rendered (`after`) values; a side that lacks
/// the field has no key.
pub fn json(comparison: &Comparison) -> String {
    let report = JsonReport {
        summary: Summary {
            changed: comparison.count(Status::Changed),
            missing: comparison.count(Status::Missing),
            extra: comparison.count(Status::Extra),
            unchanged: comparison.count(Status::Unchanged),
        },
        objects: comparison.objects.iter().map(object_json).collect(),
        hints: &comparison.hints,
    };
    let text = serde_json::to_string_pretty(&report).expect("plain data always serializes");
    format!("{}\n", redact::private_keys(&text))
}

/// The `--output json` document.
#[derive(Serialize)]
struct JsonReport<'a> {
    summary: Summary,
    objects: Vec<JsonObject>,
    hints: &'a [String],
}

#[derive(Serialize)]
struct Summary {
    changed: usize,
    missing: usize,
    extra: usize,
    unchanged: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonObject {
    id: String,
    status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    live_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    changes: Option<Vec<FieldChange>>,
}

/// One differing field: a side that lacks it has no key.
#[derive(Serialize)]
struct FieldChange {
    path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    before: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    after: Option<Value>,
}

fn object_json(object: &ObjectDiff) -> JsonObject {
    let changes = (object.status == Status::Changed).then(|| {
        let mut changes = Vec::new();
        field_changes(
            object.live.as_ref(),
            object.rendered.as_ref(),
            String::new(),
            &mut changes,
        );
        changes
    });
    JsonObject {
        id: object.id.to_string(),
        status: object.status,
        live_id: object
            .live_id
            .as_ref()
            .filter(|l| **l != object.id)
            .map(ToString::to_string),
        changes,
    }
}

/// Appends one entry per differing leaf (or per field present on one side
/// only) below `path`.
fn field_changes(
    before: Option<&Value>,
    after: Option<&Value>,
    path: String,
    out: &mut Vec<FieldChange>,
) {
    match (before, after) {
        (Some(Value::Object(b)), Some(Value::Object(a))) => {
            for key in b.keys().chain(a.keys().filter(|k| !b.contains_key(*k))) {
                let child = format!("{path}/{}", escape_pointer(key));
                field_changes(b.get(key), a.get(key), child, out);
            }
        }
        (Some(Value::Array(b)), Some(Value::Array(a))) => {
            for i in 0..b.len().max(a.len()) {
                field_changes(b.get(i), a.get(i), format!("{path}/{i}"), out);
            }
        }
        (b, a) if b != a => {
            out.push(FieldChange {
                path,
                before: b.cloned(),
                after: a.cloned(),
            });
        }
        _ => {}
    }
}

/// RFC 6901: `~` → `~0`, `/` → `~1`.
fn escape_pointer(key: &str) -> String {
    jsonptr::Token::new(key).encoded().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::k8s::resource::ResId;
    use serde_json::json;

    fn changed(live: Value, rendered: Value) -> Comparison {
        let id = ResId::of(&json!({"apiVersion": "cloud.google.com/v1", "kind": "BackendConfig", "metadata": {"name": "bc", "namespace": "default"}})).unwrap();
        Comparison {
            objects: vec![ObjectDiff {
                status: Status::Changed,
                live_id: Some(id.clone()),
                id,
                live: Some(live),
                rendered: Some(rendered),
            }],
            hints: vec![],
        }
    }

    #[test]
    fn text_has_headers_with_ids_the_changed_line_and_a_summary() {
        let c = changed(
            json!({"spec": {"port": 9090}}),
            json!({"spec": {"port": 9091}}),
        );
        let text = text(&c, 3, false);
        assert!(text.contains("--- live/cloud.google.com/v1/BackendConfig/default/bc\n"));
        assert!(text.contains("+++ rendered/cloud.google.com/v1/BackendConfig/default/bc\n"));
        assert!(text.contains("-  port: 9090\n"));
        assert!(text.contains("+  port: 9091\n"));
        assert!(text.ends_with("1 changed, 0 missing, 0 extra, 0 unchanged\n"));
        assert!(!text.contains('\x1b'));
    }

    #[test]
    fn colour_marks_removed_and_added_lines() {
        let c = changed(json!({"a": 1}), json!({"a": 2}));
        let text = text(&c, 3, true);
        assert!(text.contains("\x1b[31m-a: 1\x1b[0m"));
        assert!(text.contains("\x1b[32m+a: 2\x1b[0m"));
    }

    #[test]
    fn context_lines_follow_the_option() {
        let live = json!({"a": 1, "b": 2, "c": 3, "d": 4, "e": 5});
        let rendered = json!({"a": 1, "b": 2, "c": 30, "d": 4, "e": 5});
        let zero = text(&changed(live.clone(), rendered.clone()), 0, false);
        assert!(!zero.contains(" b: 2"));
        let one = text(&changed(live, rendered), 1, false);
        assert!(one.contains(" b: 2") && !one.contains(" a: 1"));
    }

    #[test]
    fn json_lists_changed_fields_as_pointers() {
        let c = changed(
            json!({"metadata": {"annotations": {"a/b": "x"}}, "spec": {"port": 9090}}),
            json!({"metadata": {"annotations": {"a/b": "x", "c": "y"}}, "spec": {"port": 9091}}),
        );
        let report: Value = serde_json::from_str(&json(&c)).unwrap();
        let changes = &report["objects"][0]["changes"];
        assert_eq!(
            changes,
            &json!([
                {"path": "/metadata/annotations/c", "after": "y"},
                {"path": "/spec/port", "before": 9090, "after": 9091}
            ])
        );
        assert_eq!(report["summary"]["changed"], 1);
        assert_eq!(report["objects"][0]["status"], "changed");
    }
}
