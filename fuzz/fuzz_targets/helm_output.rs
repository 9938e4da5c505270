//! Any bytes as Helm's output: the stderr tail keeps exactly the last
//! bytes within its bound whatever the chunking, and the chart-object
//! reader of `render --chart` / `post-render` never panics on stdout.
#![no_main]
use libfuzzer_sys::fuzz_target;
use milvus_l7::render::chart::{parse_chart_objects, stderr_tail::StderrTail};

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else { return };
    let max = usize::from(first % 64);
    let chunk = usize::from(first / 64) + 1;
    let mut tail = StderrTail::new(max);
    for piece in rest.chunks(chunk) {
        tail.push(piece);
    }
    assert_eq!(tail.total(), rest.len() as u64);
    assert_eq!(tail.bytes(), &rest[rest.len().saturating_sub(max)..]);
    let _ = tail.describe();
    if let Ok(text) = std::str::from_utf8(rest) {
        let _ = parse_chart_objects(text, "fuzz", "default");
    }
});
