//! The conformance cases marked `schemaError: true` (`tests/conformance/*.yaml`,
//! read here, not changed) are checked only for their refusal by
//! `conformance.rs`, because our schema messages used to be worded apart
//! from the API server's. This counts how many of them now carry every
//! `wantErrors` text, and names the ones that do not, for the conformance
//! owner to flip the flags of the others.

use super::builtin;
use crate::k8s::resource::Resource;
use serde_json::{json, Value};

/// Each `schemaError` case as (file, desc, what we say, wanted texts).
fn schema_error_cases() -> Vec<(String, String, String, Vec<String>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    let mut cases = Vec::new();
    for path in files {
        let limit = crate::bounded_read::Limit {
            max_bytes: 1 << 20,
            hint: "a conformance suite is a small YAML file",
        };
        let text = crate::bounded_read::text_file(&path, limit).unwrap();
        let suite: Value = serde_saphyr::from_str(&text).unwrap();
        let file = path.file_name().unwrap().to_string_lossy().to_string();
        for case in suite["cases"].as_array().unwrap() {
            if case["schemaError"] != json!(true) {
                continue;
            }
            let mut object = json!({
                "apiVersion": suite["apiVersion"], "kind": suite["kind"],
                "metadata": {"name": "foo", "namespace": "default"},
                "spec": case["spec"],
            });
            if let Some(status) = case.get("status") {
                object["status"] = status.clone();
            }
            let checked = builtin().check(&Resource::new(object).unwrap());
            let said: Vec<String> = checked.problems.iter().map(|p| p.to_string()).collect();
            let wanted = case["wantErrors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|w| w.as_str().unwrap().to_string())
                .collect();
            let desc = case["desc"].as_str().unwrap().to_string();
            cases.push((file.clone(), desc, said.join("\n"), wanted));
        }
    }
    cases
}

#[test]
fn schema_error_cases_now_carry_the_api_servers_words() {
    let cases = schema_error_cases();
    let mut differ = Vec::new();
    for (file, desc, said, wanted) in &cases {
        let missing: Vec<&String> = wanted
            .iter()
            .filter(|w| !said.contains(w.as_str()))
            .collect();
        if !missing.is_empty() {
            differ.push(format!("{file}: {desc}: no {missing:?} in:\n{said}"));
        }
    }
    assert!(cases.len() >= 17, "{} schemaError cases", cases.len());
    assert!(
        differ.is_empty(),
        "{} of {} schemaError cases carry every wantErrors text; not these:\n{}",
        cases.len() - differ.len(),
        cases.len(),
        differ.join("\n\n")
    );
}
