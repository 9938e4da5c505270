//! Schema validation: every object of a known kind is checked against a
//! JSON schema for its apiVersion and kind, and every object's `metadata`
//! against ObjectMeta. The schemas are strict (`additionalProperties:
//! false`), because the API server silently drops unknown fields of custom
//! resources: a misspelled `healthCheck.prot` would otherwise deploy a
//! health check on the wrong port without a word.
//!
//! The schema files live in `schemas/` (sources and licenses in its
//! README) and are prepared at build time (`build.rs`): embedded without
//! their descriptions and with their top level closed, and turned into the
//! static quick forms of [`quick`]. Adding a kind = adding its schema file +
//! one row in the kind table ([`crate::k8s::kind::KINDS`]).

use crate::k8s::field_path;
use crate::k8s::resource::{ResId, Resource};
use crate::problem::{Problem, Subject};
use crate::suggest;
use include_dir::{include_dir, Dir};
use jsonschema::error::ValidationErrorKind;
use jsonschema::{ValidationError, Validator};
use serde_json::Value;
use std::sync::OnceLock;

/// The schemas without their prose and with their top level closed (see build.rs).
static SCHEMA_FILES: Dir<'static> = include_dir!("$OUT_DIR/schemas");

/// apiVersion, kind, and the schema file in `schemas/` that describes it:
/// the rows of the kind table ([`crate::k8s::kind::KINDS`]) that have a schema.
static KINDS: std::sync::LazyLock<Vec<(&str, &str, &str)>> = std::sync::LazyLock::new(|| {
    crate::k8s::kind::KINDS
        .iter()
        .flat_map(|row| {
            row.schemas
                .iter()
                .map(|s| (s.api_version, row.kind.kind, s.file))
        })
        .chain(CHECKED_ONLY.iter().copied())
        .collect()
});

/// Schemas of kinds and versions milvus-l7 neither renders nor assesses,
/// checked when a user's manifests hold them (the rest of the standard
/// Gateway API install, older served versions, whole-release kinds).
const CHECKED_ONLY: &[(&str, &str, &str)] = &[
    ("v1", "ConfigMap", "core_configmap_v1.json"),
    ("v1", "Namespace", "core_namespace_v1.json"),
    (
        "gateway.networking.k8s.io/v1",
        "GatewayClass",
        "gateway.networking.k8s.io_gatewayclass_v1.json",
    ),
    (
        "gateway.networking.k8s.io/v1beta1",
        "GatewayClass",
        "gateway.networking.k8s.io_gatewayclass_v1beta1.json",
    ),
    (
        "gateway.networking.k8s.io/v1beta1",
        "Gateway",
        "gateway.networking.k8s.io_gateway_v1beta1.json",
    ),
    (
        "gateway.networking.k8s.io/v1beta1",
        "HTTPRoute",
        "gateway.networking.k8s.io_httproute_v1beta1.json",
    ),
    (
        "gateway.networking.k8s.io/v1",
        "GRPCRoute",
        "gateway.networking.k8s.io_grpcroute_v1.json",
    ),
    (
        "gateway.networking.k8s.io/v1",
        "ReferenceGrant",
        "gateway.networking.k8s.io_referencegrant_v1.json",
    ),
    (
        "gateway.networking.k8s.io/v1beta1",
        "ReferenceGrant",
        "gateway.networking.k8s.io_referencegrant_v1beta1.json",
    ),
    (
        "gateway.networking.k8s.io/v1",
        "BackendTLSPolicy",
        "gateway.networking.k8s.io_backendtlspolicy_v1.json",
    ),
    (
        "gateway.networking.k8s.io/v1",
        "ListenerSet",
        "gateway.networking.k8s.io_listenerset_v1.json",
    ),
    (
        "gateway.networking.k8s.io/v1",
        "TCPRoute",
        "gateway.networking.k8s.io_tcproute_v1.json",
    ),
    (
        "gateway.networking.k8s.io/v1",
        "TLSRoute",
        "gateway.networking.k8s.io_tlsroute_v1.json",
    ),
    (
        "gateway.networking.k8s.io/v1",
        "UDPRoute",
        "gateway.networking.k8s.io_udproute_v1.json",
    ),
];

