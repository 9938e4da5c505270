//! Every state `status` tells apart, on fixtures shaped like what each
//! controller writes (testdata/status: one object per file, its header
//! citing the upstream source of its shape and of each state and reason;
//! testdata/status/streams: `kubectl get -o yaml -w` streams going from
//! waiting to action and from waiting to ready).
//!
//! Each fixture replaces its object in a ready export of testdata/live
//! (the `BASE:` line) and says what must be reported (`EXPECT: STATE
//! DETAIL…`). Read once (`status --output json`) and followed (`status
//! --follow`): a fixture with an action stops the follow at once with
//! exit 1, one still waiting ends with the stream, an all-ready one exits 0.

use crate::common::{
    expire_time_in, milvus_l7, parse_yaml_stream, stderr, stdout, testdata, write_file,
    SELF_MANAGED_WITH_FILES,
};
use crate::status::with_expire_time;
use crate::status_follow::as_yaml_watch;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// One `EXPECT:` line: a state label and the start of a check's detail.
#[derive(Debug, Clone)]
struct Expect {
    state: String,
    detail: String,
}

/// A fixture file: its header and its object(s).
struct Fixture {
    name: String,
    base: String,
    expects: Vec<Expect>,
    /// `exit N` of a stream fixture.
    exit: Option<i32>,
    /// Render flags beyond the base's (`FLAGS:`).
    flags: String,
    /// The file's text, its `expireTime`s moved ahead (see [`current`]).
    text: String,
}

impl Fixture {
    fn read(path: &Path) -> Fixture {
        let text = std::fs::read_to_string(path).unwrap();
        let header = |key: &str| -> Vec<String> {
            text.lines()
                .filter_map(|line| line.strip_prefix(&format!("# {key}: ")))
                .map(str::to_string)
                .collect()
        };
        let mut exit = None;
        let mut expects = Vec::new();
        for line in header("EXPECT") {
            let (state, detail) = line.split_once(' ').unwrap();
            if state == "exit" {
                exit = Some(detail.parse().unwrap());
            } else {
                expects.push(Expect {
                    state: state.into(),
                    detail: detail.into(),
                });
            }
        }
        let base = header("BASE").pop().expect("a BASE: line");
        assert!(!expects.is_empty(), "{}: no EXPECT: line", path.display());
        assert!(
            !header("SOURCE").is_empty(),
            "{}: no SOURCE: line",
            path.display()
        );
        Fixture {
            name: path.file_name().unwrap().to_string_lossy().into(),
            base,
            expects,
            exit,
            flags: header("FLAGS").join(" "),
            text: current(&text),
        }
    }

    fn objects(&self) -> Vec<Value> {
        parse_yaml_stream(&self.text)
    }

    /// The flags that render what the base export holds, and the
    /// fixture's own (`FLAGS:`), for an object the base does not have.
    fn flags(&self) -> Vec<String> {
        let mut args: Vec<String> = match self.base.as_str() {
            "milvus-gateway.yaml" => ["--overlay", "gateway"]
                .iter()
                .chain(SELF_MANAGED_WITH_FILES)
                .map(|a| a.to_string())
                .collect(),
            "milvus-google-managed.yaml" => vec![],
            other => panic!("{}: unknown BASE {other}", self.name),
        };
        args.extend(self.flags.split_whitespace().map(str::to_string));
        args
    }

    /// The base export's objects, without those the fixture replaces.
    fn others(&self) -> Vec<Value> {
        let replaced: Vec<(String, String)> =
            self.objects().iter().map(|o| (kind(o), name(o))).collect();
        base_items(&self.base)
            .into_iter()
            .filter(|o| !replaced.contains(&(kind(o), name(o))))
            .collect()
    }

    /// Every EXPECT is `ready`.
    fn ready(&self) -> bool {
        self.expects.iter().all(|e| e.state == "ready")
    }

    fn needs_action(&self) -> bool {
        self.expects.iter().any(|e| e.state == "action")
    }
}

fn kind(o: &Value) -> String {
    o["kind"].as_str().unwrap().into()
}

fn name(o: &Value) -> String {
    o["metadata"]["name"].as_str().unwrap().into()
}

/// `apiVersion/kind/namespace/name`, as reports name an object.
fn id(o: &Value) -> String {
    format!(
        "{}/{}/{}/{}",
        o["apiVersion"].as_str().unwrap(),
        kind(o),
        o["metadata"]["namespace"].as_str().unwrap(),
        name(o)
    )
}

/// `text` with every `expireTime:` 90 days ahead: the exported
/// certificate has expired since, and these tests are about the other states.
fn current(text: &str) -> String {
    with_expire_time(text, &expire_time_in(90))
}

fn base_items(base: &str) -> Vec<Value> {
    let text = current(&std::fs::read_to_string(testdata().join("live").join(base)).unwrap());
    parse_yaml_stream(&text).remove(0)["items"]
        .as_array()
        .unwrap()
        .clone()
}

fn fixtures(dir: &str) -> Vec<Fixture> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(testdata().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty());
    paths.iter().map(|p| Fixture::read(p)).collect()
}

