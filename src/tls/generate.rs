//! A self-signed key and certificate for the self-managed
//! variant, replacing the guide's three `openssl` commands.
//!
//! Differences from the guide, on purpose: the domain is in subjectAltName
//! as well as CN (a CN-only certificate is rejected by modern TLS clients,
//! which ignore CN), validity is explicit and short (the guide uses 99999
//! days), the serial number is random, and the key file is mode 0600.

use crate::error::{Error, Result};
use rcgen::{
    CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, KeyPair,
    KeyUsagePurpose, SerialNumber, PKCS_ECDSA_P256_SHA256, PKCS_RSA_SHA256,
};
use std::fmt;
use std::io::Write;
use std::path::Path;
use time::OffsetDateTime;

/// File names written into `--out-dir`: the names `kubectl create secret tls`
/// and the guide use.
pub const KEY_FILE: &str = "tls.key";
/// See [`KEY_FILE`].
pub const CERT_FILE: &str = "tls.crt";

/// Longest validity `--days` accepts: the CA/Browser Forum's former limit
/// for server certificates, which Apple platforms still enforce.
pub const MAX_DAYS: u32 = 825;

/// The key algorithms Google Cloud load balancers accept that we offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyType {
    /// ECDSA on the P-256 curve: the default; smaller and faster, and made
    /// by ring, which every build has.
    EcdsaP256,
    /// RSA 2048, like the guide's `openssl genrsa 2048`. Only a build with
    /// the `rsa-keys` feature can make one (see `generate_key`).
    Rsa2048,
}

/// A freshly made key and certificate, PEM-encoded. Debug never shows the key.
#[derive(Clone)]
pub struct SelfSigned {
    /// The certificate, PEM.
    pub cert_pem: String,
    /// The private key, PEM: never printed.
    pub key_pem: String,
}

impl fmt::Debug for SelfSigned {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SelfSigned")
            .field("cert_pem", &self.cert_pem)
            .field("key_pem", &"***")
            .finish()
    }
}

/// `--days` must be 1 to [`MAX_DAYS`].
pub fn check_days(days: u32) -> Result<()> {
    if days == 0 || days > MAX_DAYS {
        return Err(Error::Param {
            key: "days".into(),
            origin: "--days".into(),
            message: format!("{days} is not between 1 and {MAX_DAYS}"),
            hint: format!(
                "use at most {MAX_DAYS} days (clients such as Apple's refuse longer server certificates) and renew with --force"
            ),
        });
    }
    Ok(())
}

/// Fails, naming every file that exists, so that nothing is changed.
pub fn refuse_existing(paths: &[&Path]) -> Result<()> {
    let existing: Vec<String> = paths
        .iter()
        .filter(|p| p.exists())
        .map(|p| p.display().to_string())
        .collect();
    if existing.is_empty() {
        return Ok(());
    }
    Err(Error::Output {
        path: paths[0]
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf(),
        message: format!(
            "{} already {}; nothing was written",
            existing.join(" and "),
            if existing.len() == 1 {
                "exists"
            } else {
                "exist"
            }
        ),
        hint: "add --force to replace them, or choose another --out-dir".into(),
    })
}

/// A self-signed certificate for `domain` (subjectAltName DNS name and CN),
/// valid from `not_before` to `not_after`, for TLS servers.
pub fn generate(
    domain: &str,
    key_type: KeyType,
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
) -> Result<SelfSigned> {
    generate_for(&[domain.to_string()], key_type, not_before, not_after)
}

/// A self-signed certificate for several domains: each a subjectAltName
/// DNS name (what clients check), the first also the CN.
pub fn generate_for(
    domains: &[String],
    key_type: KeyType,
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
) -> Result<SelfSigned> {
    let key_pair = generate_key(key_type)?;
    let mut params = CertificateParams::new(domains.to_vec()).map_err(rcgen_error)?;
    let mut subject = DistinguishedName::new();
    subject.push(
        DnType::CommonName,
        domains.first().map(String::as_str).unwrap_or_default(),
    );
    params.distinguished_name = subject;
    params.not_before = not_before;
    params.not_after = not_after;
    params.serial_number = Some(random_serial()?);
    params.key_usages = match key_type {
        KeyType::Rsa2048 => vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
        ],
        KeyType::EcdsaP256 => vec![KeyUsagePurpose::DigitalSignature],
    };
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let cert = params.self_signed(&key_pair).map_err(rcgen_error)?;
    Ok(SelfSigned {
        cert_pem: cert.pem(),
        key_pem: key_pair.serialize_pem(),
    })
}

