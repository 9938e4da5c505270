//! Gateway API's own CEL conformance cases (`tests/conformance/*.yaml`,
//! carried over from kubernetes-sigs/gateway-api's `tests/cel/`; sources in
//! each file): every case with `wantErrors` is refused with a message
//! containing each of them, every other case is accepted.

use super::builtin;
use crate::k8s::resource::Resource;
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Suite {
    kind: String,
    api_version: String,
    source: String,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Case {
    desc: String,
    spec: Value,
    #[serde(default)]
    status: Option<Value>,
    #[serde(default)]
    want_errors: Vec<String>,
    /// Refused by the OpenAPI schema, whose wording differs from the API
    /// server's: only the refusal is checked.
    #[serde(default)]
    schema_error: bool,
}

fn suites() -> Vec<(String, Suite)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let limit = crate::bounded_read::Limit {
                max_bytes: 1 << 20,
                hint: "a conformance suite is a small YAML file",
            };
            let text = crate::bounded_read::text_file(&path, limit).unwrap();
            let suite =
                serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (path.display().to_string(), suite)
        })
        .collect()
}

/// What `validate` says of the case's object, one line per problem.
fn verdict(suite: &Suite, case: &Case) -> Vec<String> {
    let mut object = json!({
        "apiVersion": suite.api_version, "kind": suite.kind,
        "metadata": {"name": "foo", "namespace": "default"},
        "spec": case.spec,
    });
    if let Some(status) = &case.status {
        object["status"] = status.clone();
    }
    let resource = Resource::new(object).expect("a Kubernetes object");
    let checked = builtin().check(&resource);
    assert!(checked.has_schema, "{} has no schema", suite.kind);
    checked.problems.iter().map(|p| p.to_string()).collect()
}

#[test]
fn gateway_api_cel_cases_are_decided_as_the_api_server_does() {
    let mut failures = Vec::new();
    let mut cases = 0;
    for (file, suite) in suites() {
        for case in &suite.cases {
            cases += 1;
            let said = verdict(&suite, case).join("\n");
            let place = format!("{file} ({}): {}", suite.source, case.desc);
            if case.want_errors.is_empty() {
                if !said.is_empty() {
                    failures.push(format!("{place}: refused:\n{said}"));
                }
            } else if said.is_empty() {
                failures.push(format!("{place}: accepted, want {:?}", case.want_errors));
            } else if !case.schema_error {
                for want in &case.want_errors {
                    if !said.contains(want.as_str()) {
                        failures.push(format!("{place}: no {want:?} in:\n{said}"));
                    }
                }
            }
        }
    }
    assert!(cases >= 30, "{cases} cases");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
