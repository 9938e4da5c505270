//! Parsing a big YAML export on every core.
//!
//! The YAML parser reads about 10–15 MB/s, so the 10k-object export of a
//! large cluster would take over a second on one core. A `---` stream is
//! cut at its document markers, and kubectl's `kind: List` at its item
//! entries (`- ` at the items' indentation); the pieces parse on separate
//! threads and are put back in order.
//!
//! On one core a big export is cut all the same: a List parsed whole is
//! held whole, `status` and `managedFields` included, before anything is
//! sifted out (11 MiB of YAML took 141 MB that way; in pieces, 45 MB).
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
use std::ops::Range;
use std::sync::{Arc, Barrier, Mutex};

/// Below this size one piece is fast enough and small enough.
const PIECES_FROM_BYTES: usize = 1 << 20;
/// Pieces are about this big: small enough that the parsed form of one
/// piece per thread stays small (a parsed object takes ~10x its text, and
/// the room it leaves when sifted is what the next piece fills), large
/// enough that handing them out costs nothing. Measured on `validate` of
/// an 11 MiB List: 256 KiB pieces peaked 6 MB higher than 16 KiB ones,
/// 64 KiB 1.5 MB higher; smaller gained nothing.
const PIECE_BYTES: usize = 16 << 10;

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
    if text.len() >= PIECES_FROM_BYTES && text.len() <= limits.max_bytes {
        if let Some(documents) = parse_in_pieces(text, limits, threads, sift) {
            return Ok(documents);
        }
    }
    parse_whole_sifted(text, origin, limits, sift)
}

/// [`parse_stream_sifted`] in one piece.
pub fn parse_whole_sifted(
    text: &str,
    origin: &str,
    limits: Limits,
    sift: Sift,
) -> Result<Vec<Value>> {
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
            parse_all(
                pieces,
                &yaml_pieces(limits),
                threads,
                &|v| Some(vec![v]),
                sift,
            )?
            .into_iter()
            .flatten()
            .collect(),
        );
    }
    parse_list(text, limits, threads, sift)
}

/// What [`parse_owned`] made of an export.
pub enum Owned {
    /// Parsed in pieces: the documents, sifted.
    Parsed(Vec<Value>),
    /// Not cut (small, or a shape that does not cut): the text,
    /// for one parse.
    Whole(String),
    /// Cut, but a piece did not parse (a syntax error, an alias into another
    /// piece): the text is gone, and the caller reads it again for the one
    /// parse that words the error or resolves the alias.
    Failed,
}

/// Parses a big export in pieces as [`parse_stream_sifted`] does, JSON
/// (kubectl's pretty-printed `kind: List`) as well as YAML, but owning the
/// text: the pieces are copied out and the text let go before any is
/// parsed, and each piece is freed once parsed, so that the text and its
/// parsed form are never held whole at the same time (for `validate`,
/// which keeps most objects, that was a quarter of its peak memory).
pub fn parse_owned(text: String, json: bool, limits: Limits, sift: Sift) -> Owned {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(MAX_THREADS);
    parse_owned_on(text, json, limits, threads, sift)
}

