//! The schema keywords the quick check reads, written once: `build.rs`
//! includes this file to decide which schemas it can turn into static quick
//! forms, and the tests of `src/check/schema.rs` include it to check that every
//! embedded schema stays within it. A keyword outside these lists makes its
//! schema "not understood", and every object of that kind then goes to
//! `jsonschema`, which is slower but never wrong.

/// Keywords the quick walk checks against a value.
pub const CHECKED: &[&str] = &[
    "$ref",
    "type",
    "enum",
    "properties",
    "additionalProperties",
    "required",
    "items",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
    "minimum",
    "maximum",
    "pattern",
    "format",
    "oneOf",
    "anyOf",
    "not",
];

/// Keywords that hold schemas by name for `$ref` to point at; only the
/// root's are ever reached.
pub const DEFINITIONS: &[&str] = &["$defs", "definitions"];

/// Keywords that describe and never constrain (draft 7). The Kubernetes
/// `x-kubernetes-*` extensions are prose to a schema validator as well, but
/// `build.rs` strips them with `description` before anything reads a schema.
pub const ANNOTATIONS: &[&str] = &["description", "title", "default"];

/// Keywords whose value is one schema: schemas nest only below these,
/// below [`NAMED_SCHEMAS`] and below [`SCHEMA_LISTS`].
pub const ONE_SCHEMA: &[&str] = &["items", "additionalProperties", "not"];

/// Keywords whose value is a list of schemas (the Gateway's `spec.addresses`
/// items are a `oneOf`, whose first branch holds an `anyOf`).
pub const SCHEMA_LISTS: &[&str] = &["oneOf", "anyOf"];

/// Keywords whose value is an object of schemas by name.
pub const NAMED_SCHEMAS: &[&str] = &["properties", "$defs", "definitions"];
