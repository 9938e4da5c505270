//! A live HTTPRoute as a Gateway API controller writes it: one entry per
//! parent Gateway in `status.parents[]`, each with `Accepted` and
//! `ResolvedRefs` conditions (kubernetes-sigs/gateway-api
//! `apis/v1/shared_types.go`, v1.6.1, `RouteConditionType` and
//! `RouteConditionReason`). Only the parents the render names are read:
//! another controller's entries are not ours to judge.

use super::conditions::{self, Rule};
use super::{check, Check, State};
use crate::k8s::resource::Resource;
use serde_json::Value;

const DESCRIBE: &str = "`kubectl describe httproute` shows the controller's message and events";

const ACCEPTED: Rule = Rule::positive(
    "Accepted",
    &["Pending"],
    &[
        ("NotAllowedByListeners", "the Gateway's listeners do not allow this route (their allowedRoutes namespaces or kinds)"),
        ("NoMatchingListenerHostname", "the route's hostnames match no listener's hostname: render both with the same domain"),
        ("NoMatchingParent", "no listener of the Gateway matches the route's parentRef (sectionName or port)"),
        ("UnsupportedValue", "a value of the route is not supported by the class: see the message"),
        ("IncompatibleFilters", "the route combines filters the class cannot apply together"),
    ],
    State::ActionNeeded,
    DESCRIBE,
);

const RESOLVED_REFS: Rule = Rule::positive(
    "ResolvedRefs",
    &[],
    &[
        ("BackendNotFound", "the backend Service does not exist: apply the whole render (it holds the Service the route names) and give the same --release as the Milvus Helm release"),
        ("RefNotPermitted", "a backend in another namespace needs a ReferenceGrant in that namespace"),
        ("InvalidKind", "a backendRef names a kind the class does not support"),
        ("UnsupportedProtocol", "the backend's appProtocol is not supported by the class"),
    ],
    State::ActionNeeded,
    DESCRIBE,
);

/// For each parent of the render: accepted, references resolved.
pub(super) fn checks(object: &str, live: &Value, wanted: &Resource) -> Vec<Check> {
    let generation = conditions::generation(live);
    parent_refs(wanted)
        .flat_map(|parent| {
            let name = parent.get("name").and_then(Value::as_str).unwrap_or("?");
            let label = format!("parent {name}: ");
            match live_parent(live, parent) {
                None => vec![check(
                    object,
                    State::Waiting,
                    format!("{label}not accepted by the Gateway yet"),
                    Some("the Gateway controller has not processed the route yet".into()),
                )
                .on(label)],
                Some(found) => [ACCEPTED, RESOLVED_REFS]
                    .iter()
                    .map(|rule| {
                        conditions::assess(
                            object,
                            &label,
                            found.get("conditions"),
                            generation,
                            rule,
                        )
                    })
                    .collect(),
            }
        })
        .collect()
}

fn parent_refs(wanted: &Resource) -> impl Iterator<Item = &Value> {
    wanted
        .value
        .pointer("/spec/parentRefs")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

/// The `status.parents[]` entry for a parentRef: same name, and the same
/// sectionName when the render gives one.
fn live_parent<'a>(live: &'a Value, parent: &Value) -> Option<&'a Value> {
    let field = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_owned);
    live.pointer("/status/parents")
        .and_then(Value::as_array)?
        .iter()
        .find(|entry| {
            let Some(reference) = entry.get("parentRef") else {
                return false;
            };
            field(reference, "name") == field(parent, "name")
                && (field(parent, "sectionName").is_none()
                    || field(reference, "sectionName") == field(parent, "sectionName"))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn wanted() -> Resource {
        Resource::new(
            json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
            "metadata": {"name": "r", "namespace": "default"},
            "spec": {"parentRefs": [{"name": "g"}]}}),
        )
        .unwrap()
    }

    fn live(accepted: (&str, &str), resolved: (&str, &str)) -> Value {
        json!({"metadata": {"generation": 1}, "status": {"parents": [
            {"parentRef": {"name": "other"}, "controllerName": "x", "conditions": []},
            {"parentRef": {"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "g"},
             "controllerName": "networking.gke.io/gateway",
             "conditions": [
                {"type": "Accepted", "status": accepted.0, "reason": accepted.1, "observedGeneration": 1},
                {"type": "ResolvedRefs", "status": resolved.0, "reason": resolved.1, "observedGeneration": 1}]}]}})
    }

    fn states(live: &Value) -> Vec<(State, String)> {
        checks("r", live, &wanted())
            .into_iter()
            .map(|c| (c.state, c.detail))
            .collect()
    }

    #[test]
    fn the_renders_parent_is_read_and_others_are_not() {
        let ready = states(&live(("True", "Accepted"), ("True", "ResolvedRefs")));
        assert_eq!(
            ready,
            [
                (State::Ready, "parent g: Accepted".into()),
                (State::Ready, "parent g: ResolvedRefs".into())
            ]
        );
    }

    #[test]
    fn every_route_reason_has_a_state() {
        for (reason, state) in [
            ("Pending", State::Waiting),
            ("NotAllowedByListeners", State::ActionNeeded),
            ("NoMatchingListenerHostname", State::ActionNeeded),
            ("NoMatchingParent", State::ActionNeeded),
            ("UnsupportedValue", State::ActionNeeded),
        ] {
            let found = states(&live(("False", reason), ("True", "ResolvedRefs")));
            assert_eq!(found[0].0, state, "{reason}");
        }
        for (reason, state) in [
            ("BackendNotFound", State::ActionNeeded),
            ("RefNotPermitted", State::ActionNeeded),
            ("InvalidKind", State::ActionNeeded),
        ] {
            let found = states(&live(("True", "Accepted"), ("False", reason)));
            assert_eq!(found[1].0, state, "{reason}");
        }
    }

    #[test]
    fn a_route_without_its_parent_in_the_status_is_waiting() {
        let found = states(&json!({"status": {"parents": []}}));
        assert_eq!(
            found,
            [(
                State::Waiting,
                "parent g: not accepted by the Gateway yet".into()
            )]
        );
    }
}
