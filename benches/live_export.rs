//! A deterministic generator of large live exports, shaped like
//! `kubectl get ... -o yaml` of a busy GKE cluster: N Milvus releases' worth
//! of objects (Helm-made Service, Ingress, BackendConfig,
//! ManagedCertificate, all with what GKE and the API server add) plus
//! unrelated objects of other apps, every one with managedFields, a
//! last-applied annotation and status. Used by the benchmarks and by
//! `cargo run --example generate_live`.

use serde_json::{json, Value};

/// How to write the export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One `kind: List` YAML document (`kubectl get a,b,c -o yaml`).
    List,
    /// A `---`-separated YAML stream.
    Stream,
    /// `kubectl get -o json`: a List as JSON.
    Json,
}

/// A small deterministic pseudo-random sequence (64-bit LCG), so that the
/// same seed always gives the same export without a dependency.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn hex(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| char::from_digit((self.next() % 16) as u32, 16).unwrap())
            .collect()
    }
}

/// `objects` objects in total; one in ten belongs to a Milvus release
/// (release `my-release` is always the first, so a diff finds it).
pub fn generate(objects: usize, seed: u64) -> Vec<Value> {
    let mut rng = Lcg(seed);
    let mut out = Vec::with_capacity(objects);
    let mut release = 0;
    while out.len() < objects {
        if out.len() % 40 == 0 {
            let name = if release == 0 {
                "my-release".to_string()
            } else {
                format!("release-{release}")
            };
            for object in milvus_release(&name, &mut rng) {
                if out.len() < objects {
                    out.push(object);
                }
            }
            release += 1;
        } else {
            let i = out.len();
            out.push(unrelated(i, &mut rng));
        }
    }
    out
}

pub fn write(objects: &[Value], format: Format) -> String {
    match format {
        Format::List => milvus_l7::yaml::to_string(&list(objects)),
        Format::Stream => milvus_l7::yaml::to_stream(&objects.iter().collect::<Vec<_>>()),
        Format::Json => serde_json::to_string_pretty(&list(objects)).unwrap(),
    }
}

fn list(objects: &[Value]) -> Value {
    json!({"apiVersion": "v1", "kind": "List", "items": objects, "metadata": {"resourceVersion": ""}})
}

fn metadata(name: &str, namespace: &str, rng: &mut Lcg, manager: &str, applied: &Value) -> Value {
    json!({
        "annotations": {"kubectl.kubernetes.io/last-applied-configuration": applied.to_string() + "\n"},
        "creationTimestamp": "2026-11-01T10:00:00Z",
        "generation": rng.next() % 9 + 1,
        "managedFields": [
            {"apiVersion": "v1", "fieldsType": "FieldsV1", "fieldsV1": {"f:metadata": {"f:annotations": {".": {}, "f:kubectl.kubernetes.io/last-applied-configuration": {}}}, "f:spec": {".": {}}}, "manager": "kubectl-client-side-apply", "operation": "Update", "time": "2026-11-01T10:00:00Z"},
            {"apiVersion": "v1", "fieldsType": "FieldsV1", "fieldsV1": {"f:status": {".": {}}}, "manager": manager, "operation": "Update", "subresource": "status", "time": "2026-11-01T10:05:00Z"}
        ],
        "name": name,
        "namespace": namespace,
        "resourceVersion": (rng.next() % 10_000_000).to_string(),
        "uid": format!("{}-{}-{}-{}-{}", rng.hex(8), rng.hex(4), rng.hex(4), rng.hex(4), rng.hex(12)),
    })
}

