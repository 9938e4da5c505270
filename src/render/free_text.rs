//! Rules for the parameters that are free text: a value GKE or Google
//! Cloud would refuse only after `kubectl apply` (or, worse, a value with a
//! newline or `{{` that lands in YAML or a template) is refused here, with
//! the rule it breaks.
//!
//! - `healthCheckPath`: the health check's `requestPath`, which Compute
//!   Engine wants RFC 3986 compliant and without a query ("This field does
//!   not support query parameters. Must comply with RFC3986", compute v1
//!   `HTTPHealthCheck.requestPath`); at most 1024 characters.
//! - Google Cloud resource names (`staticIpName`: a global address;
//!   `certMap`: a Certificate Manager map; `sslPolicy`: an SSL policy;
//!   `securityPolicy`: a Cloud Armor security policy):
//!   `[a-z]([-a-z0-9]*[a-z0-9])?`, at most 63 characters, as Compute
//!   Engine's resource names (RFC 1035).
//! - Lists of certificate names (`preSharedCerts`: Compute SSL
//!   certificates; `certManagerCerts`: Certificate Manager certificates),
//!   comma-separated as GKE reads its annotation and listener option: each
//!   name a Google Cloud resource name as above, none empty, none twice.
//! - Kubernetes object names (`gatewayClass`, `backendTlsSecret`): a
//!   DNS-1123 subdomain.
//!
//! Numeric ranges (`timeoutSec` …) are the overlays' business, not this
//! file's. An empty value means "not set" where the default is empty.

use crate::k8s::names;
use crate::quote::quoted;

/// The rule a free-text parameter follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// An absolute HTTP request path.
    HttpPath,
    /// A Google Cloud resource name.
    GcpName,
    /// Google Cloud resource names, comma-separated.
    GcpNameList,
    /// A Kubernetes object name.
    ObjectName,
}

/// The free-text parameters and their rules.
pub const RULES: &[(&str, Rule)] = &[
    ("healthCheckPath", Rule::HttpPath),
    ("staticIpName", Rule::GcpName),
    ("certMap", Rule::GcpName),
    ("preSharedCerts", Rule::GcpNameList),
    ("certManagerCerts", Rule::GcpNameList),
    ("sslPolicy", Rule::GcpName),
    ("securityPolicy", Rule::GcpName),
    ("gatewayClass", Rule::ObjectName),
    ("backendTlsSecret", Rule::ObjectName),
];

/// Most characters of a health check path.
const MAX_PATH: usize = 1024;

/// Most characters of a Google Cloud resource name.
const MAX_GCP_NAME: usize = 63;

/// Checks `value` against `rule`; the error says what is wrong, and the
/// hint how to write it.
pub fn check(rule: Rule, value: &str) -> Result<(), (String, &'static str)> {
    match rule {
        Rule::HttpPath => check_http_path(value).map_err(|m| {
            (
                m,
                "give an absolute request path like /healthz: letters, digits and - . _ ~ ! $ & ' ( ) * + , ; = : @ / %XX, no query",
            )
        }),
        Rule::GcpName if value.is_empty() => Ok(()),
        Rule::GcpName => check_gcp_name(value).map_err(|m| {
            (
                m,
                "Google Cloud names are 1 to 63 lowercase letters, digits and `-`, starting with a letter and not ending with `-`",
            )
        }),
        Rule::GcpNameList if value.is_empty() => Ok(()),
        Rule::GcpNameList => check_gcp_name_list(value).map_err(|m| {
            (
                m,
                "give the certificates' names separated by commas, e.g. milvus-cert,milvus-cert-2: each 1 to 63 lowercase letters, digits and `-`, starting with a letter",
            )
        }),
        Rule::ObjectName if value.is_empty() => Ok(()),
        Rule::ObjectName => names::check_dns1123_subdomain(value)
            .map_err(|m| (m, "give the Kubernetes object's name (lowercase DNS name)")),
    }
}

fn check_http_path(path: &str) -> Result<(), String> {
    let q = quoted(path);
    if !path.starts_with('/') {
        return Err(format!("{q} does not start with `/`"));
    }
    if path.chars().count() > MAX_PATH {
        return Err(format!(
            "is {} characters long; at most {MAX_PATH} are allowed",
            path.chars().count()
        ));
    }
    if let Some(c) = path.chars().find(|c| !is_path_char(*c)) {
        return Err(format!(
            "{q} contains {}, which an RFC 3986 path (without a query) cannot hold",
            quoted(&c.to_string())
        ));
    }
    Ok(())
}

/// RFC 3986 `pchar` (unreserved, sub-delims, `:`, `@`, `%` of an escape) and `/`.
fn is_path_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@/%".contains(c)
}

fn check_gcp_name(name: &str) -> Result<(), String> {
    let q = quoted(name);
    if name.len() > MAX_GCP_NAME {
        return Err(format!(
            "{q} is {} characters long; at most {MAX_GCP_NAME} are allowed",
            name.len()
        ));
    }
    let starts_with_letter = name.starts_with(|c: char| c.is_ascii_lowercase());
    let allowed = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !starts_with_letter || !allowed || name.ends_with('-') {
        return Err(format!(
            "{q} is not a Google Cloud resource name ([a-z]([-a-z0-9]*[a-z0-9])?)"
        ));
    }
    Ok(())
}

fn check_gcp_name_list(list: &str) -> Result<(), String> {
    let names: Vec<&str> = list.split(',').collect();
    for (i, name) in names.iter().enumerate() {
        if name.is_empty() {
            return Err(format!("{} has an empty name", quoted(list)));
        }
        check_gcp_name(name)?;
        if names[..i].contains(name) {
            return Err(format!("{} names {} twice", quoted(list), quoted(name)));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_check_paths() {
        assert!(check(Rule::HttpPath, "/healthz").is_ok());
        assert!(check(Rule::HttpPath, "/a/b-c_d.e~f%20").is_ok());
        for bad in ["healthz", "/a\nb", "/a\x01", "/a b", "/a?x=1", "/{{ x }}"] {
            assert!(check(Rule::HttpPath, bad).is_err(), "{bad:?}");
        }
        let long = format!("/{}", "a".repeat(1024));
        assert!(check(Rule::HttpPath, &long)
            .unwrap_err()
            .0
            .contains("at most 1024"));
    }

    #[test]
    fn gcp_names() {
        for good in ["", "milvus-ip", "a", "a1"] {
            assert!(check(Rule::GcpName, good).is_ok(), "{good:?}");
        }
        for bad in [
            "1a",
            "a-",
            "A",
            "a_b",
            "a\nb",
            "a: {{ x }}",
            &"a".repeat(64),
        ] {
            assert!(check(Rule::GcpName, bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn gcp_name_lists() {
        for good in ["", "a", "milvus-cert,milvus-cert-2"] {
            assert!(check(Rule::GcpNameList, good).is_ok(), "{good:?}");
        }
        for bad in [
            "a,",
            ",a",
            "a,,b",
            "a, b",
            "a,a",
            "Bad Name!,x",
            "a,b\nkind: Secret",
        ] {
            assert!(check(Rule::GcpNameList, bad).is_err(), "{bad:?}");
        }
        assert!(check(Rule::GcpNameList, "a,b,a")
            .unwrap_err()
            .0
            .contains("twice"));
    }
}
