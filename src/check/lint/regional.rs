//! Regional (internal, or regional external) Ingresses: what only the
//! global external load balancer has.
//!
//! - Google-managed certificates: the gke-managed-certs controller acts
//!   only on Ingresses whose `kubernetes.io/ingress.class` is unset, empty
//!   or `gce` (`pkg/utils/ingress/ingress.go`, `IsGKE`) and makes *global*
//!   SslCertificates; Google's internal-Ingress page lists only
//!   self-managed certificates. The ManagedCertificate stays Provisioning
//!   and the Ingress serves no HTTPS.
//! - Static addresses: ingress-gce reads
//!   `kubernetes.io/ingress.regional-static-ip-name` for regional load
//!   balancers; a global address cannot be used by a regional forwarding
//!   rule, and both keys together are an error
//!   (`pkg/annotations/ingress.go`, `StaticIPName`).

use crate::k8s::annotations::{
    annotation, GLOBAL_STATIC_IP, INGRESS_CLASS, MANAGED_CERTIFICATES, REGIONAL_INGRESS_CLASSES,
    REGIONAL_STATIC_IP,
};
use crate::k8s::resource::Resource;
use crate::problem::Problem;

/// The rules above, for one Ingress.
pub(super) fn ingress(ingress: &Resource) -> Vec<Problem> {
    let subject = ingress.id.to_string();
    let mut problems = Vec::new();
    let has = |key: &str| annotation(&ingress.value, key).is_some();
    if has(GLOBAL_STATIC_IP) && has(REGIONAL_STATIC_IP) {
        problems.push(Problem::new(
            &subject,
            format!("both {GLOBAL_STATIC_IP} and {REGIONAL_STATIC_IP} are set: ingress-gce refuses the Ingress"),
            "keep one: the regional key for gce-internal and gce-regional-external, the global key otherwise",
        ));
    }
    let class = annotation(&ingress.value, INGRESS_CLASS).unwrap_or_default();
    if !REGIONAL_INGRESS_CLASSES.contains(&class) {
        return problems;
    }
    if has(MANAGED_CERTIFICATES) {
        problems.push(Problem::new(
            &subject,
            format!("{INGRESS_CLASS} is `{class}`, a regional load balancer, and {MANAGED_CERTIFICATES} is set: Google-managed certificates exist only for the global external load balancer (the ManagedCertificate controller ignores other classes), so the certificate stays Provisioning and HTTPS is never served"),
            "use a Secret: --overlay self-managed (with --tls-cert/--tls-key), not google-managed",
        ));
    }
    if has(GLOBAL_STATIC_IP) && !has(REGIONAL_STATIC_IP) {
        problems.push(Problem::new(
            &subject,
            format!("{INGRESS_CLASS} is `{class}`, a regional load balancer, but the address is given by {GLOBAL_STATIC_IP}: a regional forwarding rule cannot use a global address"),
            format!("use {REGIONAL_STATIC_IP} with a regional address (gcloud compute addresses create NAME --region REGION; for gce-internal also --subnet SUBNET --purpose=SHARED_LOADBALANCER_VIP, which an Ingress serving HTTP and HTTPS needs); the static-ip overlay does this when the class is regional"),
        ));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn problems(annotations: Value) -> Vec<String> {
        let object = Resource::new(
            json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": "i", "namespace": "default", "annotations": annotations}}),
        )
        .unwrap();
        ingress(&object).into_iter().map(|p| p.message).collect()
    }

    #[test]
    fn managed_certificates_need_the_global_external_class() {
        let found = problems(json!({INGRESS_CLASS: "gce-internal", MANAGED_CERTIFICATES: "c"}));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("only for the global external"),
            "{found:?}"
        );
        assert_eq!(
            problems(json!({INGRESS_CLASS: "gce-regional-external", MANAGED_CERTIFICATES: "c"}))
                .len(),
            1
        );
        assert!(problems(json!({INGRESS_CLASS: "gce", MANAGED_CERTIFICATES: "c"})).is_empty());
        assert!(problems(json!({MANAGED_CERTIFICATES: "c"})).is_empty());
    }

    #[test]
    fn a_regional_class_takes_the_regional_static_ip_key() {
        let found = problems(json!({INGRESS_CLASS: "gce-internal", GLOBAL_STATIC_IP: "ip"}));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("cannot use a global address"),
            "{found:?}"
        );
        assert!(
            problems(json!({INGRESS_CLASS: "gce-internal", REGIONAL_STATIC_IP: "ip"})).is_empty()
        );
        assert!(problems(json!({GLOBAL_STATIC_IP: "ip"})).is_empty());
        let both = problems(json!({GLOBAL_STATIC_IP: "a", REGIONAL_STATIC_IP: "b"}));
        assert!(both[0].contains("both"), "{both:?}");
    }
}
