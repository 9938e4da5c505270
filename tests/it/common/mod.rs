//! Helpers shared by the integration tests, which run the real binary.
//! Every test file includes this module and uses part of it.

pub mod golden;
pub mod tools;

use assert_cmd::Command;
use milvus_l7::render::params::Setting;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

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

/// Runs `milvus-l7 <args>` in `dir`, expects exit 0, returns stdout.
pub fn stdout_of_success(dir: &Path, args: &[&str]) -> String {
    let out = milvus_l7(dir).args(args).assert().success();
    stdout(out.get_output())
}

/// `milvus-l7 render <args>` run from `testdata/`, its stream parsed.
pub fn render(args: &[&str]) -> Vec<Value> {
    render_in(&testdata(), args)
}

/// `milvus-l7 render <args>` run in `dir`, its stream parsed.
pub fn render_in(dir: &Path, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["render"];
    all.extend_from_slice(args);
    parse_yaml_stream(&stdout_of_success(dir, &all))
}

/// `milvus-l7 render <args> -o <out>` run from `testdata/`.
pub fn render_to_dir(args: &[&str], out: &Path) {
    milvus_l7(&testdata())
        .arg("render")
        .args(args)
        .arg("-o")
        .arg(out)
        .assert()
        .success();
}

/// The self-managed overlay with the test certificate of `testdata/certs`
/// (paths relative to `testdata/`).
pub const SELF_MANAGED_WITH_FILES: &[&str] = &[
    "--overlay",
    "self-managed",
    "--tls-cert",
    "certs/tls.crt",
    "--tls-key",
    "certs/tls.key",
];

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The repository's `testdata/` directory.
pub fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata")
}

/// A fixture of `testdata/live/`.
pub fn live_path(name: &str) -> PathBuf {
    testdata().join("live").join(name)
}

/// The text of a fixture of `testdata/live/`.
pub fn live_fixture(name: &str) -> String {
    std::fs::read_to_string(live_path(name)).expect("fixture exists")
}

/// Parses a YAML stream with an independent reader (not the one the tool
/// writes with is fine too, but this keeps tests honest about the bytes).
pub fn parse_yaml_stream(text: &str) -> Vec<Value> {
    serde_saphyr::from_multiple::<Value>(text).expect("valid YAML")
}

/// Every document of a YAML file (comment lines such as source headers
/// are skipped by the parser).
pub fn read_yaml_docs(path: &Path) -> Vec<Value> {
    parse_yaml_stream(&std::fs::read_to_string(path).unwrap())
}

/// The one document of a YAML file.
pub fn read_yaml(path: &Path) -> Value {
    let mut docs = read_yaml_docs(path);
    assert_eq!(docs.len(), 1, "{}", path.display());
    docs.remove(0)
}

/// The first object of `kind`, if any.
pub fn find_kind<'a>(docs: &'a [Value], kind: &str) -> Option<&'a Value> {
    docs.iter().find(|d| d["kind"] == kind)
}

/// The first object of `kind`; fails the test when there is none.
pub fn by_kind<'a>(docs: &'a [Value], kind: &str) -> &'a Value {
    find_kind(docs, kind).unwrap_or_else(|| panic!("no {kind} in output"))
}

/// Writes `text` to `dir/name`, making parent directories; returns the path.
pub fn write_file(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().expect("a file name")).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

/// Every file below `dir` with its content, to prove a run changed nothing.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().display().to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// Whether kubectl runs here; says on stderr that a check is skipped when not.
pub use tools::{kubectl_available, tool_available};

/// A render parameter as `--set key=value` would give it.
pub fn setting(key: &str, value: Value) -> Setting {
    Setting {
        key: key.into(),
        value,
        origin: milvus_l7::render::params::Origin::Flag(format!("--set {key}")),
    }
}

/// A fresh temporary directory.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary directory")
}

/// An RFC 3339 `expireTime` (as GKE writes it on a ManagedCertificate)
/// between `days` and `days + 1` days from now, so that the whole days left
/// are exactly `days` all through a test run (it is midnight UTC).
pub fn expire_time_in(days: i64) -> String {
    let midnight = time::OffsetDateTime::now_utc().replace_time(time::Time::MIDNIGHT);
    (midnight + time::Duration::days(days + 1))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}
