//! `milvus-l7 cert`, and the certificate checks render runs on
//! --tls-cert/--tls-key: generated files are read back by independent
//! readers (x509-parser, and openssl when installed), bad pairs are refused
//! with a clear message that never contains key bytes.

use crate::common::{milvus_l7, stderr, stdout, tempdir, write_file};
use ::time::{Duration, OffsetDateTime};
use assert_cmd::Command;
use milvus_l7::tls::generate::{generate, KeyType};
use std::path::Path;
use std::process::Command as Process;
use x509_parser::prelude::*;

fn openssl_available() -> bool {
    crate::common::tool_available("openssl", &["version"])
}

fn openssl(args: &[&str], dir: &Path) -> String {
    let out = Process::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn assert_no_key_bytes(text: &str, key_pem: &str) {
    for line in key_pem.lines().filter(|l| !l.starts_with("-----")) {
        assert!(!text.contains(line), "key bytes in output: {text}");
    }
}

/// Runs `cert --domain milvus.example.com <extra>` in `dir`, then checks
/// what it wrote with x509-parser and openssl (when installed), and that
/// render accepts the pair. Returns openssl's text of the certificate.
fn cert_is_read_by_independent_readers_and_accepted_by_render(
    dir: &Path,
    extra: &[&str],
) -> String {
    let assert = milvus_l7(dir)
        .args(["cert", "--domain", "milvus.example.com"])
        .args(extra)
        .assert()
        .success()
        .stdout("");
    let stderr = stderr(assert.get_output());
    assert!(
        stderr.contains(
            "next: milvus-l7 render --overlay self-managed --domain milvus.example.com --tls-cert tls.crt --tls-key tls.key"
        ),
        "{stderr}"
    );

    let cert_pem = read(dir, "tls.crt");
    let (_, pem) = parse_x509_pem(cert_pem.as_bytes()).unwrap();
    let cert = pem.parse_x509().unwrap();
    let san = cert.subject_alternative_name().unwrap().unwrap();
    assert!(matches!(
        san.value.general_names.as_slice(),
        [GeneralName::DNSName("milvus.example.com")]
    ));
    assert_eq!(cert.subject().to_string(), "CN=milvus.example.com");
    let days =
        (cert.validity().not_after.timestamp() - cert.validity().not_before.timestamp()) / 86_400;
    assert_eq!(days, 365);
    assert!(read(dir, "tls.key").starts_with("-----BEGIN PRIVATE KEY-----"));

    let mut text = String::new();
    if openssl_available() {
        text = openssl(&["x509", "-in", "tls.crt", "-noout", "-text"], dir);
        assert!(text.contains("DNS:milvus.example.com"), "{text}");
        assert!(
            text.contains("Subject: CN = milvus.example.com")
                || text.contains("Subject: CN=milvus.example.com"),
            "{text}"
        );
        assert!(text.contains("TLS Web Server Authentication"), "{text}");
        // openssl agrees that the key belongs to the certificate.
        assert_eq!(
            openssl(&["x509", "-in", "tls.crt", "-noout", "-pubkey"], dir),
            openssl(&["pkey", "-in", "tls.key", "-pubout"], dir)
        );
    }

    // The render runs the certificate checks on these files and accepts them.
    render_self_managed(
        dir,
        "tls.crt",
        "tls.key",
        // -q: no note about the Helm values on this pipe; a warning would remain.
        &["--domain", "milvus.example.com", "-q"],
    )
    .assert()
    .success()
    .stderr("");
    text
}

/// The public key of the certificate `cert` wrote into `dir`.
fn public_key_of(dir: &Path) -> String {
    let cert_pem = read(dir, "tls.crt");
    let (_, pem) = parse_x509_pem(cert_pem.as_bytes()).unwrap();
    let cert = pem.parse_x509().unwrap();
    format!("{:?}", cert.public_key().parsed().unwrap())
}

#[test]
fn default_key_is_ecdsa_p256_read_by_independent_readers_and_accepted_by_render() {
    let tmp = tempdir();
    let text = cert_is_read_by_independent_readers_and_accepted_by_render(tmp.path(), &[]);
    assert!(public_key_of(tmp.path()).starts_with("EC("));
    if openssl_available() {
        assert!(
            text.contains("prime256v1") || text.contains("P-256"),
            "{text}"
        );
    }
}

#[test]
#[cfg_attr(
    not(feature = "rsa-keys"),
    ignore = "RSA key generation needs `--features rsa-keys`"
)]
fn rsa2048_on_request_is_read_by_independent_readers_and_accepted_by_render() {
    let tmp = tempdir();
    let text = cert_is_read_by_independent_readers_and_accepted_by_render(
        tmp.path(),
        &["--key-type", "rsa2048"],
    );
    let cert_pem = read(tmp.path(), "tls.crt");
    let (_, pem) = parse_x509_pem(cert_pem.as_bytes()).unwrap();
    match pem.parse_x509().unwrap().public_key().parsed().unwrap() {
        x509_parser::public_key::PublicKey::RSA(rsa) => assert_eq!(rsa.key_size(), 2048),
        other => panic!("expected RSA, got {other:?}"),
    }
    if openssl_available() {
        assert!(text.contains("Public-Key: (2048 bit)"), "{text}");
    }
}

