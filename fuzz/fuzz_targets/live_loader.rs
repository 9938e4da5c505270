//! Any bytes as a live export: load it or refuse it, never panic, within
//! the parser's budget.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = milvus_l7::load::live::LiveReader::default().parse(text, "fuzz");
});
