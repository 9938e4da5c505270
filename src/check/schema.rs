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
use jsonschema::Validator;
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
mod decode;
mod failure;
#[cfg(test)]
mod generate;
#[cfg(test)]
mod keywords;
mod pattern;
mod quick;

/// One embedded schema in the two forms it is read in: static for the quick
/// check (written by build.rs), and as a `Value` with its `jsonschema`
/// validator, both only when the quick check is not sure of an object:
/// then `jsonschema` has the last word. Both word their failures alike
/// ([`failure`]).
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

    /// What the quick check says of `instance`.
    fn quick_check(&self, instance: &Value) -> quick::Outcome {
        match self.quick {
            Some(schema) => quick::check(schema, instance),
            None => quick::Outcome::Unsure,
        }
    }

    /// Every failure of `instance` as `jsonschema` finds them.
    fn jsonschema_failures(&self, instance: &Value) -> Vec<failure::Failure> {
        let allowed = |schema_path: &str| allowed_fields(self, schema_path);
        self.validator()
            .iter_errors(instance)
            .flat_map(|error| failure::from_jsonschema(&error, &allowed))
            .collect()
    }

    /// The failures of `instance`: the quick check's when it is sure, else
    /// `jsonschema`'s.
    fn failures(&self, instance: &Value) -> Vec<failure::Failure> {
        match self.quick_check(instance) {
            quick::Outcome::Valid => Vec::new(),
            quick::Outcome::Invalid(failures) => failures,
            quick::Outcome::Unsure => self.jsonschema_failures(instance),
        }
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
        let api_version = resource.id.api_version();
        let schema = self
            .kinds
            .iter()
            .find(|k| k.api_version == api_version && k.kind == resource.id.kind)
            .map(KindSchema::compiled);
        // Nulls read as absent and a custom resource's defaults, as the
        // server decodes the object before validating it (`decode`).
        let object = decode::decode(
            &resource.value,
            schema.map(|c| move || c.schema()),
            schema.and_then(Compiled::rules),
        );
        let mut problems = Vec::new();
        if object.get("metadata").is_some() {
            problems.extend(problems_of(
                &self.object_meta,
                &object,
                "/metadata",
                &subject,
                secret,
            ));
        }
        if let Some(compiled) = schema {
            problems.extend(problems_of(compiled, &object, "", &subject, secret));
        }
        Checked { problems }
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
    let at = Place { object, prefix };
    let failures = compiled.failures(instance);
    let mut problems: Vec<Problem> = failures
        .iter()
        .map(|f| describe(f, compiled, &at, subject, secret))
        .collect();
    if failures.iter().any(|f| f.kind.blocks_rules()) {
        return problems;
    }
    if let Some(tree) = compiled.rules().filter(|_| prefix.is_empty()) {
        problems.extend(cel::problems(tree, object, subject, compiled.file));
    }
    problems
}

/// Where the checked part sits in the object, to name fields from the
/// object's top (`metadata.namespce`, not `namespce`).
struct Place<'a> {
    object: &'a Value,
    prefix: &'a str,
}

