//! Every overlay composes with every other one, alone and on top of each
//! certificate variant, or is refused with the reason its `overlay.yaml`
//! gives. Nothing else may happen: no panic, no invalid object (the render
//! validates its objects), no unexplained error.

use crate::common::{
    milvus_l7, parse_yaml_stream, setting, stderr, stdout, testdata, write_file,
    SELF_MANAGED_WITH_FILES,
};
use milvus_l7::render::file_tree::FileTree;
use milvus_l7::render::overlay;
use milvus_l7::render::params::ParamInputs;
use milvus_l7::render::{render, Sources};
use serde_json::{json, Value};

/// How every refusal of GKE's controllers begins (`check::lint::refusals`).
const REFUSED: &str = "GKE refuses this combination";

/// The overlays built in, with their required parameters (declared `null`)
/// given a plausible value each.
fn overlays_and_required() -> Vec<(String, Vec<String>)> {
    let tree = FileTree::builtin_overlays();
    let names = overlay::available(&tree);
    names
        .into_iter()
        .map(|name| {
            let one = overlay::load(&tree, std::slice::from_ref(&name)).expect("loads");
            let required = one[0]
                .parameters
                .iter()
                .filter(|(_, v)| v.is_null())
                .map(|(k, _)| k.clone())
                .collect();
            (name, required)
        })
        .collect()
}

/// Renders `overlays` (with a Certificate Manager map for a global Gateway,
/// and Certificate Manager certificates for an internal one, whose
/// certificate otherwise comes from nowhere); Ok with the object count, or
/// the error.
fn try_render(overlays: &[&str], required: &[String]) -> Result<usize, String> {
    try_render_with(overlays, required, "my-release")
}

fn try_render_with(overlays: &[&str], required: &[String], release: &str) -> Result<usize, String> {
    render_objects(overlays, required, release, &[]).map(|objects| objects.len())
}

/// The objects `overlays` render (see [`try_render`]), for `domains` when
/// given; or the error.
fn render_objects(
    overlays: &[&str],
    required: &[String],
    release: &str,
    domains: &[&str],
) -> Result<Vec<Value>, String> {
    let mut flags = vec![
        setting("overlays", json!(overlays)),
        setting("release", json!(release)),
    ];
    if !domains.is_empty() {
        flags.push(setting("domain", json!(domains)));
    }
    for key in required {
        flags.push(setting(
            key,
            Value::String(format!("{}-x", key.to_lowercase())),
        ));
    }
    let certificate_overlay = ["self-managed", "pre-shared"]
        .iter()
        .any(|o| overlays.contains(o));
    if overlays.contains(&"gateway") && !certificate_overlay {
        match overlays.contains(&"internal") {
            true => flags.push(setting("certManagerCerts", json!("milvus-cert"))),
            false => flags.push(setting("certMap", json!("milvus-map"))),
        }
    }
    let inputs = ParamInputs {
        flags,
        ..ParamInputs::default()
    };
    render(&inputs, &Sources::builtin())
        .map(|r| r.resources.into_iter().map(|r| r.value).collect())
        .map_err(|e| e.report().to_string())
}

#[test]
fn every_pair_composes_or_is_refused_with_a_reason() {
    let all = overlays_and_required();
    assert!(all.len() >= 10, "overlays: {all:?}");
    let mut composed = 0;
    let mut refused = 0;
    for (i, (a, a_required)) in all.iter().enumerate() {
        for (b, b_required) in &all[i + 1..] {
            for base in [None, Some("self-managed"), Some("google-managed")] {
                let mut chosen: Vec<&str> = base.into_iter().collect();
                for name in [a.as_str(), b.as_str()] {
                    if !chosen.contains(&name) {
                        chosen.push(name);
                    }
                }
                let required: Vec<String> = a_required.iter().chain(b_required).cloned().collect();
                match render_supplying_needed(&chosen, &required, "my-release") {
                    Ok(objects) => {
                        assert!(objects > 0, "{chosen:?} rendered nothing");
                        composed += 1;
                    }
                    Err(e) => {
                        assert!(
                            (e.contains("cannot be combined with")
                                && e.contains("hint: choose one of"))
                                || (e.contains(REFUSED) && e.contains("hint:")),
                            "{chosen:?} failed without a conflict reason:\n{e}"
                        );
                        refused += 1;
                    }
                }
            }
        }
    }
    // Most combinations work; the refusals are the declared conflicts.
    assert!(composed > refused, "{composed} composed, {refused} refused");
}

