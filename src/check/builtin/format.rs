//! The string formats of the API server's validation, with its regular
//! expressions and messages word for word, from kubernetes/apimachinery
//! v0.36.3 (Kubernetes 1.36): `pkg/util/validation/validation.go` (DNS
//! names, ports, Secret keys) and `pkg/api/validate/content/kube.go` (label
//! keys and values). Each function returns the server's messages, none when
//! the value is valid; the callers put them after the field path.
//!
//! Facts only are taken from upstream (patterns, limits, message texts); the
//! code is this project's. The patterns are matched by small hand-written
//! functions, not compiled: every render runs these checks, and compiling
//! the expressions would cost each process more than all the matching (a
//! test compares both on many strings).

const DNS1123_LABEL: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_LABEL_MESSAGE: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_MESSAGE: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const DNS1035_LABEL: &str = "[a-z]([-a-z0-9]*[a-z0-9])?";
const DNS1035_LABEL_MESSAGE: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
const WILDCARD_MESSAGE: &str = "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character";
const LABEL_KEY_NAME: &str = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const LABEL_KEY_MESSAGE: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_MESSAGE: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const CONFIG_KEY: &str = "[-._a-zA-Z0-9]+";
const CONFIG_KEY_MESSAGE: &str =
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.'";

/// The longest DNS label and label-key name part.
const LABEL_MAX: usize = 63;
/// The longest DNS subdomain and Secret key.
const SUBDOMAIN_MAX: usize = 253;

fn dns1123_subdomain_pattern() -> String {
    format!("{DNS1123_LABEL}(\\.{DNS1123_LABEL})*")
}

fn wildcard_pattern() -> String {
    format!("\\*\\.{}", dns1123_subdomain_pattern())
}

fn label_value_pattern() -> String {
    format!("({LABEL_KEY_NAME})?")
}

/// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, and with `first` for the first
/// character (`[a-z]` for DNS-1035).
fn is_label(value: &str, first: fn(u8) -> bool) -> bool {
    let bytes = value.as_bytes();
    let inner = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-';
    match (bytes.first(), bytes.last()) {
        (Some(&a), Some(&z)) => {
            first(a) && (z.is_ascii_lowercase() || z.is_ascii_digit()) && bytes.iter().all(inner)
        }
        _ => false,
    }
}

fn lower_alphanumeric(c: u8) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

fn is_dns1123_label(value: &str) -> bool {
    is_label(value, lower_alphanumeric)
}

fn is_dns1035_label(value: &str) -> bool {
    is_label(value, |c| c.is_ascii_lowercase())
}

/// `label(\.label)*`.
fn is_dns1123_subdomain(value: &str) -> bool {
    value.split('.').all(is_dns1123_label)
}

/// `\*\.` and a subdomain.
fn is_wildcard_subdomain(value: &str) -> bool {
    value.strip_prefix("*.").is_some_and(is_dns1123_subdomain)
}

/// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`.
fn is_label_key_name(value: &str) -> bool {
    let bytes = value.as_bytes();
    let inner = |c: &u8| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.');
    match (bytes.first(), bytes.last()) {
        (Some(a), Some(z)) => {
            a.is_ascii_alphanumeric() && z.is_ascii_alphanumeric() && bytes.iter().all(inner)
        }
        _ => false,
    }
}

/// `(name)?`.
fn is_label_value(value: &str) -> bool {
    value.is_empty() || is_label_key_name(value)
}

/// `[-._a-zA-Z0-9]+`.
fn is_config_key(value: &str) -> bool {
    !value.is_empty()
        && value
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

/// `RegexError`: the message, examples, and the pattern.
fn regex_error(message: &str, pattern: &str, examples: &[&str]) -> String {
    let shown: Vec<String> = examples.iter().map(|e| format!("'{e}', ")).collect();
    format!(
        "{message} (e.g. {}regex used for validation is '{pattern}')",
        shown.join("or ")
    )
}

/// `MaxLenError` of `pkg/util/validation` (characters) …
fn max_characters(max: usize) -> String {
    format!("must be no more than {max} characters")
}

/// … and of `pkg/api/validate/content` (bytes), used for labels.
fn max_bytes(max: usize) -> String {
    format!("must be no more than {max} bytes")
}

/// A format as the upstream functions check it: a length limit, then a
/// pattern whose failure is reported with a message and examples.
struct Format {
    max: usize,
    too_long: fn(usize) -> String,
    matches: fn(&str) -> bool,
    /// The upstream expression, for the message.
    pattern: fn() -> String,
    message: &'static str,
    examples: &'static [&'static str],
}

