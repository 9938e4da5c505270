//! Issue 24, "Hardening, round 3": the defects of the third adversarial
//! run that are not Helm's or `status`'s. Each test names its defect and
//! failed before its fix.

use crate::common::{milvus_l7, render_to_dir, stderr, stdout, tempdir, testdata};
use std::path::Path;
use std::time::Duration;

/// Long enough for a debug build on a busy machine; a hang ends here.
const QUICK: Duration = Duration::from_secs(60);

/// Every name in `dir`, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn overlay_in(dir: &Path) -> String {
    let text = std::fs::read_to_string(dir.join("kustomization.yaml")).unwrap();
    let files = listing(dir).join("\n");
    format!("{text}\n{files}")
}

// Defect 7: `-o` through a symbolic link renders into the link's target and
// keeps the link.

#[cfg(unix)]
#[test]
fn a_link_given_as_output_is_written_through_and_stays_a_link() {
    let tmp = tempdir();
    let target = tmp.path().join("d");
    render_to_dir(&["--overlay", "google-managed"], &target);
    let link = tmp.path().join("dl");
    std::os::unix::fs::symlink("d", &link).unwrap();
    render_to_dir(&["--overlay", "https-only"], &link);
    assert!(
        link.symlink_metadata().unwrap().file_type().is_symlink(),
        "the link was replaced by a directory"
    );
    let now = overlay_in(&target);
    assert!(!now.contains("managedcertificate"), "{now}");
    assert_eq!(listing(tmp.path()), ["d", "dl"], "nothing left beside them");
}

#[cfg(unix)]
#[test]
fn a_link_to_an_empty_directory_elsewhere_fills_that_directory() {
    let (here, elsewhere) = (tempdir(), tempdir());
    let target = elsewhere.path().join("empty");
    std::fs::create_dir(&target).unwrap();
    let link = here.path().join("out");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    render_to_dir(&[], &link);
    assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
    assert!(target.join("kustomization.yaml").is_file());
    assert_eq!(listing(here.path()), ["out"]);
    assert_eq!(listing(elsewhere.path()), ["empty"]);
}

#[cfg(unix)]
#[test]
fn a_link_to_a_directory_not_ours_is_refused_and_left_alone() {
    let tmp = tempdir();
    let target = tmp.path().join("mine");
    std::fs::create_dir(&target).unwrap();
    std::fs::write(target.join("notes.txt"), "keep me\n").unwrap();
    std::os::unix::fs::symlink("mine", tmp.path().join("out")).unwrap();
    let out = milvus_l7(&testdata())
        .args(["render", "-o"])
        .arg(tmp.path().join("out"))
        .timeout(QUICK)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "{}", stdout(&out));
    assert_eq!(listing(&target), ["notes.txt"]);
    assert_eq!(listing(tmp.path()), ["mine", "out"]);
}

// Defect 10: no lock file is created, trusted or left behind.

#[test]
fn a_successful_render_leaves_nothing_beside_the_directory() {
    let tmp = tempdir();
    render_to_dir(&[], &tmp.path().join("out"));
    render_to_dir(&[], &tmp.path().join("out"));
    assert_eq!(listing(tmp.path()), ["out"]);
}

#[test]
fn a_refused_render_leaves_nothing_beside_the_directory() {
    let tmp = tempdir();
    std::fs::create_dir(tmp.path().join("out")).unwrap();
    std::fs::write(tmp.path().join("out/notes.txt"), "mine\n").unwrap();
    let out = milvus_l7(&testdata())
        .args(["render", "-o"])
        .arg(tmp.path().join("out"))
        .timeout(QUICK)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(listing(tmp.path()), ["out"]);
}

#[cfg(unix)]
#[test]
fn a_fifo_planted_at_the_old_lock_name_is_never_opened() {
    let tmp = tempdir();
    let fifo = tmp.path().join(".out.lock");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let out = milvus_l7(&testdata())
        .args(["render", "-o"])
        .arg(tmp.path().join("out"))
        .timeout(QUICK)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(tmp.path().join("out/kustomization.yaml").is_file());
}
