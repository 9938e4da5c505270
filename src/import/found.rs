//! Which objects of an export make up the setup: the Ingress that routes a
//! host to a Service (or, with the `gateway` overlay, the Gateway named like
//! that Service), that Service (made by the milvus chart), and the
//! BackendConfig the Service names.

use crate::error::{Error, Result};
use crate::k8s::annotations::BACKEND_CONFIG;
use crate::k8s::kind;
use crate::k8s::resource::Resource;
use serde_json::Value;

/// The objects `import` reads, borrowed from the export.
pub struct Found<'a> {
    /// The Ingress, or the Gateway when the export has no Ingress.
    pub front: &'a Resource,
    /// The Milvus Service's name, as the front object names it.
    pub service_name: Option<String>,
    /// The Service the Ingress routes to, when the export holds it.
    pub service: Option<&'a Resource>,
    /// The BackendConfig the Service names (or the only one in the namespace).
    pub backend_config: Option<&'a Resource>,
    /// Every object of the export, for lookups by name.
    pub all: &'a [Resource],
    /// What was passed over, for the user to know.
    pub notes: Vec<String>,
}

impl<'a> Found<'a> {
    pub fn pick(live: &'a [Resource]) -> Result<Found<'a>> {
        let ingresses: Vec<&Resource> = live.iter().filter(|r| r.id.kind == "Ingress").collect();
        let gateway = live.iter().find(|r| r.id.kind == "Gateway");
        let (front, service_name) = match (ingresses.first(), gateway) {
            (Some(&ingress), _) => (ingress, ingress_backend(ingress)),
            // The gateway overlay names the Gateway like the Milvus Service.
            (None, Some(gateway)) => (gateway, Some(gateway.id.name.clone())),
            (None, None) => return Err(no_front(live)),
        };
        let mut notes: Vec<String> = ingresses
            .iter()
            .skip(1)
            .map(|other| {
                format!(
                    "Ingress {}/{}: not imported (one setup per config; import it from an export of its own)",
                    other.id.namespace, other.id.name
                )
            })
            .collect();
        let namespace = &front.id.namespace;
        let service = live.iter().find(|r| {
            kind::SERVICE.is_id(&r.id)
                && &r.id.namespace == namespace
                && Some(&r.id.name) == service_name.as_ref()
        });
        if service.is_none() {
            notes.push(format!(
                "the Service {namespace}/{} is not in the export: the release and port name are guessed from names; add `svc` to the `kubectl get` that made it",
                service_name.as_deref().unwrap_or("?")
            ));
        }
        let backend_config = find_backend_config(live, service, namespace);
        Ok(Found {
            front,
            service_name,
            service,
            backend_config,
            all: live,
            notes,
        })
    }

    /// An object of the export by kind, namespace and name.
    pub fn named(&self, kind: &str, name: &str) -> Option<&'a Resource> {
        self.all.iter().find(|r| {
            r.id.kind == kind && r.id.name == name && r.id.namespace == self.front.id.namespace
        })
    }
}

/// The BackendConfig named in the Service's `backend-config` annotation
/// (its `default`), else the only BackendConfig in the namespace.
fn find_backend_config<'a>(
    live: &'a [Resource],
    service: Option<&Resource>,
    namespace: &str,
) -> Option<&'a Resource> {
    let named = service
        .and_then(|s| s.value.pointer("/metadata/annotations"))
        .and_then(|a| a.get(BACKEND_CONFIG))
        .and_then(Value::as_str)
        .and_then(|json| serde_json::from_str::<Value>(json).ok())
        .and_then(|v| v.get("default").and_then(Value::as_str).map(str::to_string));
    let in_namespace = live
        .iter()
        .filter(|r| r.id.kind == "BackendConfig" && r.id.namespace == namespace);
    match named {
        Some(name) => in_namespace.clone().find(|r| r.id.name == name),
        None => {
            let all: Vec<_> = in_namespace.collect();
            (all.len() == 1).then(|| all[0])
        }
    }
}

/// The Service the Ingress's first rule routes to.
fn ingress_backend(ingress: &Resource) -> Option<String> {
    ingress
        .value
        .pointer("/spec/rules/0/http/paths/0/backend/service/name")
        .and_then(Value::as_str)
        .map(str::to_string)
}

fn no_front(live: &[Resource]) -> Error {
    Error::Invalid {
        subject: "import".into(),
        message: format!("no Ingress and no Gateway in the export ({} objects read)", live.len()),
        hint: "export the guide's objects: kubectl get ingress,svc,backendconfig,managedcertificate,frontendconfig -n NAMESPACE -o yaml > live.yaml (with the gateway overlay: gateway,httproute,svc,healthcheckpolicy,gcpbackendpolicy)".into(),
    }
}
