//! Kubernetes conditions (`{type, status, reason, message,
//! observedGeneration}`) as the Gateway API controllers write them, read
//! with the two cares their contract asks for:
//!
//! - a condition whose `observedGeneration` is older than the object's
//!   `metadata.generation` describes an earlier spec: after a re-apply an
//!   old `Programmed=True` is not "ready" but "not processed yet"
//!   (kubernetes-sigs/gateway-api `apis/v1/shared_types.go`, v1.6.1:
//!   "Implementations MUST always update the `observedGeneration` field of
//!   the Condition to the `metadata.generation` of the Gateway"); a
//!   condition without one (the CRD's default status) is taken as it says;
//! - `False` is not always "wait": the reason says whether the controller is
//!   still working (`Pending`) or refused the object (`Invalid`), and only
//!   the first resolves alone. Each condition type comes with a [`Rule`]
//!   listing its reasons, from the controller's own constants.

use super::{check, Check, State};
use serde_json::Value;

/// One condition of a live object.
#[derive(Debug, Clone, Copy)]
pub(super) struct Condition<'a> {
    status: &'a str,
    reason: &'a str,
    message: &'a str,
    observed_generation: Option<i64>,
}

impl<'a> Condition<'a> {
    /// The condition of type `wanted` in a `conditions` list, if written.
    pub(super) fn find(conditions: Option<&'a Value>, wanted: &str) -> Option<Condition<'a>> {
        let found = conditions
            .and_then(Value::as_array)?
            .iter()
            .find(|c| c.get("type").and_then(Value::as_str) == Some(wanted))?;
        let text = |key: &str| found.get(key).and_then(Value::as_str).unwrap_or_default();
        Some(Condition {
            status: text("status"),
            reason: text("reason"),
            message: text("message"),
            observed_generation: found.get("observedGeneration").and_then(Value::as_i64),
        })
    }

    /// ` (reason): message`, the controller's own words, as far as written.
    fn words(&self) -> String {
        let reason = match self.reason {
            "" => String::new(),
            reason => format!(" ({reason})"),
        };
        match self.message.trim() {
            "" => reason,
            message => format!("{reason}: {message}"),
        }
    }
}

/// How one condition type reads: which reasons of a condition that is not
/// as wanted resolve alone, which need a change and what change.
pub(super) struct Rule {
    /// The condition type, e.g. `Programmed`.
    pub kind: &'static str,
    /// Whether the good state is `True` (`Accepted`) or `False`
    /// (`Conflicted`, a negative-polarity condition).
    pub wanted: bool,
    /// Reasons with the good status that still mean "not ready"
    /// (`Accepted=True` with `ListenersNotValid`), with the fix.
    pub good_but: Fixes,
    /// Reasons of a bad status that the controller resolves alone.
    pub waiting: &'static [&'static str],
    /// Reasons of a bad status that need a change, with the fix.
    pub action: Fixes,
    /// A bad status with a reason in neither list: some controllers use
    /// their own reasons, so each rule decides what those mean.
    pub otherwise: State,
    /// The fix for such a reason.
    pub otherwise_hint: &'static str,
}

/// Reasons of a bad status that need a change, each with the fix.
pub(super) type Fixes = &'static [(&'static str, &'static str)];

impl Rule {
    /// The usual rule: `True` is good, whatever its reason; `waiting`
    /// reasons of a bad status resolve alone, `action` ones need their fix,
    /// any other reason is `otherwise`, with `hint`.
    pub(super) const fn positive(
        kind: &'static str,
        waiting: &'static [&'static str],
        action: Fixes,
        otherwise: State,
        hint: &'static str,
    ) -> Rule {
        Rule {
            kind,
            wanted: true,
            good_but: &[],
            waiting,
            action,
            otherwise,
            otherwise_hint: hint,
        }
    }
}

/// The live object's `metadata.generation`, when written.
pub(super) fn generation(live: &Value) -> Option<i64> {
    live.pointer("/metadata/generation").and_then(Value::as_i64)
}

/// Reads condition `rule.kind` of `conditions` into one check; `label`
/// prefixes its detail (`listener https: `), `generation` is the object's.
pub(super) fn assess(
    object: &str,
    label: &str,
    conditions: Option<&Value>,
    generation: Option<i64>,
    rule: &Rule,
) -> Check {
    let found = Condition::find(conditions, rule.kind);
    let (state, detail, hint) = read(found, generation, rule);
    check(object, state, format!("{label}{detail}"), hint).on(format!("{label}{}", rule.kind))
}

