//! Writes a large synthetic live export for benchmarks and manual tests:
//!
//!     cargo run --release --example generate_live -- 10000 list > live.yaml
//!
//! Arguments: object count (default 10000), format `list`, `stream` or
//! `json` (default list), seed (default 42).

#[path = "../benches/live_export.rs"]
mod live_export;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let objects = args.first().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let format = match args.get(1).map(String::as_str).unwrap_or("list") {
        "stream" => live_export::Format::Stream,
        "json" => live_export::Format::Json,
        "list" => live_export::Format::List,
        other => {
            eprintln!("unknown format {other}: use list, stream or json");
            std::process::exit(2);
        }
    };
    let seed = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(42);
    print!(
        "{}",
        live_export::write(&live_export::generate(objects, seed), format)
    );
}
