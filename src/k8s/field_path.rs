//! Field paths as kubectl and the API server write them in errors and
//! `kubectl explain`: `spec.rules[0].http.paths[0].pathType`, a map key
//! that is not a plain name in brackets (`metadata.annotations[cloud.google.com/neg]`,
//! `data[tls.key]`, as apimachinery's `field.Path` writes keys). Every
//! problem a user reads names its field this one way, whatever found it.

use serde_json::Value;

/// The path of the JSON Pointer `pointer` inside `root`. The value is
/// walked to tell an array index (`[0]`) from an object key that looks
/// like a number.
pub fn from_pointer(root: &Value, pointer: &str) -> String {
    let mut path = String::new();
    let mut at = Some(root);
    let tokens = match jsonptr::Pointer::parse(pointer) {
        Ok(parsed) => parsed.tokens().map(|t| t.decoded().into_owned()).collect(),
        Err(_) => vec![pointer.trim_start_matches('/').to_string()],
    };
    for token in tokens {
        match at {
            Some(Value::Array(items)) => {
                path.push_str(&format!("[{token}]"));
                at = token.parse::<usize>().ok().and_then(|i| items.get(i));
            }
            _ => {
                path = child(&path, &token);
                at = at.and_then(|v| v.get(&token));
            }
        }
    }
    path
}

/// `path` and one more key: `.name`, or `[key]` when the key is not a plain
/// name (dots, slashes, spaces, a leading digit).
pub fn child(path: &str, key: &str) -> String {
    let plain = key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    match (plain, path.is_empty()) {
        (true, true) => key.to_string(),
        (true, false) => format!("{path}.{key}"),
        (false, _) => format!("{path}[{key}]"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn arrays_index_and_maps_dot() {
        let ingress = json!({"spec": {"rules": [{"http": {"paths": [{"pathType": "Prefix"}]}}]}});
        assert_eq!(
            from_pointer(&ingress, "/spec/rules/0/http/paths/0/pathTyp"),
            "spec.rules[0].http.paths[0].pathTyp"
        );
        assert_eq!(from_pointer(&ingress, ""), "");
    }

    #[test]
    fn keys_that_are_not_names_stay_whole_in_brackets() {
        let object = json!({"metadata": {"annotations": {"cloud.google.com/neg": 1, "0": 2}},
                            "data": {"tls.key": "x"}});
        assert_eq!(
            from_pointer(&object, "/metadata/annotations/cloud.google.com~1neg"),
            "metadata.annotations[cloud.google.com/neg]"
        );
        assert_eq!(from_pointer(&object, "/data/tls.key"), "data[tls.key]");
        // A key that looks like an index, in an object: still a key.
        assert_eq!(
            from_pointer(&object, "/metadata/annotations/0"),
            "metadata.annotations[0]"
        );
        assert_eq!(child("spec.healthCheck", "port"), "spec.healthCheck.port");
        assert_eq!(child("", "sepc"), "sepc");
    }
}
