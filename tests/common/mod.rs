//! Helpers shared by the integration tests, which run the real binary.
#![allow(dead_code)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// The binary, with an environment cleared of anything that would change
/// parameters (MILVUS_L7_*, ARGOCD_*, PARAM_*), run in `dir`.
pub fn milvus_l7(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("milvus-l7").expect("binary is built");
    cmd.current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("NO_COLOR", "1");
    cmd
}

/// The repository's `testdata/` directory.
pub fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata")
}

/// Parses a YAML stream with an independent reader (not the one the tool
/// writes with is fine too, but this keeps tests honest about the bytes).
pub fn parse_yaml_stream(text: &str) -> Vec<serde_json::Value> {
    serde_saphyr::from_multiple::<serde_json::Value>(text).expect("valid YAML")
}

/// A fresh temporary directory.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary directory")
}
