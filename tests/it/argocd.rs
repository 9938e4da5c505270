//! milvus-l7 as an Argo CD Config Management Plugin: the generate command run
//! exactly as deploy/argocd/plugin.yaml declares it, with the environment
//! Argo CD sets, on a read-only copy of the example app as a non-root user;
//! plugin.yaml itself; the sidecar kustomization; the example Applications.

use crate::common::tools::{helm_available, helm_program, kubectl_kustomize};
use crate::common::{
    find_kind, kubectl_available, milvus_l7, parse_yaml_stream, read_yaml_docs, snapshot, tempdir,
    testdata,
};
use clap::CommandFactory;
use milvus_l7::cli::Cli;
use milvus_l7::render::params::{core_parameters, CONFIG_FILE};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn deploy() -> PathBuf {
    repo().join("deploy/argocd")
}

fn plugin() -> Value {
    read_yaml_docs(&deploy().join("plugin.yaml")).remove(0)
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("expected a list, got {value}"))
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

/// Argo CD's `escaped()`: upper case, every character outside `[A-Z0-9_]` → `_`.
fn escaped(name: &str) -> String {
    name.to_uppercase()
        .chars()
        .map(|c| {
            if c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// What Argo CD's `ApplicationSourcePluginParameters.Environ()` sends for an
/// Application's `spec.source.plugin.parameters`: the JSON, then one
/// `PARAM_<NAME>` per string and `PARAM_<NAME>_<i>` per array item.
fn parameter_env(parameters: &Value) -> Vec<(String, String)> {
    let mut env = vec![("ARGOCD_APP_PARAMETERS".to_string(), parameters.to_string())];
    for p in parameters.as_array().unwrap() {
        let base = format!("PARAM_{}", escaped(p["name"].as_str().unwrap()));
        if let Some(s) = p["string"].as_str() {
            env.push((base.clone(), s.to_string()));
        }
        for (i, item) in p["array"].as_array().into_iter().flatten().enumerate() {
            env.push((format!("{base}_{i}"), item.as_str().unwrap().to_string()));
        }
    }
    env
}

/// The build environment Argo CD gives a plugin (docs: build-environment.md),
/// plus `spec.source.plugin.env` as `ARGOCD_ENV_<NAME>` and the parameters.
fn argocd_env(
    namespace: &str,
    plugin_env: &[(&str, &str)],
    parameters: &Value,
) -> Vec<(String, String)> {
    let revision = "f913b6cbf58aa5ae5ca1f8a2b149477aebcbd9d8";
    let mut env: Vec<(String, String)> = [
        ("ARGOCD_APP_NAME", "milvus-demo-l7"),
        ("ARGOCD_APP_NAMESPACE", namespace),
        ("ARGOCD_APP_PROJECT_NAME", "default"),
        ("ARGOCD_APP_REVISION", revision),
        ("ARGOCD_APP_REVISION_SHORT", &revision[..7]),
        ("ARGOCD_APP_REVISION_SHORT_8", &revision[..8]),
        ("ARGOCD_APP_SOURCE_PATH", "deploy/argocd/example-app"),
        (
            "ARGOCD_APP_SOURCE_REPO_URL",
            "https://github.com/your-org/milvus-l7.git",
        ),
        ("ARGOCD_APP_SOURCE_TARGET_REVISION", "HEAD"),
        ("KUBE_VERSION", "1.32.4"),
        (
            "KUBE_API_VERSIONS",
            "v1,apps/v1,networking.k8s.io/v1,cloud.google.com/v1,networking.gke.io/v1,networking.k8s.io/v1/Ingress",
        ),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (name, value) in plugin_env {
        env.push((format!("ARGOCD_ENV_{name}"), value.to_string()));
    }
    env.extend(parameter_env(parameters));
    env
}

/// A plugin sandbox: a read-only copy of the example app, a bin directory
/// holding our binary under the name plugin.yaml uses, an empty TMPDIR.
struct Sandbox {
    _root: tempfile::TempDir,
    app: PathBuf,
    bin: PathBuf,
    tmp: PathBuf,
    as_999: bool,
}

impl Sandbox {
    fn new() -> Sandbox {
        let root = tempdir();
        let app = root.path().join("app");
        let bin = root.path().join("bin");
        let tmp = root.path().join("tmp");
        copy_dir(&deploy().join("example-app"), &app);
        // The sidecar image carries the chart (MILVUS_L7_CHART_PATH) and helm.
        std::fs::create_dir(root.path().join("charts")).unwrap();
        let chart = root.path().join("charts/milvus-5.0.19.tgz");
        std::fs::copy(testdata().join("charts/milvus-5.0.19.tgz"), &chart).unwrap();
        set_mode(&root.path().join("charts"), 0o755);
        set_mode(&chart, 0o644);
        std::fs::create_dir(&bin).unwrap();
        std::fs::create_dir(&tmp).unwrap();
        // A hard link rather than a symlink, so that the non-root user can
        // run it wherever the target directory is; and not a copy, because
        // writing a copy races with other tests' forks: a child briefly
        // holds the write descriptor and exec fails with "Text file busy".
        let binary = assert_cmd::cargo::cargo_bin("milvus-l7");
        if std::fs::hard_link(&binary, bin.join("milvus-l7")).is_err() {
            std::fs::copy(&binary, bin.join("milvus-l7")).unwrap();
        }
        set_mode(root.path(), 0o755);
        set_mode(&tmp, 0o777);
        make_read_only(&app);
        let as_999 = should_switch_to_999(&bin.join("milvus-l7"));
        Sandbox {
            _root: root,
            app,
            bin,
            tmp,
            as_999,
        }
    }

    /// Runs plugin.yaml's generate command in the app directory with
    /// exactly `env` (plus PATH, HOME and TMPDIR, which the sidecar has),
    /// as user 999 like the sidecar when the test runs as root.
    fn generate(&self, env: &[(String, String)]) -> Output {
        let generate = &plugin()["spec"]["generate"];
        let mut argv = strings(&generate["command"]);
        argv.extend(strings(&generate["args"]));
        let mut command = as_argocd_user(&argv, self.as_999);
        command
            .current_dir(&self.app)
            .env_clear()
            .env("PATH", self.path_with_our_binary())
            .env("HOME", "/home/argocd")
            .env("TMPDIR", &self.tmp)
            .env("HELM", helm_program())
            .env("MILVUS_L7_CHART_PATH", self.chart())
            .envs(env.iter().cloned());
        command.output().unwrap()
    }

    /// Where the image keeps the chart (here: beside the app).
    fn chart(&self) -> PathBuf {
        self.app.parent().unwrap().join("charts/milvus-5.0.19.tgz")
    }

    fn path_with_our_binary(&self) -> String {
        format!(
            "{}:{}",
            self.bin.display(),
            std::env::var("PATH").unwrap_or_default()
        )
    }
}

/// `argv` as a Command, run as uid/gid 999 through setpriv when `as_999`.
fn as_argocd_user(argv: &[String], as_999: bool) -> Command {
    if as_999 {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=999", "--regid=999", "--clear-groups", "--"]);
        c.args(argv);
        c
    } else {
        let mut c = Command::new(&argv[0]);
        c.args(&argv[1..]);
        c
    }
}

/// Root ignores file modes, so a read-only tree proves nothing to root: when
/// we are root, run as user 999 (the sidecar's) if setpriv can switch users
/// here and that user can reach `binary`.
fn should_switch_to_999(binary: &Path) -> bool {
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    if !is_root {
        return false;
    }
    let works = Command::new("setpriv")
        .args(["--reuid=999", "--regid=999", "--clear-groups", "--"])
        .arg(binary)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !works {
        eprintln!("setpriv cannot run the binary as user 999 here; running as root");
    }
    works
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// Files 0444, directories 0555, like a checkout the plugin must not touch.
fn make_read_only(dir: &Path) {
    let entries: Vec<_> = walkdir::WalkDir::new(dir)
        .contents_first(true)
        .into_iter()
        .map(|e| e.unwrap())
        .collect();
    for e in entries {
        set_mode(e.path(), if e.file_type().is_dir() { 0o555 } else { 0o444 });
    }
}

#[test]
#[cfg_attr(
    helm_missing,
    ignore = "helm does not run here (build.rs probed $HELM or helm)"
)]
fn generate_as_plugin_yaml_declares_it_with_argocds_environment() {
    if !helm_available() {
        return;
    }
    let sandbox = Sandbox::new();
    let before = snapshot(&sandbox.app);
    let parameters = json!([
        {"name": "release", "string": "milvus-test"},
        {"name": "overlays", "array": ["self-managed"]},
    ]);
    let env = argocd_env("vectors", &[("DOMAIN", "env.example.com")], &parameters);
    assert!(env
        .iter()
        .any(|(k, v)| k == "PARAM_RELEASE" && v == "milvus-test"));
    assert!(env
        .iter()
        .any(|(k, v)| k == "PARAM_OVERLAYS_0" && v == "self-managed"));

    let out = sandbox.generate(&env);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "generate failed:\n{stderr}");
    assert!(stderr.is_empty(), "nothing to say on success: {stderr}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let docs = parse_yaml_stream(&stdout);

    // The whole release: the chart's objects, and the L7 ones for the
    // changed release; the chart's Service is the Ingress backend and
    // carries the annotations naming the BackendConfig of this release.
    let service = docs
        .iter()
        .find(|d| d["kind"] == "Service" && d["metadata"]["name"] == "milvus-test")
        .expect("the chart's Service for release milvus-test");
    assert_eq!(
        service["metadata"]["annotations"]["cloud.google.com/backend-config"],
        "{\"default\":\"milvus-test-backendconfig\"}"
    );
    assert!(docs
        .iter()
        .any(|d| d["kind"] == "Deployment" && d["metadata"]["name"] == "milvus-test-proxy"));
    for kind in ["BackendConfig", "Ingress"] {
        assert_eq!(
            docs.iter().filter(|d| d["kind"] == kind).count(),
            1,
            "{kind}"
        );
    }

    assert_eq!(
        find_kind(&docs, "Ingress").unwrap()["spec"]["rules"][0]["http"]["paths"][0]["backend"]
            ["service"]["name"],
        "milvus-test",
        "the chart's fullname rule: a release containing `milvus` is the name"
    );
    for doc in &docs {
        assert!(
            doc["apiVersion"].is_string() && doc["kind"].is_string(),
            "{doc}"
        );
        assert!(doc["metadata"]["name"].is_string(), "{doc}");
        // The app's milvus-l7.yaml sets the namespace, over the destination
        // (ARGOCD_APP_NAMESPACE, which an app without one takes: see
        // argocd_fleet::the_plugin_takes_applications_without_a_config_file).
        assert_eq!(doc["metadata"]["namespace"], "milvus", "{doc}");
    }
    // Parameters applied: PARAM_RELEASE over milvus-l7.yaml's release, the
    // overlays array, and ARGOCD_ENV_DOMAIN over the file's domain.
    let ingress = find_kind(&docs, "Ingress").unwrap();
    assert_eq!(ingress["metadata"]["name"], "milvus-test");
    assert_eq!(ingress["spec"]["rules"][0]["host"], "env.example.com");
    assert_eq!(
        ingress["spec"]["tls"][0]["secretName"],
        "milvus-test-milvus-tls"
    );
    assert!(find_kind(&docs, "ManagedCertificate").is_none());
    assert_eq!(
        find_kind(&docs, "BackendConfig").unwrap()["metadata"]["name"],
        "milvus-test-backendconfig"
    );

    // Nothing written: not in the source tree, not in TMPDIR.
    assert_eq!(snapshot(&sandbox.app), before);
    assert_eq!(std::fs::read_dir(&sandbox.tmp).unwrap().count(), 0);
}

#[test]
#[cfg_attr(
    helm_missing,
    ignore = "helm does not run here (build.rs probed $HELM or helm)"
)]
fn generate_with_the_example_apps_own_values_uses_the_config_file() {
    if !helm_available() {
        return;
    }
    let sandbox = Sandbox::new();
    let out = sandbox.generate(&argocd_env("milvus", &[], &json!([])));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let docs = parse_yaml_stream(&String::from_utf8(out.stdout).unwrap());
    let certificate = find_kind(&docs, "ManagedCertificate").expect("google-managed by default");
    assert_eq!(
        certificate["spec"]["domains"],
        json!(["milvus.example.com"])
    );
    assert_eq!(certificate["metadata"]["namespace"], "milvus");
}

#[test]
#[cfg_attr(
    helm_missing,
    ignore = "helm does not run here (build.rs probed $HELM or helm)"
)]
fn a_bad_parameter_fails_generate_with_nothing_on_stdout() {
    if !helm_available() {
        return;
    }
    let sandbox = Sandbox::new();
    let cases = [
        // Not a DNS-1035 label.
        (
            json!([{"name": "release", "string": "Bad_Release"}]),
            "`release`",
        ),
        // A typo in the Application's parameter name.
        (
            json!([{"name": "domian", "string": "x.example.com"}]),
            "did you mean `domain`",
        ),
        (
            json!([{"name": "overlays", "array": ["google-manged"]}]),
            "google-manged",
        ),
    ];
    for (parameters, expected) in cases {
        let out = sandbox.generate(&argocd_env("vectors", &[], &parameters));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{parameters}: {stderr}");
        assert!(
            out.stdout.is_empty(),
            "{parameters}: stdout must stay empty on error"
        );
        assert!(
            stderr.contains(expected) && stderr.contains("hint:"),
            "{parameters}: {stderr}"
        );
    }
}

