//! Argo CD, round 3: what the plugin announces is true in the environment the
//! repo-server gives it, Applications need no milvus-l7.yaml, the example
//! app's CI block passes, and a fleet of releases comes from one
//! ApplicationSet (`deploy/argocd/fleet/`), checked against Argo CD's own
//! CRDs (testdata/argocd/, argo-cd v3.5.1) and by `validate --fleet`.

use crate::common::tools::helm_available;
use crate::common::{
    find_kind, milvus_l7, parse_yaml_stream, read_yaml, read_yaml_docs, stderr, tempdir, testdata,
    write_file,
};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn deploy() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/argocd")
}

fn fleet() -> PathBuf {
    deploy().join("fleet")
}

/// The `v1alpha1` schema of one of Argo CD's CRDs, strict as the API server
/// decodes (`kubectl apply` refuses unknown fields): every object schema
/// with properties and no `x-kubernetes-preserve-unknown-fields` is closed.
fn crd_schema(file: &str) -> Value {
    let crd = read_yaml(&testdata().join("argocd").join(file));
    let version = crd["spec"]["versions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "v1alpha1")
        .expect("v1alpha1");
    let mut schema = version["schema"]["openAPIV3Schema"].clone();
    close(&mut schema);
    schema
}

fn close(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            let open = map.get("x-kubernetes-preserve-unknown-fields") == Some(&json!(true));
            if map.contains_key("properties") && !map.contains_key("additionalProperties") && !open
            {
                map.insert("additionalProperties".into(), json!(false));
            }
            map.values_mut().for_each(close);
        }
        Value::Array(items) => items.iter_mut().for_each(close),
        _ => {}
    }
}

/// The schema's complaints about `object`, each with its path.
fn violations(schema: &Value, object: &Value) -> Vec<String> {
    let validator = jsonschema::validator_for(schema).expect("Argo CD's schema compiles");
    validator
        .iter_errors(object)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn the_applicationset_and_applications_are_valid_argo_cd_objects() {
    let applicationset = read_yaml(&fleet().join("applicationset.yaml"));
    assert_eq!(applicationset["kind"], "ApplicationSet");
    let errors = violations(&crd_schema("applicationset-crd.yaml"), &applicationset);
    assert!(errors.is_empty(), "{errors:#?}");
    let application = crd_schema("application-crd.yaml");
    for file in [
        "example-application.yaml",
        "example-kustomize-application.yaml",
    ] {
        let app = read_yaml(&deploy().join(file));
        let errors = violations(&application, &app);
        assert!(errors.is_empty(), "{file}: {errors:#?}");
    }
    // The check is strict: a misspelt field is caught.
    let mut typo = applicationset.clone();
    typo["spec"]["syncPolicy"]["preserveResourcesOnDelete"] = json!(true);
    assert!(!violations(&crd_schema("applicationset-crd.yaml"), &typo).is_empty());
}

#[test]
fn the_applicationset_keeps_milvus_when_an_app_goes() {
    let set = read_yaml(&fleet().join("applicationset.yaml"));
    assert_eq!(
        set["spec"]["syncPolicy"]["preserveResourcesOnDeletion"],
        true
    );
    let sync = &set["spec"]["template"]["spec"]["syncPolicy"];
    let options: Vec<&str> = sync["syncOptions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o.as_str().unwrap())
        .collect();
    for wanted in [
        "CreateNamespace=true",
        "ServerSideApply=true",
        "PruneLast=true",
    ] {
        assert!(options.contains(&wanted), "{wanted} in {options:?}");
    }
    assert!(sync["retry"]["limit"].as_u64().is_some_and(|n| n > 0));
}

/// One element of Argo CD's git files generator for a matched file
/// (docs/operator-manual/applicationset/Generators-Git.md, v3.5.1): the
/// file's directory and its segments.
struct GitFile {
    dir: String,
}

impl GitFile {
    /// Replaces the Go template expressions the fleet's template uses; any
    /// other expression fails the test, so the simulation never guesses.
    fn expand(&self, template: &str) -> String {
        let segments: Vec<&str> = self.dir.split('/').collect();
        let mut out = String::new();
        let mut rest = template;
        while let Some(start) = rest.find("{{") {
            out.push_str(&rest[..start]);
            let end = rest[start..].find("}}").expect("closed expression") + start;
            let expression = rest[start + 2..end].trim();
            let value = if expression == ".path.path" {
                self.dir.clone()
            } else if expression == ".path.basename" {
                segments.last().unwrap().to_string()
            } else if let Some(n) = expression.strip_prefix("index .path.segments ") {
                segments[n.parse::<usize>().expect("an index")].to_string()
            } else {
                panic!("the simulated generator does not know {{{{{expression}}}}}");
            };
            out.push_str(&value);
            rest = &rest[end + 2..];
        }
        out.push_str(rest);
        out
    }

    fn application(&self, template: &Value) -> Value {
        match template {
            Value::String(s) => Value::String(self.expand(s)),
            Value::Array(items) => items.iter().map(|v| self.application(v)).collect(),
            Value::Object(map) => map
                .iter()
                .map(|(k, v)| (k.clone(), self.application(v)))
                .collect(),
            other => other.clone(),
        }
    }
}

/// The files the fleet's generator matches, as repository paths relative
/// to the fleet root (`deploy/argocd/fleet/` stands for the repository).
fn matched_files(root: &Path, pattern: &str) -> Vec<GitFile> {
    let depth = pattern.split('/').count();
    let mut found: Vec<GitFile> = walkdir::WalkDir::new(root)
        .min_depth(depth)
        .max_depth(depth)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let relative = e.path().strip_prefix(root).unwrap().to_str()?.to_string();
            let matches = relative
                .split('/')
                .zip(pattern.split('/'))
                .all(|(name, glob)| glob == "*" || glob == name);
            matches.then(|| GitFile {
                dir: relative.rsplit_once('/').unwrap().0.to_string(),
            })
        })
        .collect();
    found.sort_by(|a, b| a.dir.cmp(&b.dir));
    found
}

