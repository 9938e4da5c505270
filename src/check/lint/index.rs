//! Look-ups the lints make for every object, by hash instead of by scan:
//! a scan per Ingress over all Services and objects made `validate`
//! quadratic on a big export (50k objects: 11 s).

use super::{reads, ServiceView, READS};
use crate::k8s::annotations::{annotation, MANAGED_CERTIFICATES};
use crate::k8s::kind::{GroupKind, INGRESS, SERVICE};
use crate::k8s::resource::{canonical_group, Resource};
use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

/// Most Service names one message lists: a namespace of thousands of
/// Services made every failed look-up print all of them (177 MB of
/// messages for a 50k-object export).
const MAX_NAMES_SHOWN: usize = 10;

/// The Services the objects may refer to, by namespace and name: the
/// Service objects, looked at only when a lint finds one (a view of each
/// held beside a big export's objects took a tenth of `validate`'s memory),
/// and Services known otherwise (the chart's).
pub struct Services<'a> {
    /// (namespace, name) → the first Service of that name.
    by_name: HashMap<(&'a str, &'a str), Known<'a>>,
    /// namespace → its Services' names in order, for messages.
    names_in: HashMap<&'a str, Vec<&'a str>>,
}

/// Where a Service is known from.
#[derive(Clone, Copy)]
enum Known<'a> {
    Object(&'a Resource),
    View(&'a ServiceView),
}

impl<'a> Services<'a> {
    /// Indexes the Service objects of `resources`, then `others`; the
    /// first of two Services of one name wins, so an object replaces the
    /// chart's Service of its name.
    pub fn new(resources: &'a [Resource], others: &'a [ServiceView]) -> Self {
        let mut by_name = HashMap::new();
        let mut names_in: HashMap<&str, Vec<&str>> = HashMap::new();
        for object in resources.iter().filter(|r| SERVICE.is_id(&r.id)) {
            let (namespace, name) = (object.id.namespace.as_str(), object.id.name.as_str());
            by_name
                .entry((namespace, name))
                .or_insert(Known::Object(object));
            names_in.entry(namespace).or_default().push(name);
        }
        for view in others {
            let key = (view.namespace.as_str(), view.name.as_str());
            if let Entry::Vacant(entry) = by_name.entry(key) {
                entry.insert(Known::View(view));
                names_in.entry(key.0).or_default().push(key.1);
            }
        }
        Services { by_name, names_in }
    }

    /// The Service named `name` in `namespace`, or, for the message, which
    /// Services of that namespace are known (`known: `a`, `b``).
    pub fn find(&self, namespace: &str, name: &str) -> Result<Cow<'a, ServiceView>, String> {
        match self.by_name.get(&(namespace, name)) {
            Some(Known::View(view)) => return Ok(Cow::Borrowed(*view)),
            Some(Known::Object(object)) => {
                if let Some(view) = ServiceView::of_object(object) {
                    return Ok(Cow::Owned(view));
                }
            }
            None => {}
        }
        let names = self
            .names_in
            .get(namespace)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let shown: Vec<String> = names
            .iter()
            .take(MAX_NAMES_SHOWN)
            .map(|name| format!("`{name}`"))
            .collect();
        Err(match names.len() {
            0 => "none is known".to_string(),
            n if n <= MAX_NAMES_SHOWN => format!("known: {}", shown.join(", ")),
            n => format!(
                "known: {} and {} more",
                shown.join(", "),
                n - MAX_NAMES_SHOWN
            ),
        })
    }
}

/// (group, kind) with the old `extensions` Ingress under
/// `networking.k8s.io`: the key that makes both groups' Ingresses one kind.
type KindKey<'a> = (&'a str, &'a str);

fn key_of(kind: GroupKind) -> KindKey<'static> {
    (canonical_group(kind.group, kind.kind), kind.kind)
}

/// The objects by kind, and by kind, namespace and name.
pub struct Objects<'a> {
    by_kind: HashMap<KindKey<'a>, Vec<&'a Resource>>,
    by_name: HashMap<(KindKey<'a>, &'a str, &'a str), &'a Resource>,
    /// (namespace, name) of every ManagedCertificate an Ingress names.
    attached_certificates: HashSet<(&'a str, &'a str)>,
}

impl<'a> Objects<'a> {
    /// Indexes the objects of `resources` whose kinds the lints read
    /// ([`READS`]); the first of two objects of one name wins.
    pub fn new(resources: &'a [Resource]) -> Self {
        let read = |r: &&Resource| reads(&r.id);
        let mut by_kind: HashMap<KindKey<'a>, Vec<&Resource>> = HashMap::new();
        let mut by_name = HashMap::with_capacity(resources.iter().filter(read).count());
        let mut attached_certificates = HashSet::new();
        for r in resources.iter().filter(read) {
            let id = &r.id;
            let kind = (canonical_group(&id.group, &id.kind), id.kind.as_str());
            by_kind.entry(kind).or_default().push(r);
            by_name
                .entry((kind, id.namespace.as_str(), id.name.as_str()))
                .or_insert(r);
            if kind == key_of(INGRESS) {
                let list = annotation(&r.value, MANAGED_CERTIFICATES).unwrap_or_default();
                for name in list.split(',') {
                    attached_certificates.insert((id.namespace.as_str(), name.trim()));
                }
            }
        }
        Objects {
            by_kind,
            by_name,
            attached_certificates,
        }
    }

    /// The objects of `kind`, in input order (both groups' Ingresses for
    /// [`INGRESS`]).
    pub fn of_kind(&self, kind: GroupKind) -> impl Iterator<Item = &'a Resource> + '_ {
        debug_assert!(READS.contains(&kind), "{kind} is not in lint::READS");
        self.by_kind
            .get(&key_of(kind))
            .into_iter()
            .flatten()
            .copied()
    }

    /// The first object of `kind` named `name` in `namespace`.
    pub fn find(&self, kind: GroupKind, namespace: &str, name: &str) -> Option<&'a Resource> {
        debug_assert!(READS.contains(&kind), "{kind} is not in lint::READS");
        self.by_name.get(&(key_of(kind), namespace, name)).copied()
    }

    /// Whether an Ingress in `namespace` names ManagedCertificate `name` in
    /// its managed-certificates annotation.
    pub fn certificate_attached(&self, namespace: &str, name: &str) -> bool {
        self.attached_certificates.contains(&(namespace, name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::Subject;

    fn service(name: &str) -> ServiceView {
        ServiceView {
            subject: Subject::from(name),
            namespace: "ns".into(),
            name: name.into(),
            ports: Vec::new(),
            annotations: None,
        }
    }

    #[test]
    fn a_missing_service_lists_a_bounded_number_of_known_ones() {
        let all: Vec<ServiceView> = (0..1000).map(|i| service(&format!("s{i}"))).collect();
        let services = Services::new(&[], &all);
        assert_eq!(services.find("ns", "s999").unwrap().name, "s999");
        let err = services.find("ns", "nope").unwrap_err();
        assert!(err.ends_with("`s9` and 990 more"), "{err}");
        assert_eq!(services.find("other", "x").unwrap_err(), "none is known");
    }
}
