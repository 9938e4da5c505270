//! The resolver's tests: layers, types, checks and messages.

use super::*;

fn overlays() -> FileTree {
    FileTree::from_map(
        "test",
        [
            (
                "google-managed/overlay.yaml",
                "description: g\ncertificate: google-managed\nconflicts: {self-managed: x}\n",
            ),
            (
                "self-managed/overlay.yaml",
                "description: s\ncertificate: secret\nconflicts: {google-managed: x}\n",
            ),
            (
                "static-ip/overlay.yaml",
                "description: ip\nparameters: {staticIpName: null}\n",
            ),
            (
                "cloud-armor/overlay.yaml",
                "description: armor\nparameters: {securityPolicy: null}\n",
            ),
            (
                "internal/overlay.yaml",
                "description: i\nloadBalancer: internal\n",
            ),
        ],
    )
}

fn flag(key: &str, value: Value) -> Setting {
    Setting {
        key: key.into(),
        value,
        origin: Origin::Flag(format!("--{key}")),
    }
}

#[test]
fn defaults_reproduce_the_guide() {
    let (p, _) = resolve(&ParamInputs::default(), &overlays()).unwrap();
    assert_eq!(p.release, "my-release");
    assert_eq!(p.namespace, "default");
    assert_eq!(p.domain, "my-release.milvus.io");
    assert_eq!(p.service_name, "my-release-milvus");
    assert_eq!(p.backend_config_name, "my-release-backendconfig");
    assert_eq!(p.certificate_name, "my-release-milvus-tls");
    assert_eq!((p.service_port, p.health_check_port), (19530, 9091));
    assert!(!p.service_name_explicit);
}

#[test]
fn flags_beat_env_beat_config_beat_argocd_namespace() {
    let inputs = ParamInputs {
        config: Some((
            PathBuf::from("milvus-l7.yaml"),
            "release: from-config\nnamespace: cfg\ndomain: a.example.com\n".into(),
        )),
        env: vec![
            ("ARGOCD_APP_NAMESPACE".into(), "argo".into()),
            ("MILVUS_L7_DOMAIN".into(), "b.example.com".into()),
            ("PARAM_RELEASE".into(), "from-param".into()),
        ],
        flags: vec![flag("domain", json!("c.example.com"))],
    };
    let (p, _) = resolve(&inputs, &overlays()).unwrap();
    assert_eq!(p.namespace, "cfg");
    assert_eq!(p.release, "from-param");
    assert_eq!(p.domain, "c.example.com");
}

#[test]
fn argocd_namespace_replaces_the_default() {
    let inputs = ParamInputs {
        env: vec![("ARGOCD_APP_NAMESPACE".into(), "milvus".into())],
        ..Default::default()
    };
    assert_eq!(resolve(&inputs, &overlays()).unwrap().0.namespace, "milvus");
}

#[test]
fn argocd_array_parameters_keep_their_order() {
    let inputs = ParamInputs {
        env: vec![
            ("PARAM_OVERLAYS_1".into(), "static-ip".into()),
            ("PARAM_OVERLAYS_0".into(), "self-managed".into()),
            ("PARAM_STATIC_IP_NAME".into(), "milvus-ip".into()),
        ],
        ..Default::default()
    };
    assert_eq!(
        resolve(&inputs, &overlays()).unwrap().0.overlays,
        ["self-managed", "static-ip"]
    );
}

fn env(pairs: &[(&str, &str)]) -> ParamInputs {
    ParamInputs {
        env: pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..Default::default()
    }
}

#[test]
fn argocd_escaped_parameter_names_reach_camel_case_keys() {
    // Argo CD turns parameter `healthCheckPort` into PARAM_HEALTHCHECKPORT.
    let (p, _) = resolve(
        &env(&[
            ("PARAM_HEALTHCHECKPORT", "9092"),
            ("ARGOCD_ENV_SERVICENAME", "vectors"),
        ]),
        &overlays(),
    )
    .unwrap();
    assert_eq!(p.health_check_port, 9092);
    assert_eq!(p.service_name, "vectors");
}

#[test]
fn argocd_app_parameters_sit_between_argocd_env_and_param() {
    let json = r#"[{"name":"release","string":"from-json"},{"name":"domain","string":"json.example.com"},{"name":"namespace","string":"json-ns"}]"#;
    let (p, _) = resolve(
        &env(&[
            ("ARGOCD_APP_NAMESPACE", "argo"),
            ("ARGOCD_ENV_RELEASE", "from-env"),
            ("ARGOCD_ENV_DOMAIN", "env.example.com"),
            ("ARGOCD_APP_PARAMETERS", json),
            ("PARAM_RELEASE", "from-param"),
        ]),
        &overlays(),
    )
    .unwrap();
    assert_eq!(p.release, "from-param", "PARAM_ beats the JSON");
    assert_eq!(p.domain, "json.example.com", "the JSON beats ARGOCD_ENV_");
    assert_eq!(
        p.namespace, "json-ns",
        "an explicit namespace beats ARGOCD_APP_NAMESPACE"
    );
}