/// [`try_render_with`], and once more with the parameter the error's hint
/// asks for, if it names one: a combination may need one more parameter
/// (backend-tls with a Google-managed certificate needs a Secret of its
/// own), and with it, it must render.
fn render_supplying_needed(
    overlays: &[&str],
    required: &[String],
    release: &str,
) -> Result<usize, String> {
    let result = try_render_with(overlays, required, release);
    match result.as_ref().err().and_then(|e| needed_parameter(e)) {
        Some(key) => {
            let mut more = required.to_vec();
            more.push(key);
            try_render_with(overlays, &more, release)
        }
        None => result,
    }
}

/// `--set NAME=` in a hint: the parameter the error asks for.
fn needed_parameter(error: &str) -> Option<String> {
    let hint = error.split("hint:").nth(1)?;
    let rest = hint.split("--set ").nth(1)?;
    Some(rest.split('=').next()?.to_string())
}

#[test]
fn a_53_character_release_fits_every_derived_name() {
    // Helm's own limit for a release name; every name derived from it must
    // still be one the API server accepts (the render checks Service names).
    let release = "a".repeat(53);
    for (name, required) in overlays_and_required() {
        for base in ["self-managed", "google-managed"] {
            let chosen: Vec<&str> = if name == base {
                vec![base]
            } else {
                vec![base, &name]
            };
            let result = render_supplying_needed(&chosen, &required, &release);
            assert!(
                result.is_ok()
                    || result.as_ref().is_err_and(|e| {
                        e.contains("cannot be combined") || e.contains(REFUSED)
                    }),
                "{chosen:?} with a 53-character release: {result:?}"
            );
        }
    }
}

/// Several domains (issue 22) go through every overlay on top of every
/// certificate variant: each object that names a host names all of them,
/// in order, and the render validated them (it checks what it renders).
#[test]
fn every_overlay_carries_every_domain() {
    let domains = ["milvus.example.com", "milvus.internal.example.com"];
    let mut rendered = 0;
    for (name, required) in overlays_and_required() {
        for base in ["google-managed", "self-managed", "pre-shared"] {
            let chosen: Vec<&str> = if name == base {
                vec![base]
            } else {
                vec![base, &name]
            };
            let mut required = required.clone();
            if base == "pre-shared" && name != base {
                required.push("preSharedCerts".into());
            }
            let objects = match render_objects(&chosen, &required, "my-release", &domains) {
                Ok(objects) => objects,
                Err(e) if e.contains("cannot be combined with") || e.contains(REFUSED) => continue,
                // One more parameter the hint names (backend-tls with a
                // Google-managed certificate needs a Secret of its own).
                Err(e) => {
                    let key = needed_parameter(&e).unwrap_or_else(|| panic!("{chosen:?}: {e}"));
                    required.push(key);
                    render_objects(&chosen, &required, "my-release", &domains)
                        .unwrap_or_else(|e| panic!("{chosen:?}: {e}"))
                }
            };
            rendered += 1;
            for object in &objects {
                let hosts: Vec<&str> = match object["kind"].as_str().unwrap() {
                    "Ingress" => hosts(object, "/spec/rules", "host"),
                    "ManagedCertificate" => hosts(object, "/spec/domains", ""),
                    "Gateway" => hosts(object, "/spec/listeners", "hostname"),
                    "HTTPRoute" => hosts(object, "/spec/hostnames", ""),
                    _ => continue,
                };
                // A redirect-only HTTPRoute or port-80 listener may name
                // the hosts again; each name comes in order.
                let firsts: Vec<&str> = hosts.iter().take(domains.len()).copied().collect();
                assert_eq!(firsts, domains, "{chosen:?}: {}", object["kind"]);
            }
        }
    }
    assert!(rendered >= 20, "only {rendered} combinations rendered");
}

