//! `milvus-l7 import`: a live setup in, the `milvus-l7.yaml` that reproduces
//! it out. The proof is the tool's own round trip, run as a user would:
//! import, then `diff --live` of the same export with that config.

use crate::common::{live_path, milvus_l7, setting, stderr, stdout, tempdir, testdata, write_file};
use crate::properties::{decorate, ADDITIONS};
use milvus_l7::import::import;
use milvus_l7::k8s::resource::Resource;
use milvus_l7::render::params::{ParamInputs, Setting};
use milvus_l7::render::{render, Rendered, Sources};
use milvus_l7::yaml;
use proptest::prelude::*;
use serde_json::{json, Value};
use std::path::Path;
use std::process::Output;

fn import_cli(live: &Path) -> Output {
    milvus_l7(&testdata())
        .args(["import", "--live"])
        .arg(live)
        .output()
        .expect("runs")
}

/// `milvus-l7 diff --config CONFIG --live LIVE`.
fn diff_with(config: &Path, live: &Path) -> Output {
    milvus_l7(&testdata())
        .args(["diff", "--config"])
        .arg(config)
        .arg("--live")
        .arg(live)
        .output()
        .expect("runs")
}

/// Our own exports (render + everything the cluster adds): import, then
/// render, then diff of the same export shows no change at all.
#[test]
fn import_then_diff_of_each_of_our_exports_is_clean() {
    for (export, overlay) in [
        ("milvus-google-managed.yaml", "google-managed"),
        ("milvus-self-managed.yaml", "self-managed"),
        ("milvus-gateway.yaml", "gateway"),
    ] {
        let out = import_cli(&live_path(export));
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(stderr(&out), "", "{export}: nothing left unexpressed");
        let config = stdout(&out);
        assert!(config.contains(&format!("- {overlay}\n")), "{config}");
        let dir = tempdir();
        let config = write_file(dir.path(), "milvus-l7.yaml", &config);
        let diff = diff_with(&config, &live_path(export));
        assert_eq!(diff.status.code(), Some(0), "{export}: {}", stdout(&diff));
    }
}

/// The guide's objects, made by hand: the import reproduces every field, and
/// the only difference left is the two ownership labels the first apply adds.
#[test]
fn the_guide_s_objects_import_and_differ_only_by_the_ownership_labels() {
    let guide = testdata().join("guide");
    let service = our_export_object("milvus-google-managed.yaml", "Service");
    for (ingress, certificate, overlay) in [
        (
            "ingress-google-managed.yaml",
            Some("managed-crt.yaml"),
            "google-managed",
        ),
        ("ingress-self-managed.yaml", None, "self-managed"),
    ] {
        let mut objects = vec![
            guide_object(&guide.join("backendconfig.yaml")),
            guide_object(&guide.join(ingress)),
            service.clone(),
        ];
        objects.extend(certificate.map(|c| guide_object(&guide.join(c))));
        let dir = tempdir();
        let export = write_file(dir.path(), "live.yaml", &stream(&objects));

        let out = import_cli(&export);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let config = stdout(&out);
        assert_eq!(
            config
                .lines()
                .filter(|l| !l.starts_with('#'))
                .collect::<Vec<_>>(),
            ["release: my-release", "overlays:", &format!("- {overlay}")]
        );
        assert!(!stderr(&out).contains("cannot express"), "{}", stderr(&out));
        assert!(stderr(&out).contains("lack the labels"), "{}", stderr(&out));
        let config = write_file(dir.path(), "milvus-l7.yaml", &config);

        let diff = diff_with(&config, &export);
        assert_eq!(diff.status.code(), Some(1));
        let changed: Vec<String> = stdout(&diff)
            .lines()
            .filter(|l| l.starts_with(['+', '-']) && !l.starts_with("+++") && !l.starts_with("---"))
            .map(str::to_string)
            .collect();
        assert!(!changed.is_empty());
        assert!(
            changed.iter().all(|l| l == "+  labels:"
                || l == "+    app.kubernetes.io/instance: my-release"
                || l == "+    app.kubernetes.io/managed-by: milvus-l7"),
            "only the labels differ: {changed:?}"
        );

        // After the adoption apply the objects carry the labels: clean.
        for object in objects.iter_mut().filter(|o| o["kind"] != "Service") {
            object["metadata"]["labels"] = json!({
                "app.kubernetes.io/instance": "my-release",
                "app.kubernetes.io/managed-by": "milvus-l7"});
        }
        let adopted = write_file(dir.path(), "adopted.yaml", &stream(&objects));
        assert_eq!(diff_with(&config, &adopted).status.code(), Some(0));
    }
}