fn parse_owned_on(text: String, json: bool, limits: Limits, threads: usize, sift: Sift) -> Owned {
    if text.len() < PIECES_FROM_BYTES || text.len() > limits.max_bytes {
        return Owned::Whole(text);
    }
    let Some(cut) = (if json {
        json_cut(&text, threads)
    } else {
        yaml_cut(&text, threads)
    }) else {
        return Owned::Whole(text);
    };
    let json_pieces = |piece: &str| match serde_json::from_str(piece) {
        Ok(array @ Value::Array(_)) => Some(vec![array]),
        _ => None,
    };
    let yaml_pieces = yaml_pieces(limits);
    let parse: ParsePiece = if json { &json_pieces } else { &yaml_pieces };
    let list_entries = |document: Value| match document {
        Value::Array(entries) => Some(entries),
        _ => None,
    };
    let documents = |document: Value| Some(vec![document]);
    let entries: Entries = if json || cut.wrapper.is_some() {
        &list_entries
    } else {
        &documents
    };
    // The List around the items first: a document with a top-level
    // `items:` that is not a List (a custom resource's own field) is not
    // cut, and none of its entries is sifted as an object.
    let wrapper = match &cut.wrapper {
        Some(wrapper) => match list_wrapper(wrapper, json, limits) {
            Some(documents) => Some(documents),
            None => return Owned::Whole(text),
        },
        None => None,
    };
    let work = Work {
        ranges: &cut.ranges,
        json,
        parse,
        entries,
        sift,
    };
    let Some(parsed) = work.run(text, threads) else {
        return Owned::Failed;
    };
    let Some(mut documents) = wrapper else {
        return Owned::Parsed(parsed.into_iter().flatten().collect());
    };
    let items: Vec<Value> = parsed.into_iter().flatten().collect();
    if let [Value::Object(map)] = documents.as_mut_slice() {
        map.insert("items".into(), Value::Array(items));
    }
    Owned::Parsed(documents)
}

/// The List around a cut `items` block (with `items` empty), parsed: None
/// unless it is one mapping whose kind ends in `List`.
fn list_wrapper(wrapper: &str, json: bool, limits: Limits) -> Option<Vec<Value>> {
    let documents = if json {
        serde_json::from_str(wrapper).map(|v: Value| vec![v]).ok()?
    } else {
        yaml::parse_stream(wrapper, "", limits).ok()?
    };
    let is_list = match documents.as_slice() {
        [Value::Object(map)] => map
            .get("kind")
            .and_then(Value::as_str)
            .is_some_and(|kind| kind.ends_with("List")),
        _ => false,
    };
    is_list.then_some(documents)
}

/// What one parsed document gives to sift: itself, or a List piece's items;
/// None when the piece is not what the cut expected.
type Entries<'a> = &'a (dyn Fn(Value) -> Option<Vec<Value>> + Sync);

/// One piece's index and the values kept of it.
type Parsed = (usize, Vec<Value>);

/// The parse of an owned text in pieces.
struct Work<'a> {
    ranges: &'a [Range<usize>],
    json: bool,
    parse: ParsePiece<'a>,
    entries: Entries<'a>,
    sift: Sift<'a>,
}

impl Work<'_> {
    /// Each thread first copies its share of the pieces (every
    /// `threads`-th), then the text is let go, then each thread parses its
    /// pieces, freeing each once parsed. Copied by the thread that parses
    /// them, the pieces are freed where that thread's objects are then
    /// allocated, so their room is reused instead of lingering beside them.
    /// None if any piece fails.
    fn run(&self, text: String, threads: usize) -> Option<Vec<Vec<Value>>> {
        let threads = threads.min(self.ranges.len());
        let text = Arc::new(text);
        let copied = Barrier::new(threads);
        let results: Vec<Option<Vec<Parsed>>> = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads)
                .map(|first| {
                    let text = Arc::clone(&text);
                    let copied = &copied;
                    scope.spawn(move || {
                        let mine: Vec<(usize, String)> = (first..self.ranges.len())
                            .step_by(threads)
                            .map(|index| (index, self.piece(&text[self.ranges[index].clone()])))
                            .collect();
                        drop(text);
                        copied.wait();
                        let mut done = Vec::with_capacity(mine.len());
                        for (index, piece) in mine {
                            let documents = (self.parse)(&piece);
                            drop(piece);
                            let mut kept = Vec::new();
                            for document in documents? {
                                for value in (self.entries)(document)? {
                                    (self.sift)(value, &mut kept);
                                }
                            }
                            done.push((index, kept));
                        }
                        Some(done)
                    })
                })
                .collect();
            drop(text);
            workers
                .into_iter()
                .map(|w| w.join().unwrap_or_default())
                .collect()
        });
        let mut ordered = Vec::with_capacity(self.ranges.len());
        for done in results {
            ordered.extend(done?);
        }
        ordered.sort_by_key(|(index, _)| *index);
        Some(ordered.into_iter().map(|(_, kept)| kept).collect())
    }

    /// One piece's own copy: a run of JSON List entries (`{…},`) as one array.
    fn piece(&self, text: &str) -> String {
        if !self.json {
            return text.to_string();
        }
        let entries = text.trim_end().trim_end_matches(',');
        let mut array = String::with_capacity(entries.len() + 2);
        array.push('[');
        array.push_str(entries);
        array.push(']');
        array
    }
}

