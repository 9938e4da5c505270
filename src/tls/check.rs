//! Checks on a certificate and its private key before they go into a TLS
//! Secret: GKE accepts a mismatched, expired or wrong-name certificate
//! silently, and clients then fail with opaque TLS errors.
//!
//! The rules: the key belongs to the certificate (their public keys are
//! equal), the certificate names every host (subjectAltName DNS names, or CN
//! when there is no subjectAltName; `*.example.com` covers exactly one
//! label), and it is valid now. Expiry within [`EXPIRY_WARNING_DAYS`] is a
//! warning, not an error.
//!
//! Messages name files and hosts, never key bytes: the key is parsed here
//! and only its public half is compared.

use crate::problem::{Problem, Subject};
use crate::tls::rsa_public;
use crate::tls::TlsFiles;
use x509_parser::asn1_rs::{Any, BitString, Class, FromDer, Sequence, Tag};
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::GeneralName;
use x509_parser::pem::Pem;
use x509_parser::x509::SubjectPublicKeyInfo;

/// A certificate that expires sooner than this is reported on stderr.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

/// Object identifier of elliptic-curve public keys (RFC 5480).
const ID_EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";

/// What the checks found. Problems stop a render; warnings are printed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Findings {
    pub problems: Vec<Problem>,
    pub warnings: Vec<String>,
}

/// Where the certificate and key come from, for messages: the files given,
/// or the `data[tls.crt]` and `data[tls.key]` fields of a Secret.
#[derive(Debug, Clone, Copy)]
pub struct Origins<'a> {
    /// Where the certificate is.
    pub cert: &'a Subject,
    /// Where the key is.
    pub key: &'a Subject,
}

/// Checks `--tls-cert`/`--tls-key` against every domain clients connect to.
pub fn check_files(tls: &TlsFiles, domains: &[&str], now_unix: i64) -> Findings {
    let cert = Subject::from(tls.cert_path.display().to_string());
    let key = Subject::from(tls.key_path.display().to_string());
    check(
        &tls.cert_pem,
        &tls.key_pem,
        domains,
        now_unix,
        Origins {
            cert: &cert,
            key: &key,
        },
    )
}

/// Checks a PEM certificate (the first one in `cert_pem`, the leaf) and a PEM
/// private key against `hosts` at time `now_unix` (seconds since 1970).
pub fn check(
    cert_pem: &str,
    key_pem: &str,
    hosts: &[&str],
    now_unix: i64,
    origins: Origins<'_>,
) -> Findings {
    let mut findings = Findings::default();
    let pem = match leaf_certificate_pem(cert_pem) {
        Ok(pem) => pem,
        Err(hint) => {
            let problem = Problem::new(origins.cert, "no PEM certificate found", hint);
            findings.problems.push(problem);
            return findings;
        }
    };
    let cert = match pem.parse_x509() {
        Ok(cert) => cert,
        Err(e) => {
            findings.problems.push(Problem::new(
                origins.cert,
                format!("the certificate cannot be parsed: {e}"),
                "give a PEM X.509 certificate, e.g. one made by `milvus-l7 cert --domain D`",
            ));
            return findings;
        }
    };
    match public_key_of_private_key(key_pem) {
        Ok(key) => {
            if !key.matches(cert.public_key()) {
                findings.problems.push(Problem::new(
                    origins.key,
                    format!("this private key does not belong to the certificate in {}", origins.cert),
                    "give the key the certificate was made with (compare `openssl x509 -noout -pubkey -in CERT` with `openssl pkey -pubout -in KEY`), or make a new pair with `milvus-l7 cert`",
                ));
            }
        }
        Err(message) => findings.problems.push(Problem::new(
            origins.key,
            message,
            "give an unencrypted PEM private key (PKCS#8 `PRIVATE KEY`, `RSA PRIVATE KEY` or `EC PRIVATE KEY`), e.g. from `milvus-l7 cert`",
        )),
    }
    check_names(&cert, hosts, origins.cert, &mut findings);
    check_validity(&cert, now_unix, origins.cert, &mut findings);
    findings
}

