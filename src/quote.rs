//! Showing user-given values in messages safely.
//!
//! A value echoed raw can carry an ESC sequence that recolours or rewrites
//! the terminal, or a newline that forges a line of the error (a fake
//! `hint:`). Every value a message quotes goes through [`quoted`]: backticks
//! around it and every control character escaped (`\e`, `\n`, `\r`, `\t`,
//! `\xNN`, `\u{NN}`), so what the reader sees is what was given, and
//! values and whole messages are cut to a size a person reads.

use std::borrow::Cow;

/// The most of one value a message quotes: a domain, a name or a path is
/// far shorter; a 100 KB value echoed whole buries the message.
pub const MAX_QUOTED_CHARS: usize = 200;
/// The most of one message that is printed: a message naming thousands of
/// keys or lines is cut, never megabytes on a terminal.
pub const MAX_MESSAGE_BYTES: usize = 16 << 10;

/// `` `value` ``, with control characters escaped, cut after
/// [`MAX_QUOTED_CHARS`] with an ellipsis saying how much was left out.
pub fn quoted(value: &str) -> String {
    format!("`{}`", escape(&cut(value, MAX_QUOTED_CHARS)))
}

/// `text` cut after `max_chars` characters with `…` and how many more
/// bytes there were; as it is when shorter.
pub fn cut(text: &str, max_chars: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max_chars) {
        None => Cow::Borrowed(text),
        Some((at, _)) => Cow::Owned(format!("{}… ({} more bytes)", &text[..at], text.len() - at)),
    }
}

/// A message on its way to a person: any private key in it replaced (see
/// [`crate::redact`]) and the whole cut after [`MAX_MESSAGE_BYTES`].
pub fn outgoing(message: &str) -> String {
    let redacted = crate::redact::private_keys(message);
    let mut end = redacted.len().min(MAX_MESSAGE_BYTES);
    while !redacted.is_char_boundary(end) {
        end -= 1;
    }
    if end == redacted.len() {
        return redacted.into_owned();
    }
    format!(
        "{}… (message cut: {} more bytes)",
        &redacted[..end],
        redacted.len() - end
    )
}

/// `value` as one shell word, for a command line a message suggests
/// pasting: quoted only when a POSIX shell would split, glob or expand it
/// (`'*.example.com'`, `'my certs/tls.crt'`), as it is otherwise. A value
/// with a control character cannot be pasted safely however it is quoted;
/// it is shown escaped, as [`quoted`] shows it.
pub fn shell_word(value: &str) -> String {
    if value.chars().any(char::is_control) {
        return quoted(value);
    }
    shlex::try_quote(value)
        .map(|word| word.into_owned())
        .unwrap_or_else(|_| quoted(value))
}

/// `value` with every control character escaped, nothing else changed.
pub fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\x1b' => out.push_str("\\e"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x80 && c.is_control() => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// `text` with its control characters escaped and its backslashes left as
/// they are: text that is shown, not read back.
pub fn escape_controls(text: &str) -> String {
    escape(text).replace("\\\\", "\\")
}

/// A whole message about to be printed: control characters other than the
/// newlines and tabs that lay the message out are escaped. The last line of
/// defence for values that reached a message without [`quoted`].
pub fn escape_message(message: &str) -> String {
    message
        .split('\n')
        .map(|line| {
            line.split('\t')
                .map(escape_controls)
                .collect::<Vec<_>>()
                .join("\t")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_newlines_are_shown_not_obeyed() {
        assert_eq!(
            quoted("\x1b[31mred.example.com"),
            "`\\e[31mred.example.com`"
        );
        assert_eq!(quoted("a\nhint: run rm -rf"), "`a\\nhint: run rm -rf`");
        assert_eq!(quoted("x\x01\u{85}y"), "`x\\x01\\u{85}y`");
        assert_eq!(quoted("plain-name.example.com"), "`plain-name.example.com`");
    }

    #[test]
    fn shell_words_are_quoted_only_when_the_shell_would_change_them() {
        assert_eq!(shell_word("milvus.example.com"), "milvus.example.com");
        assert_eq!(shell_word("certs/tls.crt"), "certs/tls.crt");
        assert_eq!(shell_word("*.example.com"), "'*.example.com'");
        assert_eq!(shell_word("my certs/tls.crt"), "'my certs/tls.crt'");
        assert_eq!(shell_word("it's"), "\"it's\"");
        assert_eq!(shell_word("a\x1b[2Jb"), "`a\\e[2Jb`");
    }

    #[test]
    fn long_values_and_long_messages_are_cut_with_an_ellipsis() {
        let value = "a".repeat(100_000);
        let shown = quoted(&value);
        assert!(shown.len() < 300, "{}", shown.len());
        assert!(shown.ends_with("… (99800 more bytes)`"), "{shown}");
        assert_eq!(quoted("short"), "`short`");
        let message = "é".repeat(MAX_MESSAGE_BYTES);
        let out = outgoing(&message);
        assert!(out.len() < MAX_MESSAGE_BYTES + 64, "{}", out.len());
        assert!(out.ends_with(&format!(
            "… (message cut: {} more bytes)",
            MAX_MESSAGE_BYTES
        )));
    }

    #[test]
    fn a_message_keeps_its_layout_and_loses_raw_escapes() {
        assert_eq!(
            escape_message("error: `\x1b[2J`\n  hint: a\\b"),
            "error: `\\e[2J`\n  hint: a\\b"
        );
    }
}