#[test]
fn zero_objects_is_an_error_not_an_empty_stream() {
    // Templates that render only the Helm values, no object.
    let tmp = tempdir();
    let templates = tmp.path().join("templates");
    std::fs::create_dir_all(templates.join("helm")).unwrap();
    std::fs::create_dir_all(templates.join("base")).unwrap();
    std::fs::copy(
        repo().join("templates/helm/values.yaml.j2"),
        templates.join("helm/values.yaml.j2"),
    )
    .unwrap();
    let assert = milvus_l7(tmp.path())
        .args(["render", "--set", "overlays=", "--templates"])
        .arg(&templates)
        .assert()
        .code(2)
        .stdout("");
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(
        stderr.contains("no Kubernetes objects") && stderr.contains("hint:"),
        "{stderr}"
    );
}

#[test]
fn plugin_yaml_is_a_valid_v2_plugin_for_this_binary() {
    let plugin = plugin();
    assert_eq!(plugin["apiVersion"], "argoproj.io/v1alpha1");
    assert_eq!(plugin["kind"], "ConfigManagementPlugin");
    assert_eq!(plugin["metadata"]["name"], "milvus-l7");
    // Only the fields of Argo CD's PluginConfigSpec (cmpserver/plugin/config.go).
    let known = [
        "version",
        "init",
        "generate",
        "discover",
        "parameters",
        "preserveFileMode",
        "provideGitCreds",
    ];
    for key in plugin["spec"].as_object().unwrap().keys() {
        assert!(known.contains(&key.as_str()), "unknown spec field {key}");
    }
    assert!(
        plugin["spec"].get("discover").is_none(),
        "no discovery rules: Applications name the plugin (tests/it/argocd_fleet.rs)"
    );

    let generate = &plugin["spec"]["generate"];
    let command = strings(&generate["command"]);
    let args = strings(&generate["args"]);
    assert_eq!(
        command,
        ["milvus-l7"],
        "run directly: no shell, so no pipe can hide a failure"
    );
    let binary = Path::new(env!("CARGO_BIN_EXE_milvus-l7"));
    assert_eq!(binary.file_name().unwrap(), command[0].as_str());
    let subcommand = args.first().expect("a subcommand");
    assert!(
        Cli::command()
            .get_subcommands()
            .any(|c| c.get_name() == subcommand),
        "`{subcommand}` is not a milvus-l7 command"
    );
    let argv: Vec<&String> = command.iter().chain(&args).collect();
    assert!(
        Cli::command().try_get_matches_from(&argv).is_ok(),
        "{argv:?} does not parse"
    );
    assert!(
        !args.iter().any(|a| a == "-o" || a.starts_with("--output")),
        "generate must print to stdout"
    );
}

