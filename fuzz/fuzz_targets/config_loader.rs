//! Any config file text: resolve parameters without panicking, within budget.
#![no_main]
use libfuzzer_sys::fuzz_target;
use milvus_l7::render::file_tree::FileTree;
use milvus_l7::render::params::{resolve, ParamInputs};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let inputs = ParamInputs { config: Some(("milvus-l7.yaml".into(), text.to_string())), ..Default::default() };
    let _ = resolve(&inputs, &FileTree::builtin_overlays());
});