/// Checked against every object's `metadata`.
const OBJECT_META: &str = "meta_objectmeta_v1.json";

mod cel;
#[cfg(test)]
mod close;
#[cfg(test)]
mod conformance;
#[cfg(test)]
mod generate;
#[cfg(test)]
mod keywords;
mod pattern;
mod quick;

/// One embedded schema in the two forms it is read in: static for the quick
/// check (written by build.rs), and as a `Value` with its `jsonschema`
/// validator, both only when an object fails the quick check or a field
/// name is to be suggested: then `jsonschema` has the last word and words
/// the messages.
struct Compiled {
    file: &'static str,
    text: &'static str,
    /// `None` when the schema uses a keyword the quick check does not know.
    quick: Option<quick::Schema>,
    schema: OnceLock<Value>,
    validator: OnceLock<Validator>,
    /// Defaults, list types and CEL rules (`cel::tree`), parsed on first use.
    rules: OnceLock<Option<Value>>,
}

impl Compiled {
    fn load(file: &'static str) -> Compiled {
        let text = SCHEMA_FILES
            .get_file(file)
            .and_then(|f| f.contents_utf8())
            .unwrap_or_else(|| panic!("schemas/{file} is embedded"));
        Compiled {
            file,
            text,
            quick: quick::form(file),
            schema: OnceLock::new(),
            validator: OnceLock::new(),
            rules: OnceLock::new(),
        }
    }

    /// Whether `instance` passes the quick check (false: not sure).
    fn quick_valid(&self, instance: &Value) -> bool {
        self.quick
            .is_some_and(|schema| quick::is_valid(schema, instance))
    }

    /// The schema as `jsonschema` and the field suggestions read it.
    fn schema(&self) -> &Value {
        self.schema.get_or_init(|| {
            serde_json::from_str(self.text).unwrap_or_else(|e| panic!("schemas/{}: {e}", self.file))
        })
    }

    fn rules(&self) -> Option<&Value> {
        self.rules.get_or_init(|| cel::tree(self.file)).as_ref()
    }

    fn validator(&self) -> &Validator {
        self.validator.get_or_init(|| self.compile())
    }

    fn compile(&self) -> Validator {
        // Draft 7: compiling checks the schema against its draft's meta-schema,
        // and draft 7's is a fraction of 2020-12's vocabularies (half of
        // render's instructions went there). The files use nothing newer.
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft7)
            .with_format("byte", quick::is_base64)
            .build(self.schema())
            .unwrap_or_else(|e| panic!("schemas/{} does not compile: {e}", self.file))
    }
}

/// All embedded schemas. Each is parsed and compiled only when one of its
/// objects fails the quick check: a render of valid objects parses and
/// compiles nothing.
pub struct Schemas {
    object_meta: Compiled,
    kinds: Vec<KindSchema>,
}

struct KindSchema {
    api_version: &'static str,
    kind: &'static str,
    file: &'static str,
    compiled: OnceLock<Compiled>,
}

impl KindSchema {
    fn compiled(&self) -> &Compiled {
        self.compiled.get_or_init(|| Compiled::load(self.file))
    }
}

/// The result of checking one object.
#[derive(Debug, Default)]
pub struct Checked {
    pub problems: Vec<Problem>,
    /// False when no schema exists for the object's apiVersion and kind
    /// (only its metadata was checked).
    pub has_schema: bool,
}

/// The embedded schemas.
pub fn builtin() -> &'static Schemas {
    static SCHEMAS: OnceLock<Schemas> = OnceLock::new();
    SCHEMAS.get_or_init(Schemas::new)
}

impl Schemas {
    fn new() -> Schemas {
        Schemas {
            object_meta: Compiled::load(OBJECT_META),
            kinds: KINDS
                .iter()
                .map(|&(api_version, kind, file)| KindSchema {
                    api_version,
                    kind,
                    file,
                    compiled: OnceLock::new(),
                })
                .collect(),
        }
    }

