//! Which objects of an export make up the setup: the Ingress that routes a
//! host to a Service, that Service (made by the milvus chart), and the
//! BackendConfig the Service names.

use crate::error::{Error, Result};
use crate::k8s::annotations::BACKEND_CONFIG;
use crate::k8s::kind;
use crate::k8s::resource::Resource;
use serde_json::Value;

/// The objects `import` reads, borrowed from the export.
pub struct Found<'a> {
    pub ingress: &'a Resource,
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
        let Some(&ingress) = ingresses.first() else {
            return Err(no_ingress(live));
        };
        let mut notes: Vec<String> = ingresses[1..]
            .iter()
            .map(|other| {
                format!(
                    "Ingress {}/{}: not imported (one setup per config; import it from an export of its own)",
                    other.id.namespace, other.id.name
                )
            })
            .collect();
        let namespace = &ingress.id.namespace;
        let service_name = ingress
            .value
            .pointer("/spec/rules/0/http/paths/0/backend/service/name")
            .and_then(Value::as_str);
        let service = live.iter().find(|r| {
            kind::SERVICE.is_id(&r.id)
                && &r.id.namespace == namespace
                && Some(r.id.name.as_str()) == service_name
        });
        if service.is_none() {
            notes.push(format!(
                "the Service {namespace}/{} is not in the export: the release and port name are guessed from names; add `svc` to the `kubectl get` that made it",
                service_name.unwrap_or("?")
            ));
        }
        let backend_config = find_backend_config(live, service, namespace);
        Ok(Found {
            ingress,
            service,
            backend_config,
            all: live,
            notes,
        })
    }

    /// An object of the export by kind, namespace and name.
    pub fn named(&self, kind: &str, name: &str) -> Option<&'a Resource> {
        self.all.iter().find(|r| {
            r.id.kind == kind && r.id.name == name && r.id.namespace == self.ingress.id.namespace
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

fn no_ingress(live: &[Resource]) -> Error {
    let gateway = live.iter().any(|r| r.id.kind == "Gateway");
    Error::Invalid {
        subject: "import".into(),
        message: if gateway {
            "the export holds a Gateway but no Ingress: import reads the guide's Ingress setup only".into()
        } else {
            format!("no Ingress in the export ({} objects read)", live.len())
        },
        hint: "export the guide's objects: kubectl get ingress,svc,backendconfig,managedcertificate,frontendconfig -n NAMESPACE -o yaml > live.yaml".into(),
    }
}