#[test]
#[cfg_attr(
    feature = "rsa-keys",
    ignore = "this build has RSA key generation (`rsa-keys`)"
)]
fn rsa2048_without_the_feature_is_refused_saying_how_to_get_it() {
    let tmp = tempdir();
    let assert = milvus_l7(tmp.path())
        .args([
            "cert",
            "--domain",
            "milvus.example.com",
            "--key-type",
            "rsa2048",
        ])
        .assert()
        .code(2)
        .stdout("");
    let stderr = stderr(assert.get_output());
    assert!(
        stderr.contains("--key-type") && stderr.contains("--features rsa-keys"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
}

#[cfg(unix)]
#[test]
fn key_is_mode_0600_and_certificate_0644() {
    let tmp = tempdir();
    milvus_l7(tmp.path())
        .args([
            "cert",
            "--domain",
            "milvus.example.com",
            "--key-type",
            "ecdsa-p256",
            "--out-dir",
            "certs",
        ])
        .assert()
        .success();
    assert_eq!(mode(&tmp.path().join("certs/tls.key")), 0o600);
    assert_eq!(mode(&tmp.path().join("certs/tls.crt")), 0o644);
}

#[test]
fn ecdsa_p256_on_request() {
    let tmp = tempdir();
    let dir = tmp.path();
    milvus_l7(dir)
        .args([
            "cert",
            "--domain",
            "*.example.com",
            "--key-type",
            "ecdsa-p256",
            "--days",
            "90",
        ])
        .assert()
        .success();
    let cert_pem = read(dir, "tls.crt");
    let (_, pem) = parse_x509_pem(cert_pem.as_bytes()).unwrap();
    let cert = pem.parse_x509().unwrap();
    assert!(matches!(
        cert.public_key().parsed().unwrap(),
        x509_parser::public_key::PublicKey::EC(_)
    ));
    if openssl_available() {
        let text = openssl(&["x509", "-in", "tls.crt", "-noout", "-text"], dir);
        assert!(
            text.contains("prime256v1") || text.contains("P-256"),
            "{text}"
        );
        assert!(text.contains("DNS:*.example.com"), "{text}");
    }
    // A wildcard certificate covers one label: accepted for a.example.com.
    render_self_managed(
        dir,
        "tls.crt",
        "tls.key",
        &["--domain", "milvus.example.com"],
    )
    .assert()
    .success();
}

#[test]
fn existing_files_are_kept_unless_force() {
    let tmp = tempdir();
    let dir = tmp.path();
    write_file(dir, "tls.crt", "old certificate");
    let assert = milvus_l7(dir)
        .args([
            "cert",
            "--domain",
            "milvus.example.com",
            "--key-type",
            "ecdsa-p256",
        ])
        .assert()
        .code(2)
        .stdout("");
    let stderr = stderr(assert.get_output());
    assert!(
        stderr.contains("tls.crt already exists") && stderr.contains("--force"),
        "{stderr}"
    );
    assert_eq!(read(dir, "tls.crt"), "old certificate");
    assert!(!dir.join("tls.key").exists(), "nothing may be written");

    milvus_l7(dir)
        .args([
            "cert",
            "--domain",
            "milvus.example.com",
            "--key-type",
            "ecdsa-p256",
            "--force",
        ])
        .assert()
        .success();
    assert!(read(dir, "tls.crt").starts_with("-----BEGIN CERTIFICATE-----"));
    assert!(dir.join("tls.key").exists());
}

#[test]
fn bad_days_and_domains_are_refused_before_writing() {
    let tmp = tempdir();
    for (args, expected) in [
        (
            vec!["--domain", "milvus.example.com", "--days", "99999"],
            "825",
        ),
        (
            vec!["--domain", "milvus.example.com", "--days", "0"],
            "between 1 and 825",
        ),
        (vec!["--domain", "localhost"], "`domain`"),
        (vec!["--domain", "Milvus.example.com"], "uppercase"),
        (
            vec!["--domain", "milvus.example.com", "--key-type", "rsa1024"],
            "rsa1024",
        ),
    ] {
        let assert = milvus_l7(tmp.path())
            .arg("cert")
            .args(&args)
            .assert()
            .code(2)
            .stdout("");
        let stderr = stderr(assert.get_output());
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
}

/// Writes a pair made by the library, for the refusal cases.
fn write_pair(
    dir: &Path,
    name: &str,
    domain: &str,
    from: OffsetDateTime,
    to: OffsetDateTime,
) -> String {
    let made = generate(domain, KeyType::EcdsaP256, from, to).unwrap();
    write_file(dir, &format!("{name}.crt"), &made.cert_pem);
    write_file(dir, &format!("{name}.key"), &made.key_pem);
    made.key_pem
}

/// `render --overlay self-managed --tls-cert CERT --tls-key KEY <extra>` in `dir`.
fn render_self_managed(dir: &Path, cert: &str, key: &str, extra: &[&str]) -> Command {
    let mut command = milvus_l7(dir);
    command
        .args(["render", "--overlay", "self-managed"])
        .args(["--tls-cert", cert, "--tls-key", key])
        .args(extra);
    command
}

/// A render that must fail: (stderr, stdout).
fn render_with(dir: &Path, cert: &str, key: &str) -> (String, String) {
    let assert = render_self_managed(dir, cert, key, &[])
        .assert()
        .code(2)
        .stdout("");
    (stderr(assert.get_output()), stdout(assert.get_output()))
}

#[test]
fn render_refuses_a_wrong_key_domain_or_validity_without_printing_the_key() {
    let tmp = tempdir();
    let dir = tmp.path();
    let now = OffsetDateTime::now_utc();
    let year = now + Duration::days(365);
    let good_key = write_pair(dir, "good", "my-release.milvus.io", now, year);
    let other_key = write_pair(dir, "other", "my-release.milvus.io", now, year);
    let wrong_key = write_pair(dir, "wrong", "other.milvus.io", now, year);
    let old_key = write_pair(
        dir,
        "old",
        "my-release.milvus.io",
        now - Duration::days(400),
        now - Duration::days(30),
    );

    let (stderr, _) = render_with(dir, "good.crt", "other.key");
    assert!(
        stderr
            .contains("other.key: this private key does not belong to the certificate in good.crt"),
        "{stderr}"
    );
    assert_no_key_bytes(&stderr, &other_key);
    assert_no_key_bytes(&stderr, &good_key);

    let (stderr, _) = render_with(dir, "wrong.crt", "wrong.key");
    assert!(
        stderr.contains("the certificate is for other.milvus.io, not for `my-release.milvus.io`"),
        "{stderr}"
    );
    assert_no_key_bytes(&stderr, &wrong_key);

    let (stderr, _) = render_with(dir, "old.crt", "old.key");
    assert!(
        stderr.contains("old.crt: the certificate expired on"),
        "{stderr}"
    );
    assert_no_key_bytes(&stderr, &old_key);

    // Several problems at once are all listed.
    let (stderr, _) = render_with(dir, "wrong.crt", "old.key");
    assert!(stderr.contains("2 problems"), "{stderr}");
}

#[test]
fn render_warns_when_the_certificate_expires_within_30_days() {
    let tmp = tempdir();
    let now = OffsetDateTime::now_utc();
    // 19 and a half days left: the message says 19 whatever the sub-second timing.
    let not_after = now + Duration::days(20) - Duration::hours(12);
    write_pair(tmp.path(), "soon", "my-release.milvus.io", now, not_after);
    let assert = render_self_managed(tmp.path(), "soon.crt", "soon.key", &[])
        .assert()
        .success();
    let stderr = stderr(assert.get_output());
    assert!(
        stderr.contains("warning: soon.crt: the certificate expires in 19 days"),
        "{stderr}"
    );
}