/// The first `CERTIFICATE` block: in a chain file the leaf comes first.
/// Without one, the hint that says what the file holds instead.
fn leaf_certificate_pem(cert_pem: &str) -> Result<Pem, &'static str> {
    let mut labels = Vec::new();
    for block in Pem::iter_from_buffer(cert_pem.as_bytes()) {
        match block {
            Ok(pem) if pem.label == "CERTIFICATE" => return Ok(pem),
            Ok(pem) => labels.push(pem.label),
            Err(_) => break,
        }
    }
    let hint = if labels.iter().any(|l| l.contains("PRIVATE KEY")) {
        "this file holds a private key: the certificate and key files look swapped"
    } else {
        "the file must contain a `-----BEGIN CERTIFICATE-----` block"
    };
    Err(hint)
}

/// The public half of a key, as found in a SubjectPublicKeyInfo: its
/// algorithm and the key bits. Equal halves mean the key and certificate
/// belong together.
#[derive(Debug, PartialEq, Eq)]
struct PublicKey {
    algorithm: String,
    bits: Vec<u8>,
}

impl PublicKey {
    fn from_spki(spki: &SubjectPublicKeyInfo<'_>) -> PublicKey {
        PublicKey {
            algorithm: spki.algorithm.algorithm.to_id_string(),
            bits: spki.subject_public_key.data.to_vec(),
        }
    }

    fn from_spki_der(der: &[u8]) -> Option<PublicKey> {
        SubjectPublicKeyInfo::from_der(der)
            .ok()
            .map(|(_, spki)| PublicKey::from_spki(&spki))
    }

    fn matches(&self, spki: &SubjectPublicKeyInfo<'_>) -> bool {
        *self == PublicKey::from_spki(spki)
    }
}

/// Reads the first private key block and derives its public key. The error
/// says what kind of key was found, never its content.
fn public_key_of_private_key(key_pem: &str) -> Result<PublicKey, String> {
    if key_pem.contains("ENCRYPTED") {
        return Err("the private key is encrypted; Kubernetes TLS Secrets and GKE need it unencrypted (decrypt it with `openssl pkey -in KEY -out KEY.plain`)".into());
    }
    let block = Pem::iter_from_buffer(key_pem.as_bytes())
        .filter_map(|b| b.ok())
        .find(|b| b.label.ends_with("PRIVATE KEY"))
        .ok_or("no PEM private key found (expected a `-----BEGIN PRIVATE KEY-----` block)")?;
    let unreadable = |format: &str| {
        format!("the private key ({format}) cannot be read; only RSA (2048 bits or more) and ECDSA P-256/P-384 keys are supported")
    };
    match block.label.as_str() {
        "PRIVATE KEY" => pkcs8_public_key(&block.contents).ok_or_else(|| unreadable("PKCS#8")),
        "RSA PRIVATE KEY" => {
            rsa_public_key(&block.contents).ok_or_else(|| unreadable("PKCS#1 RSA"))
        }
        "EC PRIVATE KEY" => sec1_public_point(&block.contents)
            .map(|bits| PublicKey {
                algorithm: ID_EC_PUBLIC_KEY.into(),
                bits,
            })
            .ok_or_else(|| unreadable("SEC1 EC, without its public key")),
        other => Err(format!("unsupported private key type `{other}`")),
    }
}

/// PKCS#8: ring (through rcgen) reads RSA, ECDSA and Ed25519 keys; an RSA
/// key ring refuses (e.g. an unusual size) is read from its DER, so that the
/// message can be about matching rather than about parsing.
fn pkcs8_public_key(der: &[u8]) -> Option<PublicKey> {
    if let Ok(pair) = rcgen::KeyPair::try_from(der) {
        use rcgen::PublicKeyData;
        return PublicKey::from_spki_der(&pair.subject_public_key_info());
    }
    rsa_public_key(&rsa_public::pkcs1_in_pkcs8(der)?)
}

/// The public key of a PKCS#1 RSA private key.
fn rsa_public_key(pkcs1: &[u8]) -> Option<PublicKey> {
    Some(PublicKey {
        algorithm: rsa_public::RSA_ENCRYPTION.into(),
        bits: rsa_public::public_key_of_pkcs1(pkcs1)?,
    })
}

