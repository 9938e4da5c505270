//! Gateway API's own CEL conformance cases (`tests/conformance/*.yaml`,
//! carried over from kubernetes-sigs/gateway-api's `tests/cel/`; sources in
//! each file): every case with `wantErrors` is refused with a message
//! containing each of them, every other case is accepted.

use super::builtin;
use crate::k8s::resource::Resource;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;

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
    /// For a case refused by the OpenAPI schema: the field the refusal
    /// must be placed at (`field: ...`), so that one at another field fails.
    #[serde(default)]
    refused_at: Option<String>,
}

/// How many cases of each upstream file are carried over: all of each
/// (`tests/conformance/README.md` says which files are out and why). Exact,
/// so the suite can neither shrink nor grow unnoticed.
const CARRIED_OVER: &[(&str, usize)] = &[
    ("tests/cel/gateway_test.go", 32),
    ("tests/cel/httproute_test.go", 88),
    ("tests/cel/httproute_standard_test.go", 9),
];

fn suites() -> Vec<(String, Suite)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
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
    assert!(
        builtin().has_schema(&resource.id),
        "{} has no schema",
        suite.kind
    );
    let checked = builtin().check(&resource);
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
            } else {
                for want in &case.want_errors {
                    if !said.contains(want.as_str()) {
                        failures.push(format!("{place}: no {want:?} in:\n{said}"));
                    }
                }
                match &case.refused_at {
                    Some(field) if !said.contains(&format!("{field}: ")) => {
                        failures.push(format!("{place}: {field} not named in:\n{said}"))
                    }
                    _ => {}
                }
            }
        }
    }
    assert_eq!(
        cases,
        CARRIED_OVER.iter().map(|(_, n)| n).sum::<usize>(),
        "cases in all"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Cases of ours, in the suites' form, for what the server does while
/// decoding (`super::decode`): a Gateway address's `type` defaults to
/// `IPAddress` before the schema's `oneOf` (review finding M3), and fields
/// left null are read as absent, or as their default (finding M4).
const DECODING: &str = r#"
kind: Gateway
apiVersion: gateway.networking.k8s.io/v1
source: milvus-l7 (not upstream)
cases:
  - desc: an address without a type is an IP address
    spec: {gatewayClassName: foo, listeners: [{name: http, protocol: HTTP, port: 80}], addresses: [{value: 10.0.0.1}]}
  - desc: an address without a type must be an IP address
    spec: {gatewayClassName: foo, listeners: [{name: http, protocol: HTTP, port: 80}], addresses: [{value: abc}]}
    wantErrors: ["spec.addresses[0].value: Invalid value: \"abc\": spec.addresses[0].value in body must be of type ipv4"]
  - desc: null fields are absent
    spec: {gatewayClassName: foo, listeners: [{name: http, protocol: HTTP, port: 80, hostname: null, allowedRoutes: null}], addresses: null, infrastructure: null}
  - desc: a null listener port is refused as absent
    spec: {gatewayClassName: foo, listeners: [{name: http, protocol: HTTP, port: null}]}
    wantErrors: ["spec.listeners[0].port: Required value"]
"#;

#[test]
fn decoding_cases_are_decided_as_the_api_server_does() {
    let suite: Suite = serde_saphyr::from_str(DECODING).unwrap();
    for case in &suite.cases {
        let said = verdict(&suite, case).join("\n");
        if case.want_errors.is_empty() {
            assert_eq!(said, "", "{}", case.desc);
        }
        for want in &case.want_errors {
            assert!(said.contains(want.as_str()), "{}: {said}", case.desc);
        }
    }
}

/// The upstream file a suite's `source` names (its first word).
fn source_file(suite: &Suite) -> &str {
    suite.source.split_whitespace().next().unwrap_or("")
}

#[test]
fn every_upstream_case_is_carried_over_once() {
    let mut descs: HashMap<&str, Vec<&str>> = HashMap::new();
    let suites = suites();
    for (file, suite) in &suites {
        let source = source_file(suite);
        assert!(
            CARRIED_OVER.iter().any(|(known, _)| *known == source),
            "{file}: source {source:?} is not in CARRIED_OVER"
        );
        descs
            .entry(source)
            .or_default()
            .extend(suite.cases.iter().map(|c| c.desc.as_str()));
    }
    for (source, want) in CARRIED_OVER {
        let found = descs.get(source).map(Vec::as_slice).unwrap_or_default();
        assert_eq!(found.len(), *want, "cases of {source}");
        let mut unique: Vec<&str> = found.to_vec();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), found.len(), "a desc repeats in {source}");
    }
}

/// The two cases the Go test builds in loops are written with YAML aliases:
/// they must expand to the routes it builds (7 rules of 20 matches, 2 of 48).
#[test]
fn the_looped_cases_have_the_upstream_number_of_matches() {
    let suites = suites();
    let case = |desc: &str| {
        suites
            .iter()
            .flat_map(|(_, suite)| &suite.cases)
            .find(|c| c.desc == desc)
            .unwrap_or_else(|| panic!("no case {desc:?}"))
    };
    for (desc, rules, matches) in [
        ("TestHTTPRouteRule: too many matches and rules", 7, 20),
        ("TestHTTPRouteRule: many matches and few rules", 2, 48),
    ] {
        let spec = &case(desc).spec;
        let found: Vec<usize> = spec["rules"]
            .as_array()
            .expect("rules")
            .iter()
            .map(|rule| rule["matches"].as_array().map_or(0, Vec::len))
            .collect();
        assert_eq!(found, vec![matches; rules], "{desc}");
        let first = &spec["rules"][0]["matches"][0];
        assert_eq!(
            first,
            &json!({"path": {"type": "PathPrefix", "value": "/"}})
        );
        assert!(spec["rules"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|rule| rule["matches"].as_array().into_iter().flatten())
            .all(|m| m == first));
    }
}