#[test]
fn every_generated_application_is_valid_and_renders_its_directorys_release() {
    let set = read_yaml(&fleet().join("applicationset.yaml"));
    let pattern = set["spec"]["generators"][0]["git"]["files"][0]["path"]
        .as_str()
        .unwrap();
    let files = matched_files(&fleet(), pattern);
    assert_eq!(files.len(), 3, "the example fleet's three apps");
    let schema = crd_schema("application-crd.yaml");
    let plugin = read_yaml_docs(&deploy().join("plugin.yaml")).remove(0);
    let with_chart = helm_available();
    for file in &files {
        let mut app = file.application(&set["spec"]["template"]);
        app["apiVersion"] = json!("argoproj.io/v1alpha1");
        app["kind"] = json!("Application");
        app["metadata"]["namespace"] = json!("argocd");
        let errors = violations(&schema, &app);
        assert!(errors.is_empty(), "{}: {errors:#?}", file.dir);
        let source = &app["spec"]["source"];
        assert_eq!(source["plugin"]["name"], plugin["metadata"]["name"]);
        let segments: Vec<&str> = file.dir.split('/').collect();
        // As the repo-server runs `generate` for this Application.
        let mut args: Vec<String> = plugin["spec"]["generate"]["args"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap().to_string())
            .collect();
        if !with_chart {
            args.retain(|a| a != "--chart");
        }
        let out = milvus_l7(&fleet().join(&file.dir))
            .args(&args)
            .env("ARGOCD_APP_NAME", app["metadata"]["name"].as_str().unwrap())
            .env(
                "ARGOCD_APP_NAMESPACE",
                app["spec"]["destination"]["namespace"].as_str().unwrap(),
            )
            .env("ARGOCD_APP_SOURCE_PATH", source["path"].as_str().unwrap())
            .env(
                "MILVUS_L7_CHART_PATH",
                testdata().join("charts/milvus-5.0.19.tgz"),
            )
            .output()
            .unwrap();
        assert!(out.status.success(), "{}: {}", file.dir, stderr(&out));
        let docs = parse_yaml_stream(&String::from_utf8(out.stdout).unwrap());
        let ingress = find_kind(&docs, "Ingress").expect("an Ingress");
        assert_eq!(
            ingress["metadata"]["namespace"], segments[2],
            "{}",
            file.dir
        );
        assert!(
            ingress["metadata"]["name"]
                .as_str()
                .unwrap()
                .starts_with(segments[3]),
            "{}: {}",
            file.dir,
            ingress["metadata"]["name"]
        );
        if with_chart {
            assert!(
                docs.iter().any(|d| d["kind"] == "Deployment"),
                "{}: the chart's workloads",
                file.dir
            );
        }
    }
}

