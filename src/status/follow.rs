//! `status --follow`: the guide's "watch until the certificate is Active and
//! the address appears", as a verdict that is re-assessed after every
//! object of a watch stream.
//!
//! The follower keeps only the latest version of each object the render
//! names (a later version replaces the earlier one; anything else in the
//! stream is dropped at once), so memory stays bounded however long the
//! watch runs. After each object it runs [`assess`] again and returns what
//! changed, check by check: the lines come from the checks themselves
//! ("no address yet" → "address 34.1.2.3"), nothing is written for
//! particular transitions. It never prints; the command does.
//!
//! Until every object of the render has been seen the verdict is "still
//! awaited", not an error as in a one-off `status`: a watch starts with the
//! current state of each object, and an object that does not exist yet
//! (applied a moment later, or by Argo CD) may still appear.

use crate::error::Result;
use crate::k8s::resource::Resource;
use crate::load::watch_stream::WatchItem;
use crate::render::Rendered;
use crate::status::{assess, watched, Check, Status};

/// What changed after one object of the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Objects of the render not in the stream (yet), by identity; sent
    /// whenever that list changes while it is not empty.
    Awaiting(Vec<String>),
    /// A check as it stands now, and how it stood before (`None` the first
    /// time all objects are seen, or when an object gained a check).
    Changed {
        /// The check before the change.
        before: Option<Check>,
        /// The check now.
        after: Check,
    },
}

/// The latest state of each watched object, and the verdict on them.
pub struct Follower<'r> {
    rendered: &'r Rendered,
    wanted: Vec<&'r Resource>,
    latest: Vec<Option<Resource>>,
    last_awaited: Vec<String>,
    status: Option<Status>,
}

impl<'r> Follower<'r> {
    /// A follower of the objects `rendered` names, none seen yet.
    pub fn new(rendered: &'r Rendered) -> Self {
        let wanted: Vec<&Resource> = watched(rendered).collect();
        Follower {
            rendered,
            latest: vec![None; wanted.len()],
            wanted,
            last_awaited: Vec::new(),
            status: None,
        }
    }

    /// The objects of the render not seen (or deleted since).
    pub fn awaited(&self) -> Vec<String> {
        self.wanted
            .iter()
            .zip(&self.latest)
            .filter(|(_, seen)| seen.is_none())
            .map(|(wanted, _)| wanted.id.to_string())
            .collect()
    }

    /// The verdict on the latest objects, once every one has been seen.
    pub fn status(&self) -> Option<&Status> {
        self.status.as_ref()
    }

    /// Everything seen and every check ready.
    pub fn ready(&self) -> bool {
        self.awaited().is_empty() && self.status.as_ref().is_some_and(Status::ready)
    }

    /// Takes one item of the stream and says what changed. Objects the
    /// render does not name change nothing.
    pub fn observe(&mut self, item: WatchItem) -> Result<Vec<Event>> {
        let (id, replacement) = match item {
            WatchItem::Seen(resource) => (resource.id.clone(), Some(resource)),
            WatchItem::Deleted(id) => (id, None),
        };
        let Some(slot) = self.wanted.iter().position(|w| w.id.matches(&id)) else {
            return Ok(Vec::new());
        };
        self.latest[slot] = replacement;
        let awaited = self.awaited();
        if !awaited.is_empty() {
            let changed = awaited != self.last_awaited;
            self.last_awaited.clone_from(&awaited);
            return Ok(if changed {
                vec![Event::Awaiting(awaited)]
            } else {
                Vec::new()
            });
        }
        self.last_awaited.clear();
        let live: Vec<Resource> = self.latest.iter().flatten().cloned().collect();
        let now = assess(self.rendered, &live)?;
        let events = changes(self.status.as_ref(), &now);
        self.status = Some(now);
        Ok(events)
    }
}

/// The checks of `now` that differ from `before`: matched by object, topic
/// and position among the checks of that object and topic. Each object's
/// checks come in a fixed order (address, HTTPS, backends; certificate,
/// then each domain); where checks come and go with the status (a Gateway's
/// listeners, its optional conditions) their topic keeps them apart.
fn changes(before: Option<&Status>, now: &Status) -> Vec<Event> {
    let mut events = Vec::new();
    for (position, check) in positions(&now.checks) {
        let previous = before.and_then(|b| {
            positions(&b.checks)
                .find(|(p, c)| *p == position && c.object == check.object && c.topic == check.topic)
                .map(|(_, c)| c)
        });
        let same = previous.is_some_and(|p| p.state == check.state && p.detail == check.detail);
        if !same {
            events.push(Event::Changed {
                before: previous.cloned(),
                after: check.clone(),
            });
        }
    }
    events
}

