//! Keeping private keys out of everything a person reads.
//!
//! A PEM private key can reach a message from anywhere: an `overlay.yaml`
//! that is a key (the YAML parser quotes the string it refused), an
//! annotation of a live object shown by `diff --strict`, a key pasted as a
//! flag value that clap echoes. Masking each field is never complete, so
//! every message, and every report `diff` prints, goes through
//! [`private_keys`] on its way out: whatever field or message a key sits
//! in, from its `-----BEGIN … PRIVATE KEY-----` line to its end, it is
//! replaced by [`NOT_SHOWN`]. Found raw (over several lines, also
//! indented or behind diff markers) and escaped (`\n` in one line), whole
//! or cut short.

use std::borrow::Cow;

/// What a private key is shown as.
pub const NOT_SHOWN: &str = "<private key not shown>";

const BEGIN: &str = "BEGIN ";
const END: &str = "END ";
/// The dashes before `BEGIN`/`END`. A marker is found without them too:
/// an end line that runs straight into the next header (`…KEY---` +
/// `-----BEGIN`) takes some of the header's dashes when it is cut out, and
/// the key after it must still be found.
const DASHES: usize = 5;
/// Every PEM private key label ends so: `PRIVATE KEY`, `RSA PRIVATE KEY`,
/// `EC PRIVATE KEY`, `ENCRYPTED PRIVATE KEY`, `OPENSSH PRIVATE KEY` …
const LABEL_END: &str = "PRIVATE KEY-----";
/// The longest label before [`LABEL_END`] (`ENCRYPTED `, `OPENSSH `, …).
const MAX_LABEL_PREFIX: usize = 24;
/// Fewer base64 characters than this after a header, without an end line,
/// is a mention of the header (a hint naming it), not a key.
const MIN_BODY: usize = 16;