    /// The kinds with a schema, as `apiVersion kind`, for messages.
    #[cfg(test)]
    pub fn known_kinds(&self) -> Vec<String> {
        self.kinds
            .iter()
            .map(|k| format!("{} {}", k.api_version, k.kind))
            .collect()
    }

    /// Checks the object's metadata, and the whole object when its kind is known.
    /// Whether objects of `id`'s kind and version have a schema.
    pub fn has_schema(&self, id: &ResId) -> bool {
        let api_version = id.api_version();
        self.kinds
            .iter()
            .any(|k| k.api_version == api_version && k.kind == id.kind)
    }

    pub fn check(&self, resource: &Resource) -> Checked {
        let subject = Subject::object(&resource.id);
        let secret = resource.is_secret();
        let mut problems = Vec::new();
        if resource.value.get("metadata").is_some() {
            problems.extend(problems_of(
                &self.object_meta,
                &resource.value,
                "/metadata",
                &subject,
                secret,
            ));
        }
        let api_version = resource.id.api_version();
        let schema = self
            .kinds
            .iter()
            .find(|k| k.api_version == api_version && k.kind == resource.id.kind)
            .map(KindSchema::compiled);
        if let Some(compiled) = schema {
            problems.extend(problems_of(compiled, &resource.value, "", &subject, secret));
        }
        Checked {
            problems,
            has_schema: schema.is_some(),
        }
    }
}

/// The problems of the part of `object` at the JSON Pointer `prefix`
/// (the whole object for `""`).
fn problems_of(
    compiled: &Compiled,
    object: &Value,
    prefix: &str,
    subject: &Subject,
    secret: bool,
) -> Vec<Problem> {
    let Some(instance) = object.pointer(prefix) else {
        return Vec::new();
    };
    let mut problems = Vec::new();
    if !compiled.quick_valid(instance) {
        let at = Place { object, prefix };
        let mut blocking = false;
        for error in compiled.validator().iter_errors(instance) {
            blocking |= blocks_rules(error.kind());
            problems.extend(describe(&error, compiled, &at, subject, secret));
        }
        if blocking {
            return problems;
        }
    }
    if let Some(tree) = compiled.rules().filter(|_| prefix.is_empty()) {
        problems.extend(cel::problems(tree, object, subject, compiled.file));
    }
    problems
}

/// Whether the API server runs no CEL rule on an object with this schema
/// error: a wrong type, a value outside its enum, a missing required field,
/// a string, list or map too long (apiextensions-apiserver
/// `pkg/registry/customresource/strategy.go`, `hasBlockingErr`: the object
/// has not the shape its rules were written for), or an unknown field,
/// which strict decoding refuses before any rule runs. Other errors (a
/// pattern, a minimum) leave the rules to run, and their messages add up.
fn blocks_rules(kind: &ValidationErrorKind) -> bool {
    matches!(
        kind,
        ValidationErrorKind::Type { .. }
            | ValidationErrorKind::Enum { .. }
            | ValidationErrorKind::Required { .. }
            | ValidationErrorKind::MaxLength { .. }
            | ValidationErrorKind::MaxItems { .. }
            | ValidationErrorKind::MaxProperties { .. }
            | ValidationErrorKind::AdditionalProperties { .. }
    )
}

/// Where the checked part sits in the object, to name fields from the
/// object's top (`metadata.namespce`, not `namespce`).
struct Place<'a> {
    object: &'a Value,
    prefix: &'a str,
}

impl Place<'_> {
    /// The kubectl-style path of an error's location (see [`field_path`]).
    fn path(&self, error: &ValidationError<'_>) -> String {
        let pointer = format!("{}{}", self.prefix, error.instance_path());
        field_path::from_pointer(self.object, &pointer)
    }
}