/// The strings at `pointer` (an array), or their `key` when it is not empty.
fn hosts<'a>(object: &'a Value, pointer: &str, key: &str) -> Vec<&'a str> {
    object
        .pointer(pointer)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|item| match key {
            "" => item.as_str(),
            key => item.get(key).and_then(Value::as_str),
        })
        .collect()
}

#[test]
fn each_overlay_alone_renders() {
    for (name, required) in overlays_and_required() {
        let result = try_render(&[name.as_str()], &required);
        assert!(result.is_ok(), "{name} alone: {result:?}");
    }
}

/// `milvus-l7 <args>` from `testdata/`: exit 2, nothing on stdout, the
/// stderr returned.
fn refused_with_status_2(args: &[&str]) -> String {
    let out = milvus_l7(&testdata()).args(args).assert().code(2);
    let output = out.get_output();
    assert_eq!(stdout(output), "", "{args:?} printed objects");
    stderr(output)
}

/// The combinations GKE's controllers refuse (issue 20): each render exits
/// 2 and names the refusal, its source in ingress-gce or Google's docs, and
/// a hint.
#[test]
fn combinations_gke_refuses_are_refused_at_render_with_their_source() {
    let secret = SELF_MANAGED_WITH_FILES.join(" ");
    let cases = [
        (
            format!("--overlay internal --overlay https-only --set redirect=true {secret}"),
            "pkg/loadbalancers/url_maps.go",
        ),
        (
            "--overlay internal --overlay cloud-armor --set securityPolicy=armor".into(),
            "pkg/backends/features/securitypolicy.go",
        ),
        (
            "--set ingressClass=gce-regional-external --overlay cloud-armor --set securityPolicy=armor".into(),
            "pkg/backends/features/securitypolicy.go",
        ),
        (
            "--overlay gateway --overlay internal --set certMap=milvus-map".into(),
            "certificate-manager/docs/deploy",
        ),
        (
            "--overlay gateway --set gatewayClass=gke-l7-regional-external-managed --set certMap=milvus-map".into(),
            "certificate-manager/docs/deploy",
        ),
        (format!("--overlay internal {secret}"), "pkg/loadbalancers/l7.go"),
        (
            "--overlay gateway --set certManagerCerts=milvus-cert".into(),
            "certificate-manager/docs/overview",
        ),
    ];
    for (args, source) in &cases {
        for command in ["render", "validate"] {
            let words: Vec<&str> = std::iter::once(command)
                .chain(args.split_whitespace())
                .collect();
            let message = refused_with_status_2(&words);
            assert!(
                message.contains(REFUSED) && message.contains(source) && message.contains("hint:"),
                "{words:?}:\n{message}"
            );
        }
    }
}

