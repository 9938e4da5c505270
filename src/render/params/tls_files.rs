//! Reading the self-managed certificate and key files the parameters name.

use super::checks::Resolved;
use crate::bounded_read::{self, Limit};
use crate::error::{Error, Result};
use crate::render::overlay::CertificateSource;
use crate::tls::TlsFiles;
use std::path::Path;

/// A certificate chain or a key is a few kilobytes of PEM.
const PEM_LIMIT: Limit<'static> = Limit {
    max_bytes: 1 << 20,
    hint: "give the PEM certificate and key files; `milvus-l7 cert --domain D` creates them",
};

/// The certificate and key files, read when given (both, and only with
/// an overlay whose certificate is a Secret).
pub fn read(r: &Resolved, certificate: Option<CertificateSource>) -> Result<Option<TlsFiles>> {
    let cert = r.values["tlsCert"].as_str().unwrap_or_default();
    let key = r.values["tlsKey"].as_str().unwrap_or_default();
    let fail = |k: &str, message: &str, hint: &str| r.fail(k, message.into(), hint);
    match (cert.is_empty(), key.is_empty()) {
        (true, true) => return Ok(None),
        (false, true) => {
            return Err(fail(
                "tlsKey",
                "a certificate was given without its key",
                "give both --tls-cert and --tls-key",
            ))
        }
        (true, false) => {
            return Err(fail(
                "tlsCert",
                "a key was given without its certificate",
                "give both --tls-cert and --tls-key",
            ))
        }
        (false, false) => {}
    }
    if certificate != Some(CertificateSource::Secret) {
        return Err(fail(
            "tlsCert",
            "certificate files are only used by the self-managed overlay, which is not selected",
            "add `--overlay self-managed`, or drop --tls-cert/--tls-key",
        ));
    }
    let read = |k: &str, path: &str| {
        let bytes = bounded_read::file(Path::new(path), PEM_LIMIT).map_err(|e| {
            fail(
                k,
                &format!("cannot read {path}: {}", read_failure(&e)),
                "give the PEM file; `milvus-l7 cert --domain D` creates a key and certificate",
            )
        })?;
        String::from_utf8(bytes).map_err(|_| {
            fail(
                k,
                &format!("{path} is not PEM text (it holds bytes that are not UTF-8)"),
                "give the PEM file (`-----BEGIN ...`), not DER; `openssl x509 -inform der -in F -out F.pem` converts a certificate",
            )
        })
    };
    Ok(Some(TlsFiles {
        cert_path: cert.into(),
        key_path: key.into(),
        cert_pem: read("tlsCert", cert)?,
        key_pem: read("tlsKey", key)?,
    }))
}

/// Why a file could not be read, without the path (the caller names it).
fn read_failure(e: &Error) -> String {
    match e {
        Error::Invalid { message, .. } => message.clone(),
        Error::Io { source, .. } => source.to_string(),
        other => other.to_string(),
    }
}
