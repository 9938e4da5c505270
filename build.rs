//! Writes the schemas of `schemas/` without their prose into `$OUT_DIR/schemas`,
//! which `src/check/schema.rs` embeds. `description` and the `x-kubernetes-*`
//! extensions never constrain a value, yet were half of what a render spent
//! parsing schemas; validation and messages are the same without them (a
//! test in `src/check/schema.rs` compares both forms). Each top level is
//! closed here too (`src/check/schema/close.rs`), once for every reader.

#[path = "src/check/schema/close.rs"]
mod close;

use serde_json::Value;
use std::{env, fs, path::Path};

fn main() {
    println!("cargo::rerun-if-changed=schemas");
    let out = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("schemas");
    fs::create_dir_all(&out).expect("create $OUT_DIR/schemas");
    for entry in fs::read_dir("schemas").expect("read schemas/") {
        let path = entry.expect("read schemas/").path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let text = fs::read_to_string(&path).expect("read a schema");
        let mut schema: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        strip(&mut schema);
        close::close_top_level(&mut schema);
        let name = path.file_name().expect("a file name");
        fs::write(out.join(name), schema.to_string()).expect("write a schema");
    }
}

/// Removes prose from one schema and the schemas nested in it. Only keyword
/// positions are touched: a property *named* `description` stays.
fn strip(schema: &mut Value) {
    let Some(keywords) = schema.as_object_mut() else {
        return;
    };
    keywords.retain(|key, _| key != "description" && !key.starts_with("x-kubernetes-"));
    for (key, value) in keywords.iter_mut() {
        match key.as_str() {
            "properties" | "$defs" | "definitions" => value
                .as_object_mut()
                .into_iter()
                .flatten()
                .for_each(|(_, s)| strip(s)),
            "items" | "additionalProperties" => strip(value),
            _ => {}
        }
    }
}