/// Where an export is cut: the pieces' byte ranges and, for a List, the
/// List without its items (`items` empty), which the items go back into.
struct Cut {
    ranges: Vec<Range<usize>>,
    wrapper: Option<String>,
}

fn yaml_cut(text: &str, threads: usize) -> Option<Cut> {
    let starts = document_starts(text);
    if starts.len() > 1 {
        return Some(Cut {
            ranges: group_ranges(text.len(), &starts, piece_count(text.len(), threads)),
            wrapper: None,
        });
    }
    let block = items_block(text)?;
    let len = block.end - block.start;
    Some(Cut {
        ranges: group_ranges(len, &block.entries, piece_count(len, threads))
            .into_iter()
            .map(|r| r.start + block.start..r.end + block.start)
            .collect(),
        wrapper: Some(format!(
            "{}items: []\n{}",
            &text[..block.line],
            &text[block.end..]
        )),
    })
}

/// A pretty-printed JSON List (`kubectl get -o json`): an object whose
/// top-level `"items": [` line is followed by entries that each start with
/// a line holding only `{`, all at one indentation, up to the `]` line at
/// the key's indentation. JSON strings hold no line breaks, so such a line
/// is always an entry's start; anything else is not cut.
fn json_cut(text: &str, threads: usize) -> Option<Cut> {
    let mut all = lines(text).filter(|(_, line)| !line.trim().is_empty());
    let indent = |line: &str| line.len() - line.trim_start_matches(' ').len();
    let (_, open) = all.next()?;
    if open.trim() != "{" {
        return None;
    }
    let (_, first_key) = all.next()?;
    let key_indent = indent(first_key);
    let mut all = lines(text);
    let (items_line, items_indent) = all.find_map(|(offset, line)| {
        (indent(line) == key_indent && line.trim() == "\"items\": [")
            .then_some((offset, key_indent))
    })?;
    let (start, entry) = all.next()?;
    let entry = entry.trim_end();
    if entry.trim_start() != "{" || indent(entry) <= items_indent {
        return None;
    }
    let mut entries = vec![0];
    let mut close = None;
    for (offset, line) in all {
        let content = line.trim_end();
        if content == entry {
            entries.push(offset - start);
        } else if !content.trim().is_empty() && indent(content) <= items_indent {
            close = Some((offset, content));
            break;
        }
    }
    let (end, closing) = close?;
    let after = closing.trim_start().strip_prefix(']')?;
    let len = end - start;
    Some(Cut {
        ranges: group_ranges(len, &entries, piece_count(len, threads))
            .into_iter()
            .map(|r| r.start + start..r.end + start)
            .collect(),
        wrapper: Some(format!(
            "{}{}\"items\": []{after}{}",
            &text[..items_line],
            " ".repeat(items_indent),
            &text[end + closing.len()..]
        )),
    })
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
    group_ranges(text.len(), starts, pieces)
        .into_iter()
        .map(|range| &text[range])
        .collect()
}

