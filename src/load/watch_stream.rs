//! A watch stream, object by object as each one completes: what
//! `kubectl get KIND -o json -w` prints (pretty JSON objects one after
//! another, not a List) or `-o yaml -w` (YAML documents, `---` before each
//! one but the first). `status --follow` reads such a stream for as long as
//! it runs, so nothing here reads to the end first: memory holds one object
//! at a time, and each object is bounded in size instead of the whole input
//! (a finished export, one List, is bounded item by item and as a whole:
//! [`Bounds`]).
//!
//! The format is told from the first character, like [`crate::load::live`]
//! does. `kind: List` documents are unwrapped (a finite export works too),
//! and `--output-watch-events` lines (`{"type": "MODIFIED", "object": …}`)
//! are understood, so a deleted object can be forgotten. Errors name the
//! input, line and column, never a snippet of it (it may hold a Secret).

use crate::error::{Error, Result};
use crate::k8s::resource::{ResId, Resource};
use crate::load::live::{self, document_location, unwrap_list, LIVE_LIMITS, NOT_AN_OBJECT};
use crate::yaml::Limits;
use serde_json::Value;
use std::cell::Cell;
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::rc::Rc;

/// The largest object a watch stream may carry. The API server stores at
/// most about 1.5 MiB per object (etcd's default request limit), and
/// kubectl's pretty printing indents it; 8 MiB leaves room for both while
/// bounding what one endless or hostile line can make us hold.
pub const MAX_OBJECT_BYTES: usize = 8 << 20;

/// How much of a stream one read may hold. A watch prints objects one by
/// one, each bounded by `object`; a finished export (`kubectl get -o json`
/// without `-w`, in a file or through `<(…)`) is one `kind: List` document
/// of a whole namespace: each of its items is bounded by `object` and the
/// whole by `document`, as a one-off `status` bounds an export.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    /// One object: alone, or one item of a List.
    pub object: usize,
    /// One document, a List with all its items.
    pub document: usize,
}

impl Bounds {
    /// `object` for each object, and for a whole List too.
    pub fn objects(object: usize) -> Bounds {
        Bounds {
            object,
            document: object,
        }
    }
}

/// What one step of a watch says about an object.
#[derive(Debug, Clone, PartialEq)]
pub enum WatchItem {
    /// The object as it is now (added, modified, or listed at the start).
    Seen(Resource),
    /// A `DELETED` watch event: the object is gone.
    Deleted(ResId),
}

/// The objects of a watch stream, in order, each as soon as its text is
/// complete. After the first error the iterator ends.
pub struct WatchStream<R: Read> {
    decoder: Decoder<R>,
    origin: String,
    /// Objects of a document already parsed (a List holds several).
    pending: VecDeque<WatchItem>,
    /// Documents read so far, for "document N" in messages.
    documents: usize,
}

enum Decoder<R: Read> {
    Json {
        documents: serde_json::StreamDeserializer<
            'static,
            serde_json::de::IoRead<BufReader<Budget<R>>>,
            Value,
        >,
        exceeded: Rc<Cell<Option<Exceeded>>>,
    },
    Yaml(YamlDocuments<R>),
    Finished,
}

impl<R: Read> WatchStream<R> {
    /// Starts reading `input`; blocks until its first character arrives
    /// (that tells JSON from YAML). `origin` names it in messages.
    pub fn new(input: R, origin: &str, bounds: Bounds) -> Result<Self> {
        let mut reader = BufReader::new(input);
        let decoder = match first_character(&mut reader, origin)? {
            None => Decoder::Finished,
            Some(b'{' | b'[') => {
                let exceeded = Rc::new(Cell::new(None));
                let budget = Budget {
                    inner: reader,
                    counter: Counter::default(),
                    bounds,
                    exceeded: Rc::clone(&exceeded),
                };
                // serde_json reads a reader byte by byte: a buffer in front
                // of the budget keeps that a copy, not a count per byte.
                Decoder::Json {
                    documents: serde_json::Deserializer::from_reader(BufReader::new(budget))
                        .into_iter(),
                    exceeded,
                }
            }
            Some(_) => Decoder::Yaml(YamlDocuments {
                reader,
                bounds,
                line: 1,
            }),
        };
        Ok(WatchStream {
            decoder,
            origin: origin.to_string(),
            pending: VecDeque::new(),
            documents: 0,
        })
    }

