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
/// Pieces are about this big: small enough that the parsed form of one
/// piece per thread stays a few MiB (a parsed object takes ~10x its text),
/// large enough that handing them out costs nothing.
const PIECE_BYTES: usize = 256 << 10;

/// What to keep of each parsed document, or of each item when a List is
/// cut into pieces: called on the parsing thread right after its piece is
/// parsed, so objects a caller does not need never pile up in memory.
pub type Sift<'a> = &'a (dyn Fn(Value, &mut Vec<Value>) + Sync);

/// Keeps everything.
#[cfg(test)]
pub fn keep_all(document: Value, out: &mut Vec<Value>) {
    out.push(document);
}
/// More threads than this gain little: the work is already split evenly.
const MAX_THREADS: usize = 8;

/// Parses a YAML stream into its non-empty documents, like
/// [`yaml::parse_stream`], using several threads for big inputs.
#[cfg(test)]
pub fn parse_stream(text: &str, origin: &str, limits: Limits) -> Result<Vec<Value>> {
    parse_stream_sifted(text, origin, limits, &keep_all)
}

/// [`parse_stream`], passing every document (or List item) through `sift`
/// as soon as it is parsed.
pub fn parse_stream_sifted(
    text: &str,
    origin: &str,
    limits: Limits,
    sift: Sift,
) -> Result<Vec<Value>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(MAX_THREADS);
    if text.len() >= PARALLEL_FROM_BYTES && threads >= 2 && text.len() <= limits.max_bytes {
        if let Some(documents) = parse_in_pieces(text, limits, threads, sift) {
            return Ok(documents);
        }
    }
    let mut documents = Vec::new();
    for document in yaml::parse_stream(text, origin, limits)? {
        sift(document, &mut documents);
    }
    Ok(documents)
}

fn parse_in_pieces(text: &str, limits: Limits, threads: usize, sift: Sift) -> Option<Vec<Value>> {
    let starts = document_starts(text);
    if starts.len() > 1 {
        let pieces = group(text, &starts, piece_count(text.len(), threads));
        return Some(
            parse_all(&pieces, limits, threads, &|v| Some(vec![v]), sift)?
                .into_iter()
                .flatten()
                .collect(),
        );
    }
    parse_list(text, limits, threads, sift)
}

/// At least one piece per thread, and pieces of about [`PIECE_BYTES`].
fn piece_count(len: usize, threads: usize) -> usize {
    (len / PIECE_BYTES).max(threads)
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

/// Parses the pieces on `threads` threads, each taking the next piece when
/// done; `entries` turns a parsed document into the values to sift (the
/// document itself, or a List piece's items), or None when the piece is not
/// what the cut expected. Results come back in piece order; None if any
/// piece fails.
fn parse_all(
    pieces: &[&str],
    limits: Limits,
    threads: usize,
    entries: &(dyn Fn(Value) -> Option<Vec<Value>> + Sync),
    sift: Sift,
) -> Option<Vec<Vec<Value>>> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<Vec<(usize, Option<Vec<Value>>)>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads.min(pieces.len()))
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(piece) = pieces.get(index) else {
                            break done;
                        };
                        let parsed =
                            yaml::parse_stream(piece, "", limits)
                                .ok()
                                .and_then(|documents| {
                                    let mut kept = Vec::new();
                                    for document in documents {
                                        for value in entries(document)? {
                                            sift(value, &mut kept);
                                        }
                                    }
                                    Some(kept)
                                });
                        let failed = parsed.is_none();
                        done.push((index, parsed));
                        if failed {
                            break done;
                        }
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or_default())
            .collect()
    });
    let mut ordered: Vec<(usize, Option<Vec<Value>>)> = results.into_iter().flatten().collect();
    if ordered.len() != pieces.len() {
        return None;
    }
    ordered.sort_by_key(|(index, _)| *index);
    ordered.into_iter().map(|(_, parsed)| parsed).collect()
}

/// A single document that is a List: its `items:` block is cut at the
/// entries, the rest (apiVersion, kind, metadata) parsed with `items: []`.
fn parse_list(text: &str, limits: Limits, threads: usize, sift: Sift) -> Option<Vec<Value>> {
    let block = items_block(text)?;
    let items_text = &text[block.start..block.end];
    let pieces = group(
        items_text,
        &block.entries,
        piece_count(items_text.len(), threads),
    );
    // A piece of the items block is one sequence; anything else means the
    // cut was wrong, and the caller parses the whole text instead.
    let entries = |document: Value| match document {
        Value::Array(entries) => Some(entries),
        _ => None,
    };
    let mut items = Vec::new();
    for kept in parse_all(&pieces, limits, threads, &entries, sift)? {
        items.extend(kept);
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
    use crate::load::live::LIVE_LIMITS;

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
            let pieces = parse_in_pieces(&text, LIVE_LIMITS, 3, &keep_all).expect("splits");
            assert_eq!(pieces, yaml::parse_stream(&text, "t", LIVE_LIMITS).unwrap());
            assert_eq!(pieces[0]["items"].as_array().unwrap().len(), 300);
        }
    }

    #[test]
    fn a_stream_parses_in_pieces_exactly_like_in_one() {
        let doc = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: |\n    --- inside a block scalar\n";
        let text = format!("# header\n{}", vec![doc; 300].join("---\n"));
        let pieces = parse_in_pieces(&text, LIVE_LIMITS, 2, &keep_all).expect("splits");
        assert_eq!(pieces.len(), 300);
        assert_eq!(pieces, yaml::parse_stream(&text, "t", LIVE_LIMITS).unwrap());
    }

    #[test]
    fn a_broken_piece_leaves_the_whole_text_to_one_parse() {
        let mut text = list(300, "");
        text.push_str("oops: [\n");
        assert!(parse_in_pieces(&text, LIVE_LIMITS, 3, &keep_all).is_none());
    }

    #[test]
    fn an_alias_across_items_leaves_the_whole_text_to_one_parse() {
        let first = "- &shared\n  apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: a\n";
        let filler: String = (0..300).map(|i| object(i, "")).collect();
        let text = format!("apiVersion: v1\nitems:\n{first}{filler}- *shared\nkind: List\n");
        assert!(parse_in_pieces(&text, LIVE_LIMITS, 3, &keep_all).is_none());
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