#[test]
fn the_example_fleet_is_valid_together() {
    let out = milvus_l7(&deploy())
        .args(["validate", "--fleet", "fleet"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    assert!(
        stderr(&out).contains("valid fleet: 3 apps"),
        "{}",
        stderr(&out)
    );
}

/// A copy of the example fleet with one more app, checked.
fn fleet_with(app_dir: &str, config: &str) -> (std::process::Output, tempfile::TempDir) {
    let dir = tempdir();
    for entry in walkdir::WalkDir::new(fleet()) {
        let entry = entry.unwrap();
        let target = dir.path().join(entry.path().strip_prefix(fleet()).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
    std::fs::create_dir_all(dir.path().join(app_dir)).unwrap();
    write_file(&dir.path().join(app_dir), "milvus-l7.yaml", config);
    let out = milvus_l7(dir.path())
        .args(["validate", "--fleet", "."])
        .output()
        .unwrap();
    (out, dir)
}

#[test]
fn the_fleet_check_refuses_what_two_apps_share() {
    let cases = [
        (
            "clusters/prod-eu/milvus/search-2",
            "release: search\ndomain: other.example.com\n",
            "release `prod-eu/milvus/search` is claimed by prod-eu/milvus/search and prod-eu/milvus/search-2",
        ),
        (
            "clusters/prod-us/milvus/recsys",
            "domain: recsys.eu.example.com\n",
            "domain `recsys.eu.example.com` is claimed by prod-eu/milvus/recsys and prod-us/milvus/recsys",
        ),
        (
            "clusters/prod-us/vectors/images",
            "domain: images.example.com\noverlays: [google-managed, static-ip]\nstaticIpName: milvus-search-eu\n",
            "global static IP `milvus-search-eu` is claimed by prod-eu/milvus/search and prod-us/vectors/images",
        ),
    ];
    for (app, config, expected) in cases {
        let (out, _dir) = fleet_with(app, config);
        assert_eq!(out.status.code(), Some(2), "{app}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{app}");
        assert!(stderr(&out).contains(expected), "{app}: {}", stderr(&out));
    }
    // Another cluster may reuse a release name and namespace.
    let (out, _dir) = fleet_with(
        "clusters/prod-us/milvus/search",
        "domain: search2.us.example.com\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn an_app_that_does_not_render_is_named() {
    let (out, _dir) = fleet_with("clusters/prod-eu/milvus/broken", "overlays: [no-such]\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("fleet app prod-eu/milvus/broken"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_fleet_of_fifty_apps_renders_and_reports_the_time_per_app() {
    let dir = tempdir();
    let mut count = 0;
    for cluster in ["eu-1", "eu-2", "us-1", "us-2", "asia-1"] {
        for namespace in ["search", "recsys"] {
            for n in 0..5 {
                let app = dir
                    .path()
                    .join(format!("clusters/{cluster}/{namespace}/milvus-{n}"));
                std::fs::create_dir_all(&app).unwrap();
                let static_ip = if n % 2 == 0 {
                    format!("overlays: [google-managed, static-ip]\nstaticIpName: {cluster}-{namespace}-{n}\n")
                } else {
                    String::new()
                };
                write_file(
                    &app,
                    "milvus-l7.yaml",
                    &format!("domain: {n}.{namespace}.{cluster}.example.com\n{static_ip}"),
                );
                count += 1;
            }
        }
    }
    assert_eq!(count, 50);
    let out = milvus_l7(dir.path())
        .args(["validate", "--fleet", "."])
        .output()
        .unwrap();
    let message = stderr(&out);
    assert!(out.status.success(), "{message}");
    assert!(message.contains("valid fleet: 50 apps"), "{message}");
    let per_app: f64 = message
        .split('(')
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .expect("the time per app");
    eprintln!("fleet of 50 apps: {per_app} ms per app");
    assert!(per_app > 0.0);
}

/// The environment Argo CD gives `parameters.dynamic`, exactly
/// (argo-cd v3.5.1 reposerver/repository/repository.go,
/// populatePluginAppDetails): no ARGOCD_APP_NAMESPACE, no KUBE_VERSION.
fn announce(dir: &Path, source_path: &str) -> Vec<Value> {
    let out = milvus_l7(dir)
        .arg("argocd-parameters")
        .env("ARGOCD_APP_NAME", "milvus-demo-l7")
        .env(
            "ARGOCD_APP_SOURCE_REPO_URL",
            "https://github.com/your-org/milvus-l7.git",
        )
        .env("ARGOCD_APP_SOURCE_PATH", source_path)
        .env("ARGOCD_APP_SOURCE_TARGET_REVISION", "HEAD")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn argocd_parameters_announces_only_what_generate_renders() {
    let announced = announce(&deploy().join("example-app"), "deploy/argocd/example-app");
    let names: Vec<&str> = announced
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert!(
        !names.contains(&"chart"),
        "generate always renders the chart: {names:?}"
    );
    // The example app sets its namespace in milvus-l7.yaml: true wherever it runs.
    let namespace = announced.iter().find(|p| p["name"] == "namespace");
    assert_eq!(namespace.map(|p| &p["string"]), Some(&json!("milvus")));

    // An app that leaves its namespace to the destination: not announced,
    // since this command cannot know it.
    let dir = tempdir();
    write_file(dir.path(), "milvus-l7.yaml", "release: vectors\n");
    let announced = announce(dir.path(), "apps/vectors");
    assert!(
        !announced.iter().any(|p| p["name"] == "namespace"),
        "{announced:#?}"
    );

    // In a fleet, the directories say it, and generate renders the same.
    let app = fleet().join("clusters/prod-eu/milvus/recsys");
    let announced = announce(&app, "clusters/prod-eu/milvus/recsys");
    let value = |n: &str| announced.iter().find(|p| p["name"] == n).unwrap()["string"].clone();
    assert_eq!(value("namespace"), "milvus");
    assert_eq!(value("release"), "recsys");
}

#[test]
fn the_plugin_takes_applications_without_a_config_file() {
    // Argo CD: a named plugin without discovery rules supports every
    // repository (util/app/discovery/discovery.go, cmpSupports, v3.5.1);
    // with `discover.fileName` an app without that file is refused.
    let plugin = read_yaml_docs(&deploy().join("plugin.yaml")).remove(0);
    assert!(
        plugin["spec"].get("discover").is_none(),
        "discovery would refuse parameter-only Applications"
    );
    let dir = tempdir();
    let out = milvus_l7(dir.path())
        .arg("render")
        .env("ARGOCD_APP_NAME", "from-parameters")
        .env("ARGOCD_APP_NAMESPACE", "vectors")
        .env(
            "ARGOCD_APP_PARAMETERS",
            r#"[{"name":"release","string":"vectors"},{"name":"domain","string":"v.example.com"}]"#,
        )
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let docs = parse_yaml_stream(&String::from_utf8(out.stdout).unwrap());
    let ingress = find_kind(&docs, "Ingress").unwrap();
    assert_eq!(ingress["metadata"]["namespace"], "vectors");
    assert_eq!(ingress["spec"]["rules"][0]["host"], "v.example.com");
}

#[test]
fn the_example_apps_committed_render_is_current() {
    // docs/argocd.md's CI block, as a user runs it in the example app.
    let out = milvus_l7(&deploy().join("example-app"))
        .args(["render", "--check", "out/"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn the_install_steps_agree_on_argo_cds_version_and_server_side_apply() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let texts: Vec<(String, String)> = [
        "docs/argocd.md",
        "deploy/argocd/kustomization.yaml",
        "deploy/argocd/plugin.yaml",
        "deploy/argocd/fleet/applicationset.yaml",
    ]
    .iter()
    .map(|f| {
        (
            f.to_string(),
            std::fs::read_to_string(root.join(f)).unwrap(),
        )
    })
    .collect();
    let mut versions = std::collections::BTreeSet::new();
    for (file, text) in &texts {
        for (i, _) in text.match_indices("argo-cd/") {
            let version: String = text[i + 8..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '.')
                .collect();
            if version.starts_with('v') {
                versions.insert((version, file.clone()));
            }
        }
        for line in text
            .lines()
            .filter(|l| l.contains("kubectl apply -n argocd"))
        {
            if line.contains("-k ") || line.contains("kubectl kustomize deploy/argocd |") {
                assert!(
                    line.contains("--server-side"),
                    "{file}: the sidecar install is applied server-side: {line}"
                );
            }
        }
    }
    let cited: std::collections::BTreeSet<&str> =
        versions.iter().map(|(v, _)| v.as_str()).collect();
    assert_eq!(cited.len(), 1, "one Argo CD version cited: {versions:?}");
}