fn milvus_release(release: &str, rng: &mut Lcg) -> Vec<Value> {
    let service = format!("{release}-milvus");
    let ns = "default";
    let backend_config = format!("{release}-backendconfig");
    let cert = format!("{release}-milvus-tls");
    let domain = format!("{release}.milvus.io");

    let mut svc_meta = metadata(&service, ns, rng, "glbc", &json!({"kind": "Service"}));
    svc_meta["annotations"] = json!({
        "cloud.google.com/app-protocols": "{\"milvus\":\"HTTP2\"}",
        "cloud.google.com/backend-config": "{\"default\":\"".to_string() + &backend_config + "\"}",
        "cloud.google.com/neg": "{\"ingress\":true}",
        "cloud.google.com/neg-status": format!("{{\"network_endpoint_groups\":{{\"19530\":\"k8s1-{}-default-{service}-19530-{}\"}},\"zones\":[\"us-central1-a\"]}}", rng.hex(8), rng.hex(8)),
        "meta.helm.sh/release-name": release,
        "meta.helm.sh/release-namespace": ns,
    });
    svc_meta["labels"] = json!({"app.kubernetes.io/instance": release, "app.kubernetes.io/managed-by": "Helm", "app.kubernetes.io/name": "milvus", "component": "proxy", "helm.sh/chart": "milvus-5.0.19"});
    let ip = format!(
        "10.{}.{}.{}",
        rng.next() % 256,
        rng.next() % 256,
        rng.next() % 256
    );
    let svc = json!({
        "apiVersion": "v1", "kind": "Service", "metadata": svc_meta,
        "spec": {"clusterIP": ip, "clusterIPs": [ip], "internalTrafficPolicy": "Cluster", "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
                 "ports": [{"name": "milvus", "port": 19530, "protocol": "TCP", "targetPort": "milvus"}, {"name": "metrics", "port": 9091, "protocol": "TCP", "targetPort": "metrics"}],
                 "selector": {"app.kubernetes.io/instance": release, "app.kubernetes.io/name": "milvus", "component": "proxy"}, "sessionAffinity": "None", "type": "ClusterIP"},
        "status": {"loadBalancer": {}}
    });

    let bc_spec = json!({"healthCheck": {"port": 9091, "requestPath": "/healthz", "type": "HTTP"}});
    let bc = json!({"apiVersion": "cloud.google.com/v1", "kind": "BackendConfig",
        "metadata": metadata(&backend_config, ns, rng, "kubectl", &json!({"spec": bc_spec})), "spec": bc_spec});

    let mc_spec = json!({"domains": [domain]});
    let mcrt = format!(
        "mcrt-{}-{}-{}-{}-{}",
        rng.hex(8),
        rng.hex(4),
        rng.hex(4),
        rng.hex(4),
        rng.hex(12)
    );
    let mc = json!({"apiVersion": "networking.gke.io/v1", "kind": "ManagedCertificate",
        "metadata": metadata(&cert, ns, rng, "managed-certificate-controller", &json!({"spec": mc_spec})), "spec": mc_spec,
        "status": {"certificateName": mcrt, "certificateStatus": "Active", "domainStatus": [{"domain": domain, "status": "Active"}], "expireTime": "2027-02-01T10:00:00.000-08:00"}});

    let mut ing_meta = metadata(&service, ns, rng, "glbc", &json!({"kind": "Ingress"}));
    let suffix = rng.hex(8);
    ing_meta["annotations"] = json!({
        "ingress.gcp.kubernetes.io/pre-shared-cert": mcrt,
        "ingress.kubernetes.io/backends": format!("{{\"k8s1-{suffix}-default-{service}-19530-{}\":\"HEALTHY\"}}", rng.hex(8)),
        "ingress.kubernetes.io/https-forwarding-rule": format!("k8s2-fs-{suffix}-default-{service}-{}", rng.hex(8)),
        "ingress.kubernetes.io/https-target-proxy": format!("k8s2-ts-{suffix}-default-{service}-{}", rng.hex(8)),
        "ingress.kubernetes.io/ssl-cert": mcrt,
        "ingress.kubernetes.io/url-map": format!("k8s2-um-{suffix}-default-{service}-{}", rng.hex(8)),
        "ingress.kubernetes.io/forwarding-rule": format!("k8s2-fr-{suffix}-default-{service}-{}", rng.hex(8)),
        "ingress.kubernetes.io/target-proxy": format!("k8s2-tp-{suffix}-default-{service}-{}", rng.hex(8)),
        "networking.gke.io/managed-certificates": cert,
    });
    ing_meta["finalizers"] = json!(["networking.gke.io/ingress-finalizer-V2"]);
    let ing = json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": ing_meta,
        "spec": {"rules": [{"host": domain, "http": {"paths": [{"backend": {"service": {"name": service, "port": {"number": 19530}}}, "path": "/", "pathType": "Prefix"}]}}]},
        "status": {"loadBalancer": {"ingress": [{"ip": format!("34.{}.{}.{}", rng.next() % 256, rng.next() % 256, rng.next() % 256)}]}}});
    vec![svc, bc, mc, ing]
}

fn unrelated(i: usize, rng: &mut Lcg) -> Value {
    let ns = format!("team-{}", i % 17);
    let name = format!("app-{i}");
    match i % 3 {
        0 => {
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata(&name, &ns, rng, "kubectl", &json!({"kind": "ConfigMap"})),
                    "data": {"app.properties": format!("threads={}\nmode=fast\nenabled=true\n", rng.next() % 64), "LOG_LEVEL": "info"}})
        }
        1 => {
            json!({"apiVersion": "v1", "kind": "Service", "metadata": metadata(&name, &ns, rng, "kube-controller-manager", &json!({"kind": "Service"})),
                    "spec": {"clusterIP": "10.0.0.1", "ports": [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": 8080}], "selector": {"app": name}, "type": "ClusterIP"},
                    "status": {"loadBalancer": {}}})
        }
        _ => {
            json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": metadata(&name, &ns, rng, "glbc", &json!({"kind": "Ingress"})),
                    "spec": {"rules": [{"host": format!("{name}.example.com"), "http": {"paths": [{"backend": {"service": {"name": name, "port": {"number": 80}}}, "path": "/", "pathType": "Prefix"}]}}]},
                    "status": {"loadBalancer": {"ingress": [{"ip": "34.1.2.3"}]}}})
        }
    }
}