/// rcgen makes both keys. RSA generation needs its aws-lc-rs backend
/// (`rsa-keys` feature): ring, the default backend, cannot generate RSA
/// keys, and the pure-Rust `rsa` crate carries RUSTSEC-2023-0071.
fn generate_key(key_type: KeyType) -> Result<KeyPair> {
    let algorithm = match key_type {
        KeyType::EcdsaP256 => &PKCS_ECDSA_P256_SHA256,
        KeyType::Rsa2048 => &PKCS_RSA_SHA256,
    };
    KeyPair::generate_for(algorithm).map_err(|e| match e {
        rcgen::Error::KeyGenerationUnavailable => Error::Param {
            key: "key-type".into(),
            origin: "--key-type".into(),
            message: "this milvus-l7 was built without RSA key generation".into(),
            hint: "use the default --key-type ecdsa-p256 (Google Cloud load balancers accept it), or build with `cargo install milvus-l7 --features rsa-keys`".into(),
        },
        other => rcgen_error(other),
    })
}

/// 16 random bytes, top bit clear so the DER integer stays positive.
/// rcgen's default derives the serial from the public key, which repeats it
/// when a key is reused.
fn random_serial() -> Result<SerialNumber> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| Error::Invalid {
        subject: "certificate serial number".into(),
        message: format!("the system random number generator failed: {e}"),
        hint: "try again; if it persists, check that /dev/urandom or getrandom(2) is available"
            .into(),
    })?;
    bytes[0] &= 0x7f;
    Ok(SerialNumber::from_slice(&bytes))
}

fn rcgen_error(e: rcgen::Error) -> Error {
    // rcgen's messages describe the failing step; none carries key material.
    Error::Invalid {
        subject: "certificate generation".into(),
        message: e.to_string(),
        hint: "check --domain; if it is valid, please report this as a bug".into(),
    }
}

/// Writes `text` to a temporary file in the same directory, with `mode`
/// from the start, then renames it into place: a reader never sees a half
/// written key, and a key is never world-readable even for an instant.
pub fn write_file(path: &Path, text: &str, mode: u32) -> Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    let dir = dir.unwrap_or(Path::new("."));
    let mut file = tempfile::NamedTempFile::new_in(dir)
        .map_err(|e| Error::io("creating a file in", dir, e))?;
    set_mode(file.as_file(), mode).map_err(|e| Error::io("setting permissions of", path, e))?;
    file.write_all(text.as_bytes())
        .and_then(|_| file.as_file().sync_all())
        .map_err(|e| Error::io("writing", path, e))?;
    file.persist(path)
        .map_err(|e| Error::io("writing", path, e.error))?;
    Ok(())
}

#[cfg(unix)]
fn set_mode(file: &std::fs::File, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_file: &std::fs::File, _mode: u32) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Duration;

    fn now() -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }

    #[test]
    fn ecdsa_certificate_names_the_domain_in_san_and_cn() {
        let made = generate(
            "milvus.example.com",
            KeyType::EcdsaP256,
            now(),
            now() + Duration::days(30),
        )
        .unwrap();
        let (_, pem) = x509_parser::pem::parse_x509_pem(made.cert_pem.as_bytes()).unwrap();
        let cert = pem.parse_x509().unwrap();
        let san = cert.subject_alternative_name().unwrap().unwrap();
        assert_eq!(
            format!("{:?}", san.value.general_names),
            "[DNSName(\"milvus.example.com\")]"
        );
        let cn: Vec<_> = cert
            .subject()
            .iter_common_name()
            .map(|a| a.as_str().unwrap())
            .collect();
        assert_eq!(cn, ["milvus.example.com"]);
        assert!(made.key_pem.starts_with("-----BEGIN PRIVATE KEY-----"));
    }

    #[test]
    fn validity_is_what_was_asked() {
        let start = now();
        let made = generate(
            "a.example.com",
            KeyType::EcdsaP256,
            start,
            start + Duration::days(10),
        )
        .unwrap();
        let (_, pem) = x509_parser::pem::parse_x509_pem(made.cert_pem.as_bytes()).unwrap();
        let cert = pem.parse_x509().unwrap();
        let days = (cert.validity().not_after.timestamp() - cert.validity().not_before.timestamp())
            / 86_400;
        assert_eq!(days, 10);
    }

    #[test]
    fn serial_numbers_differ() {
        let make = || {
            let made = generate(
                "a.example.com",
                KeyType::EcdsaP256,
                now(),
                now() + Duration::days(1),
            )
            .unwrap();
            let (_, pem) = x509_parser::pem::parse_x509_pem(made.cert_pem.as_bytes()).unwrap();
            pem.parse_x509().unwrap().raw_serial().to_vec()
        };
        assert_ne!(make(), make());
    }

    #[test]
    fn days_are_bounded() {
        assert!(check_days(365).is_ok());
        assert!(check_days(MAX_DAYS).is_ok());
        let err = check_days(99999).unwrap_err().to_string();
        assert!(err.contains("825"), "{err}");
        assert!(check_days(0).is_err());
    }

    #[test]
    fn debug_hides_the_key() {
        let made = SelfSigned {
            cert_pem: "CERT".into(),
            key_pem: "SECRET".into(),
        };
        assert!(!format!("{made:?}").contains("SECRET"));
    }
}