/// Turns one schema error into problems that name the field path. Values of
/// Secrets are never shown; other values only when short.
fn describe(
    error: &ValidationError<'_>,
    compiled: &Compiled,
    at: &Place<'_>,
    subject: &Subject,
    secret: bool,
) -> Vec<Problem> {
    let path = at.path(error);
    if let ValidationErrorKind::AdditionalProperties { unexpected } = error.kind() {
        let allowed = allowed_fields(compiled, error.schema_path().as_str());
        return unexpected
            .iter()
            .map(|field| {
                let hint = match suggest::closest(field, allowed.iter().map(String::as_str)) {
                    Some(close) => format!("did you mean `{close}`?"),
                    None if allowed.is_empty() => "remove it".to_string(),
                    None => format!("fields allowed here: {}", allowed.join(", ")),
                };
                Problem::new(
                    subject.clone().field(field_path::child(&path, field)),
                    "unknown field",
                    hint,
                )
            })
            .collect();
    }
    let text = if secret || !is_short_scalar(error.instance()) {
        error.masked_with("the value").to_string()
    } else {
        error.to_string()
    };
    let subject = match path.is_empty() {
        true => subject.clone(),
        false => subject.clone().field(path),
    };
    vec![Problem::new(
        subject,
        text,
        format!("fix the field; its schema is schemas/{}", compiled.file),
    )]
}