    /// The next document's value, or `None` at the end of the stream.
    fn next_document(&mut self) -> Option<Result<Value>> {
        let origin = &self.origin;
        match &mut self.decoder {
            Decoder::Finished => None,
            Decoder::Json {
                documents,
                exceeded,
            } => {
                let next = documents.next()?;
                Some(next.map_err(|e| match exceeded.get() {
                    Some(exceeded) => too_large(origin, exceeded),
                    None => live::json_error(&e, origin),
                }))
            }
            Decoder::Yaml(yaml) => yaml.next_document(origin),
        }
    }

    /// Turns one document into watch items (a List gives several).
    fn items_of(&self, document: Value) -> Result<Vec<WatchItem>> {
        let location = || document_location(&self.origin, self.documents);
        if let Some(event) = WatchEvent::of(&document) {
            return event.into_items(location());
        }
        unwrap_list(document)
            .into_iter()
            .map(|item| {
                item.map(WatchItem::Seen).map_err(|_| Error::Parse {
                    location: location(),
                    message: NOT_AN_OBJECT.into(),
                    hint: "give the output of `kubectl get KIND -o json -w` (or `-o yaml -w`), unedited".into(),
                })
            })
            .collect()
    }
}

impl<R: Read> Iterator for WatchStream<R> {
    type Item = Result<WatchItem>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Some(Ok(item));
            }
            let document = match self.next_document()? {
                Ok(document) => document,
                Err(e) => return Some(Err(self.finish(e))),
            };
            self.documents += 1;
            match self.items_of(document) {
                Ok(items) => self.pending.extend(items),
                Err(e) => return Some(Err(self.finish(e))),
            }
        }
    }
}

impl<R: Read> WatchStream<R> {
    /// Nothing after an error is trusted: the position is lost.
    fn finish(&mut self, e: Error) -> Error {
        self.decoder = Decoder::Finished;
        e
    }
}

/// Skips leading white space and a byte-order mark, and returns the first
/// character without consuming it; `None` for an empty stream.
fn first_character(reader: &mut BufReader<impl Read>, origin: &str) -> Result<Option<u8>> {
    let mut at_start = true;
    loop {
        let buffer = reader
            .fill_buf()
            .map_err(|e| Error::io("reading", origin, e))?;
        if buffer.is_empty() {
            return Ok(None);
        }
        if at_start && buffer.starts_with("\u{feff}".as_bytes()) {
            reader.consume(3);
            at_start = false;
            continue;
        }
        at_start = false;
        let blank = buffer
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
        if blank < buffer.len() {
            let first = buffer[blank];
            reader.consume(blank);
            return Ok(Some(first));
        }
        let all = buffer.len();
        reader.consume(all);
    }
}

/// Which bound a read passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Exceeded {
    Object(usize),
    Document(usize),
}

fn too_large(origin: &str, exceeded: Exceeded) -> Error {
    let message = match exceeded {
        Exceeded::Object(bytes) => format!("an object in the stream is larger than {bytes} bytes"),
        Exceeded::Document(bytes) => {
            format!("a List in the stream is larger than {bytes} bytes (--max-input-bytes)")
        }
    };
    Error::Parse {
        location: origin.to_string(),
        message,
        hint: "watch only the objects status reads: `kubectl get ingress -o json -w` and `kubectl get managedcertificate -o json -w` (gateway: gateway, httproute, gcpbackendpolicy, healthcheckpolicy); a bigger finished export needs a higher --max-input-bytes".into(),
    }
}

/// Where the JSON text read so far stands: enough structure to tell one
/// document, and one item of a List, from the next (`{"items": [{…}, {…}]}`:
/// the elements of an array right under the document's top object), without
/// parsing it.
#[derive(Debug, Default, Clone, Copy)]
struct Counter {
    /// Bytes of the current object (the document, or the List item).
    object: usize,
    /// Bytes of the current document.
    document: usize,
    depth: usize,
    in_string: bool,
    escaped: bool,
    /// The top of the document is an object (not a bare array).
    top_is_object: bool,
    /// Inside an array right under the top object: a List's `items`.
    in_items: bool,
}

