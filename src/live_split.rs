//! Parsing a big YAML export on every core.
//!
//! The YAML parser reads about 10–15 MB/s, so the 10k-object export of a
//! large cluster would take over a second on one core. A `---` stream is
//! cut at its document markers, and kubectl's `kind: List` at its item
//! entries (`- ` at the items' indentation); the pieces parse on separate
//! threads and are put back in order.
//!
//! The cuts follow YAML's own structure (a document marker at column 0
//! always starts a document; a sequence entry at the sequence's indentation
//! always starts an item), and every piece must parse on its own. Whenever
//! anything does not fit — a piece fails, an alias points into another
//! piece, the List wrapper looks unusual — the whole text is parsed in one
//! piece instead, which also gives errors their exact file:line:column.

use crate::error::Result;
use crate::yaml::{self, Limits};
use serde_json::Value;

/// Below this size one thread is fast enough.
const PARALLEL_FROM_BYTES: usize = 1 << 20;
/// More threads than this gain little: the work is already split evenly.
const MAX_THREADS: usize = 8;

/// Parses a YAML stream into its non-empty documents, like
/// [`yaml::parse_stream`], using several threads for big inputs.
pub fn parse_stream(text: &str, origin: &str, limits: Limits) -> Result<Vec<Value>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(MAX_THREADS);
    if text.len() < PARALLEL_FROM_BYTES || threads < 2 || text.len() > limits.max_bytes {
        return yaml::parse_stream(text, origin, limits);
    }
    match parse_in_pieces(text, limits, threads) {
        Some(documents) => Ok(documents),
        None => yaml::parse_stream(text, origin, limits),
    }
}

fn parse_in_pieces(text: &str, limits: Limits, threads: usize) -> Option<Vec<Value>> {
    let starts = document_starts(text);
    if starts.len() > 1 {
        let pieces = group(text, &starts, threads);
        return Some(parse_all(&pieces, limits)?.into_iter().flatten().collect());
    }
    parse_list(text, limits, threads)
}

/// Byte offsets where documents start: 0 and every `---` marker line.
fn document_starts(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    for (offset, line) in lines(text) {
        if offset > 0 && is_document_marker(line) {
            starts.push(offset);
        }
    }
    starts
}

fn is_document_marker(line: &str) -> bool {
    line.strip_prefix("---")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\r', '\n']))
}

/// Every line with the byte offset where it starts (line ends kept).
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split_inclusive('\n').scan(0, |offset, line| {
        let start = *offset;
        *offset += line.len();
        Some((start, line))
    })
}

/// Cuts `text` at some of `starts` into about `pieces` slices of similar size.
fn group<'a>(text: &'a str, starts: &[usize], pieces: usize) -> Vec<&'a str> {
    let target = text.len() / pieces + 1;
    let mut slices = Vec::new();
    let mut from = 0;
    for &start in starts.iter().skip(1) {
        if start - from >= target {
            slices.push(&text[from..start]);
            from = start;
        }
    }
    slices.push(&text[from..]);
    slices
}

/// Parses each piece on its own thread; None if any fails.
fn parse_all(pieces: &[&str], limits: Limits) -> Option<Vec<Vec<Value>>> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = pieces
            .iter()
            .map(|piece| scope.spawn(move || yaml::parse_stream(piece, "", limits).ok()))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().ok().flatten())
            .collect()
    })
}

/// A single document that is a List: its `items:` block is cut at the
/// entries, the rest (apiVersion, kind, metadata) parsed with `items: []`.
fn parse_list(text: &str, limits: Limits, threads: usize) -> Option<Vec<Value>> {
    let block = items_block(text)?;
    let items_text = &text[block.start..block.end];
    let pieces = group(items_text, &block.entries, threads);
    let mut items = Vec::new();
    for mut documents in parse_all(&pieces, limits)? {
        match (documents.len(), documents.pop()) {
            (1, Some(Value::Array(entries))) => items.extend(entries),
            _ => return None,
        }
    }
    let wrapper = format!("{}items: []\n{}", &text[..block.line], &text[block.end..]);
    let mut documents = yaml::parse_stream(&wrapper, "", limits).ok()?;
    match documents.as_mut_slice() {
        [Value::Object(map)] if map.get("kind").and_then(Value::as_str) == Some("List") => {
            map.insert("items".into(), Value::Array(items));
        }
        _ => return None,
    }
    Some(documents)
}

