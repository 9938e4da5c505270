//! The end of a child's stderr, bounded: Helm's reason for failing is in
//! its last lines, and a child that writes 200 MB of stderr must cost
//! neither 200 MB of memory nor a 200 MB error message.

use std::collections::VecDeque;
use std::io::Read;

/// How much of a child's stderr a message shows.
pub const TAIL_BYTES: usize = 8 << 10;

/// The last `max` bytes written, and how many were written in all.
#[derive(Debug, Clone)]
pub struct StderrTail {
    max: usize,
    kept: VecDeque<u8>,
    total: u64,
}

impl StderrTail {
    /// An empty tail keeping at most `max` bytes.
    pub fn new(max: usize) -> Self {
        StderrTail {
            max,
            kept: VecDeque::with_capacity(max.min(TAIL_BYTES)),
            total: 0,
        }
    }

    /// Adds `bytes`, dropping the oldest beyond the limit.
    pub fn push(&mut self, bytes: &[u8]) {
        self.total = self.total.saturating_add(bytes.len() as u64);
        let fresh = &bytes[bytes.len().saturating_sub(self.max)..];
        let overflow = (self.kept.len() + fresh.len()).saturating_sub(self.max);
        self.kept.drain(..overflow);
        self.kept.extend(fresh);
    }

    /// Reads `input` to its end (or its first error) into a tail.
    pub fn read_from(input: &mut dyn Read, max: usize) -> Self {
        let mut tail = StderrTail::new(max);
        let mut buffer = [0u8; 8192];
        while let Ok(n) = input.read(&mut buffer) {
            if n == 0 {
                break;
            }
            tail.push(&buffer[..n]);
        }
        tail
    }

    /// The bytes kept, oldest first.
    pub fn bytes(&self) -> Vec<u8> {
        self.kept.iter().copied().collect()
    }

    /// Bytes written in all, kept or not.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The tail as text for a message: trimmed, and saying what was cut.
    pub fn describe(&self) -> String {
        let text = String::from_utf8_lossy(&self.bytes()).trim().to_string();
        if self.total > self.kept.len() as u64 {
            format!("…(last {} of {} bytes) {text}", self.kept.len(), self.total)
        } else {
            text
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_only_the_last_bytes_and_counts_all() {
        let mut tail = StderrTail::new(4);
        tail.push(b"abc");
        tail.push(b"defg");
        assert_eq!(tail.bytes(), b"defg");
        tail.push(b"h");
        assert_eq!(tail.bytes(), b"efgh");
        assert_eq!(tail.total(), 8);
        assert!(tail.describe().starts_with("…(last 4 of 8 bytes) efgh"));
    }

    #[test]
    fn a_short_stderr_is_shown_whole() {
        let tail = StderrTail::read_from(&mut &b"Error: chart not found\n"[..], 100);
        assert_eq!(tail.describe(), "Error: chart not found");
    }

    #[test]
    fn an_endless_stderr_costs_the_limit_only() {
        let mut endless = std::io::repeat(b'x').take(50 << 20);
        let tail = StderrTail::read_from(&mut endless, TAIL_BYTES);
        assert_eq!(tail.bytes().len(), TAIL_BYTES);
        assert_eq!(tail.total(), 50 << 20);
    }
}