#[test]
fn dynamic_parameters_announce_the_apps_own_values() {
    let dynamic = &plugin()["spec"]["parameters"]["dynamic"];
    let mut argv = strings(&dynamic["command"]);
    argv.extend(strings(&dynamic["args"]));
    assert_eq!(argv[0], "milvus-l7");
    // As Argo CD runs it: in the app directory, with the app's name and no namespace.
    let out = milvus_l7(&deploy().join("example-app"))
        .args(&argv[1..])
        .env("ARGOCD_APP_NAME", "milvus-demo")
        .env("MILVUS_L7_PORT", "tcp://10.0.0.1:80")
        .assert()
        .success();
    let announced: Vec<Value> = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let core: BTreeMap<&str, Value> = core_parameters()
        .into_iter()
        .map(|(name, default, _)| (name, default))
        .collect();
    // The fields of Argo CD's ParameterAnnouncement (repository.proto).
    let fields = [
        "name",
        "title",
        "tooltip",
        "required",
        "itemType",
        "collectionType",
        "string",
        "array",
        "map",
    ];
    for p in &announced {
        let name = p["name"].as_str().unwrap();
        assert!(core.contains_key(name), "`{name}` is a milvus-l7 parameter");
        for key in p.as_object().unwrap().keys() {
            assert!(
                fields.contains(&key.as_str()),
                "{name}: unknown field {key}"
            );
        }
    }
    let by_name = |n: &str| announced.iter().find(|p| p["name"] == n).unwrap().clone();
    // milvus-l7.yaml's values, not the tool's defaults.
    assert_eq!(by_name("release")["string"], "milvus-demo");
    // `domain` is a list (several domains): announced as an array.
    assert_eq!(by_name("domain")["array"], json!(["milvus.example.com"]));
    assert_eq!(by_name("domain")["collectionType"], "array");
    assert_eq!(by_name("overlays")["array"], json!(["google-managed"]));
    assert_eq!(by_name("overlays")["collectionType"], "array");
}

