//! Putting a freshly written directory in the place of `render -o DIR`,
//! so that DIR is never absent and never a mix of two renders.
//!
//! - Writers of one DIR take an exclusive lock on DIR's parent directory
//!   (`flock` on the directory itself, released by the kernel when a
//!   process dies), so concurrent renders queue instead of renaming each
//!   other's directories away. Locking a directory that exists creates
//!   nothing: no lock file is left beside DIR (untracked in a git checkout,
//!   or left by a refused run), and nothing a user plants there — a FIFO,
//!   a device, a link — is ever opened. Renders into other directories of
//!   the same parent take turns too; a render takes milliseconds.
//! - The new directory is staged in `.DIR.new-XXXX` and exchanged with DIR
//!   in one step, `renameat2(RENAME_EXCHANGE)` (Linux 3.15, `man 2 rename`,
//!   called through rustix, so the crate has no `unsafe`);
//!   the staging name then holds the old directory, which is removed. Where
//!   the exchange is not available (another OS, a file system without it),
//!   DIR is moved aside and the new one renamed in, under the same lock.
//! - `.DIR.new-*` and `.DIR.old-*` left by a killed run are removed by the
//!   next writer, while it holds the lock (no live writer can own them),
//!   and so is the `.DIR.lock` file earlier versions left.

use crate::error::{Error, Result};
use std::fs::File;
use std::path::{Path, PathBuf};

/// An exclusive hold on one output directory; released on drop.
pub struct DirLock {
    _file: File,
}

/// Waits for, and takes, the lock of `dir` (an absolute path whose parent
/// exists): a lock on the parent directory, which creates no file.
pub fn lock(dir: &Path) -> Result<DirLock> {
    let parent = dir.parent().expect("an absolute path below /");
    let file = File::open(parent).map_err(|e| Error::io("opening", parent, e))?;
    file.lock().map_err(|e| Error::io("locking", parent, e))?;
    Ok(DirLock { _file: file })
}

/// The prefix of `dir`'s staging directories.
pub fn staging_prefix(dir: &Path) -> String {
    format!(".{}.new-", name(dir))
}

/// Removes the `.DIR.new-*` and `.DIR.old-*` directories that runs killed
/// before their cleanup left beside `dir`, and the empty `.DIR.lock` file of
/// earlier versions. Call it holding [`lock`].
pub fn remove_stale_siblings(dir: &Path, _held: &DirLock) -> Result<()> {
    let parent = dir.parent().expect("an absolute path below /");
    remove_legacy_lock_file(&sibling(dir, "lock"))?;
    let prefixes = [staging_prefix(dir), format!(".{}.old-", name(dir))];
    let entries = std::fs::read_dir(parent).map_err(|e| Error::io("reading", parent, e))?;
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let file_name = file_name.to_string_lossy();
        let stale = prefixes.iter().any(|p| file_name.starts_with(p.as_str()));
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if stale && is_dir {
            let path = entry.path();
            std::fs::remove_dir_all(&path)
                .map_err(|e| Error::io("removing a leftover of an earlier run", &path, e))?;
        }
    }
    Ok(())
}

/// An empty regular file only: anything else by that name is not ours.
fn remove_legacy_lock_file(path: &Path) -> Result<()> {
    let legacy = path
        .symlink_metadata()
        .is_ok_and(|m| m.file_type().is_file() && m.len() == 0);
    if legacy {
        std::fs::remove_file(path)
            .map_err(|e| Error::io("removing a leftover of an earlier run", path, e))?;
    }
    Ok(())
}

/// Puts `staging` where `dir` is, atomically; the old directory (if any) is
/// removed with `staging`'s guard. Call it holding [`lock`].
pub fn replace(staging: tempfile::TempDir, dir: &Path, _held: &DirLock) -> Result<()> {
    if dir.symlink_metadata().is_err() {
        // Nothing to exchange with; with the lock held nobody creates DIR
        // meanwhile, and rename(2) is atomic.
        std::fs::rename(staging.path(), dir)
            .map_err(|e| Error::io("renaming into place", dir, e))?;
        // The staging path is gone; nothing left for the guard to remove.
        let _ = staging.keep();
        return Ok(());
    }
    match exchange(staging.path(), dir) {
        // `staging` now names the old directory; dropping it removes it.
        Ok(()) => Ok(()),
        Err(e) if exchange_unsupported(&e) => move_aside_and_in(staging, dir),
        Err(e) => Err(Error::io("exchanging the new directory with", dir, e)),
    }
}

/// The fallback: two renames, under the lock. A kill between them leaves
/// DIR absent (its old content in `.DIR.old-*`); only used where the
/// exchange is missing.
fn move_aside_and_in(staging: tempfile::TempDir, dir: &Path) -> Result<()> {
    let parent = dir.parent().expect("an absolute path below /");
    let old = tempfile::Builder::new()
        .prefix(&format!(".{}.old-", name(dir)))
        .tempdir_in(parent)
        .map_err(|e| Error::io("creating a temporary directory in", parent, e))?;
    let aside = old.path().join("previous");
    std::fs::rename(dir, &aside).map_err(|e| Error::io("moving aside", dir, e))?;
    if let Err(e) = std::fs::rename(staging.path(), dir) {
        let _ = std::fs::rename(&aside, dir);
        return Err(Error::io("renaming into place", dir, e));
    }
    let _ = staging.keep();
    Ok(())
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

/// ENOSYS (an old kernel), EINVAL (a file system without the flag) or no
/// such call on this OS: the fallback applies.
fn exchange_unsupported(e: &std::io::Error) -> bool {
    #[cfg(target_os = "linux")]
    if let Some(errno) = rustix::io::Errno::from_io_error(e) {
        if errno == rustix::io::Errno::NOSYS || errno == rustix::io::Errno::INVAL {
            return true;
        }
    }
    e.kind() == std::io::ErrorKind::Unsupported
}

fn sibling(dir: &Path, suffix: &str) -> PathBuf {
    dir.with_file_name(format!(".{}.{suffix}", name(dir)))
}

fn name(dir: &Path) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "out".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exchange_swaps_two_directories() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
        std::fs::create_dir(&a).unwrap();
        std::fs::create_dir(&b).unwrap();
        std::fs::write(a.join("x"), "a").unwrap();
        match exchange(&a, &b) {
            Ok(()) => assert_eq!(std::fs::read_to_string(b.join("x")).unwrap(), "a"),
            Err(e) => assert!(exchange_unsupported(&e), "{e}"),
        }
    }

    #[test]
    fn stale_siblings_of_this_directory_only_are_removed() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        for name in [".out.new-abc", ".out.old-def", ".other.new-x", "out"] {
            std::fs::create_dir(tmp.path().join(name)).unwrap();
        }
        std::fs::write(tmp.path().join(".out.lock"), "").unwrap();
        std::fs::write(tmp.path().join(".other.lock"), "").unwrap();
        let held = lock(&dir).unwrap();
        remove_stale_siblings(&dir, &held).unwrap();
        let mut left: Vec<String> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, [".other.lock", ".other.new-x", "out"]);
    }
}
