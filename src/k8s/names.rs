//! Kubernetes and DNS name rules, and the Milvus chart's naming rule.
//!
//! Each check returns the reason a name is refused, phrased so that it can be
//! put after "invalid parameter `x`:" in an error.

use crate::quote::quoted;

/// Helm refuses release names longer than 53 characters, and the chart uses
/// the release name in object names, so it must be a DNS-1035 label.
pub fn check_release(name: &str) -> Result<(), String> {
    check_dns1035_label(name, 53)
}

pub fn check_dns1035_label(name: &str, max: usize) -> Result<(), String> {
    let q = quoted(name);
    check_label(name, max)?;
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Err(format!(
            "{q} must start with a lowercase letter (DNS-1035 label)"
        ));
    }
    Ok(())
}

/// A DNS-1123 label: namespaces, port names.
pub fn check_dns1123_label(name: &str, max: usize) -> Result<(), String> {
    check_label(name, max)
}

/// A DNS-1123 subdomain: the names of most Kubernetes objects.
pub fn check_dns1123_subdomain(name: &str) -> Result<(), String> {
    let q = quoted(name);
    if name.len() > 253 {
        return Err(format!("{q} is longer than 253 characters"));
    }
    for (index, label) in name.split('.').enumerate() {
        if label.is_empty() && !name.is_empty() {
            return Err(format!(
                "{q} has an empty label (label {}): two dots in a row, or a dot at the start",
                index + 1
            ));
        }
        check_label(label, 63)?;
    }
    Ok(())
}