/// Regional Certificate Manager certificates (issue 22): a regional Gateway
/// names them in its HTTPS listeners' `tls.options`, one option per
/// listener, and validates; every other certificate source next to them is
/// refused before anything is rendered, and so is a bad name.
#[test]
fn regional_certificate_manager_certificates_render_on_regional_gateways_only() {
    let out = milvus_l7(&testdata())
        .args(["render", "--overlay", "gateway", "--overlay", "internal"])
        .args(["--set", "certManagerCerts=milvus-cert,milvus-cert-2"])
        .args(["--domain", "a.example.com", "--domain", "b.example.com"])
        .assert()
        .success();
    let objects = parse_yaml_stream(&stdout(out.get_output()));
    let gateway = objects.iter().find(|o| o["kind"] == "Gateway").unwrap();
    assert_eq!(gateway["spec"]["gatewayClassName"], "gke-l7-rilb");
    assert!(gateway["metadata"]["annotations"]
        .get("networking.gke.io/certmap")
        .is_none());
    let listeners = gateway["spec"]["listeners"].as_array().unwrap();
    assert_eq!(listeners.len(), 2);
    for listener in listeners {
        assert_eq!(
            listener["tls"]["options"]["networking.gke.io/cert-manager-certs"],
            "milvus-cert,milvus-cert-2"
        );
        assert!(listener["tls"].get("certificateRefs").is_none());
    }
    let regional = "--overlay gateway --set gatewayClass=gke-l7-regional-external-managed --set certManagerCerts=milvus-cert";
    milvus_l7(&testdata())
        .arg("render")
        .args(regional.split_whitespace())
        .assert()
        .success();

    let secret = SELF_MANAGED_WITH_FILES.join(" ");
    for (args, said) in [
        (
            "--overlay gateway --overlay internal --set certManagerCerts=c --set certMap=m".to_string(),
            "certMap and certManagerCerts are both set",
        ),
        (
            format!("--overlay gateway --overlay internal --set certManagerCerts=c {secret}"),
            "the self-managed overlay gives the listener its certificate too",
        ),
        (
            "--overlay gateway --overlay internal --overlay pre-shared --set preSharedCerts=p --set certManagerCerts=c".into(),
            "the pre-shared overlay gives the listener its certificate too",
        ),
        (
            "--overlay gateway --overlay internal --set certManagerCerts=good,Bad".into(),
            "`Bad` is not a Google Cloud resource name",
        ),
        (
            "--overlay pre-shared --set preSharedCerts=a,,b".into(),
            "has an empty name",
        ),
        (
            "--set certManagerCerts=c".into(),
            "`certManagerCerts` is a parameter of overlay `gateway`",
        ),
    ] {
        let words: Vec<&str> = std::iter::once("render").chain(args.split_whitespace()).collect();
        let message = refused_with_status_2(&words);
        assert!(message.contains(said) && message.contains("hint:"), "{words:?}:\n{message}");
    }
}

/// The `internal` overlay sets the GatewayClass; a class the user set
/// otherwise would be silently replaced, so the two are refused together.
/// The gateway overlay's own default is no conflict.
#[test]
fn the_internal_overlay_and_a_users_other_gateway_class_are_refused_together() {
    let internal = [
        "--overlay",
        "gateway",
        "--overlay",
        "internal",
        "--set",
        "certManagerCerts=c",
    ];
    for class in [
        "gke-l7-regional-external-managed",
        "gke-l7-global-external-managed",
    ] {
        let set = format!("gatewayClass={class}");
        let message =
            refused_with_status_2(&[&["render"], &internal[..], &["--set", &set]].concat());
        assert!(
            message.contains("`gatewayClass`")
                && message.contains("conflicts with the internal overlay")
                && message.contains("hint:"),
            "{class}: {message}"
        );
    }
    for extra in [&[][..], &["--set", "gatewayClass=gke-l7-rilb"][..]] {
        milvus_l7(&testdata())
            .arg("render")
            .args(internal)
            .args(extra)
            .assert()
            .success();
    }
}

/// The fixes the hints give render: an internal HTTPS load balancer either
/// closes port 80 or has a (shared) static address.
#[test]
fn internal_https_renders_with_port_80_closed_or_a_static_address() {
    let secret = SELF_MANAGED_WITH_FILES;
    for fix in [
        vec!["--overlay", "https-only"],
        vec!["--overlay", "static-ip", "--set", "staticIpName=milvus-vip"],
    ] {
        let args: Vec<&str> =
            [&["render", "--overlay", "internal"], fix.as_slice(), secret].concat();
        milvus_l7(&testdata()).args(&args).assert().success();
    }
}

/// `validate` refuses a user's own manifests that GKE would refuse: an
/// internal Ingress serving HTTP and HTTPS without a static address.
#[test]
fn validate_refuses_a_users_internal_ingress_without_shared_address() {
    let tmp = crate::common::tempdir();
    let ingress = r#"apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: my-release-milvus
  namespace: default
  annotations:
    kubernetes.io/ingress.class: gce-internal
spec:
  tls:
    - secretName: my-release-milvus-tls
  defaultBackend:
    service:
      name: my-release-milvus
      port:
        number: 19530
"#;
    write_file(tmp.path(), "ingress.yaml", ingress);
    let out = milvus_l7(tmp.path())
        .args(["validate", "ingress.yaml"])
        .assert()
        .code(2);
    let message = stderr(out.get_output());
    assert!(
        message.contains("pkg/loadbalancers/l7.go") && message.contains("SHARED_LOADBALANCER_VIP"),
        "{message}"
    );
}