/// SEC1 `ECPrivateKey ::= SEQUENCE { version, privateKey, [0] parameters,
/// [1] publicKey BIT STRING }` (RFC 5915): returns the public key bits, which
/// OpenSSL always writes.
fn sec1_public_point(der: &[u8]) -> Option<Vec<u8>> {
    let (_, sequence) = Sequence::from_der(der).ok()?;
    let mut rest: &[u8] = &sequence.content;
    while !rest.is_empty() {
        let (next, field) = Any::from_der(rest).ok()?;
        rest = next;
        if field.header.class() == Class::ContextSpecific && field.header.tag() == Tag(1) {
            let (_, bits) = BitString::from_der(field.data).ok()?;
            return Some(bits.data.to_vec());
        }
    }
    None
}

/// The DNS names a certificate is valid for, and whether they came from CN.
fn certificate_names(cert: &X509Certificate<'_>) -> (Vec<String>, bool) {
    let san: Vec<String> = match cert.subject_alternative_name() {
        Ok(Some(ext)) => ext
            .value
            .general_names
            .iter()
            .filter_map(|n| match n {
                GeneralName::DNSName(name) => Some(name.to_string()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    if !san.is_empty() {
        return (san, false);
    }
    let cn = cert
        .subject()
        .iter_common_name()
        .filter_map(|a| a.as_str().ok().map(String::from))
        .collect();
    (cn, true)
}

fn check_names(
    cert: &X509Certificate<'_>,
    hosts: &[&str],
    origin: &Subject,
    findings: &mut Findings,
) {
    let (names, from_cn) = certificate_names(cert);
    for host in hosts {
        if !names.iter().any(|n| name_covers(n, host)) {
            let listed = if names.is_empty() {
                "no DNS name".to_string()
            } else {
                names.join(", ")
            };
            findings.problems.push(Problem::new(
                origin,
                format!("the certificate is for {listed}, not for `{host}`"),
                format!("make a certificate for the domain: `milvus-l7 cert --domain {}`, or set --domain to a name the certificate covers", crate::quote::shell_word(host)),
            ));
        }
    }
    if from_cn && !names.is_empty() {
        findings.warnings.push(format!(
            "{origin}: the certificate names its domain only in CN, without subjectAltName; most TLS clients (Go, browsers) reject it. `milvus-l7 cert` makes one with subjectAltName"
        ));
    }
}

fn check_validity(
    cert: &X509Certificate<'_>,
    now_unix: i64,
    origin: &Subject,
    findings: &mut Findings,
) {
    let validity = cert.validity();
    let not_before = validity.not_before.timestamp();
    let not_after = validity.not_after.timestamp();
    if now_unix < not_before {
        findings.problems.push(Problem::new(
            origin,
            format!(
                "the certificate is not valid before {}",
                validity.not_before
            ),
            "check the clock of the machine that made it, or make a new one with `milvus-l7 cert`",
        ));
    } else if now_unix > not_after {
        findings.problems.push(Problem::new(
            origin,
            format!("the certificate expired on {}", validity.not_after),
            "make a new one: `milvus-l7 cert --domain D --force`",
        ));
    } else {
        let days_left = (not_after - now_unix) / 86_400;
        if days_left < EXPIRY_WARNING_DAYS {
            findings.warnings.push(format!(
                "{origin}: the certificate expires in {days_left} days ({}); renew it with `milvus-l7 cert --domain D --force`",
                validity.not_after
            ));
        }
    }
}

/// Whether a certificate name covers a host, the way TLS clients match
/// (RFC 6125): case-insensitive; `*.example.com` covers `a.example.com` but
/// neither `example.com` nor `a.b.example.com`; a wildcard host is covered
/// only by the same wildcard.
pub fn name_covers(name: &str, host: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if name == host {
        return true;
    }
    match (name.strip_prefix("*."), host.split_once('.')) {
        (Some(parent), Some((label, rest))) => !label.is_empty() && label != "*" && rest == parent,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tls::generate::{generate, KeyType};
    use time::{Duration, OffsetDateTime};

    fn now() -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }

    fn ecdsa(
        domain: &str,
        from: OffsetDateTime,
        to: OffsetDateTime,
    ) -> crate::tls::generate::SelfSigned {
        generate(domain, KeyType::EcdsaP256, from, to).unwrap()
    }

    #[test]
    fn wildcards_cover_exactly_one_label() {
        assert!(name_covers("milvus.example.com", "milvus.example.com"));
        assert!(name_covers("Milvus.Example.com", "milvus.example.com"));
        assert!(name_covers("*.example.com", "milvus.example.com"));
        assert!(!name_covers("*.example.com", "example.com"));
        assert!(!name_covers("*.example.com", "a.b.example.com"));
        assert!(name_covers("*.example.com", "*.example.com"));
        assert!(!name_covers("milvus.example.com", "*.example.com"));
        assert!(!name_covers("other.example.com", "milvus.example.com"));
    }

    /// [`check`] now, with the test origins.
    fn check_now(cert: &str, key: &str, hosts: &[&str]) -> Findings {
        check_at(cert, key, hosts, now().unix_timestamp())
    }

    /// [`check`] at `now_unix`, with the certificate in `tls.crt` and the
    /// key in `tls.key`.
    fn check_at(cert: &str, key: &str, hosts: &[&str], now_unix: i64) -> Findings {
        let (cert_file, key_file) = (Subject::from("tls.crt"), Subject::from("tls.key"));
        let origins = Origins {
            cert: &cert_file,
            key: &key_file,
        };
        check(cert, key, hosts, now_unix, origins)
    }

    #[test]
    fn a_fresh_pair_passes() {
        let made = ecdsa("milvus.example.com", now(), now() + Duration::days(365));
        let findings = check_now(&made.cert_pem, &made.key_pem, &["milvus.example.com"]);
        assert_eq!(findings, Findings::default());
    }

    #[test]
    fn another_key_is_refused_without_printing_it() {
        let made = ecdsa("milvus.example.com", now(), now() + Duration::days(365));
        let other = ecdsa("milvus.example.com", now(), now() + Duration::days(365));
        let findings = check_now(&made.cert_pem, &other.key_pem, &["milvus.example.com"]);
        assert_eq!(findings.problems.len(), 1, "{findings:?}");
        let text = findings.problems[0].to_string();
        assert!(text.contains("does not belong"), "{text}");
        assert_no_key_material(&text, &other.key_pem);
    }

    #[test]
    fn wrong_domain_expired_and_not_yet_valid_are_refused() {
        let made = ecdsa("milvus.example.com", now(), now() + Duration::days(365));
        let wrong = check_now(&made.cert_pem, &made.key_pem, &["other.example.com"]);
        assert!(wrong.problems[0]
            .message
            .contains("not for `other.example.com`"));

        let old = ecdsa(
            "milvus.example.com",
            now() - Duration::days(400),
            now() - Duration::days(35),
        );
        let expired = check_now(&old.cert_pem, &old.key_pem, &["milvus.example.com"]);
        assert!(
            expired.problems[0].message.contains("expired"),
            "{expired:?}"
        );

        let future = ecdsa(
            "milvus.example.com",
            now() + Duration::days(2),
            now() + Duration::days(20),
        );
        let early = check_now(&future.cert_pem, &future.key_pem, &["milvus.example.com"]);
        assert!(early.problems[0].message.contains("not valid before"));
    }

    #[test]
    fn expiry_within_thirty_days_is_a_warning() {
        let start = now();
        let made = ecdsa("milvus.example.com", start, start + Duration::days(10));
        let one_day_later = (start + Duration::days(1)).unix_timestamp();
        let findings = check_at(
            &made.cert_pem,
            &made.key_pem,
            &["milvus.example.com"],
            one_day_later,
        );
        assert!(findings.problems.is_empty());
        assert!(
            findings.warnings[0].contains("expires in 9 days"),
            "{findings:?}"
        );
    }

    #[test]
    fn swapped_files_and_garbage_are_explained_without_key_bytes() {
        let made = ecdsa("milvus.example.com", now(), now() + Duration::days(365));
        let swapped = check_now(&made.key_pem, &made.cert_pem, &["milvus.example.com"]);
        let text = swapped.problems[0].to_string();
        assert!(text.contains("swapped"), "{text}");
        assert_no_key_material(&text, &made.key_pem);

        let garbage = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
        let findings = check_now(&made.cert_pem, garbage, &["milvus.example.com"]);
        assert!(findings.problems[0].message.contains("cannot be read"));
        assert!(!findings.problems[0].to_string().contains("AAAA"));
    }

    fn pem_block(label: &str, der: &[u8]) -> String {
        let body = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, der);
        format!("-----BEGIN {label}-----\n{body}\n-----END {label}-----\n")
    }

    #[test]
    fn sec1_ec_keys_are_read() {
        let made = ecdsa("milvus.example.com", now(), now() + Duration::days(365));
        let (_, pem) = x509_parser::pem::parse_x509_pem(made.key_pem.as_bytes()).unwrap();
        // PKCS#8 PrivateKeyInfo: version, algorithm, privateKey OCTET STRING
        // holding the SEC1 ECPrivateKey that `openssl ecparam -genkey` writes.
        let (_, info) = Sequence::from_der(&pem.contents).unwrap();
        let mut rest: &[u8] = &info.content;
        let mut sec1 = Vec::new();
        while !rest.is_empty() {
            let (next, field) = Any::from_der(rest).unwrap();
            rest = next;
            if field.header.tag() == Tag::OctetString {
                sec1 = field.data.to_vec();
            }
        }
        let findings = check_now(
            &made.cert_pem,
            &pem_block("EC PRIVATE KEY", &sec1),
            &["milvus.example.com"],
        );
        assert_eq!(findings, Findings::default());
    }

    #[test]
    fn pkcs1_rsa_keys_are_read() {
        // The test pair of testdata/certs/, its key converted to PKCS#1 by openssl.
        let cert = include_str!("../../testdata/certs/tls.crt");
        let pkcs1 = include_str!("../../testdata/certs/tls.pkcs1.key");
        assert!(pkcs1.starts_with("-----BEGIN RSA PRIVATE KEY-----"));
        let findings = check_now(cert, pkcs1, &["my-release.milvus.io"]);
        assert_eq!(findings, Findings::default());
    }

    #[test]
    fn pkcs8_rsa_keys_are_read_and_matched() {
        let cert = include_str!("../../testdata/certs/tls.crt");
        let key = include_str!("../../testdata/certs/tls.key");
        let findings = check_now(cert, key, &["my-release.milvus.io"]);
        assert_eq!(findings, Findings::default());
        // The same key read without ring: the DER path gives ring's answer.
        let (_, pem) = x509_parser::pem::parse_x509_pem(key.as_bytes()).unwrap();
        let by_der = rsa_public_key(&rsa_public::pkcs1_in_pkcs8(&pem.contents).unwrap());
        assert_eq!(by_der, pkcs8_public_key(&pem.contents));
        let other = ecdsa("my-release.milvus.io", now(), now() + Duration::days(1));
        let mismatch = check_now(&other.cert_pem, key, &["my-release.milvus.io"]);
        assert!(
            mismatch.problems[0].to_string().contains("does not belong"),
            "{mismatch:?}"
        );
    }

    #[test]
    fn cn_only_certificate_covers_but_warns() {
        let mut params = rcgen::CertificateParams::default();
        params.distinguished_name = rcgen::DistinguishedName::new();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "milvus.example.com");
        params.not_before = now();
        params.not_after = now() + Duration::days(100);
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let cert = params.self_signed(&key).unwrap();
        let findings = check_now(&cert.pem(), &key.serialize_pem(), &["milvus.example.com"]);
        assert!(findings.problems.is_empty(), "{findings:?}");
        assert!(findings.warnings[0].contains("only in CN"));
    }

    fn assert_no_key_material(text: &str, key_pem: &str) {
        for line in key_pem.lines().filter(|l| !l.starts_with("-----")) {
            assert!(!text.contains(line), "key bytes leaked: {text}");
        }
    }
}
