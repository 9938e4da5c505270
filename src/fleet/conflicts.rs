//! What two apps of one fleet cannot share:
//! - a release name in one namespace of one cluster: the second Helm
//!   release (or Argo CD Application) takes over the first one's objects;
//! - a DNS name: it points at one load balancer, and a second
//!   ManagedCertificate for it never becomes Active;
//! - a static IP: an address serves one forwarding rule per port. A global
//!   address is one name per Google Cloud project, so it is compared across
//!   the whole fleet; a regional one is per region, which the layout does not
//!   say, so it is compared within a cluster.

use super::app::{FleetApp, StaticIp};
use std::collections::BTreeMap;
use std::fmt;

/// One value two (or more) apps claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// What is shared: "release", "domain", "static IP".
    pub what: &'static str,
    /// The shared value, e.g. `milvus/search` or `milvus.example.com`.
    pub value: String,
    /// The apps (`cluster/namespace/release` directories) that claim it.
    pub apps: Vec<String>,
}

impl fmt::Display for Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} is claimed by {}",
            self.what,
            crate::quote::quoted(&self.value),
            self.apps.join(" and ")
        )
    }
}

/// Every value more than one app claims, in a stable order.
pub fn conflicts(apps: &[FleetApp]) -> Vec<Conflict> {
    let mut claims: BTreeMap<(&'static str, String), Vec<String>> = BTreeMap::new();
    for app in apps {
        let label = app.path.label();
        let mut claim = |what: &'static str, value: String| {
            let owners = claims.entry((what, value)).or_default();
            if !owners.contains(&label) {
                owners.push(label.clone());
            }
        };
        claim(
            "release",
            format!("{}/{}/{}", app.path.cluster, app.namespace, app.release),
        );
        for domain in &app.domains {
            claim("domain", domain.clone());
        }
        for ip in &app.static_ips {
            match ip {
                StaticIp::Global(name) => claim("global static IP", name.clone()),
                StaticIp::Regional(name) => {
                    claim("regional static IP", format!("{}/{name}", app.path.cluster))
                }
            }
        }
    }
    claims
        .into_iter()
        .filter(|(_, apps)| apps.len() > 1)
        .map(|((what, value), apps)| Conflict { what, value, apps })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fleet_layout::AppPath;
    use std::collections::BTreeSet;

    fn app(dir: (&str, &str, &str), release: &str, domain: &str, ip: Option<StaticIp>) -> FleetApp {
        FleetApp {
            path: AppPath {
                cluster: dir.0.into(),
                namespace: dir.1.into(),
                release: dir.2.into(),
            },
            release: release.into(),
            namespace: dir.1.into(),
            domains: BTreeSet::from([domain.to_string()]),
            static_ips: ip.into_iter().collect(),
            objects: 3,
        }
    }

    #[test]
    fn apps_that_share_nothing_do_not_conflict() {
        let apps = [
            app(("c1", "ns", "a"), "a", "a.example.com", None),
            app(("c1", "ns", "b"), "b", "b.example.com", None),
            app(("c2", "ns", "a"), "a", "a2.example.com", None),
        ];
        assert_eq!(conflicts(&apps), []);
    }

    #[test]
    fn a_release_renamed_onto_another_conflicts_in_its_cluster_only() {
        let apps = [
            app(("c1", "ns", "a"), "search", "a.example.com", None),
            app(("c1", "ns", "b"), "search", "b.example.com", None),
        ];
        assert_eq!(
            conflicts(&apps),
            [Conflict {
                what: "release",
                value: "c1/ns/search".into(),
                apps: vec!["c1/ns/a".into(), "c1/ns/b".into()]
            }]
        );
    }

    #[test]
    fn a_domain_conflicts_across_clusters() {
        let apps = [
            app(("c1", "ns", "a"), "a", "milvus.example.com", None),
            app(("c2", "ns", "b"), "b", "milvus.example.com", None),
        ];
        let found = conflicts(&apps);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].to_string(),
            "domain `milvus.example.com` is claimed by c1/ns/a and c2/ns/b"
        );
    }

    #[test]
    fn global_addresses_conflict_fleet_wide_regional_ones_per_cluster() {
        let global = |n: &str| Some(StaticIp::Global(n.into()));
        let regional = |n: &str| Some(StaticIp::Regional(n.into()));
        let apps = [
            app(("c1", "ns", "a"), "a", "a.example.com", global("ip")),
            app(("c2", "ns", "b"), "b", "b.example.com", global("ip")),
            app(("c1", "ns", "c"), "c", "c.example.com", regional("r")),
            app(("c2", "ns", "d"), "d", "d.example.com", regional("r")),
        ];
        let found = conflicts(&apps);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].what, "global static IP");
    }
}