impl Counter {
    /// Counts one byte, resetting at the end of an item or a document.
    fn count(&mut self, byte: u8) {
        self.object += 1;
        self.document += 1;
        if self.in_string {
            match byte {
                _ if self.escaped => self.escaped = false,
                b'\\' => self.escaped = true,
                b'"' => self.in_string = false,
                _ => {}
            }
            return;
        }
        match byte {
            b'"' => self.in_string = true,
            b'{' | b'[' => {
                self.depth += 1;
                match self.depth {
                    1 => self.top_is_object = byte == b'{',
                    2 => self.in_items = self.top_is_object && byte == b'[',
                    _ => {}
                }
            }
            b'}' | b']' => {
                self.depth = self.depth.saturating_sub(1);
                match self.depth {
                    0 => *self = Counter::default(),
                    1 => self.in_items = false,
                    2 if self.in_items => self.object = 0,
                    _ => {}
                }
            }
            _ => {}
        }
    }

    fn exceeded(&self, bounds: Bounds) -> Option<Exceeded> {
        if self.object > bounds.object {
            Some(Exceeded::Object(bounds.object))
        } else if self.document > bounds.document {
            Some(Exceeded::Document(bounds.document))
        } else {
            None
        }
    }
}

/// Counts the bytes of the current JSON object and document and fails the
/// read once they pass their bound, so a huge one is refused before it is
/// held.
struct Budget<R: Read> {
    inner: BufReader<R>,
    counter: Counter,
    bounds: Bounds,
    /// Which bound was passed, for the message.
    exceeded: Rc<Cell<Option<Exceeded>>>,
}

impl<R: Read> Read for Budget<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        for &byte in &buf[..n] {
            self.counter.count(byte);
            if let Some(exceeded) = self.counter.exceeded(self.bounds) {
                self.exceeded.set(Some(exceeded));
                return Err(std::io::Error::other("too large"));
            }
        }
        Ok(n)
    }
}

/// YAML documents cut at `---` lines as the lines arrive.
struct YamlDocuments<R: Read> {
    reader: BufReader<R>,
    bounds: Bounds,
    /// The line the next document starts on, for messages.
    line: usize,
}

impl<R: Read> YamlDocuments<R> {
    /// Reads lines up to the next `---` (or the end) and parses them; empty
    /// documents are skipped.
    fn next_document(&mut self, origin: &str) -> Option<Result<Value>> {
        loop {
            let first_line = self.line;
            let (text, at_end) = match self.read_document(origin) {
                Ok(read) => read,
                Err(e) => return Some(Err(e)),
            };
            if !text.trim().is_empty() {
                return Some(parse_one(&text, origin, first_line, self.bounds.document));
            }
            if at_end {
                return None;
            }
        }
    }

    /// The text up to the next separator line; `true` when the stream ended.
    /// A line starting `- ` at the left margin starts an item of a List
    /// (`items:` as kubectl writes it): each item is bounded by itself.
    fn read_document(&mut self, origin: &str) -> Result<(String, bool)> {
        let mut text = Vec::new();
        let mut item_start = 0;
        loop {
            let start = text.len();
            let room = (self.bounds.document + 1)
                .saturating_sub(start)
                .min((self.bounds.object + 1).saturating_sub(start - item_start))
                as u64;
            let read = (&mut self.reader)
                .take(room)
                .read_until(b'\n', &mut text)
                .map_err(|e| Error::io("reading", origin, e))?;
            if text[start..].starts_with(b"- ") || text[start..].starts_with(b"-\n") {
                item_start = start;
            }
            if text.len() - item_start > self.bounds.object {
                return Err(too_large(origin, Exceeded::Object(self.bounds.object)));
            }
            if text.len() > self.bounds.document {
                return Err(too_large(origin, Exceeded::Document(self.bounds.document)));
            }
            if read == 0 {
                return Ok((utf8(text, origin)?, true));
            }
            self.line += 1;
            if is_separator(&text[start..]) {
                text.truncate(start);
                return Ok((utf8(text, origin)?, false));
            }
        }
    }
}

/// `---` alone on its line (what kubectl writes between objects).
fn is_separator(line: &[u8]) -> bool {
    line.strip_prefix(b"---")
        .is_some_and(|rest| rest.iter().all(u8::is_ascii_whitespace))
}

fn utf8(bytes: Vec<u8>, origin: &str) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| Error::Parse {
        location: origin.to_string(),
        message: format!(
            "not UTF-8 text (byte {} of a document)",
            e.utf8_error().valid_up_to()
        ),
        hint: "give the output of `kubectl get KIND -o yaml -w` or `-o json -w`".into(),
    })
}