impl Format {
    /// The length message, if any, and whether the pattern matched.
    fn length_and_match(&self, value: &str) -> (Vec<String>, bool) {
        let long = (value.len() > self.max).then(|| (self.too_long)(self.max));
        (long.into_iter().collect(), (self.matches)(value))
    }

    fn errors(&self, value: &str) -> Vec<String> {
        let (mut errors, matched) = self.length_and_match(value);
        if !matched {
            errors.push(self.pattern_error());
        }
        errors
    }

    fn pattern_error(&self) -> String {
        regex_error(self.message, &(self.pattern)(), self.examples)
    }
}

/// `IsDNS1123Label`: namespaces, Service port names. A valid subdomain
/// that is no label must hold dots, and the message says only that.
pub fn dns1123_label(value: &str) -> Vec<String> {
    let format = Format {
        max: LABEL_MAX,
        too_long: max_characters,
        matches: is_dns1123_label,
        pattern: || DNS1123_LABEL.to_string(),
        message: DNS1123_LABEL_MESSAGE,
        examples: &["my-name", "123-abc"],
    };
    let (mut errors, matched) = format.length_and_match(value);
    if !matched {
        errors.push(if dns1123_subdomain(value).is_empty() {
            "must not contain dots".to_string()
        } else {
            format.pattern_error()
        });
    }
    errors
}

/// `IsDNS1123Subdomain`: most object names, Ingress hosts.
pub fn dns1123_subdomain(value: &str) -> Vec<String> {
    Format {
        max: SUBDOMAIN_MAX,
        too_long: max_characters,
        matches: is_dns1123_subdomain,
        pattern: dns1123_subdomain_pattern,
        message: DNS1123_SUBDOMAIN_MESSAGE,
        examples: &["example.com"],
    }
    .errors(value)
}

/// `IsDNS1035Label`: Service names, and the Services an Ingress names.
pub fn dns1035_label(value: &str) -> Vec<String> {
    Format {
        max: LABEL_MAX,
        too_long: max_characters,
        matches: is_dns1035_label,
        pattern: || DNS1035_LABEL.to_string(),
        message: DNS1035_LABEL_MESSAGE,
        examples: &["my-name", "abc-123"],
    }
    .errors(value)
}

/// `IsWildcardDNS1123Subdomain`: `*.example.com` and nothing else with a `*`.
pub fn wildcard_dns1123_subdomain(value: &str) -> Vec<String> {
    Format {
        max: SUBDOMAIN_MAX,
        too_long: max_characters,
        matches: is_wildcard_subdomain,
        pattern: wildcard_pattern,
        message: WILDCARD_MESSAGE,
        examples: &["*.example.com"],
    }
    .errors(value)
}

/// `content.IsLabelKey` (alias `IsQualifiedName`): label keys, and
/// annotation keys once lowercased. An optional DNS subdomain prefix and
/// `/`, then a name of at most 63 bytes.
pub fn label_key(value: &str) -> Vec<String> {
    let parts: Vec<&str> = value.split('/').collect();
    let mut errors = Vec::new();
    let name = match parts.as_slice() {
        [name] => *name,
        [prefix, name] => {
            if prefix.is_empty() {
                errors.push("prefix part must be non-empty".to_string());
            } else {
                errors.extend(
                    content_dns1123_subdomain(prefix)
                        .into_iter()
                        .map(|m| format!("prefix part {m}")),
                );
            }
            *name
        }
        _ => {
            return vec![format!(
                "a valid label key {} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
                regex_error(LABEL_KEY_MESSAGE, LABEL_KEY_NAME, &["MyName", "my.name", "123-abc"])
            )]
        }
    };
    if name.is_empty() {
        errors.push("name part must be non-empty".to_string());
    } else if name.len() > LABEL_MAX {
        errors.push(format!("name part {}", max_bytes(LABEL_MAX)));
    }
    if !is_label_key_name(name) {
        errors.push(format!(
            "name part {}",
            regex_error(
                LABEL_KEY_MESSAGE,
                LABEL_KEY_NAME,
                &["MyName", "my.name", "123-abc"]
            )
        ));
    }
    errors
}

