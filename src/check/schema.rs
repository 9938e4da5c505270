//! Schema validation: every object of a known kind is checked against a
//! JSON schema for its apiVersion and kind, and every object's `metadata`
//! against ObjectMeta. The schemas are strict (`additionalProperties:
//! false`), because the API server silently drops unknown fields of custom
//! resources: a misspelled `healthCheck.prot` would otherwise deploy a
//! health check on the wrong port without a word.
//!
//! The schema files live in `schemas/` (sources and licenses in its
//! README) and are embedded at build time. Adding a kind = adding its
//! schema file + one line in [`KINDS`].

use crate::k8s::field_path;
use crate::k8s::resource::{ResId, Resource};
use crate::problem::Problem;
use crate::suggest;
use include_dir::{include_dir, Dir};
use jsonschema::error::ValidationErrorKind;
use jsonschema::{ValidationError, Validator};
use serde_json::{json, Value};
use std::sync::OnceLock;

static SCHEMA_FILES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/schemas");

/// apiVersion, kind, and the schema file in `schemas/` that describes it.
const KINDS: &[(&str, &str, &str)] = &[
    ("v1", "Secret", "core_secret_v1.json"),
    ("v1", "Service", "core_service_v1.json"),
    (
        "networking.k8s.io/v1",
        "Ingress",
        "networking.k8s.io_ingress_v1.json",
    ),
    (
        "cloud.google.com/v1",
        "BackendConfig",
        "cloud.google.com_backendconfig_v1.json",
    ),
    (
        "networking.gke.io/v1",
        "ManagedCertificate",
        "networking.gke.io_managedcertificate_v1.json",
    ),
    (
        "networking.gke.io/v1beta1",
        "FrontendConfig",
        "networking.gke.io_frontendconfig_v1beta1.json",
    ),
    (
        "networking.gke.io/v1",
        "HealthCheckPolicy",
        "networking.gke.io_healthcheckpolicy_v1.json",
    ),
    (
        "networking.gke.io/v1",
        "GCPBackendPolicy",
        "networking.gke.io_gcpbackendpolicy_v1.json",
    ),
    (
        "networking.gke.io/v1",
        "GCPGatewayPolicy",
        "networking.gke.io_gcpgatewaypolicy_v1.json",
    ),
    (
        "gateway.networking.k8s.io/v1",
        "Gateway",
        "gateway.networking.k8s.io_gateway_v1.json",
    ),
    (
        "gateway.networking.k8s.io/v1",
        "HTTPRoute",
        "gateway.networking.k8s.io_httproute_v1.json",
    ),
];

/// Checked against every object's `metadata`.
const OBJECT_META: &str = "meta_objectmeta_v1.json";

/// Fields every Kubernetes object may have at its top level.
const TOP_LEVEL_FIELDS: &[&str] = &["apiVersion", "kind", "metadata", "spec", "status"];

/// A compiled schema and its source, kept to suggest field names.
struct Compiled {
    file: &'static str,
    schema: Value,
    validator: Validator,
}

impl Compiled {
    fn load(file: &'static str) -> Compiled {
        let text = SCHEMA_FILES
            .get_file(file)
            .and_then(|f| f.contents_utf8())
            .unwrap_or_else(|| panic!("schemas/{file} is embedded"));
        let mut schema: Value =
            serde_json::from_str(text).unwrap_or_else(|e| panic!("schemas/{file}: {e}"));
        close_top_level(&mut schema);
        // Draft 7: compiling checks the schema against its draft's meta-schema,
        // and draft 7's is a fraction of 2020-12's vocabularies (half of
        // render's instructions went there). The files use nothing newer.
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft7)
            .build(&schema)
            .unwrap_or_else(|e| panic!("schemas/{file} does not compile: {e}"));
        Compiled {
            file,
            schema,
            validator,
        }
    }
}

/// kubeconform-style CRD schemas leave the top level open; close it so a
/// misspelled `sepc` is an error like any other unknown field.
fn close_top_level(schema: &mut Value) {
    if schema.get("additionalProperties").is_some() {
        return;
    }
    let properties = schema
        .as_object_mut()
        .map(|s| s.entry("properties").or_insert_with(|| json!({})));
    if let Some(Value::Object(properties)) = properties {
        for field in TOP_LEVEL_FIELDS {
            properties
                .entry(field.to_string())
                .or_insert_with(|| json!({"type": "object"}));
        }
        properties.insert("apiVersion".into(), json!({"type": "string"}));
        properties.insert("kind".into(), json!({"type": "string"}));
    }
    schema["additionalProperties"] = json!(false);
}

/// All embedded schemas. Each compiles the first time an object of its
/// kind is checked: a render of three kinds does not pay for the large
/// Gateway-policy schemas (compiling all of them tripled render's time).
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
    SCHEMAS.get_or_init(|| Schemas {
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
    })
}

impl Schemas {
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
        let subject = resource.id.to_string();
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
    subject: &str,
    secret: bool,
) -> Vec<Problem> {
    let Some(instance) = object.pointer(prefix) else {
        return Vec::new();
    };
    let at = Place { object, prefix };
    compiled
        .validator
        .iter_errors(instance)
        .flat_map(|e| describe(&e, compiled, &at, subject, secret))
        .collect()
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
    subject: &str,
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
                    subject,
                    format!("{}: unknown field", field_path::child(&path, field)),
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
    let message = if path.is_empty() {
        text
    } else {
        format!("{path}: {text}")
    };
    vec![Problem::new(
        subject,
        message,
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
        .schema
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
            kind.compiled(); // panics with the file name when one does not compile
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
}
