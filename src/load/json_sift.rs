//! Reading `kubectl get -o json` exports without holding every object.
//!
//! serde_json would build the whole `items` array of a cluster-wide List
//! before we could look at it: about eight times the text in memory. Here
//! each item goes through the caller's sift the moment it is parsed, so the
//! objects nobody asked for are dropped one at a time.

use crate::load::live_split::Sift;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;

/// Every top-level JSON value of `text` (several may follow each other; a
/// top-level array is a list of documents), each passed through `sift`,
/// and the `items` of each object through `items` first, as they stream by.
///
/// `items` must be a sift that `sift` may repeat: an object's `items` come
/// before its `kind` (kubectl sorts the keys), so whether they are a List's
/// objects is known only after they went by, and `sift` then sifts a
/// List's items again (and nothing else's).
pub fn parse(text: &str, items: Sift, sift: Sift) -> Result<Vec<Value>, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let mut documents = Vec::new();
    while deserializer.end().is_err() {
        TopLevel {
            items,
            sift,
            out: &mut documents,
        }
        .deserialize(&mut deserializer)?;
    }
    Ok(documents)
}

/// One top-level value: an object (sifted whole, its `items` sifted one by
/// one first), an array of documents, or a scalar (kept for the caller to
/// report as "not an object").
struct TopLevel<'a, 'b> {
    items: Sift<'a>,
    sift: Sift<'a>,
    out: &'b mut Vec<Value>,
}

impl<'de> DeserializeSeed<'de> for TopLevel<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TopLevel<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Kubernetes object, a List or an array of objects")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<(), A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            let value = if key == "items" {
                access.next_value_seed(Items { sift: self.items })?
            } else {
                access.next_value::<Value>()?
            };
            map.insert(key, value);
        }
        (self.sift)(Value::Object(map), self.out);
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut access: A) -> Result<(), A::Error> {
        while let Some(document) = access.next_element::<Value>()? {
            (self.sift)(document, self.out);
        }
        Ok(())
    }

    fn visit_bool<E>(self, v: bool) -> Result<(), E> {
        self.out.push(Value::Bool(v));
        Ok(())
    }

    fn visit_i64<E>(self, v: i64) -> Result<(), E> {
        self.out.push(Value::from(v));
        Ok(())
    }

    fn visit_u64<E>(self, v: u64) -> Result<(), E> {
        self.out.push(Value::from(v));
        Ok(())
    }

    fn visit_f64<E>(self, v: f64) -> Result<(), E> {
        self.out.push(Value::from(v));
        Ok(())
    }

    fn visit_str<E>(self, v: &str) -> Result<(), E> {
        self.out.push(Value::from(v));
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        // `null` is an empty document, skipped like YAML's.
        Ok(())
    }
}

/// An `items` value: an array is sifted entry by entry; anything else is
/// kept as it is.
struct Items<'a> {
    sift: Sift<'a>,
}

impl<'de> DeserializeSeed<'de> for Items<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Items<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut kept = Vec::new();
        while let Some(item) = access.next_element::<Value>()? {
            (self.sift)(item, &mut kept);
        }
        Ok(Value::Array(kept))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some((key, value)) = access.next_entry::<String, Value>()? {
            map.insert(key, value);
        }
        Ok(Value::Object(map))
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::live_split::keep_all;
    use serde_json::json;

    #[test]
    fn everything_is_kept_with_keep_all() {
        let text = r#"{"kind":"List","items":[{"a":1},{"b":2}]} [{"c":3}] {"d":4}"#;
        let docs = parse(text, &keep_all, &keep_all).unwrap();
        assert_eq!(
            docs,
            vec![
                json!({"kind": "List", "items": [{"a": 1}, {"b": 2}]}),
                json!({"c": 3}),
                json!({"d": 4})
            ]
        );
    }

    #[test]
    fn items_are_sifted_one_by_one_and_keys_keep_their_order() {
        let keep_b = |v: Value, out: &mut Vec<Value>| {
            if v.get("a").is_none() {
                out.push(v)
            }
        };
        let docs = parse(
            r#"{"apiVersion":"v1","items":[{"a":1},{"b":2}],"kind":"List"}"#,
            &keep_b,
            &keep_all,
        )
        .unwrap();
        assert_eq!(
            docs,
            vec![json!({"apiVersion": "v1", "items": [{"b": 2}], "kind": "List"})]
        );
        let keys: Vec<_> = docs[0].as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, ["apiVersion", "items", "kind"]);
    }

    #[test]
    fn errors_keep_serde_json_positions() {
        let err = parse("{\n  \"kind\": \"List\",\n  oops\n}", &keep_all, &keep_all).unwrap_err();
        assert_eq!(err.line(), 3);
    }
}
