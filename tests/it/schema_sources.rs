//! `schemas/` is generated, never edited: this module turns the upstream
//! files vendored under `schemas/upstream/` (sources in its README) into the
//! JSON schemas `milvus-l7` embeds, and checks that the files in `schemas/`
//! are exactly what it makes. `scripts/generate-schemas.sh` runs it with
//! `MILVUS_L7_WRITE_SCHEMAS=1`, which writes them instead.
//!
//! The conversion keeps every constraint the upstream states (types,
//! enums, formats, patterns, bounds, defaults, the `x-kubernetes-*` list
//! types and CEL rules) and adds the one the API server applies on decode
//! and the schema does not say: an object with declared fields takes no
//! other field (`additionalProperties: false`), unless it preserves unknown
//! fields. The Kubernetes OpenAPI's `$ref`s are resolved into
//! `definitions` of each kind's file.

use serde_json::{json, Map, Value};
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// Set to write `schemas/` instead of comparing with it.
const WRITE_VARIABLE: &str = "MILVUS_L7_WRITE_SCHEMAS";

/// The kinds read from the Kubernetes OpenAPI v3: (file in
/// `schemas/upstream/kubernetes/`, definition, output file).
const CORE_KINDS: &[(&str, &str, &str)] = &[
    (
        "api__v1_openapi.json",
        "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
        "meta_objectmeta_v1.json",
    ),
    (
        "api__v1_openapi.json",
        "io.k8s.api.core.v1.Service",
        "core_service_v1.json",
    ),
    (
        "api__v1_openapi.json",
        "io.k8s.api.core.v1.Secret",
        "core_secret_v1.json",
    ),
    (
        "api__v1_openapi.json",
        "io.k8s.api.core.v1.ConfigMap",
        "core_configmap_v1.json",
    ),
    (
        "api__v1_openapi.json",
        "io.k8s.api.core.v1.Namespace",
        "core_namespace_v1.json",
    ),
    (
        "apis__networking.k8s.io__v1_openapi.json",
        "io.k8s.api.networking.v1.Ingress",
        "networking.k8s.io_ingress_v1.json",
    ),
];

/// Directories of vendored CRD YAML: every served version of every CRD in
/// them becomes one file.
const CRD_DIRS: &[&str] = &["gateway-api", "gke-gateway-api"];

/// Vendored JSON schemas used as they are (no CRD YAML exists upstream).
const VERBATIM_DIR: &str = "datree";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas")
}

/// Every generated file: (name in `schemas/`, contents).
fn generate() -> Vec<(String, String)> {
    let upstream = root().join("upstream");
    let mut files = Vec::new();
    for &(source, definition, name) in CORE_KINDS {
        let text = fs::read_to_string(upstream.join("kubernetes").join(source)).unwrap();
        let spec: Value = serde_json::from_str(&text).unwrap();
        let schema = core_kind(&spec["components"]["schemas"], definition);
        files.push((name.to_string(), pretty(&schema)));
    }
    for dir in CRD_DIRS {
        for path in sorted_files(&upstream.join(dir)) {
            let text = fs::read_to_string(&path).unwrap();
            let crd: Value =
                serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            files.extend(crd_versions(&crd));
        }
    }
    for path in sorted_files(&upstream.join(VERBATIM_DIR)) {
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        files.push((name, fs::read_to_string(&path).unwrap()));
    }
    files.sort();
    files
}

fn sorted_files(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
        .collect();
    paths.sort();
    paths
}

fn pretty(schema: &Value) -> String {
    let mut text = serde_json::to_string_pretty(schema).unwrap();
    text.push('\n');
    text
}

/// One file per served version of a CRD, named `<group>_<kind>_<version>.json`.
fn crd_versions(crd: &Value) -> Vec<(String, String)> {
    let group = crd["spec"]["group"].as_str().unwrap();
    let kind = crd["spec"]["names"]["kind"]
        .as_str()
        .unwrap()
        .to_lowercase();
    let versions = crd["spec"]["versions"].as_array().unwrap();
    versions
        .iter()
        .filter(|v| v["served"] == json!(true))
        .map(|version| {
            let name = version["name"].as_str().unwrap();
            let mut schema = version["schema"]["openAPIV3Schema"].clone();
            strict(&mut schema);
            (format!("{group}_{kind}_{name}.json"), pretty(&schema))
        })
        .collect()
}

/// The definition `name` as a schema of its own: its keywords at the top,
/// every definition it reaches under `definitions`. A kind's own `metadata`
/// is left an object: every object's metadata is checked against ObjectMeta
/// apart.
fn core_kind(definitions: &Value, name: &str) -> Value {
    let mut top = definitions[name].clone();
    if let Some(metadata) = top.pointer_mut("/properties/metadata") {
        *metadata = json!({"type": "object"});
    }
    let mut reached = BTreeSet::new();
    let mut pending = Vec::new();
    collect_refs(&top, &mut pending);
    while let Some(next) = pending.pop() {
        if reached.insert(next.clone()) {
            collect_refs(&definitions[&next], &mut pending);
        }
    }
    core_refs(&mut top);
    strict(&mut top);
    let mut defs = Map::new();
    for other in &reached {
        let mut schema = definitions[other].clone();
        core_refs(&mut schema);
        strict(&mut schema);
        defs.insert(other.clone(), schema);
    }
    if !defs.is_empty() {
        top["definitions"] = Value::Object(defs);
    }
    top
}