/// `content.IsDNS1123Subdomain`: the same rule as [`dns1123_subdomain`],
/// its length message in bytes (the label-key prefix uses this one).
fn content_dns1123_subdomain(value: &str) -> Vec<String> {
    dns1123_subdomain(value)
        .into_iter()
        .map(|m| {
            if m == max_characters(SUBDOMAIN_MAX) {
                max_bytes(SUBDOMAIN_MAX)
            } else {
                m
            }
        })
        .collect()
}

/// `content.IsLabelValue`: empty, or at most 63 bytes of the label-key
/// name characters.
pub fn label_value(value: &str) -> Vec<String> {
    Format {
        max: LABEL_MAX,
        too_long: max_bytes,
        matches: is_label_value,
        pattern: label_value_pattern,
        message: LABEL_VALUE_MESSAGE,
        examples: &["MyValue", "my_value", "12345"],
    }
    .errors(value)
}

/// `IsValidPortNum`: 1 to 65535.
pub fn port_number(port: i64) -> Vec<String> {
    if (1..=65535).contains(&port) {
        Vec::new()
    } else {
        vec!["must be between 1 and 65535, inclusive".to_string()]
    }
}

/// `IsValidPortName` (an IANA service name): at most 15 characters of
/// `[-a-z0-9]`, at least one letter, no `--`, no hyphen at either end.
pub fn port_name(port: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if port.len() > 15 {
        errors.push(max_characters(15));
    }
    if port.is_empty()
        || !port
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        errors.push(
            "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)".to_string(),
        );
    }
    if !port.chars().any(|c| c.is_ascii_lowercase()) {
        errors.push("must contain at least one letter (a-z)".to_string());
    }
    if port.contains("--") {
        errors.push("must not contain consecutive hyphens".to_string());
    }
    if port.starts_with('-') || port.ends_with('-') {
        errors.push("must not begin or end with a hyphen".to_string());
    }
    errors
}

/// `IsConfigMapKey`: the keys of a Secret's `data`.
pub fn config_map_key(value: &str) -> Vec<String> {
    let mut errors = Format {
        max: SUBDOMAIN_MAX,
        too_long: max_characters,
        matches: is_config_key,
        pattern: || CONFIG_KEY.to_string(),
        message: CONFIG_KEY_MESSAGE,
        examples: &["key.name", "KEY_NAME", "key-name"],
    }
    .errors(value);
    match value {
        "." => errors.push("must not be '.'".to_string()),
        ".." => errors.push("must not be '..'".to_string()),
        _ if value.starts_with("..") => errors.push("must not start with '..'".to_string()),
        _ => {}
    }
    errors
}

