//! Hiding a Secret's values before anything about it is shown.
//!
//! Same convention as `kubectl diff` (its `Masker`): each value of `data`
//! and `stringData` becomes `***` when both sides hold the same value, and
//! `*** (before)` / `*** (after)` when they differ, so a reader sees which
//! keys changed and nothing else. The last-applied annotation can hold the
//! whole Secret (kubernetes/kubectl#1453) and is masked too.

use crate::k8s::annotations::LAST_APPLIED;
use serde_json::{Map, Value};

pub const MASK: &str = "***";
pub const MASK_BEFORE: &str = "*** (before)";
pub const MASK_AFTER: &str = "*** (after)";

const SECRET_MAPS: &[&str] = &["data", "stringData"];

/// Masks the Secret values of a live/desired pair (either may be absent).
/// Call it only for Secrets.
pub fn mask_pair(live: Option<&mut Value>, desired: Option<&mut Value>) {
    let (mut live, mut desired) = (live, desired);
    for key in SECRET_MAPS {
        let before = live.as_deref_mut().and_then(|v| data_map(v, key));
        let after = desired.as_deref_mut().and_then(|v| data_map(v, key));
        mask_maps(before, after);
    }
    for side in [live, desired].into_iter().flatten() {
        mask_last_applied(side);
    }
}

fn data_map<'a>(value: &'a mut Value, key: &str) -> Option<&'a mut Map<String, Value>> {
    value.get_mut(key).and_then(Value::as_object_mut)
}

fn mask_maps(before: Option<&mut Map<String, Value>>, after: Option<&mut Map<String, Value>>) {
    match (before, after) {
        (Some(before), Some(after)) => {
            for (key, old) in before.iter_mut() {
                match after.get_mut(key) {
                    Some(new) if new != old => {
                        *old = MASK_BEFORE.into();
                        *new = MASK_AFTER.into();
                    }
                    Some(new) => {
                        *old = MASK.into();
                        *new = MASK.into();
                    }
                    None => *old = MASK.into(),
                }
            }
            for (key, new) in after.iter_mut() {
                if !before.contains_key(key) {
                    *new = MASK.into();
                }
            }
        }
        (Some(only), None) | (None, Some(only)) => {
            only.values_mut().for_each(|v| *v = MASK.into());
        }
        (None, None) => {}
    }
}

fn mask_last_applied(value: &mut Value) {
    if let Some(annotation) = value
        .pointer_mut("/metadata/annotations")
        .and_then(|a| a.get_mut(LAST_APPLIED))
    {
        *annotation = MASK.into();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn equal_values_show_as_stars_and_different_ones_as_before_after() {
        let mut live = json!({"data": {"tls.crt": "AAA", "tls.key": "BBB", "old": "CCC"}});
        let mut desired = json!({"data": {"tls.crt": "AAA", "tls.key": "XXX", "new": "DDD"}});
        mask_pair(Some(&mut live), Some(&mut desired));
        assert_eq!(
            live,
            json!({"data": {"tls.crt": MASK, "tls.key": MASK_BEFORE, "old": MASK}})
        );
        assert_eq!(
            desired,
            json!({"data": {"tls.crt": MASK, "tls.key": MASK_AFTER, "new": MASK}})
        );
    }

    #[test]
    fn a_one_sided_secret_and_its_last_applied_annotation_are_masked() {
        let mut live = json!({"metadata": {"annotations": {LAST_APPLIED: "{\"data\":{\"k\":\"s3cr3t\"}}"}},
            "stringData": {"k": "s3cr3t"}});
        mask_pair(Some(&mut live), None);
        assert!(!live.to_string().contains("s3cr3t"));
        assert_eq!(live["stringData"]["k"], MASK);
        assert_eq!(live["metadata"]["annotations"][LAST_APPLIED], MASK);
    }
}