fn collect_refs(schema: &Value, into: &mut Vec<String>) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                into.push(r.trim_start_matches("#/components/schemas/").to_string());
            }
            map.values().for_each(|v| collect_refs(v, into));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, into)),
        _ => {}
    }
}

/// OpenAPI v3 spellings made plain JSON schema: `allOf: [{$ref}]` (how the
/// OpenAPI attaches a description to a reference) becomes the `$ref`,
/// pointing into `definitions`; `int-or-string` becomes both types.
fn core_refs(schema: &mut Value) {
    let Some(map) = schema.as_object_mut() else {
        if let Value::Array(items) = schema {
            items.iter_mut().for_each(core_refs);
        }
        return;
    };
    if let Some(Value::Array(all)) = map.get("allOf") {
        if let [single] = all.as_slice() {
            if let Some(r) = single.get("$ref").cloned() {
                map.clear();
                map.insert("$ref".into(), r);
            }
        }
    }
    if let Some(Value::String(r)) = map.get_mut("$ref") {
        *r = r.replace("#/components/schemas/", "#/definitions/");
    }
    if map.get("format") == Some(&json!("int-or-string")) {
        map.remove("format");
        map.remove("oneOf");
        map.insert("type".into(), json!(["integer", "string"]));
    }
    map.values_mut().for_each(core_refs);
}

/// Adds what decoding on the API server enforces: no undeclared field in an
/// object that declares its fields (not in the value validations of
/// `allOf`/`anyOf`/`oneOf`/`not`); `nullable` and `int-or-string` as the
/// types they allow.
fn strict(schema: &mut Value) {
    let Some(map) = schema.as_object_mut() else {
        return;
    };
    if map.remove("nullable") == Some(json!(true)) {
        if let Some(Value::String(one)) = map.get("type").cloned() {
            map.insert("type".into(), json!([one, "null"]));
        }
    }
    if map.get("x-kubernetes-int-or-string") == Some(&json!(true)) && !map.contains_key("type") {
        map.remove("anyOf");
        map.insert("type".into(), json!(["integer", "string"]));
    }
    let preserves = map.get("x-kubernetes-preserve-unknown-fields") == Some(&json!(true));
    if map.contains_key("properties") && !map.contains_key("additionalProperties") && !preserves {
        map.insert("additionalProperties".into(), json!(false));
    }
    for (key, value) in map.iter_mut() {
        match key.as_str() {
            "properties" | "definitions" => {
                if let Some(named) = value.as_object_mut() {
                    named.values_mut().for_each(strict);
                }
            }
            "items" | "additionalProperties" => strict(value),
            // `allOf`, `anyOf`, `oneOf`, `not` only constrain the values
            // their object declares: closing them would refuse the rest.
            _ => {}
        }
    }
}

/// The files of `schemas/` that the generator owns: every `.json` there.
fn committed() -> Vec<(String, String)> {
    let mut files: Vec<_> = sorted_files(&root())
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            let name = p.file_name().unwrap().to_str().unwrap().to_string();
            (name, fs::read_to_string(&p).unwrap())
        })
        .collect();
    files.sort();
    files
}

#[test]
fn schemas_are_generated_from_upstream_byte_for_byte() {
    let generated = generate();
    if std::env::var_os(WRITE_VARIABLE).is_some() {
        for (name, _) in committed() {
            fs::remove_file(root().join(name)).unwrap();
        }
        for (name, text) in &generated {
            fs::write(root().join(name), text).unwrap();
        }
        return;
    }
    let committed = committed();
    let names = |files: &[(String, String)]| files.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
    assert_eq!(
        names(&committed),
        names(&generated),
        "schemas/ differs from what scripts/generate-schemas.sh makes"
    );
    for ((name, text), (_, want)) in committed.iter().zip(&generated) {
        assert!(
            text == want,
            "schemas/{name} was edited by hand or its source changed: run scripts/generate-schemas.sh"
        );
    }
}

#[test]
fn strict_closes_declared_objects_only() {
    let mut schema = json!({"type": "object", "properties": {
        "a": {"type": "object", "properties": {"b": {"type": "string", "nullable": true}}},
        "open": {"type": "object", "x-kubernetes-preserve-unknown-fields": true, "properties": {}},
        "map": {"type": "object", "additionalProperties": {"type": "string"}},
        "port": {"x-kubernetes-int-or-string": true, "anyOf": [{"type": "integer"}, {"type": "string"}]}
    }});
    strict(&mut schema);
    assert_eq!(schema["additionalProperties"], json!(false));
    assert_eq!(
        schema["properties"]["a"]["additionalProperties"],
        json!(false)
    );
    assert_eq!(
        schema["properties"]["a"]["properties"]["b"]["type"],
        json!(["string", "null"])
    );
    assert!(schema["properties"]["open"]
        .get("additionalProperties")
        .is_none());
    assert_eq!(
        schema["properties"]["map"]["additionalProperties"],
        json!({"type": "string"})
    );
    assert_eq!(
        schema["properties"]["port"]["type"],
        json!(["integer", "string"])
    );
}