#[test]
fn every_fixture_state_is_reported_by_a_one_off_status() {
    let tmp = crate::common::tempdir();
    let mut failures = Vec::new();
    for fixture in fixtures("status") {
        let mut items = fixture.others();
        items.extend(fixture.objects());
        let export = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": items});
        let file = write_file(
            tmp.path(),
            &fixture.name,
            &milvus_l7::yaml::to_string(&export),
        );
        let output = milvus_l7(&testdata())
            .args(["status", "--output", "json", "--live"])
            .arg(&file)
            .args(fixture.flags())
            .output()
            .unwrap();
        let expected_code = if fixture.ready() { 0 } else { 1 };
        if output.status.code() != Some(expected_code) {
            failures.push(format!(
                "{}: exit {:?}, not {expected_code}: {}",
                fixture.name,
                output.status.code(),
                stderr(&output)
            ));
            continue;
        }
        let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
        let checks = report["checks"].as_array().unwrap();
        let object = id(&fixture.objects()[0]);
        for expect in &fixture.expects {
            let found = checks.iter().any(|c| {
                c["object"] == object.as_str()
                    && c["state"] == expect.state.as_str()
                    && c["detail"]
                        .as_str()
                        .unwrap()
                        .starts_with(expect.detail.as_str())
            });
            if !found {
                failures.push(format!("{}: no {expect:?} in {checks:#?}", fixture.name));
            }
        }
        // What is not ready comes with what to do.
        for c in checks.iter().filter(|c| c["state"] != "ready") {
            if c["hint"].as_str().is_none_or(str::is_empty) {
                failures.push(format!("{}: no hint for {c}", fixture.name));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_fixture_state_is_followed_to_its_end() {
    let mut failures = Vec::new();
    for fixture in fixtures("status") {
        let mut objects = fixture.others();
        objects.extend(fixture.objects());
        let output = milvus_l7(&testdata())
            .args(["status", "--follow", "--live", "-"])
            .args(fixture.flags())
            .write_stdin(as_yaml_watch(&objects))
            .output()
            .unwrap();
        let (out, err) = (stdout(&output), stderr(&output));
        let (code, says) = if fixture.needs_action() {
            (1, "stopped following: ")
        } else if fixture.ready() {
            (0, "")
        } else {
            (1, "the stream ended before everything was ready")
        };
        if output.status.code() != Some(code) || !err.contains(says) {
            failures.push(format!(
                "{}: exit {:?} (not {code}), stderr without {says:?}:\n{err}",
                fixture.name,
                output.status.code()
            ));
            continue;
        }
        let object = id(&fixture.objects()[0]);
        for expect in &fixture.expects {
            let line = format!("{:<8} {object}: {}", expect.state, expect.detail);
            if !out.contains(&line) {
                failures.push(format!("{}: no {line:?} in:\n{out}", fixture.name));
            }
        }
        let verdict = match (fixture.needs_action(), fixture.ready()) {
            (true, _) => "\nnot ready (action needed): ",
            (false, true) => "\nready\n",
            (false, false) => "\nnot ready (waiting): ",
        };
        if !out.contains(verdict) {
            failures.push(format!("{}: no {verdict:?} in:\n{out}", fixture.name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The lines of `out` that report `expect`, in order: state first, detail
/// anywhere after (a change prints "before → after").
fn assert_reported_in_order(name: &str, out: &str, expects: &[Expect]) {
    let mut lines = out.lines();
    for expect in expects {
        let prefix = format!("{:<8} ", expect.state);
        if !lines
            .by_ref()
            .any(|line| line.starts_with(&prefix) && line.contains(expect.detail.as_str()))
        {
            panic!("{name}: {expect:?} missing or out of order in:\n{out}");
        }
    }
}

#[test]
fn watch_streams_go_from_waiting_to_action_or_to_ready() {
    for fixture in fixtures("status/streams") {
        let stream_kind = kind(&fixture.objects()[0]);
        let others: Vec<Value> = base_items(&fixture.base)
            .into_iter()
            .filter(|o| kind(o) != stream_kind)
            .collect();
        let input = format!("{}---\n{}", as_yaml_watch(&others), fixture.text);
        let output = milvus_l7(&testdata())
            .args(["status", "--follow", "--live", "-"])
            .args(fixture.flags())
            .write_stdin(input)
            .output()
            .unwrap();
        let (out, err) = (stdout(&output), stderr(&output));
        assert_eq!(
            output.status.code(),
            fixture.exit,
            "{}: {out}\n{err}",
            fixture.name
        );
        assert_reported_in_order(&fixture.name, &out, &fixture.expects);
        if fixture.exit == Some(1) {
            // Stopped at the action: the ready object after it was never read.
            assert!(
                err.contains("stopped following: "),
                "{}: {err}",
                fixture.name
            );
            assert!(!out.contains("\nready\n"), "{}: {out}", fixture.name);
        } else {
            assert!(out.contains("\nready\n"), "{}: {out}", fixture.name);
        }
    }
}