#[test]
#[cfg_attr(
    helm_missing,
    ignore = "helm does not run here (build.rs probed $HELM or helm)"
)]
fn announced_parameters_reach_the_renderer_under_argocds_names() {
    // For every announced parameter: set it the way the Argo CD UI would,
    // and see the rendered output change accordingly.
    let values = [
        ("release", json!({"string": "milvus-ui"})),
        ("namespace", json!({"string": "ui-ns"})),
        ("domain", json!({"string": "ui.example.com"})),
        ("overlays", json!({"array": ["self-managed"]})),
    ];
    if !helm_available() {
        return;
    }
    let sandbox = Sandbox::new();
    for (name, value) in values {
        let mut parameter = value.clone();
        parameter["name"] = json!(name);
        let out = sandbox.generate(&argocd_env("vectors", &[], &json!([parameter])));
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let docs = parse_yaml_stream(&String::from_utf8(out.stdout).unwrap());
        let ingress = find_kind(&docs, "Ingress").unwrap();
        let seen = match name {
            "release" => ingress["metadata"]["name"].clone(),
            "namespace" => ingress["metadata"]["namespace"].clone(),
            "domain" => ingress["spec"]["rules"][0]["host"].clone(),
            _ => json!(ingress["spec"]["tls"].is_array()),
        };
        let expected = match name {
            "release" => json!("milvus-ui"),
            "namespace" => json!("ui-ns"),
            "domain" => json!("ui.example.com"),
            _ => json!(true),
        };
        assert_eq!(seen, expected, "{name}");
    }
}

