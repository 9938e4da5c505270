//! Showing user-given values in messages safely.
//!
//! A value echoed raw can carry an ESC sequence that recolours or rewrites
//! the terminal, or a newline that forges a line of the error (a fake
//! `hint:`). Every value a message quotes goes through [`quoted`]: backticks
//! around it and every control character escaped (`\e`, `\n`, `\r`, `\t`,
//! `\xNN`, `\u{NN}`), so what the reader sees is what was given.

/// `` `value` ``, with control characters escaped.
pub fn quoted(value: &str) -> String {
    format!("`{}`", escape(value))
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

/// A whole message about to be printed: control characters other than the
/// newlines and tabs that lay the message out are escaped. The last line of
/// defence for values that reached a message without [`quoted`].
pub fn escape_message(message: &str) -> String {
    message
        .split('\n')
        .map(|line| {
            line.split('\t')
                .map(|part| escape(part).replace("\\\\", "\\"))
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
    fn a_message_keeps_its_layout_and_loses_raw_escapes() {
        assert_eq!(
            escape_message("error: `\x1b[2J`\n  hint: a\\b"),
            "error: `\\e[2J`\n  hint: a\\b"
        );
    }
}
