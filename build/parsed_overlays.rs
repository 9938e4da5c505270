//! Reads every built-in `overlays/*/overlay.yaml` while the binary is built
//! and embeds it as JSON: a render reads its overlays' JSON, which costs a
//! tenth of reading the YAML (the YAML reader spent 0.2 M instructions on
//! google-managed's 481 bytes). A user's `--overlays` directory is read at
//! run time as before. A test in src/render/file_tree.rs checks that every
//! embedded JSON equals what the run-time YAML reader makes of the file.

use serde_json::Value;
use std::{fs, path::Path};

/// Writes `out/parsed_overlays.rs`: a table of (overlay.yaml path below
/// `overlays/`, its documents as a JSON array), sorted by path.
pub fn write(out: &Path) {
    println!("cargo::rerun-if-changed=overlays");
    let mut entries: Vec<(String, String)> = Vec::new();
    for entry in fs::read_dir("overlays").expect("read overlays/") {
        let dir = entry.expect("read overlays/").path();
        let file = dir.join("overlay.yaml");
        let Ok(text) = fs::read_to_string(&file) else {
            continue;
        };
        let name = dir.file_name().expect("a directory name").to_string_lossy();
        // As src/yaml.rs reads YAML: octal as kubectl does, and the same
        // refusal of duplicate keys; a file it refuses stays unparsed, and
        // the render then reports it as it would any overlay.
        let options = serde_saphyr::options! { legacy_octal_numbers: true };
        let Ok(docs) = serde_saphyr::from_multiple_with_options::<Value>(&text, options) else {
            continue;
        };
        let docs: Vec<Value> = docs.into_iter().filter(|d| !d.is_null()).collect();
        entries.push((
            format!("{name}/overlay.yaml"),
            Value::Array(docs).to_string(),
        ));
    }
    entries.sort();
    let mut table = String::from("&[\n");
    for (path, json) in entries {
        table.push_str(&format!("    ({path:?}, {json:?}),\n"));
    }
    table.push(']');
    fs::write(out.join("parsed_overlays.rs"), table).expect("write parsed_overlays.rs");
}