/// Parses one document's text; errors point at the stream's line, not
/// the document's.
fn parse_one(text: &str, origin: &str, first_line: usize, max_bytes: usize) -> Result<Value> {
    let limits = Limits {
        max_bytes,
        max_documents: 1,
        ..LIVE_LIMITS
    };
    let mut documents = crate::yaml::parse_stream(text, origin, limits)
        .map_err(|e| shift_line(e, origin, first_line - 1))?;
    Ok(documents.pop().unwrap_or(Value::Null))
}

/// `origin:L:C` → `origin:(L+offset):C`.
fn shift_line(error: Error, origin: &str, offset: usize) -> Error {
    let Error::Parse {
        location,
        message,
        hint,
    } = error
    else {
        return error;
    };
    let shifted = location
        .strip_prefix(origin)
        .and_then(|rest| rest.strip_prefix(':'))
        .and_then(|rest| rest.split_once(':'))
        .and_then(|(line, column)| Some((line.parse::<usize>().ok()?, column)))
        .map(|(line, column)| format!("{origin}:{}:{column}", line + offset))
        .unwrap_or(location);
    Error::Parse {
        location: shifted,
        message,
        hint,
    }
}

/// `kubectl get -w --output-watch-events`: `{"type": …, "object": {…}}`.
struct WatchEvent {
    kind: String,
    object: Value,
}

impl WatchEvent {
    fn of(document: &Value) -> Option<WatchEvent> {
        let map = document.as_object()?;
        if map.contains_key("kind") {
            return None;
        }
        Some(WatchEvent {
            kind: map.get("type")?.as_str()?.to_string(),
            object: map.get("object")?.clone(),
        })
    }