/// `text` with every PEM private key in it replaced by [`NOT_SHOWN`].
pub fn private_keys(text: &str) -> Cow<'_, str> {
    if !text.contains(LABEL_END.trim_end_matches('-')) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some((start, header_end)) = find_marker(rest, BEGIN) {
        match key_len(&rest[header_end..]) {
            Some(len) => {
                out.push_str(&rest[..start]);
                out.push_str(NOT_SHOWN);
                rest = &rest[header_end + len..];
            }
            None => {
                out.push_str(&rest[..header_end]);
                rest = &rest[header_end..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(dangling_ends(&out).into_owned())
}

/// The byte range of the first `-----BEGIN …PRIVATE KEY-----` (with
/// `kind` [`END`], the end line) in `text`, its leading dashes optional.
/// Also the OpenPGP (`PGP PRIVATE KEY BLOCK-----`) and RFC 4716
/// (`---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----`) forms.
fn find_marker(text: &str, kind: &str) -> Option<(usize, usize)> {
    let label_words = LABEL_END.trim_end_matches('-');
    let mut from = 0;
    while let Some(found) = text[from..].find(kind) {
        let word = from + found;
        let label = &text[word + kind.len()..];
        let label_len = label
            .find(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == ' '))
            .unwrap_or(label.len());
        let words = label[..label_len].trim_end();
        let words = words.strip_suffix(" BLOCK").unwrap_or(words);
        let dashes = label[label_len..]
            .bytes()
            .take(DASHES)
            .take_while(|&b| b == b'-')
            .count();
        let is_private_key = words.ends_with(label_words)
            && label_len <= MAX_LABEL_PREFIX + label_words.len() + " BLOCK".len()
            && dashes >= 4;
        if is_private_key {
            let leading = text[..word]
                .bytes()
                .rev()
                .take(DASHES)
                .take_while(|&b| b == b'-' || b == b' ')
                .count();
            return Some((word - leading, word + kind.len() + label_len + dashes));
        }
        from = word + kind.len();
    }
    None
}

/// `text` with the key material that ends at an end line whose header is
/// not in `text` (a message cut after its start, as a child's stderr
/// tail is) replaced by [`NOT_SHOWN`], end line included.
fn dangling_ends(text: &str) -> Cow<'_, str> {
    if find_marker(text, END).is_none() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some((start, end)) = find_marker(rest, END) {
        let before = &rest[..start];
        let run_start = before
            .char_indices()
            .rev()
            .take_while(|(_, c)| is_key_material(*c))
            .last()
            .map_or(start, |(i, _)| i);
        let body = before[run_start..]
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .count();
        if body >= MIN_BODY {
            out.push_str(&rest[..run_start]);
            out.push_str(NOT_SHOWN);
        } else {
            out.push_str(&rest[..end]);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// How much of `after` (the text after a header) is the key: up to its end
/// line when only key material comes before it, else the run of key
/// material when it is long enough to be a key cut short. None when the
/// header is only mentioned.
fn key_len(after: &str) -> Option<usize> {
    let run = after
        .find(|c: char| !is_key_material(c))
        .unwrap_or(after.len());
    if let Some((_, end)) = find_marker(&after[..run], END) {
        return Some(end);
    }
    let body = after[..run]
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .count();
    (body >= MIN_BODY).then_some(run)
}

/// Base64, the whitespace and `\n` escapes between its lines, the
/// `Proc-Type:`/`DEK-Info:` headers of an encrypted PKCS#1 key, the `+`/`-`
/// of a diff, the `|` of a YAML block and the `~1` a JSON pointer writes
/// for `/`.
fn is_key_material(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(c, '+' | '/' | '=' | '-' | ':' | ',' | '\\' | '|' | '~')
        || c.is_whitespace()
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----\n";

    #[test]
    fn a_raw_key_inside_a_message_is_replaced_and_the_rest_kept() {
        let message = format!("invalid type: string \"{KEY}\", expected a map at line 1");
        assert_eq!(
            private_keys(&message),
            format!("invalid type: string \"{NOT_SHOWN}\n\", expected a map at line 1")
        );
    }

    #[test]
    fn an_escaped_key_on_one_line_is_replaced() {
        let escaped = KEY.replace('\n', "\\n");
        let shown = private_keys(&format!("value `{escaped}` is bad")).into_owned();
        assert_eq!(shown, format!("value `{NOT_SHOWN}\\n` is bad"));
    }

    #[test]
    fn a_key_in_a_diff_behind_markers_and_indentation_is_replaced() {
        let diff = "   metadata:\n     annotations:\n-      x: |\n-        -----BEGIN EC PRIVATE KEY-----\n-        MHcCAQEEIIrYSSNQFaA2Hwf1duRSxKtLYX5CB04fSeQ6tF1aY/PuoAoGCCqGSM49\n-        -----END EC PRIVATE KEY-----\n+      x: y\n";
        let shown = private_keys(diff);
        assert!(!shown.contains("MHcCAQEE"), "{shown}");
        assert!(
            shown.contains(NOT_SHOWN) && shown.ends_with("\n+      x: y\n"),
            "{shown}"
        );
    }

    #[test]
    fn a_key_cut_short_is_replaced_as_far_as_it_goes() {
        let cut = "bad value `-----BEGIN RSA PRIVATE KEY-----\\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo…` (cut)";
        assert_eq!(private_keys(cut), format!("bad value `{NOT_SHOWN}…` (cut)"));
    }

    #[test]
    fn a_header_only_mentioned_and_a_certificate_are_kept() {
        let hint = "expected a `-----BEGIN PRIVATE KEY-----` block, e.g. from `milvus-l7 cert`";
        assert_eq!(private_keys(hint), hint);
        let cert =
            "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ\n-----END CERTIFICATE-----\n";
        assert_eq!(private_keys(cert), cert);
    }

    #[test]
    fn a_key_right_after_an_end_line_that_takes_its_dashes_is_replaced() {
        // fuzz/regressions/redact-crash-621359ea, shortened: the dangling
        // header before it ends in `-----END PRIVATE KEY---`, so cutting out
        // that end line took two dashes of the real key's header.
        let body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7";
        let text = format!(
            "GTEY-----BEGIN Z   PRIVATE KEY-----BEG\t\t\t-----END PRIVATE KEY---\
             -----BEGIN PRIVATE KEY-----\n{body}\n-----END PRIVATE KEY------- tail"
        );
        let shown = private_keys(&text);
        assert!(!shown.contains(body), "{shown}");
        assert!(shown.starts_with("GTEY<private key not shown>"), "{shown}");
    }

    #[test]
    fn the_tail_of_a_key_whose_header_was_cut_off_is_replaced() {
        // A child's stderr kept from its last 8 KiB: the header is gone.
        let tail = "(last 8192 of 10375 bytes) aP/frLiT5XDq2w8Zy1VbN3kQm\nR7sT9uW0xY1zA2bC3dE4fG5hI6jK7\n-----END RSA PRIVATE KEY-----xxxx";
        assert_eq!(
            private_keys(tail),
            format!("(last 8192 of 10375 bytes){NOT_SHOWN}xxxx")
        );
        // An end line only mentioned is kept.
        let hint = "a key ends with `-----END PRIVATE KEY-----`";
        assert_eq!(private_keys(hint), hint);
    }

    #[test]
    fn openpgp_and_ssh2_private_keys_are_replaced() {
        for (begin, end) in [
            (
                "-----BEGIN PGP PRIVATE KEY BLOCK-----",
                "-----END PGP PRIVATE KEY BLOCK-----",
            ),
            (
                "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----",
                "---- END SSH2 ENCRYPTED PRIVATE KEY ----",
            ),
        ] {
            let text = format!("bad: {begin}\nlQOYBGVkZXNjcmlwdGlvbgEIAL5l\n{end}\n.");
            let shown = private_keys(&text);
            assert!(!shown.contains("lQOYBGVk"), "{shown}");
            assert!(
                shown.starts_with("bad: ") && shown.ends_with("."),
                "{shown}"
            );
        }
    }

    #[test]
    fn a_key_in_a_json_pointer_or_a_yaml_block_is_replaced_whole() {
        let pointer = "/metadata/annotations/-----BEGIN PRIVATE KEY-----MIGHAgEAMBMGByqGSM49~1z5~1ulXSB+hRANCAARpr\nIb2v2tsPrUWH-----END PRIVATE KEY-----";
        let shown = private_keys(pointer);
        assert!(
            !shown.contains("ulXSB") && !shown.contains("Ib2v2"),
            "{shown}"
        );
        let block = "x: |\n  -----BEGIN PRIVATE KEY-----\n  MIGHAgEAMBMGByqGSM49\ny: |\n  AwEHBG0wawIBAQQgXk9\n  -----END PRIVATE KEY-----\n";
        let shown = private_keys(block);
        assert!(!shown.contains("AwEHBG0w"), "{shown}");
    }

    #[test]
    fn every_kept_fuzz_input_lets_no_body_out() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/regressions");
        let body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7";
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if !name.starts_with("redact-") {
                continue;
            }
            seen += 1;
            let data = std::fs::read(&path).unwrap();
            let text = String::from_utf8_lossy(&data);
            let middle = text.char_indices().nth(text.chars().count() / 2);
            let (before, after) = text.split_at(middle.map_or(text.len(), |(i, _)| i));
            for newline in ["\n", "\\n"] {
                let key = format!(
                    "-----BEGIN PRIVATE KEY-----{newline}{body}{newline}-----END PRIVATE KEY-----"
                );
                let shown = private_keys(&format!("{before}{key}{after}")).into_owned();
                assert!(!shown.contains(body), "{name}: {shown:?}");
            }
        }
        assert!(seen > 0, "no redact-* input in {dir}");
    }

    proptest::proptest! {
        /// The fuzz target's property (fuzz/fuzz_targets/redact.rs), on
        /// every `cargo test`: any text around a key never lets its body out.
        #[test]
        fn no_text_around_a_key_lets_its_body_out(before in "\\PC{0,40}", after in "\\PC{0,40}") {
            let body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7";
            for newline in ["\n", "\\n"] {
                let key = format!("-----BEGIN PRIVATE KEY-----{newline}{body}{newline}-----END PRIVATE KEY-----");
                let shown = private_keys(&format!("{before}{key}{after}")).into_owned();
                proptest::prop_assert!(!shown.contains(body), "{}", shown);
            }
        }
    }
}