fn check_label(name: &str, max: usize) -> Result<(), String> {
    let q = quoted(name);
    if name.is_empty() {
        return Err("must not be empty".into());
    }
    if name.len() > max {
        return Err(format!(
            "{q} is {} characters long; at most {max} are allowed",
            name.len()
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        let what = if c.is_ascii_uppercase() {
            "uppercase letter"
        } else {
            "character"
        };
        return Err(format!(
            "{q} contains the {what} {}; only lowercase letters, digits and `-` are allowed",
            quoted(&c.to_string())
        ));
    }
    if name.starts_with('-') || name.ends_with('-') {
        return Err(format!("{q} must start and end with a letter or digit"));
    }
    Ok(())
}

/// The host of an Ingress rule: a lowercase DNS name, optionally with a
/// leading `*.` wildcard label.
pub fn check_ingress_host(domain: &str) -> Result<(), String> {
    let q = quoted(domain);
    if domain.ends_with('.') {
        return Err(format!("{q} ends with a dot; write the name without it"));
    }
    if domain.parse::<std::net::IpAddr>().is_ok() {
        return Err(format!(
            "{q} is an IP address; an Ingress host must be a DNS name"
        ));
    }
    let rest = domain.strip_prefix("*.").unwrap_or(domain);
    if rest.contains('*') {
        return Err(format!(
            "{q}: a wildcard is only allowed as the whole first label (`*.example.com`)"
        ));
    }
    if !rest.contains('.') {
        return Err(format!(
            "{q} is not a fully qualified domain name (it needs at least one dot)"
        ));
    }
    check_dns1123_subdomain(rest)
}

/// How many domains a ManagedCertificate lists at most (its CRD's
/// `spec.domains` `maxItems`, schemas/networking.gke.io_managedcertificate_v1.json).
pub const MANAGED_CERTIFICATE_MAX_DOMAINS: usize = 100;

/// What GKE's ManagedCertificate accepts (CRD pattern, maxLength 63): no
/// wildcard, lowercase, at most 63 characters for the whole name.
pub fn check_managed_certificate_domain(domain: &str) -> Result<(), String> {
    let q = quoted(domain);
    check_ingress_host(domain)?;
    if domain.starts_with("*.") {
        return Err(format!(
            "{q} is a wildcard; Google-managed certificates do not support wildcards"
        ));
    }
    if domain.len() > 63 {
        return Err(format!(
            "{q} is {} characters long; a ManagedCertificate domain has at most 63",
            domain.len()
        ));
    }
    Ok(())
}

/// The `milvus.fullname` rule of the milvus/milvus chart (`_helpers.tpl`):
/// a release whose name contains the chart name is used alone, otherwise
/// `<release>-milvus`; either way truncated to 63 characters without a
/// trailing `-`.
pub fn chart_fullname(release: &str) -> String {
    let full = if release.contains("milvus") {
        release.to_string()
    } else {
        format!("{release}-milvus")
    };
    fit_label(&full)
}

/// Helm's `trunc 63 | trimSuffix "-"`: a name derived from a release of
/// up to 53 characters (Helm's own limit) always fits a DNS label.
pub fn fit_label(name: &str) -> String {
    let truncated: String = name.chars().take(63).collect();
    truncated.trim_end_matches('-').to_string()
}

/// `name` + `suffix` within a DNS label: the name is cut (and a trailing
/// `-` dropped) so that the suffix always survives, as charts write
/// `printf "%s-x" (trunc 61 $name)`. Cutting the joined name instead could
/// drop the suffix and collide with `name` itself.
pub fn with_suffix(name: &str, suffix: &str) -> String {
    let room = 63usize.saturating_sub(suffix.chars().count());
    let base: String = name.chars().take(room).collect();
    format!("{}{suffix}", base.trim_end_matches('-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_suffix_always_survives_and_the_result_fits_a_label() {
        assert_eq!(
            with_suffix("my-release-milvus", "-gateway"),
            "my-release-milvus-gateway"
        );
        let long = format!("{}-milvus", "a".repeat(53));
        let named = with_suffix(&long, "-gateway");
        assert_eq!(named.len(), 63);
        assert!(named.ends_with("-gateway") && named != long);
        assert!(check_dns1035_label(&named, 63).is_ok(), "{named}");
    }

    #[test]
    fn fullname_follows_the_chart() {
        assert_eq!(chart_fullname("my-release"), "my-release-milvus");
        assert_eq!(chart_fullname("milvus-prod"), "milvus-prod");
        assert_eq!(chart_fullname("prodmilvus2"), "prodmilvus2");
        let long = "a".repeat(60);
        assert_eq!(chart_fullname(&long).len(), 63);
        // Truncation must not leave a trailing dash (`a…a-` at 63).
        assert_eq!(chart_fullname(&"b".repeat(62)), "b".repeat(62));
    }

    #[test]
    fn release_must_be_a_dns1035_label() {
        assert!(check_release("my-release").is_ok());
        assert!(check_release("1release")
            .unwrap_err()
            .contains("lowercase letter"));
        assert!(check_release("My-release")
            .unwrap_err()
            .contains("uppercase"));
        assert!(check_release("my_release").unwrap_err().contains('_'));
        assert!(check_release(&"a".repeat(54))
            .unwrap_err()
            .contains("at most 53"));
        assert!(check_release("release-").is_err());
    }

    #[test]
    fn ingress_hosts() {
        assert!(check_ingress_host("my-release.milvus.io").is_ok());
        assert!(check_ingress_host("*.milvus.io").is_ok());
        assert!(check_ingress_host("a.*.io").is_err());
        assert!(check_ingress_host("localhost").is_err());
        assert!(check_ingress_host("Milvus.io")
            .unwrap_err()
            .contains("uppercase"));
        assert!(check_ingress_host("milvus.io.").is_err());
        assert!(check_ingress_host("10.0.0.1").is_err());
        assert!(check_ingress_host("bad_name.io").is_err());
    }

    #[test]
    fn managed_certificate_domains() {
        assert!(check_managed_certificate_domain("my-release.milvus.io").is_ok());
        assert!(check_managed_certificate_domain("*.milvus.io")
            .unwrap_err()
            .contains("wildcard"));
        let long = format!("{}.example.com", "a".repeat(55));
        assert!(check_managed_certificate_domain(&long)
            .unwrap_err()
            .contains("at most 63"));
    }
}
