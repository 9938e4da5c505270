//! Any text as `status --follow --timeout`: the parser never panics, what
//! it accepts lies within its range (so "now + it" cannot overflow the
//! clock), and it reads the seconds it returns back the same.
#![no_main]
use libfuzzer_sys::fuzz_target;
use milvus_l7::cli::duration_arg::{parse, MAX, MIN};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(duration) = parse(text) {
        assert!((MIN..=MAX).contains(&duration), "{text:?} gave {duration:?}");
        let _deadline = std::time::Instant::now() + duration;
        assert_eq!(parse(&format!("{}s", duration.as_secs())), Ok(duration));
    }
});
