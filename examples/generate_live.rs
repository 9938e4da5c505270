//! Writes a large synthetic live export for benchmarks and manual tests:
//!
//!     cargo run --release --example generate_live -- 10000 list > live.yaml
//!     cargo run --release --example generate_live -- 10000 list 42 tls > tls.yaml
//!
//! Arguments: object count (default 10000), format `list`, `stream` or
//! `json` (default list), seed (default 42), and the kind of export:
//! `cluster` (default: the mixed export of `benches/live_export.rs`) or
//! `tls` (that many Ingresses with `spec.tls`, each with its own TLS
//! Secret: the export on which `validate` once looked each Secret up by
//! scanning every object).

#[path = "../benches/live_export.rs"]
mod live_export;

use serde_json::{json, Value};

/// An ECDSA P-256 certificate and key for `my-release.milvus.io` (the default domain),
/// valid until 2126: the one pair every generated Secret holds.
const CERT_PEM: &str = include_str!("../testdata/certs/ec-tls.crt");
const KEY_PEM: &str = include_str!("../testdata/certs/ec-tls.key");
const DOMAIN: &str = "my-release.milvus.io";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let objects = args.first().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let format = match args.get(1).map(String::as_str).unwrap_or("list") {
        "stream" => live_export::Format::Stream,
        "json" => live_export::Format::Json,
        "list" => live_export::Format::List,
        other => refuse(&format!("unknown format {other}: use list, stream or json")),
    };
    let seed = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(42);
    let export = match args.get(3).map(String::as_str).unwrap_or("cluster") {
        "cluster" => live_export::generate(objects, seed),
        "tls" => tls_pairs(objects),
        other => refuse(&format!("unknown export {other}: use cluster or tls")),
    };
    print!("{}", live_export::write(&export, format));
}

fn refuse(message: &str) -> ! {
    eprintln!("{message}");
    std::process::exit(2);
}

/// `pairs` Ingresses, each serving the default domain with its own TLS
/// Secret named in `spec.tls`, and those Secrets: valid objects, so that
/// `validate` measures its look-ups and checks, not its messages.
fn tls_pairs(pairs: usize) -> Vec<Value> {
    use base64::Engine;
    let encode = |pem: &str| base64::engine::general_purpose::STANDARD.encode(pem);
    let (cert, key) = (encode(CERT_PEM), encode(KEY_PEM));
    let mut objects = Vec::with_capacity(2 * pairs);
    for i in 0..pairs {
        let secret = format!("tls-{i}");
        objects.push(json!({
            "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": format!("ingress-{i}"), "namespace": "default",
                         "annotations": {"kubernetes.io/ingress.class": "gce"}},
            "spec": {
                "tls": [{"hosts": [DOMAIN], "secretName": secret}],
                "rules": [{"host": DOMAIN, "http": {"paths": [{"path": "/", "pathType": "Prefix",
                    "backend": {"service": {"name": "my-release-milvus", "port": {"number": 19530}}}}]}}]
            }
        }));
        objects.push(json!({
            "apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls",
            "metadata": {"name": secret, "namespace": "default"},
            "data": {"tls.crt": cert, "tls.key": key}
        }));
    }
    objects
}
