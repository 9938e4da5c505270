//! Any bytes through the bounded reader, with a limit taken from the first
//! byte: it accepts exactly the inputs within the limit, returns them
//! unchanged, and never reads more than the limit plus one byte.
#![no_main]
use libfuzzer_sys::fuzz_target;
use milvus_l7::bounded_read::{self, Limit};
use std::io::Read;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else { return };
    let max_bytes = match first {
        255 => u64::MAX,
        n => u64::from(n),
    };
    let limit = Limit { max_bytes, hint: "fuzz" };
    // An input that never ends after `rest`: the reader must stop by itself.
    let mut endless = rest.chain(std::io::repeat(b'x'));
    let taken = bounded_read::stream(&mut (&mut endless).take(max_bytes.saturating_add(2).min(1 << 20)), "fuzz", limit);
    match bounded_read::stream(&mut &rest[..], "fuzz", limit) {
        Ok(bytes) => {
            assert!(bytes.len() as u64 <= max_bytes);
            assert_eq!(bytes, rest);
        }
        Err(_) => assert!(rest.len() as u64 > max_bytes),
    }
    if max_bytes < (1 << 20) {
        assert!(taken.is_err(), "more than the limit was accepted");
    }
    if let Ok(bytes) = bounded_read::stream(&mut &rest[..], "fuzz", limit) {
        let _ = bounded_read::into_text(bytes, "fuzz");
    }
});