/// The `properties` next to the `additionalProperties` keyword that failed.
fn allowed_fields(compiled: &Compiled, keyword_pointer: &str) -> Vec<String> {
    let parent = keyword_pointer
        .rsplit_once('/')
        .map(|(parent, _)| parent)
        .unwrap_or("");
    compiled
        .schema()
        .pointer(parent)
        .and_then(|s| s.get("properties"))
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

fn is_short_scalar(value: &Value) -> bool {
    !value.is_object() && !value.is_array() && value.to_string().len() <= 80
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(value: Value) -> Checked {
        builtin().check(&Resource::new(value).unwrap())
    }

    fn messages(checked: &Checked) -> Vec<String> {
        checked.problems.iter().map(|p| p.to_string()).collect()
    }

    #[test]
    fn every_schema_compiles_and_every_file_is_listed() {
        let schemas = builtin();
        assert_eq!(schemas.known_kinds().len(), KINDS.len());
        for kind in &schemas.kinds {
            kind.compiled().validator(); // panics with the file name when one does not compile
        }
        for file in SCHEMA_FILES.files() {
            let name = file.path().to_str().unwrap();
            if name.ends_with(".json") {
                assert!(
                    name == OBJECT_META || KINDS.iter().any(|(_, _, f)| *f == name),
                    "{name} is not in KINDS"
                );
            }
        }
    }

    /// Every object of the golden renders and the live fixtures, lists unwrapped.
    fn fixture_objects() -> Vec<Resource> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
        let mut objects = Vec::new();
        for dir in ["golden", "live"] {
            for entry in walkdir::WalkDir::new(root.join(dir)) {
                let path = entry.unwrap().into_path();
                if path.extension().is_none_or(|e| e != "yaml") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                let Ok(docs) = crate::yaml::parse_stream(&text, "fixture", Default::default())
                else {
                    continue;
                };
                for doc in docs {
                    let items = match doc.get("items") {
                        Some(Value::Array(items)) => items.clone(),
                        _ => vec![doc],
                    };
                    objects.extend(items.into_iter().filter_map(Resource::new));
                }
            }
        }
        objects
    }

    fn golden_objects() -> Vec<Resource> {
        fixture_objects()
            .into_iter()
            .filter(|r| r.value.get("status").is_none())
            .collect()
    }

    #[test]
    fn rendered_objects_compile_no_validator() {
        let schemas = Schemas::new();
        let objects = golden_objects();
        let kinds: Vec<_> = objects
            .iter()
            .filter(|r| schemas.has_schema(&r.id))
            .collect();
        assert!(
            kinds.len() >= 8,
            "{} golden objects with a schema",
            kinds.len()
        );
        for resource in &objects {
            assert!(
                schemas.check(resource).problems.is_empty(),
                "{}",
                resource.id
            );
        }
        assert!(schemas.object_meta.validator.get().is_none());
        for kind in &schemas.kinds {
            let compiled = kind.compiled.get().and_then(|c| c.validator.get());
            // A Gateway's `spec.addresses` items are a `oneOf`, which the
            // quick check defers to jsonschema (keywords::DEFERRED).
            let deferred = kind.kind == "Gateway";
            assert!(compiled.is_none() || deferred, "{} compiled", kind.kind);
        }
    }

    /// Each way a value can go wrong, applied at every place of an object.
    fn mutations(value: &Value) -> Vec<Value> {
        let replacements = [
            json!(null),
            json!("x"),
            json!(""),
            json!(-1),
            json!(70000),
            json!(1.5),
            json!(true),
            json!([]),
            json!({}),
            json!("a".repeat(300)),
            json!("Not_A-DNS.label!"),
        ];
        let mut out: Vec<Value> = replacements.to_vec();
        match value {
            Value::Object(fields) => {
                let mut extra = fields.clone();
                extra.insert("zzUnknown".into(), json!(1));
                out.push(Value::Object(extra));
                for (key, field) in fields {
                    let mut without = fields.clone();
                    without.shift_remove(key);
                    out.push(Value::Object(without));
                    for changed in mutations(field) {
                        let mut with = fields.clone();
                        with.insert(key.clone(), changed);
                        out.push(Value::Object(with));
                    }
                }
            }
            Value::Array(items) => {
                out.push(Value::Array(Vec::new()));
                if let Some(first) = items.first() {
                    out.push(Value::Array(vec![first.clone(); 20]));
                }
                for (i, item) in items.iter().enumerate() {
                    for changed in mutations(item) {
                        let mut with = items.clone();
                        with[i] = changed;
                        out.push(Value::Array(with));
                    }
                }
            }
            _ => {}
        }
        out
    }

    #[test]
    fn quick_check_never_passes_what_jsonschema_refuses() {
        let schemas = builtin();
        let (mut refused, mut passed) = (0, 0);
        for resource in fixture_objects() {
            let api_version = resource.id.api_version();
            let kind = schemas
                .kinds
                .iter()
                .find(|k| k.api_version == api_version && k.kind == resource.id.kind);
            let mut pairs = vec![(&schemas.object_meta, &resource.value["metadata"])];
            pairs.extend(kind.map(|k| (k.compiled(), &resource.value)));
            for (compiled, value) in pairs {
                for mutated in mutations(value) {
                    let quick = compiled.quick_valid(&mutated);
                    let full = compiled.validator().is_valid(&mutated);
                    assert!(
                        !quick || full,
                        "quick check passed what jsonschema refuses: {mutated}"
                    );
                    match (quick, full) {
                        (false, false) => refused += 1,
                        (true, true) => passed += 1,
                        _ => {}
                    }
                }
            }
        }
        assert!(
            refused > 1000 && passed > 1000,
            "{refused} refused, {passed} passed"
        );
    }

    /// The embedded schemas by file name, as JSON.
    fn embedded_schemas() -> Vec<(&'static str, Value)> {
        let files = SCHEMA_FILES.files();
        let json = files.filter(|f| f.path().extension().is_some_and(|e| e == "json"));
        json.map(|file| {
            let name = file.path().to_str().unwrap();
            (name, serde_json::from_slice(file.contents()).unwrap())
        })
        .collect()
    }

    /// Calls `visit` with every keyword of `schema` and of the schemas nested in it.
    fn each_keyword(schema: &mut Value, visit: &mut impl FnMut(&str, &mut Value) -> bool) {
        let Some(map) = schema.as_object_mut() else {
            return;
        };
        map.retain(|key, value| visit(key, value));
        for (key, value) in map {
            if keywords::NAMED_SCHEMAS.contains(&key.as_str()) {
                for nested in value.as_object_mut().into_iter().flatten() {
                    each_keyword(nested.1, visit);
                }
            } else if keywords::ONE_SCHEMA.contains(&key.as_str()) {
                each_keyword(value, visit);
            }
        }
    }

    #[test]
    fn every_schema_keyword_is_understood_by_the_quick_check() {
        for (name, mut schema) in embedded_schemas() {
            each_keyword(&mut schema, &mut |key, _| {
                let known = [
                    keywords::CHECKED,
                    keywords::DEFINITIONS,
                    keywords::ANNOTATIONS,
                    keywords::DEFERRED,
                ];
                assert!(
                    known.iter().any(|k| k.contains(&key)),
                    "schemas/{name}: `{key}` sends every object to the compiler"
                );
                true
            });
            assert!(
                quick::form(name).is_some(),
                "schemas/{name}: the quick check cannot read it, so every object goes to jsonschema"
            );
        }
    }

    /// The generated statics are checked against the JSON schemas: each
    /// quick form says what its embedded schema says, annotations aside.
    /// Replaces each schema object with a deferred keyword by what its quick form says.
    fn defer(schema: &mut Value) {
        let Some(map) = schema.as_object_mut() else {
            return;
        };
        if map.keys().any(|k| keywords::DEFERRED.contains(&k.as_str())) {
            *schema = Value::String(quick::UNSURE.to_string());
            return;
        }
        for (key, value) in map {
            if keywords::NAMED_SCHEMAS.contains(&key.as_str()) {
                value
                    .as_object_mut()
                    .into_iter()
                    .flatten()
                    .for_each(|(_, s)| defer(s));
            } else if keywords::ONE_SCHEMA.contains(&key.as_str()) {
                defer(value);
            }
        }
    }

    #[test]
    fn quick_forms_are_the_embedded_schemas() {
        for (name, mut schema) in embedded_schemas() {
            defer(&mut schema);
            each_keyword(&mut schema, &mut |key, value| {
                if let Value::String(one) = value {
                    if key == "type" {
                        *value = Value::from(vec![one.clone()]);
                    }
                }
                !keywords::ANNOTATIONS.contains(&key)
            });
            let form = quick::form(name).unwrap_or_else(|| panic!("{name} has no quick form"));
            assert_eq!(form.to_value(), schema, "{name}");
        }
    }

    /// The embedded text is the original closed by build.rs's rule
    /// ([`close::close_top_level`], tested on its own) and without prose.
    #[test]
    fn embedded_schemas_lose_only_prose() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
        let mut embedded = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let name = path.file_name().unwrap().to_str().unwrap();
            let mut original: Value =
                serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
            close::close_top_level(&mut original);
            each_keyword(&mut original, &mut |key, _| {
                key != "description" && !key.starts_with("x-kubernetes-")
            });
            let stripped: Value =
                serde_json::from_slice(SCHEMA_FILES.get_file(name).unwrap().contents()).unwrap();
            assert_eq!(original, stripped, "{name}");
            embedded += 1;
        }
        assert_eq!(embedded, KINDS.len() + 1);
    }

    #[test]
    fn misspelled_field_names_the_path_and_suggests() {
        let checked = check(json!({
            "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": "my-release-milvus", "namespace": "default"},
            "spec": {"rules": [{"host": "a.example.com", "htp": {}}]}
        }));
        assert!(checked.has_schema);
        assert_eq!(
            messages(&checked),
            ["networking.k8s.io/v1/Ingress/default/my-release-milvus: spec.rules[0].htp: unknown field\n  hint: did you mean `http`?"]
        );
    }

    #[test]
    fn metadata_is_checked_for_every_kind_even_unknown_ones() {
        let checked = check(json!({
            "apiVersion": "networking.gke.io/v1", "kind": "GCPSessionAffinityPolicy",
            "metadata": {"name": "g", "namespce": "default", "annotations": {"a": true}},
        }));
        assert!(!checked.has_schema);
        let text = messages(&checked).join("\n");
        assert!(text.contains("metadata.namespce: unknown field"), "{text}");
        assert!(text.contains("did you mean `namespace`"), "{text}");
        assert!(
            text.contains("metadata.annotations.a: true is not of type \"string\""),
            "{text}"
        );
    }

    #[test]
    fn gateway_api_fields_behind_a_ref_are_suggested_too() {
        let checked = check(json!({
            "apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
            "metadata": {"name": "g", "namespace": "default"},
            "spec": {"gatewayClassName": "gke-l7-global-external-managed", "listeners": [
                {"name": "https", "protocol": "HTTPS", "port": 443,
                 "tls": {"mode": "Terminate", "certificateRef": [{"name": "tls"}]}}]}
        }));
        assert!(checked.has_schema);
        assert_eq!(
            messages(&checked),
            ["gateway.networking.k8s.io/v1/Gateway/default/g: spec.listeners[0].tls.certificateRef: unknown field\n  hint: did you mean `certificateRefs`?"]
        );
        let checked = check(json!({
            "apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
            "metadata": {"name": "r", "namespace": "default"},
            "spec": {"rules": [{"backendRefs": [{"name": "s", "prot": 19530}]}]}
        }));
        assert_eq!(
            messages(&checked),
            ["gateway.networking.k8s.io/v1/HTTPRoute/default/r: spec.rules[0].backendRefs[0].prot: unknown field\n  hint: did you mean `port`?"]
        );
    }

    #[test]
    fn crd_top_level_is_closed() {
        let checked = check(json!({
            "apiVersion": "networking.gke.io/v1", "kind": "ManagedCertificate",
            "metadata": {"name": "c", "namespace": "default"},
            "sepc": {"domains": ["a.example.com"]}
        }));
        assert!(messages(&checked)[0].contains(": sepc: unknown field"));
    }

    #[test]
    fn secret_values_are_never_shown() {
        let checked = check(json!({
            "apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": "s", "namespace": "default"},
            "data": {"tls.key": "not base64 SECRETVALUE!"}
        }));
        let text = messages(&checked).join("\n");
        assert!(text.contains("data[tls.key]"), "{text}");
        assert!(!text.contains("SECRETVALUE"), "{text}");
    }

    #[test]
    fn wrong_types_are_reported_with_their_path() {
        let checked = check(json!({
            "apiVersion": "cloud.google.com/v1", "kind": "BackendConfig",
            "metadata": {"name": "b", "namespace": "default"},
            "spec": {"healthCheck": {"port": "9091"}}
        }));
        let text = messages(&checked).join("\n");
        assert!(
            text.contains("spec.healthCheck.port: \"9091\" is not of type \"integer\""),
            "{text}"
        );
    }

    fn gateway(listeners: Value) -> Value {
        json!({
            "apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
            "metadata": {"name": "g", "namespace": "default"},
            "spec": {"gatewayClassName": "gke-l7-global-external-managed", "listeners": listeners}
        })
    }

    #[test]
    fn cel_rules_of_the_crd_are_evaluated_with_their_messages() {
        let checked = check(gateway(json!([
            {"name": "tcp", "protocol": "TCP", "port": 80, "hostname": "a.example.com"}
        ])));
        assert_eq!(
            messages(&checked),
            ["gateway.networking.k8s.io/v1/Gateway/default/g: spec.listeners: Invalid value: \"array\": hostname must not be specified for protocols ['TCP', 'UDP']\n  hint: the API server refuses this (a rule of schemas/gateway.networking.k8s.io_gateway_v1.json)"]
        );
    }

    #[test]
    fn list_map_keys_must_be_unique() {
        let http = json!({"name": "http", "protocol": "HTTP", "port": 80});
        let checked = check(gateway(json!([http, http])));
        let text = messages(&checked).join("\n");
        assert!(
            text.contains("spec.listeners[1]: Duplicate value: {\"name\":\"http\"}"),
            "{text}"
        );
    }

    #[test]
    fn no_rule_runs_on_an_object_its_schema_refuses() {
        let checked = check(gateway(json!([
            {"name": "tcp", "protocol": "TCP", "port": "80", "hostname": "a.example.com"}
        ])));
        let text = messages(&checked).join("\n");
        assert!(text.contains("is not of type"), "{text}");
        assert!(!text.contains("hostname must not"), "{text}");
    }
}