#[test]
fn sidecar_kustomization_builds_with_the_mounts_argocd_requires() {
    if !kubectl_available() {
        return;
    }
    let docs = kubectl_kustomize(&deploy());
    let config_map = find_kind(&docs, "ConfigMap").expect("plugin ConfigMap");
    assert_eq!(
        config_map["data"]["plugin.yaml"],
        std::fs::read_to_string(deploy().join("plugin.yaml")).unwrap(),
        "the ConfigMap carries plugin.yaml unchanged"
    );
    let deployment = find_kind(&docs, "Deployment").expect("repo-server");
    assert_eq!(deployment["metadata"]["name"], "argocd-repo-server");
    let pod = &deployment["spec"]["template"]["spec"];
    let containers = pod["containers"].as_array().unwrap();
    let sidecar = containers
        .iter()
        .find(|c| c["name"] == "milvus-l7")
        .expect("sidecar");
    assert_eq!(
        sidecar["command"],
        json!(["/var/run/argocd/argocd-cmp-server"])
    );
    assert_eq!(sidecar["securityContext"]["runAsNonRoot"], true);
    assert_eq!(sidecar["securityContext"]["runAsUser"], 999);

    let volumes: BTreeMap<String, Value> = pod["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["name"].as_str().unwrap().to_string(), v.clone()))
        .collect();
    let mount = |path: &str| -> Value {
        sidecar["volumeMounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["mountPath"] == path)
            .unwrap_or_else(|| panic!("no mount at {path}"))
            .clone()
    };
    assert_eq!(mount("/var/run/argocd")["name"], "var-files");
    assert_eq!(mount("/home/argocd/cmp-server/plugins")["name"], "plugins");
    let config = mount("/home/argocd/cmp-server/config/plugin.yaml");
    assert_eq!(config["subPath"], "plugin.yaml");
    assert_eq!(
        volumes[config["name"].as_str().unwrap()]["configMap"]["name"],
        config_map["metadata"]["name"],
        "mounts the generated ConfigMap (name with hash)"
    );
    let tmp = mount("/tmp");
    let tmp_volume = tmp["name"].as_str().unwrap();
    assert!(volumes[tmp_volume]["emptyDir"].is_object());
    for other in containers.iter().filter(|c| c["name"] != "milvus-l7") {
        let shares = other["volumeMounts"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|m| m["name"] == tmp_volume);
        assert!(!shares, "the sidecar's /tmp must be its own");
    }
}

fn example_applications() -> Vec<Value> {
    read_yaml_docs(&deploy().join("example-application.yaml"))
}

#[test]
fn example_plugin_application_renders_what_out_holds() {
    let apps = example_applications();
    let app = apps
        .iter()
        .find(|a| a["spec"]["source"]["plugin"].is_object())
        .expect("an Application using the plugin");
    let source = &app["spec"]["source"];
    assert_eq!(source["plugin"]["name"], plugin()["metadata"]["name"]);
    let app_dir = repo().join(source["path"].as_str().unwrap());
    assert!(
        app_dir.join(CONFIG_FILE).is_file(),
        "plugin discovery needs {CONFIG_FILE}"
    );
    let announced: Vec<Value> = core_parameters()
        .into_iter()
        .map(|(name, _, _)| json!(name))
        .collect();
    let parameters = &source["plugin"]["parameters"];
    for p in parameters.as_array().unwrap() {
        assert!(
            announced.contains(&p["name"]),
            "{} is not announced",
            p["name"]
        );
    }
    // The committed out/ is what Argo CD renders for this Application.
    let namespace = app["spec"]["destination"]["namespace"].as_str().unwrap();
    milvus_l7(&app_dir)
        .envs(argocd_env(namespace, &[], parameters))
        .args(["render", "--check", "out"])
        .assert()
        .code(0);
}

#[test]
fn one_application_per_milvus_without_a_second_values_source() {
    for app in example_applications() {
        let text = serde_json::to_string(&app).unwrap();
        assert!(app["spec"]["sources"].is_null(), "a single source");
        assert!(
            !text.contains("$values") && !text.contains("valueFiles"),
            "{text}"
        );
    }
}
