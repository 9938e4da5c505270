//! Prepares the schemas of `schemas/` once, at build time, so that a render
//! does no schema set-up work:
//!
//! - Writes each without its prose into `$OUT_DIR/schemas`, which
//!   `src/check/schema.rs` embeds. `description` and the `x-kubernetes-*`
//!   extensions never constrain a value, yet were half of what a render spent
//!   parsing schemas; validation and messages are the same without them (a
//!   test in `src/check/schema.rs` compares the keywords of both forms).
//! - Closes each top level (`src/check/schema/close.rs`) before writing it.
//! - Writes the quick form of every schema as Rust statics into
//!   `$OUT_DIR/quick_forms.rs` (`src/check/schema/generate.rs`), which
//!   `src/check/schema/quick.rs` includes.
//! - Compiles the schemas' `pattern`s into DFAs (`build/pattern_dfas.rs`).
//! - Writes what the API server applies after the schema (defaults, list
//!   types, CEL rules) as small trees into `$OUT_DIR/rules`
//!   (`build/rules_trees.rs`).
//!
//! And marks the Helm tests ignored where Helm is missing ([`mark_helm_tests`]).

#[path = "src/check/schema/close.rs"]
mod close;
#[path = "src/check/schema/generate.rs"]
mod generate;
#[path = "src/check/schema/keywords.rs"]
mod keywords;
#[path = "build/pattern_dfas.rs"]
mod pattern_dfas;
#[path = "build/rules_trees.rs"]
mod rules_trees;

use serde_json::Value;
use std::{env, fmt::Write, fs, path::Path};

fn main() {
    mark_helm_tests();
    // Every input: read here (schemas, build/), or embedded by
    // include_dir!, which does not tell cargo about files added later.
    println!("cargo::rerun-if-changed=schemas");
    println!("cargo::rerun-if-changed=build");
    println!("cargo::rerun-if-changed=overlays");
    println!("cargo::rerun-if-changed=templates");
    let out_dir = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let out_dir = Path::new(&out_dir);
    let schemas = embed_schemas(out_dir);
    write_quick_forms(&schemas, out_dir);
    pattern_dfas::write(schemas.iter().map(|(_, schema)| schema), out_dir);
}

/// Sets the cfg `helm_missing` when Helm (`$HELM`, else `helm` on PATH)
/// does not run here, so that the tests needing it are marked
/// `#[cfg_attr(helm_missing, ignore = …)]` and show as *ignored* in
/// `cargo test`'s summary instead of passing without checking anything.
/// Never under `CI=true`: there the tests run, and fail when Helm is missing.
/// Cargo re-probes when `$HELM` or `$CI` changes; after installing Helm,
/// `touch build.rs` (docs/development.md).
fn mark_helm_tests() {
    println!("cargo::rustc-check-cfg=cfg(helm_missing)");
    println!("cargo::rerun-if-env-changed=HELM");
    println!("cargo::rerun-if-env-changed=CI");
    if env::var("CI").as_deref() == Ok("true") {
        return;
    }
    let helm = env::var("HELM")
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "helm".into());
    let runs = std::process::Command::new(helm)
        .args(["version", "--short"])
        .stdin(std::process::Stdio::null())
        .output()
        .is_ok_and(|out| out.status.success());
    if !runs {
        println!("cargo::rustc-cfg=helm_missing");
    }
}

/// Writes each schema of `schemas/`, without prose and closed, into
/// `out_dir/schemas`, and returns them by file name, sorted so that the
/// generated sources do not depend on the directory order.
fn embed_schemas(out_dir: &Path) -> Vec<(String, Value)> {
    let out = out_dir.join("schemas");
    fs::create_dir_all(&out).expect("create $OUT_DIR/schemas");
    let mut paths: Vec<_> = fs::read_dir("schemas")
        .expect("read schemas/")
        .map(|entry| entry.expect("read schemas/").path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let text = fs::read_to_string(&path).expect("read a schema");
            let mut schema: Value =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let name = path.file_name().expect("a file name");
            rules_trees::write(name.to_str().expect("a UTF-8 file name"), &schema, out_dir);
            strip(&mut schema);
            close::close_top_level(&mut schema);
            fs::write(out.join(name), schema.to_string()).expect("write a schema");
            (
                name.to_str().expect("a UTF-8 file name").to_string(),
                schema,
            )
        })
        .collect()
}

/// `out_dir/quick_forms.rs`: the quick form of each schema by file name.
fn write_quick_forms(schemas: &[(String, Value)], out_dir: &Path) {
    let mut generator = generate::Generator::default();
    let mut forms = String::new();
    for (name, schema) in schemas {
        let form = match generator.quick_form(schema) {
            Some(form) => format!("Some({form})"),
            None => "None".to_string(),
        };
        writeln!(forms, "    ({name:?}, {form}),").expect("writing to a String");
    }
    let source = format!(
        "// @generated by build.rs from schemas/: the quick form of each schema by file\n\
         // name, `None` when it uses a keyword the quick check does not know.\n\
         static QUICK_FORMS: &[(&str, Option<Schema>)] = &[\n{forms}];\n{}",
        generator.statics()
    );
    fs::write(out_dir.join("quick_forms.rs"), source).expect("write quick_forms.rs");
}

/// Removes prose from one schema and the schemas nested in it. Only keyword
/// positions are touched: a property *named* `description` stays.
fn strip(schema: &mut Value) {
    let Some(keywords) = schema.as_object_mut() else {
        return;
    };
    keywords.retain(|key, _| key != "description" && !key.starts_with("x-kubernetes-"));
    for (key, value) in keywords.iter_mut() {
        if keywords::NAMED_SCHEMAS.contains(&key.as_str()) {
            value
                .as_object_mut()
                .into_iter()
                .flatten()
                .for_each(|(_, s)| strip(s));
        } else if keywords::ONE_SCHEMA.contains(&key.as_str()) {
            strip(value);
        }
    }
}
