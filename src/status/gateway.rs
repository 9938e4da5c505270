//! A live Gateway as a Gateway API controller (GKE's gke-l7-* classes)
//! writes it: `status.addresses`, `status.conditions` and one entry per
//! listener in `status.listeners[]`, each with its own conditions. Every
//! type and reason below is a constant of kubernetes-sigs/gateway-api
//! `apis/v1/gateway_types.go` (v1.6.1): `Accepted` may be `True` with
//! `ListenersNotValid`, so a Gateway "accepted" with a listener refused
//! (say its certificate Secret is missing: `ResolvedRefs=False`,
//! `InvalidCertificateRef`) is not ready; that is why every listener is read.

use super::conditions::{self, Rule};
use super::{address_check, check, Check, State};
use crate::k8s::resource::Resource;
use serde_json::Value;

const DESCRIBE: &str = "`kubectl describe gateway` shows the controller's message and events";

/// Gateway `Accepted`: the controller took the Gateway.
const ACCEPTED: Rule = Rule {
    good_but: &[("ListenersNotValid", "the Gateway is accepted but a listener is refused: the listener checks below say which and why")],
    ..Rule::positive(
        "Accepted",
        &["Pending", "NotReconciled"],
        &[
            ("Invalid", "the Gateway is refused as written: check the class (`kubectl get gatewayclass`; the gatewayClass parameter) and the TLS settings"),
            ("InvalidParameters", "the class's parametersRef is invalid: see the message"),
            ("UnsupportedAddress", "the class does not support the address type in spec.addresses: check staticIpName names an address of the kind the class needs (global external, or regional internal)"),
            ("ListenersNotValid", "no listener is valid: the listener checks below say why"),
        ],
        State::ActionNeeded,
        DESCRIBE,
    )
};

/// Gateway `Programmed`: the load balancer is configured.
const PROGRAMMED: Rule = Rule::positive(
    "Programmed",
    &["Pending", "AddressNotAssigned"],
    &[
        ("Invalid", "the Gateway is refused as written: see the message, and the Accepted check"),
        ("NoResources", "the project lacks the resources (quota) for the load balancer: raise the quota named in the message"),
        ("AddressNotUsable", "the address named by staticIpName cannot be used: check it exists (`gcloud compute addresses list`), is global for an external class and regional for an internal one, and is not used elsewhere"),
    ],
    State::Waiting,
    DESCRIBE,
);

/// Gateway `ResolvedRefs` (optional; a summary of the listeners' own).
const RESOLVED_REFS: Rule = Rule::positive(
    "ResolvedRefs",
    &[],
    &[
        (
            "InvalidClientCertificateRef",
            "the client certificate reference does not resolve: see the message",
        ),
        (
            "RefNotPermitted",
            "a reference to another namespace needs a ReferenceGrant in that namespace",
        ),
        (
            "ListenersNotResolved",
            "a listener's references do not resolve: the listener checks below say which",
        ),
    ],
    State::ActionNeeded,
    DESCRIBE,
);

const LISTENER_ACCEPTED: Rule = Rule::positive(
    "Accepted",
    &["Pending"],
    &[
        (
            "PortUnavailable",
            "the listener's port is not available: another listener or Gateway holds it",
        ),
        (
            "UnsupportedProtocol",
            "the class does not support the listener's protocol",
        ),
        (
            "UnsupportedValue",
            "a value of the listener is not supported by the class: see the message",
        ),
        (
            "NoValidCACertificate",
            "none of the CA certificates of the listener's frontend validation is valid",
        ),
    ],
    State::ActionNeeded,
    DESCRIBE,
);

const LISTENER_RESOLVED_REFS: Rule = Rule::positive(
    "ResolvedRefs",
    &[],
    &[
        ("InvalidCertificateRef", "the TLS Secret named in the listener's certificateRefs is missing or not a valid kubernetes.io/tls Secret: create it in the Gateway's namespace (`kubectl create secret tls NAME --cert tls.crt --key tls.key`)"),
        ("InvalidRouteKinds", "the listener allows a route kind the class does not support"),
        ("RefNotPermitted", "a certificate in another namespace needs a ReferenceGrant in that namespace"),
        ("InvalidCACertificateRef", "a CA certificate reference does not resolve"),
        ("InvalidCACertificateKind", "a CA certificate reference is of a kind the class does not support"),
    ],
    State::ActionNeeded,
    DESCRIBE,
);

const LISTENER_PROGRAMMED: Rule = Rule::positive(
    "Programmed",
    &["Pending"],
    &[(
        "Invalid",
        "the listener is refused as written: see its Accepted and ResolvedRefs checks",
    )],
    State::Waiting,
    DESCRIBE,
);

