//! The golden cases: every overlay combination whose full output is kept
//! under `testdata/golden/`, reviewed by eye. tests/render.rs keeps them
//! current and reads them back independently; tests/validate.rs checks
//! that no lint fires on them.

use super::SELF_MANAGED_WITH_FILES;

/// Directory under testdata/golden and the render arguments, run from
/// testdata/.
pub const GOLDEN: &[(&str, &[&str])] = &[
    ("google-managed", &["--overlay", "google-managed"]),
    ("self-managed", &["--overlay", "self-managed"]),
    ("self-managed-files", SELF_MANAGED_WITH_FILES),
    (
        "milvus-prod",
        &[
            "--release",
            "milvus-prod",
            "--namespace",
            "vectors",
            "--domain",
            "milvus.example.com",
            "--overlay",
            "google-managed",
        ],
    ),
    ("search", &["--config", "configs/search.yaml"]),
    (
        "production-ingress",
        &[
            "--overlay",
            "google-managed",
            "--overlay",
            "https-only",
            "--overlay",
            "static-ip",
            "--overlay",
            "grpc-timeouts",
            "--set",
            "staticIpName=milvus-ip",
        ],
    ),
    (
        "https-redirect",
        &[
            "--overlay",
            "self-managed",
            "--overlay",
            "https-only",
            "--set",
            "redirect=true",
            "--set",
            "sslPolicy=milvus-tls12",
        ],
    ),
    (
        "backend-tls-standalone",
        &[
            "--overlay",
            "self-managed",
            "--overlay",
            "backend-tls",
            "--set",
            "mode=standalone",
        ],
    ),
    (
        "gateway-self-managed",
        &[
            "--overlay",
            "gateway",
            "--overlay",
            "self-managed",
            "--overlay",
            "grpc-timeouts",
            "--overlay",
            "static-ip",
            "--overlay",
            "backend-tls",
            "--set",
            "staticIpName=milvus-ip",
        ],
    ),
    (
        "gateway-certmap",
        &["--overlay", "gateway", "--set", "certMap=milvus-certmap"],
    ),
    (
        "gateway-https-redirect",
        &[
            "--overlay",
            "gateway",
            "--overlay",
            "self-managed",
            "--overlay",
            "https-only",
            "--overlay",
            "cloud-armor",
            "--overlay",
            "access-logging",
            "--set",
            "redirect=true",
            "--set",
            "sslPolicy=milvus-tls12",
            "--set",
            "securityPolicy=milvus-waf",
            "--set",
            "logSampleRate=0.5",
        ],
    ),
    (
        "internal-ingress",
        &[
            "--overlay",
            "self-managed",
            "--overlay",
            "internal",
            "--overlay",
            "static-ip",
            // Not cloud-armor: GKE refuses Cloud Armor on the regional
            // backend services of an internal Ingress (check::lint::refusals).
            "--overlay",
            "access-logging",
            "--set",
            "staticIpName=milvus-ilb-ip",
        ],
    ),
    (
        "internal-gateway",
        &[
            "--overlay",
            "gateway",
            "--overlay",
            "self-managed",
            "--overlay",
            "internal",
            "--overlay",
            "static-ip",
            "--set",
            "staticIpName=milvus-ilb-ip",
        ],
    ),
];

/// The render arguments of a golden case.
pub fn golden_args(case: &str) -> Vec<&'static str> {
    GOLDEN.iter().find(|(c, _)| *c == case).unwrap().1.to_vec()
}
