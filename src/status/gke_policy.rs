//! The GKE Gateway policies — GCPBackendPolicy, HealthCheckPolicy,
//! GCPGatewayPolicy — report their own errors: a Cloud Armor or SSL policy
//! name that does not exist shows here, not on the Gateway. Their CRDs
//! (GoogleCloudPlatform/gke-gateway-api `config/crd/networking.gke.io_*.yaml`)
//! give them `status.conditions`, where GKE writes `Attached` with the
//! reasons `Attached`, `Conflicted`, `Invalid` and `TargetNotFound`
//! (`apis/networking/v1/shared_types.go`, `PolicyConditionReason`, at
//! commit fc40d606a5332f11a8883f85caff66b63c4e88ef), and
//! GCPBackendPolicy also `status.ancestors[]`, the Gateway API's
//! `PolicyAncestorStatus` whose condition is `Accepted` with the reasons
//! `Accepted`, `Conflicted`, `Invalid`, `TargetNotFound`
//! (kubernetes-sigs/gateway-api `apis/v1/policy_types.go`, v1.6.1).
//! Both are read, whichever the controller wrote.

use super::conditions::{self, Condition, Rule};
use super::{check, Check, State};
use serde_json::Value;

const DESCRIBE: &str = "`kubectl describe` the policy: its message names the setting GKE refused (e.g. a Cloud Armor or SSL policy that does not exist in the project)";

/// What the reasons of a policy condition mean, `Attached` and `Accepted` alike.
const fn rule(kind: &'static str) -> Rule {
    Rule::positive(
        kind,
        // The target (the render's Service or Gateway) is applied with the
        // policy; the controller may see the policy first.
        &["Pending", "TargetNotFound"],
        &[
            ("Invalid", DESCRIBE),
            ("Conflicted", "another policy of the same kind targets the same object: keep one (`kubectl get gcpbackendpolicy,healthcheckpolicy,gcpgatewaypolicy -A`)"),
        ],
        State::ActionNeeded,
        DESCRIBE,
    )
}

const ATTACHED: Rule = rule("Attached");
const ACCEPTED: Rule = rule("Accepted");

/// Every condition the controller wrote about the policy.
pub(super) fn checks(object: &str, live: &Value) -> Vec<Check> {
    let generation = conditions::generation(live);
    let mut checks = Vec::new();
    let own = live.pointer("/status/conditions");
    for rule in [&ATTACHED, &ACCEPTED] {
        if Condition::find(own, rule.kind).is_some() {
            checks.push(conditions::assess(object, "", own, generation, rule));
        }
    }
    for ancestor in live
        .pointer("/status/ancestors")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let name = ancestor
            .pointer("/ancestorRef/name")
            .and_then(Value::as_str)
            .unwrap_or("?");
        let kind = ancestor
            .pointer("/ancestorRef/kind")
            .and_then(Value::as_str)
            .unwrap_or("Gateway");
        let label = format!("for {kind} {name}: ");
        checks.push(conditions::assess(
            object,
            &label,
            ancestor.get("conditions"),
            generation,
            &ACCEPTED,
        ));
    }
    if checks.is_empty() {
        checks.push(check(
            object,
            State::Waiting,
            "not attached yet (no status)",
            Some("the GKE Gateway controller has not processed the policy yet; it does once the Gateway exists".into()),
        ));
    }
    checks
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn states(live: Value) -> Vec<(State, String)> {
        checks("p", &live)
            .into_iter()
            .map(|c| (c.state, c.detail))
            .collect()
    }

    #[test]
    fn attached_is_ready_and_its_failures_need_action() {
        let attached = |status: &str, reason: &str| {
            json!({"status": {"conditions": [{"type": "Attached", "status": status,
                "reason": reason, "message": "m"}]}})
        };
        assert_eq!(
            states(attached("True", "Attached")),
            [(State::Ready, "Attached".into())]
        );
        assert_eq!(
            states(attached("False", "Invalid"))[0].0,
            State::ActionNeeded
        );
        assert_eq!(
            states(attached("False", "Conflicted"))[0].0,
            State::ActionNeeded
        );
        assert_eq!(
            states(attached("False", "TargetNotFound"))[0].0,
            State::Waiting
        );
        // A reason of GKE's own (a missing Cloud Armor policy, say): its
        // message is shown and the fix is to read it.
        assert_eq!(
            states(attached("False", "SecurityPolicyNotFound"))[0],
            (
                State::ActionNeeded,
                "Attached is False (SecurityPolicyNotFound): m".into()
            )
        );
    }

    #[test]
    fn each_ancestor_is_read() {
        let live = json!({"metadata": {"generation": 3}, "status": {"ancestors": [
            {"ancestorRef": {"kind": "Gateway", "name": "g"}, "controllerName": "networking.gke.io/gateway",
             "conditions": [{"type": "Accepted", "status": "True", "reason": "Accepted", "observedGeneration": 3}]},
            {"ancestorRef": {"kind": "Gateway", "name": "h"}, "controllerName": "networking.gke.io/gateway",
             "conditions": [{"type": "Accepted", "status": "True", "reason": "Accepted", "observedGeneration": 2}]}]}});
        assert_eq!(
            states(live),
            [
                (State::Ready, "for Gateway g: Accepted".into()),
                (
                    State::Waiting,
                    "for Gateway h: Accepted: reported for generation 2, the object is at 3".into()
                )
            ]
        );
    }

    #[test]
    fn no_status_is_waiting() {
        assert_eq!(states(json!({}))[0].0, State::Waiting);
    }
}