/// The state, detail (without the label) and hint of one condition.
fn read(
    found: Option<Condition<'_>>,
    generation: Option<i64>,
    rule: &Rule,
) -> (State, String, Option<String>) {
    let kind = rule.kind;
    let working = || Some("the controller is still working on it".to_string());
    let Some(condition) = found else {
        return if rule.wanted {
            (
                State::Waiting,
                format!("{kind}: not reported yet"),
                Some("the controller has not processed this object yet".into()),
            )
        } else {
            (State::Ready, format!("{kind}: not reported"), None)
        };
    };
    if let (Some(seen), Some(now)) = (condition.observed_generation, generation) {
        if seen < now {
            return (
                State::Waiting,
                format!("{kind}: reported for generation {seen}, the object is at {now}"),
                Some("the controller has not processed the latest change yet".into()),
            );
        }
    }
    let good = if rule.wanted { "True" } else { "False" };
    let detail = |status: &str| format!("{kind} is {status}{}", condition.words());
    let fix = |fix: &str| Some(fix.to_string());
    if condition.status == good {
        return match rule.good_but.iter().find(|(r, _)| *r == condition.reason) {
            Some((_, hint)) => (State::ActionNeeded, detail(good), fix(hint)),
            None => (State::Ready, kind.to_string(), None),
        };
    }
    match condition.status {
        "True" | "False" => {}
        "" => return (State::Waiting, detail("not set"), working()),
        other => return (State::Waiting, detail(other), working()),
    }
    if rule.waiting.contains(&condition.reason) {
        return (State::Waiting, detail(condition.status), working());
    }
    match rule.action.iter().find(|(r, _)| *r == condition.reason) {
        Some((_, hint)) => (State::ActionNeeded, detail(condition.status), fix(hint)),
        None => (
            rule.otherwise,
            detail(condition.status),
            fix(rule.otherwise_hint),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const RULE: Rule = Rule {
        kind: "Programmed",
        wanted: true,
        good_but: &[("Partly", "fix the part")],
        waiting: &["Pending"],
        action: &[("Invalid", "fix it")],
        otherwise: State::Waiting,
        otherwise_hint: "look",
    };

    fn state(conditions: Value, generation: Option<i64>) -> (State, String) {
        let c = assess("o", "", Some(&conditions), generation, &RULE);
        (c.state, c.detail)
    }

    #[test]
    fn each_status_and_reason_has_its_state() {
        let one = |status: &str, reason: &str| json!([{"type": "Programmed", "status": status, "reason": reason, "message": "m"}]);
        assert_eq!(state(one("True", "Programmed"), None).0, State::Ready);
        assert_eq!(state(one("True", "Partly"), None).0, State::ActionNeeded);
        assert_eq!(state(one("False", "Pending"), None).0, State::Waiting);
        assert_eq!(
            state(one("False", "Invalid"), None),
            (
                State::ActionNeeded,
                "Programmed is False (Invalid): m".into()
            )
        );
        assert_eq!(state(one("False", "Other"), None).0, State::Waiting);
        assert_eq!(state(one("Unknown", "Invalid"), None).0, State::Waiting);
        assert_eq!(
            state(json!([]), None),
            (State::Waiting, "Programmed: not reported yet".into())
        );
    }

    #[test]
    fn a_condition_older_than_the_object_is_waiting_whatever_it_says() {
        let conditions = json!([{"type": "Programmed", "status": "True", "observedGeneration": 1}]);
        assert_eq!(
            state(conditions.clone(), Some(2)),
            (
                State::Waiting,
                "Programmed: reported for generation 1, the object is at 2".into()
            )
        );
        assert_eq!(state(conditions.clone(), Some(1)).0, State::Ready);
        assert_eq!(state(conditions, None).0, State::Ready);
    }

    #[test]
    fn a_negative_condition_is_ready_when_false_or_absent() {
        let rule = Rule {
            kind: "Conflicted",
            wanted: false,
            action: &[("HostnameConflict", "rename")],
            ..RULE
        };
        let c = assess("o", "", Some(&json!([])), None, &rule);
        assert_eq!(c.state, State::Ready);
        let conflicted =
            json!([{"type": "Conflicted", "status": "True", "reason": "HostnameConflict"}]);
        let c = assess("o", "", Some(&conflicted), None, &rule);
        assert_eq!(c.state, State::ActionNeeded);
    }
}