/// Whether `host` is an IP address as `netutils.ParseIPSloppy` reads one:
/// IPv6, or IPv4 whose parts may have leading zeros (`010.0.0.1`), which
/// Rust's own parser refuses.
pub fn is_ip_sloppy(host: &str) -> bool {
    if host.parse::<std::net::IpAddr>().is_ok() {
        return true;
    }
    let parts: Vec<&str> = host.split('.').collect();
    parts.len() == 4
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars().all(|c| c.is_ascii_digit())
                && p.parse::<u32>().is_ok_and(|n| n <= 255)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hand-written matchers accept exactly what the upstream
    /// expressions accept, on strings built from every character class
    /// the patterns mention.
    #[test]
    fn matchers_agree_with_the_upstream_expressions() {
        use regex_automata::meta::Regex;
        type Matcher = fn(&str) -> bool;
        let cases: [(String, Matcher); 7] = [
            (DNS1123_LABEL.into(), is_dns1123_label),
            (DNS1035_LABEL.into(), is_dns1035_label),
            (dns1123_subdomain_pattern(), is_dns1123_subdomain),
            (wildcard_pattern(), is_wildcard_subdomain),
            (LABEL_KEY_NAME.into(), is_label_key_name),
            (label_value_pattern(), is_label_value),
            (CONFIG_KEY.into(), is_config_key),
        ];
        let alphabet = ["a", "Z", "0", "-", "_", ".", "*", "/", " ", "é"];
        let mut samples = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = samples
                .iter()
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
            samples.extend(longer);
        }
        samples.dedup();
        for (pattern, matcher) in cases {
            let regex = Regex::new(&format!("^(?:{pattern})$")).unwrap();
            for sample in &samples {
                assert_eq!(
                    matcher(sample),
                    regex.is_match(sample),
                    "{pattern} on {sample:?}"
                );
            }
        }
    }

    #[test]
    fn dns_names() {
        assert!(dns1123_subdomain("a.example.com").is_empty());
        assert_eq!(
            dns1123_subdomain("A.example.com"),
            ["a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"]
        );
        assert_eq!(dns1123_label("a.b"), ["must not contain dots"]);
        assert!(dns1123_label("Ab")[0].starts_with("a lowercase RFC 1123 label"));
        assert!(dns1035_label("1abc")[0].starts_with("a DNS-1035 label"));
        assert_eq!(
            dns1035_label(&"a".repeat(64))[0],
            "must be no more than 63 characters"
        );
        assert!(wildcard_dns1123_subdomain("*.example.com").is_empty());
        assert!(!wildcard_dns1123_subdomain("*.*.example.com").is_empty());
        assert!(!wildcard_dns1123_subdomain("f*.example.com").is_empty());
    }

    #[test]
    fn label_keys_and_values() {
        assert!(label_key("app.kubernetes.io/name").is_empty());
        assert!(label_key("MyName").is_empty());
        assert_eq!(label_key("/x"), ["prefix part must be non-empty"]);
        assert!(label_key("a/b/c")[0].starts_with("a valid label key must consist"));
        assert!(label_key("Example.com/x")[0].starts_with("prefix part a lowercase RFC 1123"));
        assert_eq!(
            label_key(&"a".repeat(64)),
            ["name part must be no more than 63 bytes"]
        );
        assert!(label_key("-x")[0].starts_with("name part must consist of alphanumeric"));
        assert!(label_value("").is_empty());
        assert!(label_value("v1.2_a-b").is_empty());
        assert!(label_value("a b")[0].starts_with("a valid label must be an empty string"));
        assert_eq!(
            label_value(&"a".repeat(64)),
            ["must be no more than 63 bytes"]
        );
    }

    #[test]
    fn ports_keys_and_addresses() {
        assert!(port_name("grpc").is_empty());
        assert_eq!(port_name("123"), ["must contain at least one letter (a-z)"]);
        assert_eq!(
            port_name("a--b"),
            ["must contain consecutive hyphens".replace("must", "must not")]
        );
        assert_eq!(
            port_name("a-very-long-port-name"),
            ["must be no more than 15 characters"]
        );
        assert_eq!(port_number(0), ["must be between 1 and 65535, inclusive"]);
        assert!(config_map_key("tls.crt").is_empty());
        assert_eq!(config_map_key("..x"), ["must not start with '..'"]);
        assert!(config_map_key("a/b")[0].starts_with("a valid config key"));
        assert!(is_ip_sloppy("10.0.0.1") && is_ip_sloppy("010.0.0.1") && is_ip_sloppy("::1"));
        assert!(!is_ip_sloppy("milvus.example.com") && !is_ip_sloppy("1.2.3"));
    }
}