/// Each check with its position among its object's checks of its topic.
fn positions(checks: &[Check]) -> impl Iterator<Item = (usize, &Check)> {
    checks.iter().enumerate().map(move |(i, check)| {
        let position = checks[..i]
            .iter()
            .filter(|c| c.object == check.object && c.topic == check.topic)
            .count();
        (position, check)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::params::{Origin, ParamInputs, Setting};
    use crate::render::{render, Sources};
    use crate::status::State;
    use serde_json::{json, Value};

    fn google_managed() -> Rendered {
        let inputs = ParamInputs {
            flags: vec![Setting {
                key: "overlays".into(),
                value: json!(["google-managed"]),
                origin: Origin::Flag("--overlay".into()),
            }],
            ..Default::default()
        };
        render(&inputs, &Sources::builtin()).unwrap()
    }

    fn ingress(address: Option<&str>) -> Resource {
        let mut value = json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": "my-release-milvus", "namespace": "default", "annotations": {
                "networking.gke.io/managed-certificates": "my-release-milvus-tls",
                "ingress.kubernetes.io/https-forwarding-rule": "k8s2-fs-x",
                "ingress.kubernetes.io/backends": "{\"k8s1-a\":\"HEALTHY\"}"}}});
        if let Some(ip) = address {
            value["status"] = json!({"loadBalancer": {"ingress": [{"ip": ip}]}});
        }
        Resource::new(value).unwrap()
    }

    fn certificate(status: &str) -> Resource {
        let value: Value = json!({"apiVersion": "networking.gke.io/v1", "kind": "ManagedCertificate",
            "metadata": {"name": "my-release-milvus-tls", "namespace": "default"},
            "status": {"certificateName": "mcrt-1", "certificateStatus": status,
                "domainStatus": [{"domain": "my-release.milvus.io", "status": status}]}});
        Resource::new(value).unwrap()
    }

    fn details(events: &[Event]) -> Vec<String> {
        events
            .iter()
            .map(|e| match e {
                Event::Awaiting(ids) => format!("awaiting {}", ids.join(", ")),
                Event::Changed { before, after } => format!(
                    "{} -> {}",
                    before.as_ref().map_or("", |b| b.detail.as_str()),
                    after.detail
                ),
            })
            .collect()
    }

    #[test]
    fn objects_are_awaited_then_each_change_is_reported_once() {
        let rendered = google_managed();
        let mut follower = Follower::new(&rendered);
        let first = follower.observe(WatchItem::Seen(ingress(None))).unwrap();
        assert_eq!(
            details(&first),
            ["awaiting networking.gke.io/v1/ManagedCertificate/default/my-release-milvus-tls"]
        );
        // The same object again changes nothing: the list is not repeated.
        assert!(follower
            .observe(WatchItem::Seen(ingress(None)))
            .unwrap()
            .is_empty());
        let all = follower
            .observe(WatchItem::Seen(certificate("Provisioning")))
            .unwrap();
        assert_eq!(all.len(), 5, "{all:?}");
        assert!(!follower.ready());
        let address = follower
            .observe(WatchItem::Seen(ingress(Some("34.1.2.3"))))
            .unwrap();
        assert_eq!(details(&address), ["no address yet -> address 34.1.2.3"]);
        let active = follower
            .observe(WatchItem::Seen(certificate("Active")))
            .unwrap();
        assert_eq!(
            details(&active),
            [
                "certificate Provisioning (mcrt-1) -> certificate Active (mcrt-1)",
                "domain my-release.milvus.io: Provisioning -> domain my-release.milvus.io: Active"
            ]
        );
        assert!(follower.ready());
        assert!(matches!(&active[0], Event::Changed { after, .. } if after.state == State::Ready));
    }

    #[test]
    fn other_objects_change_nothing_and_a_deleted_one_is_awaited_again() {
        let rendered = google_managed();
        let mut follower = Follower::new(&rendered);
        let other = Resource::new(json!({"apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": "x", "namespace": "default"}, "data": {"k": "c2VjcmV0"}}))
        .unwrap();
        assert!(follower.observe(WatchItem::Seen(other)).unwrap().is_empty());
        follower
            .observe(WatchItem::Seen(ingress(Some("34.1.2.3"))))
            .unwrap();
        follower
            .observe(WatchItem::Seen(certificate("Active")))
            .unwrap();
        assert!(follower.ready());
        let gone = follower
            .observe(WatchItem::Deleted(certificate("Active").id))
            .unwrap();
        assert_eq!(details(&gone).len(), 1);
        assert!(details(&gone)[0].starts_with("awaiting "));
        assert!(!follower.ready());
    }

    /// The ready objects of testdata/live/milvus-gateway.yaml.
    fn gateway_export() -> Vec<Resource> {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/testdata/live/milvus-gateway.yaml"
        ))
        .unwrap();
        crate::yaml::parse_stream(&text, "live", Default::default()).unwrap()[0]["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|item| Resource::new(item.clone()))
            .collect()
    }

    #[test]
    fn a_check_that_appears_changes_only_itself() {
        let rendered = crate::status::tests::rendered(&["gateway"], &[("certMap", "m")]);
        let mut follower = Follower::new(&rendered);
        let export = gateway_export();
        for object in &export {
            follower.observe(WatchItem::Seen(object.clone())).unwrap();
        }
        assert!(follower.ready(), "{:?}", follower.status());
        // The Gateway gains its optional ResolvedRefs condition: one new
        // line, and the listener checks after it are not paired anew.
        let mut gateway = export
            .iter()
            .find(|r| r.id.kind == "Gateway")
            .unwrap()
            .clone();
        gateway.value["status"]["conditions"]
            .as_array_mut()
            .unwrap()
            .push(
                json!({"type": "ResolvedRefs", "status": "True", "reason": "ResolvedRefs",
                "observedGeneration": 1}),
            );
        let events = follower.observe(WatchItem::Seen(gateway)).unwrap();
        assert_eq!(details(&events), [" -> ResolvedRefs"]);
    }
}
