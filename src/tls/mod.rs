//! TLS: making a self-signed certificate ([`generate`]) and checking a
//! certificate and key against a domain (`check`).

pub(crate) mod check;
pub mod generate;
mod rsa_public;

use std::fmt;
use std::path::PathBuf;

/// A certificate and key read from files. Debug never shows the key.
#[derive(Clone)]
pub struct TlsFiles {
    /// Where the certificate was read from.
    pub cert_path: PathBuf,
    /// Where the key was read from.
    pub key_path: PathBuf,
    /// The certificate chain, PEM.
    pub cert_pem: String,
    /// The private key, PEM: never printed.
    pub key_pem: String,
}

impl fmt::Debug for TlsFiles {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsFiles")
            .field("cert_path", &self.cert_path)
            .field("key_path", &self.key_path)
            .field("key_pem", &"***")
            .finish()
    }
}