#[test]
fn what_the_config_cannot_express_is_listed_on_stderr() {
    let mut ingress = guide_object(&testdata().join("guide/ingress-self-managed.yaml"));
    ingress["metadata"]["annotations"] = json!({"example.com/owner": "team-search"});
    ingress["spec"]["ingressClassName"] = json!("gce");
    let objects = [
        ingress,
        guide_object(&testdata().join("guide/backendconfig.yaml")),
    ];
    let dir = tempdir();
    let export = write_file(dir.path(), "live.yaml", &stream(&objects));
    let out = import_cli(&export);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    for expected in [
        "cannot express: Ingress spec.ingressClassName `gce`",
        "/metadata/annotations/example.com~1owner",
        "/spec/ingressClassName",
        "the Service default/my-release-milvus is not in the export",
    ] {
        assert!(err.contains(expected), "{expected}: {err}");
    }
}

#[test]
fn an_export_without_an_ingress_or_a_gateway_is_exit_2_with_nothing_on_stdout() {
    let out = import_cli(&live_path("visulate-backendconfig.yaml"));
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    assert!(
        stderr(&out).contains("no Ingress and no Gateway"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_tls_secret_is_named_never_copied() {
    let out = import_cli(&live_path("milvus-self-managed.yaml"));
    let config = stdout(&out);
    assert!(
        !config.contains("tls"),
        "no tlsCert/tlsKey, no data: {config}"
    );
    for secret in [
        "cGxhY2Vob2xkZXIgY2VydGlmaWNhdGU=",
        "cGxhY2Vob2xkZXIga2V5",
        "placeholder",
    ] {
        assert!(!config.contains(secret) && !stderr(&out).contains(secret));
    }
}

fn guide_object(path: &Path) -> Value {
    let mut object = yaml::parse_stream(
        &std::fs::read_to_string(path).unwrap(),
        "guide",
        Default::default(),
    )
    .unwrap()
    .remove(0);
    // kubectl apply puts the guide's namespace-less ManagedCertificate in default.
    object["metadata"]["namespace"] = json!("default");
    object
}

fn our_export_object(export: &str, kind: &str) -> Value {
    let text = std::fs::read_to_string(live_path(export)).unwrap();
    let docs = yaml::parse_stream(&text, export, Default::default()).unwrap();
    docs[0]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["kind"] == kind)
        .unwrap()
        .clone()
}

fn stream(objects: &[Value]) -> String {
    yaml::to_stream(&objects.iter().collect::<Vec<_>>())
}

/// Release, namespace, domain, the two ports and the overlays: what every
/// generated setup sets.
fn base_flags(names: [&str; 3], (port, health): (u16, u16), overlays: &[&str]) -> Vec<Setting> {
    let [release, namespace, domain] = names;
    vec![
        setting("release", json!(release)),
        setting("namespace", json!(namespace)),
        setting("domain", json!(domain)),
        setting("servicePort", json!(port)),
        setting("healthCheckPort", json!(health)),
        setting("overlays", json!(overlays)),
    ]
}

/// The settings of a Gateway setup that import reads back: the
/// certificate (Secret or map), the internal class, ports.
fn gateway_inputs() -> impl Strategy<Value = ParamInputs> {
    // The four ways a Gateway gets its certificate.
    let certificate = prop::sample::select(vec![
        "self-managed",
        "certmap",
        "pre-shared",
        "cert-manager",
    ]);
    (
        "[a-z][a-z0-9-]{0,12}[a-z0-9]",
        "[a-z][a-z0-9]{0,10}",
        "[a-z][a-z0-9]{0,10}\\.example\\.com",
        (certificate, any::<bool>()),
        (10000u16..65535, 1024u16..10000),
    )
        .prop_map(
            |(release, namespace, domain, (certificate, internal), (port, health))| {
                let mut overlays = vec!["gateway"];
                if matches!(certificate, "self-managed" | "pre-shared") {
                    overlays.push(certificate);
                }
                // A certificate map attaches to global load balancers only,
                // Certificate Manager certificates by name to regional ones.
                let internal = match certificate {
                    "certmap" => false,
                    "cert-manager" => true,
                    _ => internal,
                };
                if internal {
                    overlays.push("internal");
                }
                let mut flags =
                    base_flags([&release, &namespace, &domain], (port, health), &overlays);
                match certificate {
                    "certmap" => flags.push(setting("certMap", json!("milvus-map"))),
                    "pre-shared" => flags.push(setting("preSharedCerts", json!("cert-a,cert-b"))),
                    "cert-manager" => flags.push(setting("certManagerCerts", json!("milvus-cert"))),
                    _ => {}
                }
                ParamInputs {
                    flags,
                    ..Default::default()
                }
            },
        )
}

/// The Ingress-road settings a hand-made setup can have.
fn ingress_inputs() -> impl Strategy<Value = ParamInputs> {
    let certificate = prop::sample::select(vec!["google-managed", "self-managed"]);
    let extras = prop::sample::subsequence(
        vec![
            "https-only",
            "static-ip",
            "grpc-timeouts",
            "cloud-armor",
            "access-logging",
        ],
        0..=5,
    );
    (
        "[a-z][a-z0-9-]{0,12}[a-z0-9]",
        "[a-z][a-z0-9]{0,10}",
        "[a-z][a-z0-9]{0,10}\\.example\\.com",
        certificate,
        extras,
        any::<(bool, bool, bool)>(),
        (10000u16..65535, 1024u16..10000), // distinct: render refuses a health check on the serving port
    )
        .prop_map(
            |(
                release,
                namespace,
                domain,
                certificate,
                extras,
                (redirect, policy, class),
                (port, health),
            )| {
                let mut overlays = vec![certificate];
                overlays.extend(extras.iter().copied());
                let mut flags =
                    base_flags([&release, &namespace, &domain], (port, health), &overlays);
                let mut set = |key: &str, value: Value| flags.push(setting(key, value));
                if class {
                    set("ingressClass", json!("gce"));
                }
                if extras.contains(&"static-ip") {
                    set("staticIpName", json!("milvus-ip"));
                }
                if extras.contains(&"https-only") {
                    set("redirect", json!(redirect));
                    if policy {
                        set("sslPolicy", json!("tls12"));
                    }
                }
                if extras.contains(&"cloud-armor") {
                    set("securityPolicy", json!("waf"));
                }
                if extras.contains(&"access-logging") {
                    set("logSampleRate", json!(0.5));
                }
                ParamInputs {
                    flags,
                    ..Default::default()
                }
            },
        )
}

/// The live state of a render: its objects and the chart's Service, each
/// with what the cluster adds.
fn live_of(rendered: &Rendered, switches: &[bool; ADDITIONS]) -> Vec<Resource> {
    let release = &rendered.params.release;
    let mut service = rendered.chart_service().to_resource();
    // What Helm writes on every object of the release.
    service.value["metadata"]["labels"] = json!({
        "app.kubernetes.io/instance": release, "app.kubernetes.io/managed-by": "Helm"});
    service.value["metadata"]["annotations"]["meta.helm.sh/release-name"] = json!(release);
    let mut objects = rendered.resources.clone();
    objects.push(service);
    objects
        .iter()
        .enumerate()
        .map(|(i, o)| decorate(o, switches, i as u32, false))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// render → live (with the cluster's additions) → import → render
    /// gives the same objects and Helm values, and nothing unexpressed.
    #[test]
    fn import_of_a_render_renders_it_again(inputs in prop_oneof![ingress_inputs(), gateway_inputs()], switches in any::<[bool; ADDITIONS]>()) {
        let sources = Sources::builtin();
        let first = render(&inputs, &sources).unwrap();
        let imported = import(live_of(&first, &switches)).unwrap();
        prop_assert!(imported.unexpressed.is_empty(), "{:?}", imported.unexpressed);
        prop_assert!(imported.unlabelled.is_empty(), "{:?}", imported.unlabelled);
        let config = yaml::to_string(&imported.settings.to_config());
        let again = render(
            &ParamInputs { config: Some(("milvus-l7.yaml".into(), config.clone())), ..Default::default() },
            &sources,
        ).unwrap();
        prop_assert_eq!(&first.resources, &again.resources, "{}", config);
        prop_assert_eq!(&first.helm_values, &again.helm_values, "{}", config);
    }
}

/// A hand-made regional Gateway whose listener names certificates a render
/// would refuse: the import says so about the live object and its field,
/// not about a milvus-l7.yaml nobody wrote (exit 2, nothing on stdout).
#[test]
fn certificate_names_a_render_refuses_are_named_at_their_live_field() {
    let tmp = crate::common::tempdir();
    for (names, said) in [
        (
            "Bad Name!,x",
            "`Bad Name!` is not a Google Cloud resource name",
        ),
        ("a,a", "names `a` twice"),
        ("", "is empty"),
    ] {
        let gateway = format!(
            "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {{name: my-release-milvus, namespace: default}}\nspec:\n  gatewayClassName: gke-l7-rilb\n  listeners:\n  - {{name: https, protocol: HTTPS, port: 443, hostname: milvus.example.com, tls: {{mode: Terminate, options: {{networking.gke.io/cert-manager-certs: {names:?}}}}}}}\n"
        );
        let live = crate::common::write_file(tmp.path(), "gateway.yaml", &gateway);
        let out = import_cli(&live);
        let message = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{names:?}: {message}");
        assert!(out.stdout.is_empty(), "{names:?}");
        assert!(
            message.contains("Gateway/default/my-release-milvus: cannot be imported")
                && message.contains("tls.options networking.gke.io/cert-manager-certs")
                && message.contains(said)
                && !message.contains("milvus-l7.yaml (key"),
            "{names:?}: {message}"
        );
    }
}
