//! `milvus-l7 cert`: writes tls.key and tls.crt, then says what to run next.

use super::{Ctx, Outcome};
use crate::error::{Error, Result};
use crate::k8s::names;
use crate::quote::shell_word;
use crate::tls::generate::{
    check_days, generate_for, refuse_existing, write_file, KeyType, CERT_FILE, KEY_FILE,
};
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use time::{Duration, OffsetDateTime};

pub const EXAMPLES: &str = "Examples:
  milvus-l7 cert --domain milvus.example.com   # render --overlay self-managed: same --domain
  milvus-l7 cert --domain milvus.example.com --out-dir certs/ --days 90
  milvus-l7 cert --domain milvus.example.com --force     # replace an existing tls.key/tls.crt";

// No doc comment: clap builds subcommands deferred (cli/mod.rs), so a
// doc comment here would replace the command's description in --help.
#[allow(missing_docs)]
#[derive(Debug, Args)]
pub struct CertArgs {
    /// DNS name the certificate is for (subjectAltName; the first also CN); repeat for several; `*.example.com` is allowed.
    #[arg(long = "domain", value_name = "NAME", required = true)]
    pub domains: Vec<String>,
    /// Directory to write tls.key and tls.crt into (created when missing).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub out_dir: PathBuf,
    /// Days the certificate is valid, from now (at most 825).
    #[arg(long, default_value_t = 365)]
    pub days: u32,
    /// Key algorithm (rsa2048 only in a build with the `rsa-keys` feature).
    #[arg(long, value_enum, default_value_t = KeyTypeArg::EcdsaP256)]
    pub key_type: KeyTypeArg,
    /// Replace existing tls.key and tls.crt.
    #[arg(long)]
    pub force: bool,
}

/// The key algorithms Google Cloud load balancers accept that we offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KeyTypeArg {
    /// ECDSA on the P-256 curve: smaller and faster; Google Cloud load balancers accept it.
    EcdsaP256,
    /// RSA 2048, like the guide's `openssl genrsa 2048`.
    Rsa2048,
}

impl From<KeyTypeArg> for KeyType {
    fn from(arg: KeyTypeArg) -> KeyType {
        match arg {
            KeyTypeArg::Rsa2048 => KeyType::Rsa2048,
            KeyTypeArg::EcdsaP256 => KeyType::EcdsaP256,
        }
    }
}

/// Checks the arguments, generates, writes, and tells on stderr what was
/// written and what to run next.
pub fn run(args: &CertArgs, ctx: &mut Ctx) -> Result<Outcome> {
    for domain in &args.domains {
        names::check_ingress_host(domain).map_err(|message| Error::Param {
            key: "domain".into(),
            origin: "--domain".into(),
            message,
            hint: "give the lowercase DNS name clients connect to, e.g. milvus.example.com".into(),
        })?;
    }
    check_days(args.days)?;
    // `./tls.key` reads worse than `tls.key` in the messages below.
    let in_out_dir = |file: &str| match args.out_dir.as_os_str().to_str() {
        Some(".") => PathBuf::from(file),
        _ => args.out_dir.join(file),
    };
    let key_path = in_out_dir(KEY_FILE);
    let cert_path = in_out_dir(CERT_FILE);
    if !args.force {
        refuse_existing(&[&key_path, &cert_path])?;
    }
    let now = OffsetDateTime::now_utc();
    let generated = generate_for(
        &args.domains,
        args.key_type.into(),
        now,
        now + Duration::days(i64::from(args.days)),
    )?;
    std::fs::create_dir_all(&args.out_dir)
        .map_err(|e| Error::io("creating directory", &args.out_dir, e))?;
    write_file(&key_path, &generated.key_pem, 0o600)?;
    write_file(&cert_path, &generated.cert_pem, 0o644)?;
    ctx.note(&format!(
        "wrote {} (private key, mode 0600) and {} (self-signed for {}, valid {} days)",
        key_path.display(),
        cert_path.display(),
        args.domains.join(", "),
        args.days
    ));
    // Pasted into a shell: a wildcard domain must not glob, a path with a
    // space must stay one word.
    let word = |path: &std::path::Path| shell_word(&path.display().to_string());
    ctx.note(&format!(
        "next: milvus-l7 render --overlay self-managed {} --tls-cert {} --tls-key {}",
        args.domains
            .iter()
            .map(|d| format!("--domain {}", shell_word(d)))
            .collect::<Vec<_>>()
            .join(" "),
        word(&cert_path),
        word(&key_path)
    ));
    Ok(Outcome::Clean)
}