/// Where a top-level `items:` sequence lies.
struct ItemsBlock {
    /// Offset of the `items:` line.
    line: usize,
    /// The entries, from the first `-` line to the end of the last entry.
    start: usize,
    end: usize,
    /// Offsets of each entry's `-` line, relative to `start`.
    entries: Vec<usize>,
}

fn items_block(text: &str) -> Option<ItemsBlock> {
    let mut all = lines(text).peekable();
    let items_line = loop {
        let (offset, line) = all.next()?;
        if line.trim_end() == "items:" {
            break offset;
        }
    };
    let mut block: Option<ItemsBlock> = None;
    let mut indent = 0;
    for (offset, line) in all {
        let content = line.trim_start_matches(' ');
        if content.trim().is_empty() || content.starts_with('#') {
            continue;
        }
        let this_indent = line.len() - content.len();
        let is_entry = content.trim_end() == "-"
            || (content.starts_with('-') && content[1..].starts_with([' ', '\t']));
        match &mut block {
            None if is_entry => {
                indent = this_indent;
                block = Some(ItemsBlock {
                    line: items_line,
                    start: offset,
                    end: text.len(),
                    entries: vec![0],
                });
            }
            None => return None,
            Some(b) if this_indent == indent && is_entry => b.entries.push(offset - b.start),
            Some(b) if this_indent <= indent => {
                b.end = offset;
                break;
            }
            Some(_) => {}
        }
    }
    block
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::LIVE_LIMITS;

    fn object(i: usize, indent: &str) -> String {
        format!(
            "{indent}- apiVersion: v1\n{indent}  kind: ConfigMap\n{indent}  metadata:\n{indent}    name: c{i}\n{indent}  data:\n{indent}    text: |\n{indent}      ---\n{indent}      - not an item\n"
        )
    }

    fn list(count: usize, indent: &str) -> String {
        let items: String = (0..count).map(|i| object(i, indent)).collect();
        format!("apiVersion: v1\nitems:\n{items}kind: List\nmetadata:\n  resourceVersion: \"\"\n")
    }

    #[test]
    fn a_list_parses_in_pieces_exactly_like_in_one() {
        for indent in ["", "  "] {
            let text = list(300, indent);
            let pieces = parse_in_pieces(&text, LIVE_LIMITS, 3).expect("splits");
            assert_eq!(pieces, yaml::parse_stream(&text, "t", LIVE_LIMITS).unwrap());
            assert_eq!(pieces[0]["items"].as_array().unwrap().len(), 300);
        }
    }

    #[test]
    fn a_stream_parses_in_pieces_exactly_like_in_one() {
        let doc = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: |\n    --- inside a block scalar\n";
        let text = format!("# header\n{}", vec![doc; 300].join("---\n"));
        let pieces = parse_in_pieces(&text, LIVE_LIMITS, 2).expect("splits");
        assert_eq!(pieces.len(), 300);
        assert_eq!(pieces, yaml::parse_stream(&text, "t", LIVE_LIMITS).unwrap());
    }

    #[test]
    fn a_broken_piece_leaves_the_whole_text_to_one_parse() {
        let mut text = list(300, "");
        text.push_str("oops: [\n");
        assert!(parse_in_pieces(&text, LIVE_LIMITS, 3).is_none());
    }

    #[test]
    fn an_alias_across_items_leaves_the_whole_text_to_one_parse() {
        let first = "- &shared\n  apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: a\n";
        let filler: String = (0..300).map(|i| object(i, "")).collect();
        let text = format!("apiVersion: v1\nitems:\n{first}{filler}- *shared\nkind: List\n");
        assert!(parse_in_pieces(&text, LIVE_LIMITS, 3).is_none());
        let whole = yaml::parse_stream(&text, "t", LIVE_LIMITS).unwrap();
        assert_eq!(whole[0]["items"][301]["metadata"]["name"], "a");
    }

    #[test]
    fn a_big_export_is_split_and_parsed_correctly() {
        let text = list(12_000, "");
        assert!(text.len() > PARALLEL_FROM_BYTES);
        let parsed = parse_stream(&text, "t", LIVE_LIMITS).unwrap();
        assert_eq!(parsed[0]["items"].as_array().unwrap().len(), 12_000);
        assert_eq!(parsed[0]["items"][11_999]["metadata"]["name"], "c11999");
    }
}