#[test]
fn argocd_app_parameters_alone_are_enough() {
    let json = r#"[{"name":"overlays","array":["self-managed","static-ip"]},{"name":"staticIpName","string":"ip"}]"#;
    let (p, _) = resolve(&env(&[("ARGOCD_APP_PARAMETERS", json)]), &overlays()).unwrap();
    assert_eq!(p.overlays, ["self-managed", "static-ip"]);
    assert_eq!(p.get("staticIpName"), Some(&json!("ip")));
}

#[test]
fn an_empty_overlays_array_from_argocd_selects_no_overlay() {
    let json = r#"[{"name":"overlays","array":[]}]"#;
    let (p, _) = resolve(&env(&[("ARGOCD_APP_PARAMETERS", json)]), &overlays()).unwrap();
    assert!(p.overlays.is_empty());
}

#[test]
fn a_typo_in_the_applications_parameters_is_an_error() {
    let json = r#"[{"name":"domian","string":"x.example.com"}]"#;
    let err = refusal(&env(&[
        ("ARGOCD_APP_PARAMETERS", json),
        ("PARAM_DOMIAN", "x.example.com"),
    ]));
    assert!(
        err.contains("`domian`") && err.contains("did you mean `domain`"),
        "{err}"
    );
    assert!(err.contains("ARGOCD_APP_PARAMETERS"), "{err}");
}

#[test]
fn a_map_parameter_is_refused_with_its_origin() {
    let json = r#"[{"name":"domain","map":{"a":"b"}}]"#;
    let err = refusal(&env(&[("ARGOCD_APP_PARAMETERS", json)]));
    assert!(
        err.contains("`domain`") && err.contains("expected a string"),
        "{err}"
    );
}

#[test]
fn unknown_variables_under_argocds_prefixes_are_left_alone() {
    // The sidecar's environment is shared with other tools.
    let (p, _) = resolve(
        &env(&[("PARAM_SOMETHING_ELSE", "x"), ("ARGOCD_ENV_OTHER", "y")]),
        &overlays(),
    )
    .unwrap();
    assert_eq!(p.release, "my-release");
}

#[test]
fn unknown_key_suggests_the_closest() {
    let inputs = ParamInputs {
        config: Some((PathBuf::from("c.yaml"), "domian: x.example.com\n".into())),
        ..Default::default()
    };
    let err = refusal(&inputs);
    assert!(
        err.contains("`domian`") && err.contains("did you mean `domain`"),
        "{err}"
    );
    assert!(err.contains("c.yaml"), "{err}");
}

#[test]
fn parameter_of_an_unselected_overlay_names_the_overlay() {
    let inputs = ParamInputs {
        flags: vec![flag("staticIpName", json!("ip"))],
        ..Default::default()
    };
    let err = refusal(&inputs);
    assert!(err.contains("--overlay static-ip"), "{err}");
}

#[test]
fn required_overlay_parameters_must_be_set() {
    let missing = ParamInputs {
        flags: vec![flag("overlays", json!(["static-ip"]))],
        ..Default::default()
    };
    let err = refusal(&missing);
    assert!(
        err.contains("`staticIpName`") && err.contains("--set staticIpName="),
        "{err}"
    );
    let given = ParamInputs {
        flags: vec![
            flag("overlays", json!(["static-ip"])),
            flag("staticIpName", json!("milvus-ip")),
        ],
        ..Default::default()
    };
    assert_eq!(
        resolve(&given, &overlays()).unwrap().0.get("staticIpName"),
        Some(&json!("milvus-ip"))
    );
}

/// The error of resolving `flags`, as `main` prints it.
fn refused(flags: Vec<Setting>) -> String {
    refusal(&ParamInputs {
        flags,
        ..Default::default()
    })
}

/// The error of resolving `inputs`, as `main` prints it.
fn refusal(inputs: &ParamInputs) -> String {
    resolve(inputs, &overlays())
        .unwrap_err()
        .report()
        .to_string()
}

#[test]
fn a_required_name_given_empty_is_refused_not_rendered_empty() {
    for empty in ["", "  "] {
        let err = refused(vec![
            flag("overlays", json!(["static-ip"])),
            flag("staticIpName", json!(empty)),
        ]);
        assert!(
            err.contains("`staticIpName`, which is given empty")
                && err.contains("--set staticIpName="),
            "{err}"
        );
    }
}

