//! Issue 13, "GKE, round 2": the defects a source-checked review found,
//! each asserted on the real binary's output.

use crate::common::{by_kind, milvus_l7, render, stderr, stdout, testdata};

/// Runs `milvus-l7 render <args>` from testdata/ and expects exit 2 with
/// nothing on stdout; returns stderr.
fn render_refused(args: &[&str]) -> String {
    let assert = milvus_l7(&testdata())
        .arg("render")
        .args(args)
        .assert()
        .code(2);
    let out = assert.get_output();
    assert_eq!(stdout(out), "", "nothing on stdout on error");
    stderr(out)
}

#[test]
fn a_certmap_gateway_listener_has_no_tls() {
    let docs = render(&["--overlay", "gateway", "--set", "certMap=milvus-map"]);
    let listener = &by_kind(&docs, "Gateway")["spec"]["listeners"][0];
    assert_eq!(listener["protocol"], "HTTPS");
    assert!(listener.get("tls").is_none(), "{listener}");
    // With a Secret the listener keeps tls.certificateRefs.
    let docs = render(&["--overlay", "gateway", "--overlay", "self-managed"]);
    let listener = &by_kind(&docs, "Gateway")["spec"]["listeners"][0];
    assert_eq!(listener["tls"]["certificateRefs"][0]["name"], "my-release-milvus-tls");
}
