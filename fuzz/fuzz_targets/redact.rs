//! Any text around a private key: redaction never panics, and the key's
//! body never survives it, whatever comes before or after, raw or escaped.
#![no_main]
use libfuzzer_sys::fuzz_target;

const BODY: &str = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = milvus_l7::redact::private_keys(text);
    let (before, after) = text.split_at(text.char_indices().nth(text.chars().count() / 2).map_or(text.len(), |(i, _)| i));
    for newline in ["\n", "\\n"] {
        let key = format!("-----BEGIN PRIVATE KEY-----{newline}{BODY}{newline}-----END PRIVATE KEY-----");
        let shown = milvus_l7::redact::private_keys(&format!("{before}{key}{after}")).into_owned();
        assert!(!shown.contains(BODY) || before.contains(BODY) || after.contains(BODY));
    }
});