/// `Conflicted` is negative: `True` means two listeners clash.
const LISTENER_CONFLICTED: Rule = Rule {
    wanted: false,
    ..Rule::positive(
        "Conflicted",
        &[],
        &[
            (
                "HostnameConflict",
                "two listeners on one port claim the same hostname: give each its own",
            ),
            (
                "ProtocolConflict",
                "two listeners on one port use different protocols",
            ),
        ],
        State::ActionNeeded,
        DESCRIBE,
    )
};

/// The first address the controller assigned.
pub(super) fn address(live: &Value) -> Option<String> {
    live.pointer("/status/addresses")
        .and_then(Value::as_array)
        .and_then(|a| {
            a.iter()
                .find_map(|x| x.get("value").and_then(Value::as_str))
        })
        .map(String::from)
}

/// Address, the Gateway's conditions, then each listener of the render.
pub(super) fn checks(object: &str, live: &Value, wanted: &Resource) -> Vec<Check> {
    let generation = conditions::generation(live);
    let gateway_conditions = live.pointer("/status/conditions");
    let mut checks = vec![
        address_check(object, address(live)),
        conditions::assess(object, "", gateway_conditions, generation, &ACCEPTED),
        conditions::assess(object, "", gateway_conditions, generation, &PROGRAMMED),
    ];
    if conditions::Condition::find(gateway_conditions, RESOLVED_REFS.kind).is_some() {
        checks.push(conditions::assess(
            object,
            "",
            gateway_conditions,
            generation,
            &RESOLVED_REFS,
        ));
    }
    for name in listener_names(wanted) {
        checks.extend(listener_checks(object, live, name, generation));
    }
    checks
}

/// The listeners the render declares, by name.
fn listener_names(wanted: &Resource) -> impl Iterator<Item = &str> {
    wanted
        .value
        .pointer("/spec/listeners")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|l| l.get("name").and_then(Value::as_str))
}