/// One failure as a problem: the field path from the object's top and the
/// API server's words ([`failure::word`]). Values of Secrets are never shown.
fn describe(
    failure: &failure::Failure,
    compiled: &Compiled,
    at: &Place<'_>,
    subject: &Subject,
    secret: bool,
) -> Problem {
    let pointer = format!("{}{}", at.prefix, failure.pointer);
    let path = field_path::from_pointer(at.object, &pointer);
    let value = at.object.pointer(&pointer).unwrap_or(&Value::Null);
    let (field, message) = failure::word(&failure.kind, &path, value, secret);
    let hint = match &failure.kind {
        failure::Kind::Unknown { field, allowed } => {
            match suggest::closest(field, allowed.iter().map(String::as_str)) {
                Some(close) => format!("did you mean `{close}`?"),
                None if allowed.is_empty() => "remove it".to_string(),
                None => format!("fields allowed here: {}", allowed.join(", ")),
            }
        }
        _ => format!("fix the field; its schema is schemas/{}", compiled.file),
    };
    let subject = match field.is_empty() {
        true => subject.clone(),
        false => subject.clone().field(field),
    };
    Problem::new(subject, message, hint)
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
        // The Gateway of `--overlay static-ip` too: its `spec.addresses`
        // items are a `oneOf` of an `anyOf` and a `not`, which the quick
        // check decides.
        let addresses = objects
            .iter()
            .any(|r| r.id.kind == "Gateway" && r.value.pointer("/spec/addresses").is_some());
        assert!(addresses, "no golden Gateway with addresses");
        for kind in &schemas.kinds {
            let compiled = kind.compiled.get().and_then(|c| c.validator.get());
            assert!(compiled.is_none(), "{} compiled", kind.kind);
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

    /// What the quick check says of `value`, checked against `jsonschema`:
    /// never valid where `jsonschema` refuses, never invalid where it
    /// accepts, and when sure that it is invalid, the same problems in the
    /// same words.
    fn differential(compiled: &Compiled, object: &Value, prefix: &str, subject: &Subject) -> Sure {
        let value = object.pointer(prefix).unwrap();
        let full = compiled.validator().is_valid(value);
        let at = Place { object, prefix };
        let worded = |failures: &[failure::Failure]| {
            let mut all: Vec<String> = failures
                .iter()
                .map(|f| describe(f, compiled, &at, subject, false).to_string())
                .collect();
            all.sort();
            all
        };
        match compiled.quick_check(value) {
            quick::Outcome::Valid => {
                assert!(full, "quick check passed what jsonschema refuses: {value}");
                Sure::Valid
            }
            quick::Outcome::Invalid(failures) => {
                assert!(!full, "quick check refused what jsonschema takes: {value}");
                let theirs = worded(&compiled.jsonschema_failures(value));
                assert_eq!(worded(&failures), theirs, "{value}");
                Sure::Invalid
            }
            quick::Outcome::Unsure => Sure::Not,
        }
    }

    #[derive(Debug, PartialEq)]
    enum Sure {
        Valid,
        Invalid,
        Not,
    }

    #[test]
    fn quick_check_answers_and_words_as_jsonschema_does() {
        let schemas = builtin();
        let (mut refused, mut passed, mut unsure) = (0, 0, 0);
        for resource in fixture_objects() {
            let api_version = resource.id.api_version();
            let kind = schemas
                .kinds
                .iter()
                .find(|k| k.api_version == api_version && k.kind == resource.id.kind);
            let subject = Subject::object(&resource.id);
            let mut pairs = vec![(&schemas.object_meta, "/metadata")];
            pairs.extend(kind.map(|k| (k.compiled(), "")));
            for (compiled, prefix) in pairs {
                let value = resource.value.pointer(prefix).unwrap();
                for mutated in mutations(value) {
                    let mut object = resource.value.clone();
                    match prefix {
                        "" => object = mutated,
                        _ => *object.pointer_mut(prefix).unwrap() = mutated,
                    }
                    match differential(compiled, &object, prefix, &subject) {
                        Sure::Invalid => refused += 1,
                        Sure::Valid => passed += 1,
                        Sure::Not => unsure += 1,
                    }
                }
            }
        }
        assert!(
            refused > 1000 && passed > 1000 && unsure < refused / 10,
            "{refused} refused, {passed} passed, {unsure} not sure"
        );
    }

    /// The Gateway's `spec.addresses` items: a `oneOf` whose first branch
    /// (type `IPAddress`) holds an `anyOf` of the `ipv4` and `ipv6`
    /// formats, and whose second is a `not`. Each is met both ways.
    #[test]
    fn one_of_any_of_and_not_are_decided_both_ways() {
        let gateway = builtin()
            .kinds
            .iter()
            .find(|k| k.kind == "Gateway" && k.api_version == "gateway.networking.k8s.io/v1")
            .unwrap()
            .compiled();
        let cases = [
            // anyOf: the first branch, then the second.
            (
                json!({"type": "IPAddress", "value": "10.0.0.1"}),
                Sure::Valid,
            ),
            (
                json!({"type": "IPAddress", "value": "2001:db8::1"}),
                Sure::Valid,
            ),
            // not: holds, so the second branch of the oneOf is the one.
            (
                json!({"type": "NamedAddress", "value": "my-ip"}),
                Sure::Valid,
            ),
            (
                json!({"type": "Hostname", "value": "a.example.com"}),
                Sure::Valid,
            ),
            // anyOf fails both ways and not fails: no branch of the oneOf.
            (
                json!({"type": "IPAddress", "value": "1.2.3.4:8080"}),
                Sure::Invalid,
            ),
            // No type: both branches hold (the API server defaults the type
            // first; jsonschema does not).
            (json!({"value": "10.0.0.1"}), Sure::Invalid),
            // A failure beside the oneOf.
            (json!({"type": "NamedAddress", "valu": "x"}), Sure::Invalid),
        ];
        for (address, sure) in cases {
            let object = json!({
                "apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
                "metadata": {"name": "g", "namespace": "default"},
                "spec": {"gatewayClassName": "c", "addresses": [address],
                         "listeners": [{"name": "http", "protocol": "HTTP", "port": 80}]}
            });
            let subject = Subject::object(&ResId::of(&object).unwrap());
            assert_eq!(
                differential(gateway, &object, "", &subject),
                sure,
                "{address}"
            );
        }
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
            } else if keywords::SCHEMA_LISTS.contains(&key.as_str()) {
                for nested in value.as_array_mut().into_iter().flatten() {
                    each_keyword(nested, visit);
                }
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
    #[test]
    fn quick_forms_are_the_embedded_schemas() {
        for (name, mut schema) in embedded_schemas() {
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

    fn schema_for(api_version: &str, kind: &str) -> bool {
        let value = json!({"apiVersion": api_version, "kind": kind, "metadata": {"name": "n"}});
        builtin().has_schema(&ResId::of(&value).unwrap())
    }

    #[test]
    fn misspelled_field_names_the_path_and_suggests() {
        let checked = check(json!({
            "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": "my-release-milvus", "namespace": "default"},
            "spec": {"rules": [{"host": "a.example.com", "htp": {}}]}
        }));
        assert!(schema_for("networking.k8s.io/v1", "Ingress"));
        assert_eq!(
            messages(&checked),
            ["networking.k8s.io/v1/Ingress/default/my-release-milvus: spec.rules[0].htp: unknown field \"spec.rules[0].htp\"\n  hint: did you mean `http`?"]
        );
    }

    #[test]
    fn metadata_is_checked_for_every_kind_even_unknown_ones() {
        let checked = check(json!({
            "apiVersion": "networking.gke.io/v1", "kind": "GCPSessionAffinityPolicy",
            "metadata": {"name": "g", "namespce": "default", "annotations": {"a": true}},
        }));
        assert!(!schema_for(
            "networking.gke.io/v1",
            "GCPSessionAffinityPolicy"
        ));
        let text = messages(&checked).join("\n");
        assert!(text.contains("metadata.namespce: unknown field"), "{text}");
        assert!(text.contains("did you mean `namespace`"), "{text}");
        assert!(
            text.contains("metadata.annotations.a: Invalid value: \"boolean\": metadata.annotations.a in body must be of type string: \"boolean\""),
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
        assert!(schema_for("gateway.networking.k8s.io/v1", "Gateway"));
        assert_eq!(
            messages(&checked),
            ["gateway.networking.k8s.io/v1/Gateway/default/g: spec.listeners[0].tls.certificateRef: unknown field \"spec.listeners[0].tls.certificateRef\"\n  hint: did you mean `certificateRefs`?"]
        );
        let checked = check(json!({
            "apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
            "metadata": {"name": "r", "namespace": "default"},
            "spec": {"rules": [{"backendRefs": [{"name": "s", "prot": 19530}]}]}
        }));
        assert_eq!(
            messages(&checked),
            ["gateway.networking.k8s.io/v1/HTTPRoute/default/r: spec.rules[0].backendRefs[0].prot: unknown field \"spec.rules[0].backendRefs[0].prot\"\n  hint: did you mean `port`?"]
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
            text.contains("spec.healthCheck.port: Invalid value: \"string\": spec.healthCheck.port in body must be of type integer: \"string\""),
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
        assert!(text.contains("in body must be of type integer"), "{text}");
        assert!(!text.contains("hostname must not"), "{text}");
    }

    fn gateway_with(addresses: Value) -> Value {
        json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
            "metadata": {"name": "g", "namespace": "default"},
            "spec": {"gatewayClassName": "foo",
                "listeners": [{"name": "http", "port": 80, "protocol": "HTTP"}],
                "addresses": addresses}})
    }

    /// Review finding M3: the server defaults a custom resource while
    /// decoding it, before its schema, so an address without a `type` is an
    /// `IPAddress` for the schema's `oneOf` too.
    #[test]
    fn a_crd_is_defaulted_before_its_schema() {
        let ip = check(gateway_with(json!([{"value": "10.0.0.1"}])));
        assert_eq!(messages(&ip), Vec::<String>::new());
        let text = messages(&check(gateway_with(json!([{"value": "abc"}])))).join("\n");
        assert!(
            text.contains(
                r#"spec.addresses[0].value: Invalid value: "abc": spec.addresses[0].value in body must be of type ipv4"#
            ),
            "{text}"
        );
        // A Hostname is not an IP address, defaulted or not.
        let hostname = check(gateway_with(json!([{"type": "Hostname", "value": "abc"}])));
        assert_eq!(messages(&hostname), Vec::<String>::new());
    }

    /// Review finding M4: fields left empty in YAML (null) are read as
    /// absent: pruned from a custom resource (where not `nullable`, or
    /// defaulted where the schema has a default), dropped from a built-in
    /// kind and from every object's metadata.
    #[test]
    fn nulls_are_read_as_the_api_server_reads_them() {
        let route = json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
            "metadata": {"name": "r", "namespace": "default", "annotations": null},
            "spec": {"hostnames": null, "parentRefs": [{"name": "g"}],
                "rules": [{"matches": null, "filters": null,
                    "backendRefs": [{"name": "s", "port": 80}]}]}});
        assert_eq!(messages(&check(route.clone())), Vec::<String>::new());
        // `matches` has a default: the null becomes it, and the rules see it.
        let kind = builtin()
            .kinds
            .iter()
            .find(|k| k.kind == "HTTPRoute" && k.api_version == "gateway.networking.k8s.io/v1")
            .unwrap()
            .compiled();
        let decoded = decode::decode(&route, Some(|| kind.schema()), kind.rules());
        assert_eq!(
            decoded["spec"]["rules"][0]["matches"],
            json!([{"path": {"type": "PathPrefix", "value": "/"}}])
        );
        assert_eq!(decoded["spec"].get("hostnames"), None);
        assert_eq!(decoded["metadata"].get("annotations"), None);
        // A null that is not allowed and has no schema of its own is still refused.
        let mut unknown = route;
        unknown["spec"]["hostnamez"] = Value::Null;
        let text = messages(&check(unknown)).join("\n");
        assert!(text.contains("hostnamez"), "{text}");

        let service = json!({"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "s", "labels": null},
            "spec": {"selector": null, "ports": [{"port": 80, "name": null}]}});
        assert_eq!(messages(&check(service)), Vec::<String>::new());
    }

    /// Review finding L8: a rule that fails to evaluate is worded as the
    /// server words it (`validation.go`: "<error> evaluating rule: <message>"),
    /// with cel-go's error, not cel-rust's "Missing argument or target".
    #[test]
    fn a_rule_that_cannot_be_evaluated_is_worded_as_the_api_server_words_it() {
        let gateway = json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
            "metadata": {"name": "g", "namespace": "default"},
            "spec": {"gatewayClassName": "foo", "listeners": [{"name": "https", "port": 443,
                "protocol": "HTTPS", "tls": {"mode": "Terminate"}}]}});
        let said: Vec<String> = messages(&check(gateway))
            .iter()
            .map(|m| m.lines().next().unwrap_or("").to_string())
            .collect();
        assert_eq!(
            said,
            vec![
                "gateway.networking.k8s.io/v1/Gateway/default/g: spec.listeners[0].tls: \
                 Invalid value: \"object\": no such key: certificateRefs evaluating rule: \
                 certificateRefs or options must be specified when mode is Terminate"
                    .to_string()
            ]
        );
    }
}