/// The byte ranges of [`group`]'s slices.
fn group_ranges(len: usize, starts: &[usize], pieces: usize) -> Vec<Range<usize>> {
    let target = len / pieces + 1;
    let mut ranges = Vec::new();
    let mut from = 0;
    for &start in starts.iter().skip(1) {
        if start - from >= target {
            ranges.push(from..start);
            from = start;
        }
    }
    ranges.push(from..len);
    ranges
}

/// How one piece is read into its documents; None when it does not parse.
type ParsePiece<'a> = &'a (dyn Fn(&str) -> Option<Vec<Value>> + Sync);

/// YAML pieces: every document of the piece.
fn yaml_pieces(limits: Limits) -> impl Fn(&str) -> Option<Vec<Value>> + Sync {
    move |piece| yaml::parse_stream(piece, "", limits).ok()
}

/// Parses the pieces on `threads` threads, each taking the next piece when
/// done and letting it go once parsed (an owned piece is then freed, so the
/// text shrinks as the parsed objects grow); `entries` turns a parsed
/// document into the values to sift (the document itself, or a List
/// piece's items), or None when the piece is not what the cut expected.
/// Results come back in piece order; None if any piece fails.
fn parse_all<P: AsRef<str> + Send>(
    pieces: Vec<P>,
    parse: ParsePiece,
    threads: usize,
    entries: &(dyn Fn(Value) -> Option<Vec<Value>> + Sync),
    sift: Sift,
) -> Option<Vec<Vec<Value>>> {
    let count = pieces.len();
    let queue = Mutex::new(pieces.into_iter().enumerate());
    let results: Vec<Vec<(usize, Option<Vec<Value>>)>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads.min(count))
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let next = queue.lock().ok().and_then(|mut queue| queue.next());
                        let Some((index, piece)) = next else {
                            break done;
                        };
                        let parsed = parse(piece.as_ref());
                        drop(piece);
                        let parsed = parsed.and_then(|documents| {
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
    if ordered.len() != count {
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
    let wrapper = format!("{}items: []\n{}", &text[..block.line], &text[block.end..]);
    let mut documents = list_wrapper(&wrapper, false, limits)?;
    let mut items = Vec::new();
    for kept in parse_all(pieces, &yaml_pieces(limits), threads, &entries, sift)? {
        items.extend(kept);
    }
    if let [Value::Object(map)] = documents.as_mut_slice() {
        map.insert("items".into(), Value::Array(items));
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

    /// kubectl's `-o json`: a List pretty-printed with four-space indents.
    fn json_list(count: usize) -> String {
        let items: Vec<Value> = (0..count)
            .map(|i| {
                serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap",
                "metadata": {"name": format!("c{i}"), "namespace": "default"},
                "data": {"text": "{\n    not an entry\n}", "more": "x".repeat(300)}})
            })
            .collect();
        let list = serde_json::json!({"apiVersion": "v1", "items": items, "kind": "List",
            "metadata": {"resourceVersion": ""}});
        serde_json::to_string_pretty(&list).unwrap()
    }

    fn owned(text: &str, json: bool) -> Owned {
        parse_owned_on(text.to_string(), json, LIVE_LIMITS, 2, &keep_all)
    }

    #[test]
    fn an_owned_json_list_parses_in_pieces_exactly_like_in_one() {
        let text = json_list(3000);
        assert!(text.len() > PIECES_FROM_BYTES);
        let whole: Vec<Value> = vec![serde_json::from_str(&text).unwrap()];
        let Owned::Parsed(pieces) = owned(&text, true) else {
            panic!("a pretty-printed List is cut")
        };
        assert_eq!(pieces, whole);
        let keys: Vec<&String> = pieces[0].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["apiVersion", "items", "kind", "metadata"]);
    }

    #[test]
    fn owned_yaml_lists_and_streams_parse_in_pieces_exactly_like_in_one() {
        let list = list(12_000, "");
        let Owned::Parsed(pieces) = owned(&list, false) else {
            panic!("a List is cut")
        };
        assert_eq!(pieces, yaml::parse_stream(&list, "t", LIVE_LIMITS).unwrap());
        let doc = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: |\n    --- inside a block scalar\n";
        let stream = vec![doc; 12_000].join("---\n");
        let Owned::Parsed(pieces) = owned(&stream, false) else {
            panic!("a stream is cut")
        };
        assert_eq!(
            pieces,
            yaml::parse_stream(&stream, "t", LIVE_LIMITS).unwrap()
        );
    }

    #[test]
    fn a_broken_owned_piece_fails_for_the_caller_to_read_again() {
        let mut text = json_list(3000);
        let at = text.len() / 2;
        let at = at + text[at..].find("\"more\"").unwrap();
        text.insert_str(at, "oops ");
        assert!(matches!(owned(&text, true), Owned::Failed));
        let text = list(12_000, "").replacen("name: c6000\n", "name: [c6000\n", 1);
        assert!(matches!(owned(&text, false), Owned::Failed));
        // Broken around the items: nothing is cut, the one parse says where.
        let mut text = list(12_000, "");
        text.push_str("oops: [\n");
        assert!(matches!(owned(&text, false), Owned::Whole(_)));
    }

    /// A document with a top-level `items:` that is no List (a custom
    /// resource's own field): its entries are not sifted as objects.
    #[test]
    fn items_of_what_is_no_list_are_not_cut() {
        let text = list(12_000, "").replace("kind: List", "kind: Bundle");
        let sifted = std::sync::atomic::AtomicUsize::new(0);
        let count = |value: Value, out: &mut Vec<Value>| {
            sifted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            out.push(value);
        };
        let owned = parse_owned_on(text.clone(), false, LIVE_LIMITS, 2, &count);
        assert!(matches!(owned, Owned::Whole(_)));
        let parsed = parse_stream_sifted(&text, "t", LIVE_LIMITS, &count).unwrap();
        assert_eq!(parsed.len(), 1);
        assert_eq!(sifted.load(std::sync::atomic::Ordering::Relaxed), 1);
    }

    #[test]
    fn small_or_compact_exports_are_left_whole() {
        let small = json_list(10);
        assert!(matches!(owned(&small, true), Owned::Whole(t) if t == small));
        let compact =
            serde_json::to_string(&serde_json::from_str::<Value>(&json_list(3000)).unwrap())
                .unwrap();
        assert!(matches!(owned(&compact, true), Owned::Whole(_)));
    }

    /// One core cuts too: parsed whole, a List is held whole before any
    /// of it is sifted out.
    #[test]
    fn one_core_parses_a_big_export_in_pieces_too() {
        let list = list(12_000, "");
        let one_core = parse_owned_on(list.clone(), false, LIVE_LIMITS, 1, &keep_all);
        let Owned::Parsed(pieces) = one_core else {
            panic!("one core cuts a List as well")
        };
        assert_eq!(pieces, yaml::parse_stream(&list, "t", LIVE_LIMITS).unwrap());
        let text = json_list(3000);
        let one_core = parse_owned_on(text.clone(), true, LIVE_LIMITS, 1, &keep_all);
        assert!(matches!(one_core, Owned::Parsed(_)));
        let borrowed = parse_in_pieces(&list, LIVE_LIMITS, 1, &keep_all).unwrap();
        assert_eq!(
            borrowed,
            yaml::parse_stream(&list, "t", LIVE_LIMITS).unwrap()
        );
    }

    #[test]
    fn a_big_export_is_split_and_parsed_correctly() {
        let text = list(12_000, "");
        assert!(text.len() > PIECES_FROM_BYTES);
        let parsed = parse_stream(&text, "t", LIVE_LIMITS).unwrap();
        assert_eq!(parsed[0]["items"].as_array().unwrap().len(), 12_000);
        assert_eq!(parsed[0]["items"][11_999]["metadata"]["name"], "c11999");
    }
}