#[test]
fn the_security_policy_is_a_google_cloud_resource_name() {
    let bad = [
        "p\"\nkind: Secret",
        "Bad Policy!",
        "\x1b[31mred",
        "pol\u{e9}cy",
        &"a".repeat(64),
        "1abc",
        "abc-",
        "",
    ];
    for value in bad {
        let err = refused(vec![
            flag("overlays", json!(["cloud-armor"])),
            flag("securityPolicy", json!(value)),
        ]);
        assert!(err.contains("`securityPolicy`"), "{value:?}: {err}");
        assert!(
            !err.contains('\x1b') && !err.contains("\nkind: Secret"),
            "{value:?} echoed raw: {err}"
        );
    }
    let inputs = ParamInputs {
        flags: vec![
            flag("overlays", json!(["cloud-armor"])),
            flag("securityPolicy", json!("milvus-armor")),
        ],
        ..Default::default()
    };
    assert!(resolve(&inputs, &overlays()).is_ok());
}

#[test]
fn the_internal_overlay_and_another_ingress_class_are_refused_together() {
    let err = refused(vec![
        flag("overlays", json!(["internal"])),
        flag("ingressClass", json!("gce")),
    ]);
    assert!(
        err.contains("`ingressClass`") && err.contains("conflicts with the internal overlay"),
        "{err}"
    );
    for agreeing in ["", "gce-internal"] {
        let inputs = ParamInputs {
            flags: vec![
                flag("overlays", json!(["internal"])),
                flag("ingressClass", json!(agreeing)),
            ],
            ..Default::default()
        };
        assert!(resolve(&inputs, &overlays()).is_ok(), "{agreeing:?}");
    }
}

#[test]
fn a_port_is_read_by_its_declared_type() {
    let err = refused(vec![flag("servicePort", json!("19530x"))]);
    assert!(err.contains("expected a whole number"), "{err}");
    let err = refused(vec![flag("servicePort", json!(70000))]);
    assert!(err.contains("70000 is not a TCP port"), "{err}");
    let err = refused(vec![flag("mode", json!("both"))]);
    assert!(err.contains("`both` is not cluster or standalone"), "{err}");
}

#[test]
fn strings_from_env_become_numbers_and_stay_strings() {
    let inputs = ParamInputs {
        env: vec![
            ("MILVUS_L7_SERVICE_PORT".into(), "19531".into()),
            ("MILVUS_L7_NAMESPACE".into(), "on".into()),
        ],
        ..Default::default()
    };
    let (p, _) = resolve(&inputs, &overlays()).unwrap();
    assert_eq!(p.service_port, 19531);
    assert_eq!(p.namespace, "on");
    let bad = ParamInputs {
        flags: vec![flag("servicePort", json!("http"))],
        ..Default::default()
    };
    assert!(resolve(&bad, &overlays())
        .unwrap_err()
        .to_string()
        .contains("whole number"));
}

#[test]
fn google_managed_refuses_wildcard_and_uppercase_domains() {
    for domain in ["*.milvus.io", "Milvus.example.com"] {
        let inputs = ParamInputs {
            flags: vec![flag("domain", json!(domain))],
            ..Default::default()
        };
        let err = refusal(&inputs);
        assert!(err.contains("`domain`"), "{err}");
    }
    let self_managed = ParamInputs {
        flags: vec![
            flag("domain", json!("*.milvus.io")),
            flag("overlays", json!(["self-managed"])),
        ],
        ..Default::default()
    };
    assert!(resolve(&self_managed, &overlays()).is_ok());
}

#[test]
fn key_material_never_appears_in_debug() {
    let t = TlsFiles {
        cert_path: "c".into(),
        key_path: "k".into(),
        cert_pem: "CERT".into(),
        key_pem: "SECRET-KEY".into(),
    };
    assert!(!format!("{t:?}").contains("SECRET-KEY"));
}

#[test]
fn an_emptied_argocd_field_means_unset() {
    let json = r#"[{"name":"domain","string":""}]"#;
    let (p, _) = resolve(
        &env(&[("ARGOCD_APP_PARAMETERS", json), ("PARAM_DOMAIN", "")]),
        &overlays(),
    )
    .unwrap();
    assert_eq!(p.domain, "my-release.milvus.io");
}

#[test]
fn under_argocd_the_sidecars_service_links_are_not_parameters() {
    let links = [
        ("MILVUS_L7_PORT", "tcp://10.0.0.1:8080"),
        ("MILVUS_L7_SERVICE_PORT", "8080"),
        ("MILVUS_L7_SERVICE_HOST", "10.0.0.1"),
    ];
    let outside = resolve(&env(&links), &overlays());
    assert!(
        outside.is_err(),
        "outside Argo CD an unknown variable is an error"
    );
    let mut inside = links.to_vec();
    inside.push(("ARGOCD_APP_NAME", "milvus"));
    inside.push(("MILVUS_L7_CHART_PATH", "/charts/milvus.tgz"));
    let (p, _) = resolve(&env(&inside), &overlays()).unwrap();
    assert_eq!(p.service_port, 19530);
    assert_eq!(p.get("chartPath"), Some(&json!("/charts/milvus.tgz")));
}

#[test]
fn camel_case_from_env_names() {
    assert_eq!(layers::camel_case("HEALTH_CHECK_PORT"), "healthCheckPort");
    assert_eq!(layers::camel_case("RELEASE"), "release");
}
