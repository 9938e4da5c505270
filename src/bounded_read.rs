//! The one way milvus-l7 reads a file or a stream: never more than its
//! limit plus one byte, and never from something that is not a regular file
//! where a file is expected.
//!
//! Why: `render --config /dev/zero` or `--tls-key /dev/zero` used to grow
//! until the kernel killed the process (or the Argo CD repo-server), and a
//! FIFO named like a config file blocked forever. A device, a FIFO, a socket
//! or a directory is refused before it is opened; a regular file (or stdin)
//! is read with `Read::take(limit + 1)`, so a huge input costs at most the
//! limit in memory and is refused as soon as one byte more arrives.

use crate::error::{Error, Result};
use std::io::Read;
use std::path::Path;

/// How much one read may take, and what to tell the user when an input is
/// larger: the hint names the flag or the way to shrink the input.
#[derive(Debug, Clone, Copy)]
pub struct Limit<'a> {
    /// Most bytes accepted; `u64::MAX` means no practical limit.
    pub max_bytes: u64,
    /// How to fix an input over the limit.
    pub hint: &'a str,
}

/// Reads the regular file `path`, refusing anything else up front and any
/// file larger than the limit.
pub fn file(path: &Path, limit: Limit) -> Result<Vec<u8>> {
    let origin = path.display().to_string();
    let metadata = std::fs::metadata(path).map_err(|e| Error::io("reading", path, e))?;
    refuse_unless_regular(&metadata, &origin)?;
    let file = open_without_blocking(path)?;
    // The path may have been swapped for a FIFO between the two looks;
    // what counts is what was opened.
    let opened = file.metadata().map_err(|e| Error::io("reading", path, e))?;
    refuse_unless_regular(&opened, &origin)?;
    if opened.len() > limit.max_bytes {
        return Err(too_large(&origin, limit));
    }
    // Sized once from the file's length: growing by doubling would hold up
    // to twice the file while it is read (16 MiB more for a 17 MiB export).
    let expected = usize::try_from(opened.len()).unwrap_or(0);
    read_limited(&mut std::io::BufReader::new(file), &origin, limit, expected)
}

/// Reads the regular file `path` as UTF-8 text (see [`file()`]).
pub fn text_file(path: &Path, limit: Limit) -> Result<String> {
    let origin = path.display().to_string();
    into_text(file(path, limit)?, &origin)
}

/// Reads `input` (stdin, a pipe) to its end, refusing it as soon as it
/// holds more than the limit.
pub fn stream(input: &mut dyn Read, origin: &str, limit: Limit) -> Result<Vec<u8>> {
    read_limited(input, origin, limit, 0)
}

/// Reads at most the limit + 1 byte into a buffer made for `expected` bytes.
fn read_limited(
    input: &mut dyn Read,
    origin: &str,
    limit: Limit,
    expected: usize,
) -> Result<Vec<u8>> {
    let mut bytes = Vec::with_capacity(expected.saturating_add(1));
    input
        .take(limit.max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io("reading", origin, e))?;
    if bytes.len() as u64 > limit.max_bytes {
        return Err(too_large(origin, limit));
    }
    Ok(bytes)
}

/// `bytes` as text, or an error saying where the first byte that is not
/// UTF-8 is (never the bytes themselves: they may be a key).
pub fn into_text(bytes: Vec<u8>, origin: &str) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| Error::Invalid {
        subject: origin.to_string(),
        message: format!(
            "not UTF-8 text (byte {} is not); is it a binary file?",
            e.utf8_error().valid_up_to()
        ),
        hint: "give the YAML, JSON or PEM text file meant here".into(),
    })
}

fn refuse_unless_regular(metadata: &std::fs::Metadata, origin: &str) -> Result<()> {
    if metadata.is_file() {
        return Ok(());
    }
    Err(Error::Invalid {
        subject: origin.to_string(),
        message: format!("is {}, not a regular file", file_kind(metadata)),
        hint: "give the path of a regular file (for a pipe, use `-` and standard input where the command offers it)".into(),
    })
}

/// What a non-regular file is, in words.
fn file_kind(metadata: &std::fs::Metadata) -> &'static str {
    let kind = metadata.file_type();
    if kind.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    "a special file"
}

/// Opens for reading; on Unix with `O_NONBLOCK`, so that a FIFO swapped in
/// after the first look cannot block the open (a regular file ignores it).
fn open_without_blocking(path: &Path) -> Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    options
        .open(path)
        .map_err(|e| Error::io("reading", path, e))
}

fn too_large(origin: &str, limit: Limit) -> Error {
    Error::Invalid {
        subject: origin.to_string(),
        message: format!("input is larger than {} bytes", limit.max_bytes),
        hint: limit.hint.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: Limit = Limit {
        max_bytes: 1000,
        hint: "make it smaller",
    };

    #[test]
    fn an_endless_stream_is_refused_after_limit_plus_one_byte() {
        let mut endless = std::io::repeat(b'a');
        let err = stream(&mut endless, "<stdin>", SMALL).unwrap_err();
        assert!(
            err.report()
                .to_string()
                .starts_with("<stdin>: input is larger than 1000 bytes"),
            "{err}"
        );
        assert!(
            err.report().to_string().contains("make it smaller"),
            "{err}"
        );
    }

    #[test]
    fn exactly_the_limit_is_accepted() {
        let bytes = stream(&mut &[b'x'; 1000][..], "s", SMALL).unwrap();
        assert_eq!(bytes.len(), 1000);
    }

    #[test]
    fn the_largest_limit_means_no_limit_and_does_not_overflow() {
        let no_limit = Limit {
            max_bytes: u64::MAX,
            hint: "",
        };
        assert_eq!(stream(&mut &b"abc"[..], "s", no_limit).unwrap(), b"abc");
    }

    #[cfg(unix)]
    #[test]
    fn devices_fifos_and_directories_are_refused_before_reading() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let mode = rustix::fs::Mode::from_raw_mode(0o600);
        rustix::fs::mknodat(rustix::fs::CWD, &fifo, rustix::fs::FileType::Fifo, mode, 0).unwrap();
        for (path, kind) in [
            (Path::new("/dev/zero"), "a character device"),
            (fifo.as_path(), "a FIFO"),
            (dir.path(), "a directory"),
        ] {
            let err = file(path, SMALL).unwrap_err().to_string();
            assert!(err.contains(kind), "{path:?}: {err}");
        }
    }

    #[test]
    fn a_large_regular_file_is_refused_by_its_size() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big");
        let f = std::fs::File::create(&path).unwrap();
        f.set_len(3 << 30).unwrap(); // sparse: costs no disk
        let err = file(&path, SMALL).unwrap_err().to_string();
        assert!(err.contains("larger than 1000 bytes"), "{err}");
    }

    #[test]
    fn binary_text_names_the_byte_not_the_content() {
        let err = into_text(b"key: \xff\xfe".to_vec(), "x.yaml")
            .unwrap_err()
            .to_string();
        assert!(err.contains("not UTF-8 text (byte 5"), "{err}");
    }
}