    fn into_items(self, location: String) -> Result<Vec<WatchItem>> {
        let not_an_object = |location: String| Error::Parse {
            location,
            message: format!("{} watch event without an object", self.kind),
            hint: "give the output of `kubectl get KIND -o json -w`, unedited".into(),
        };
        match self.kind.as_str() {
            "BOOKMARK" => Ok(Vec::new()),
            "ERROR" => Err(Error::Parse {
                location,
                message: format!(
                    "the watch reported an error: {}",
                    self.object
                        .get("message")
                        .and_then(Value::as_str)
                        .unwrap_or("no message")
                ),
                hint: "start the watch again (`kubectl get … -w`); it may have expired".into(),
            }),
            "DELETED" => ResId::of(&self.object)
                .map(|id| vec![WatchItem::Deleted(id)])
                .ok_or_else(|| not_an_object(location)),
            _ => Resource::new(self.object.clone())
                .map(|r| vec![WatchItem::Seen(r)])
                .ok_or_else(|| not_an_object(location)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<String> {
        WatchStream::new(text.as_bytes(), "w", Bounds::objects(MAX_OBJECT_BYTES))
            .unwrap()
            .map(|item| match item.unwrap() {
                WatchItem::Seen(r) => r.id.name,
                WatchItem::Deleted(id) => format!("-{}", id.name),
            })
            .collect()
    }

    fn service(name: &str) -> String {
        format!("{{\n    \"apiVersion\": \"v1\",\n    \"kind\": \"Service\",\n    \"metadata\": {{\n        \"name\": \"{name}\"\n    }}\n}}\n")
    }

    #[test]
    fn concatenated_pretty_json_objects_come_one_by_one() {
        let text = format!("{}{}", service("a"), service("b"));
        assert_eq!(names(&text), ["a", "b"]);
    }

    #[test]
    fn yaml_documents_are_cut_at_separator_lines() {
        let text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: b\n---\n";
        assert_eq!(names(text), ["a", "b"]);
    }

    #[test]
    fn lists_and_watch_events_are_understood() {
        let list = r#"{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Service","metadata":{"name":"a"}}]}"#;
        let deleted = r#"{"type":"DELETED","object":{"apiVersion":"v1","kind":"Service","metadata":{"name":"a"}}}"#;
        let bookmark = r#"{"type":"BOOKMARK","object":{"apiVersion":"v1","kind":"Service","metadata":{"resourceVersion":"9"}}}"#;
        assert_eq!(
            names(&format!("{list}\n{deleted}\n{bookmark}")),
            ["a", "-a"]
        );
    }

    #[test]
    fn an_object_is_yielded_before_the_stream_ends() {
        // A reader that fails after the first object: the object must come
        // out before the failure is seen.
        struct ThenFail<'a>(&'a [u8]);
        impl Read for ThenFail<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                if self.0.is_empty() {
                    return Err(std::io::Error::other("still open"));
                }
                let n = buf.len().min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        for text in [
            service("a"),
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n---\n".into(),
        ] {
            let mut stream = WatchStream::new(
                ThenFail(text.as_bytes()),
                "w",
                Bounds::objects(MAX_OBJECT_BYTES),
            )
            .unwrap();
            assert!(matches!(stream.next(), Some(Ok(WatchItem::Seen(r))) if r.id.name == "a"));
        }
    }

    #[test]
    fn an_object_over_the_limit_is_refused_without_reading_it_all() {
        // An endless JSON string, and an endless YAML line.
        for (start, endless) in [(&b" {\"a\": \""[..], b'x'), (&b"a: "[..], b'a')] {
            let input = start.chain(std::io::repeat(endless));
            let mut stream = WatchStream::new(input, "<stdin>", Bounds::objects(1000)).unwrap();
            let err = stream.next().unwrap().unwrap_err().to_string();
            assert!(err.contains("larger than 1000 bytes"), "{err}");
            assert!(stream.next().is_none());
        }
    }

    #[test]
    fn errors_give_the_streams_line() {
        let text =
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: [\n";
        let err = WatchStream::new(text.as_bytes(), "w.yaml", Bounds::objects(MAX_OBJECT_BYTES))
            .unwrap()
            .nth(1)
            .unwrap()
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("w.yaml:7:7:"), "{err}");
        let json = format!("{}{{\n  \"kind\": oops\n}}", service("a"));
        let err = WatchStream::new(json.as_bytes(), "w.json", Bounds::objects(MAX_OBJECT_BYTES))
            .unwrap()
            .nth(1)
            .unwrap()
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("w.json:9:"), "{err}");
    }

    #[test]
    fn a_document_that_is_not_an_object_is_an_error_naming_it() {
        let err = names_err("{\"foo\": 1}");
        assert!(
            err.contains("w (document 1)") && err.contains("not a Kubernetes object"),
            "{err}"
        );
    }

    fn names_err(text: &str) -> String {
        WatchStream::new(text.as_bytes(), "w", Bounds::objects(MAX_OBJECT_BYTES))
            .unwrap()
            .find_map(Result::err)
            .unwrap()
            .to_string()
    }

    #[test]
    fn an_empty_stream_has_no_objects() {
        assert!(names("  \n").is_empty());
    }

    /// A List of `items` Services, each with a `pad`-byte annotation whose
    /// text holds what could confuse a byte counter (braces, quotes, escapes).
    fn list(items: usize, pad: usize, yaml: bool) -> String {
        let filler = format!("{{[\\\"]}}{}", "x".repeat(pad));
        let items: Vec<Value> = (0..items)
            .map(|i| {
                serde_json::json!({"apiVersion": "v1", "kind": "Service",
                    "metadata": {"name": format!("s{i}"), "annotations": {"a": filler}}})
            })
            .collect();
        let list = serde_json::json!({"apiVersion": "v1", "items": items, "kind": "List"});
        if yaml {
            crate::yaml::to_string(&list)
        } else {
            serde_json::to_string_pretty(&list).unwrap()
        }
    }

    fn read_all(text: &str, bounds: Bounds) -> std::result::Result<usize, String> {
        WatchStream::new(text.as_bytes(), "w", bounds)
            .unwrap()
            .try_fold(0, |n, item| item.map(|_| n + 1))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn a_list_is_bounded_per_item_and_as_a_whole() {
        let bounds = Bounds {
            object: 1000,
            document: 20_000,
        };
        for yaml in [false, true] {
            // 30 items of about 500 bytes: each within 1000, the whole over it.
            assert_eq!(
                read_all(&list(30, 400, yaml), bounds),
                Ok(30),
                "yaml {yaml}"
            );
            let one_too_big = read_all(&list(3, 2000, yaml), bounds).unwrap_err();
            assert!(
                one_too_big.contains("an object in the stream is larger than 1000 bytes"),
                "{one_too_big}"
            );
            let all_too_big = read_all(&list(60, 400, yaml), bounds).unwrap_err();
            assert!(
                all_too_big.contains("a List in the stream is larger than 20000 bytes"),
                "{all_too_big}"
            );
        }
    }

    #[test]
    fn objects_after_a_list_are_counted_afresh() {
        let bounds = Bounds {
            object: 1000,
            document: 20_000,
        };
        let text = format!("{}\n{}{}", list(30, 400, false), service("a"), service("b"));
        assert_eq!(read_all(&text, bounds), Ok(32));
    }
}