fn listener_checks(object: &str, live: &Value, name: &str, generation: Option<i64>) -> Vec<Check> {
    let label = format!("listener {name}: ");
    let found = live
        .pointer("/status/listeners")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|l| l.get("name").and_then(Value::as_str) == Some(name));
    let Some(listener) = found else {
        return vec![check(
            object,
            State::Waiting,
            format!("{label}not reported yet"),
            Some("the controller has not processed the listener yet".into()),
        )
        .on(label)];
    };
    let listener_conditions = listener.get("conditions");
    let mut checks: Vec<Check> = [
        LISTENER_ACCEPTED,
        LISTENER_RESOLVED_REFS,
        LISTENER_PROGRAMMED,
    ]
    .iter()
    .map(|rule| conditions::assess(object, &label, listener_conditions, generation, rule))
    .collect();
    if conditions::Condition::find(listener_conditions, LISTENER_CONFLICTED.kind).is_some() {
        checks.push(conditions::assess(
            object,
            &label,
            listener_conditions,
            generation,
            &LISTENER_CONFLICTED,
        ));
    }
    checks
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn wanted() -> Resource {
        Resource::new(
            json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
            "metadata": {"name": "g", "namespace": "default"},
            "spec": {"listeners": [{"name": "https", "port": 443, "protocol": "HTTPS"}]}}),
        )
        .unwrap()
    }

    fn condition(kind: &str, status: &str, reason: &str) -> Value {
        json!({"type": kind, "status": status, "reason": reason, "message": "m", "observedGeneration": 1})
    }

    fn ready_listener() -> Value {
        json!({"name": "https", "attachedRoutes": 1, "conditions": [
            condition("Accepted", "True", "Accepted"),
            condition("ResolvedRefs", "True", "ResolvedRefs"),
            condition("Programmed", "True", "Programmed")]})
    }

    fn live(gateway: Vec<Value>, listeners: Vec<Value>) -> Value {
        json!({"metadata": {"generation": 1},
            "status": {"addresses": [{"type": "IPAddress", "value": "34.1.2.3"}],
                "conditions": gateway, "listeners": listeners}})
    }

    fn states(live: &Value) -> Vec<(State, String)> {
        checks("g", live, &wanted())
            .into_iter()
            .map(|c| (c.state, c.detail))
            .collect()
    }

    fn ready_gateway() -> Vec<Value> {
        vec![
            condition("Accepted", "True", "Accepted"),
            condition("Programmed", "True", "Programmed"),
        ]
    }

    #[test]
    fn accepted_programmed_and_every_listener_ready_is_ready() {
        let all = states(&live(ready_gateway(), vec![ready_listener()]));
        assert_eq!(all.len(), 6, "{all:?}");
        assert!(all.iter().all(|(s, _)| *s == State::Ready), "{all:?}");
    }

    #[test]
    fn accepted_with_listeners_not_valid_and_a_missing_secret_need_action() {
        let mut listener = ready_listener();
        listener["conditions"][1] = condition("ResolvedRefs", "False", "InvalidCertificateRef");
        listener["conditions"][2] = condition("Programmed", "False", "Invalid");
        let gateway = vec![
            condition("Accepted", "True", "ListenersNotValid"),
            condition("Programmed", "True", "Programmed"),
        ];
        let all = states(&live(gateway, vec![listener]));
        assert!(all.contains(&(
            State::ActionNeeded,
            "Accepted is True (ListenersNotValid): m".into()
        )));
        assert!(all.contains(&(
            State::ActionNeeded,
            "listener https: ResolvedRefs is False (InvalidCertificateRef): m".into()
        )));
        assert!(all.contains(&(
            State::ActionNeeded,
            "listener https: Programmed is False (Invalid): m".into()
        )));
    }

    #[test]
    fn accepted_false_invalid_needs_action_and_pending_waits() {
        let gateway = |reason: &str| {
            vec![
                condition("Accepted", "False", reason),
                condition("Programmed", "False", "Pending"),
            ]
        };
        let invalid = states(&live(gateway("Invalid"), vec![ready_listener()]));
        assert_eq!(invalid[1].0, State::ActionNeeded);
        assert_eq!(invalid[2].0, State::Waiting);
        let pending = states(&live(gateway("Pending"), vec![ready_listener()]));
        assert_eq!(pending[1].0, State::Waiting);
    }

    #[test]
    fn programmed_reasons() {
        for (reason, state) in [
            ("Pending", State::Waiting),
            ("AddressNotAssigned", State::Waiting),
            ("Invalid", State::ActionNeeded),
            ("NoResources", State::ActionNeeded),
            ("AddressNotUsable", State::ActionNeeded),
        ] {
            let gateway = vec![
                condition("Accepted", "True", "Accepted"),
                condition("Programmed", "False", reason),
            ];
            assert_eq!(
                states(&live(gateway, vec![ready_listener()]))[2].0,
                state,
                "{reason}"
            );
        }
    }

    #[test]
    fn an_old_programmed_true_after_a_reapply_is_waiting() {
        let mut gateway = live(ready_gateway(), vec![ready_listener()]);
        gateway["metadata"]["generation"] = json!(2);
        let all = states(&gateway);
        assert!(all.contains(&(
            State::Waiting,
            "Programmed: reported for generation 1, the object is at 2".into()
        )));
        assert!(
            all[1..].iter().all(|(s, _)| *s == State::Waiting),
            "{all:?}"
        );
    }

    #[test]
    fn a_listener_not_in_the_status_and_a_conflict() {
        let missing = states(&live(ready_gateway(), vec![]));
        assert_eq!(
            missing.last().unwrap(),
            &(State::Waiting, "listener https: not reported yet".into())
        );
        let mut listener = ready_listener();
        listener["conditions"]
            .as_array_mut()
            .unwrap()
            .push(condition("Conflicted", "True", "HostnameConflict"));
        let conflicted = states(&live(ready_gateway(), vec![listener]));
        assert_eq!(
            conflicted.last().unwrap(),
            &(
                State::ActionNeeded,
                "listener https: Conflicted is True (HostnameConflict): m".into()
            )
        );
    }

    #[test]
    fn no_status_at_all_is_waiting() {
        let all = states(&json!({}));
        assert!(all.iter().all(|(s, _)| *s == State::Waiting), "{all:?}");
        assert!(all.contains(&(State::Waiting, "no address yet".into())));
    }

    #[test]
    fn a_controller_message_is_shown_without_keys_or_terminal_escapes() {
        let body = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg";
        let mut accepted = condition("Accepted", "False", "Invalid");
        accepted["message"] = json!(format!(
            "bad cert -----BEGIN PRIVATE KEY-----\n{body}\n-----END PRIVATE KEY-----\n \x1b[31mRED {}",
            "x".repeat(5000)
        ));
        let checks = checks(
            "g",
            &live(vec![accepted], vec![ready_listener()]),
            &wanted(),
        );
        let detail = &checks
            .iter()
            .find(|c| c.state == State::ActionNeeded)
            .unwrap()
            .detail;
        assert!(
            !detail.contains(&body[..16]) && detail.contains(crate::redact::NOT_SHOWN),
            "{detail}"
        );
        assert!(
            !detail.contains('\x1b') && detail.contains("\\e[31mRED"),
            "{detail}"
        );
        assert!(!detail.contains('\n'), "{detail}");
        assert!(
            detail.len() < 1200 && detail.contains("more bytes"),
            "{}",
            detail.len()
        );
    }
}
