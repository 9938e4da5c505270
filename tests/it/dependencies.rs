//! No dependency with a RUSTSEC advisory for YAML: the libyaml-based
//! serde_yaml family and yaml-rust are unmaintained or unsound
//! (RUSTSEC-2024-0449, RUSTSEC-2025-0067/0068, RUSTSEC-2024-0320); nor
//! `rsa` (RUSTSEC-2023-0071). deny.toml bans the same crates.
//! The advisory database cannot be fetched offline, so the lock file is
//! checked against the crates those advisories name.

#[test]
fn lock_file_has_no_advised_crate() {
    let lock = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.lock"),
    )
    .unwrap();
    let packages: Vec<&str> = lock
        .lines()
        .filter_map(|l| l.strip_prefix("name = \""))
        .map(|l| l.trim_end_matches('"'))
        .collect();
    assert!(
        packages.contains(&"serde-saphyr"),
        "the lock file was not read correctly"
    );
    for banned in [
        "serde_yaml",
        "serde_yaml_ng",
        "serde_yml",
        "libyml",
        "unsafe-libyaml",
        "unsafe-libyaml-norway",
        "yaml-rust",
        // RUSTSEC-2023-0071, no fixed release: `cert` uses aws-lc-rs for RSA.
        "rsa",
    ] {
        assert!(!packages.contains(&banned), "{banned} is in Cargo.lock");
    }
}
