//! Naming the argument that is not UTF-8. clap only says "invalid UTF-8 was
//! detected in one or more arguments", which leaves the user to guess which
//! of a long Argo CD or CI command line it was.

use std::ffi::OsString;

/// The first argument that is not UTF-8, described: its position, its bytes
/// escaped, and the flag it is the value of when the argument before it is
/// one. None when every argument is UTF-8.
pub fn describe(args: &[OsString]) -> Option<String> {
    let (index, bad) = args
        .iter()
        .enumerate()
        .skip(1)
        .find(|(_, a)| a.to_str().is_none())?;
    // Echoed escaped, without any key in it, and cut like any quoted value.
    let escaped = bad.as_encoded_bytes().escape_ascii().to_string();
    let redacted = crate::redact::private_keys(&escaped);
    let shown = crate::quote::cut(&redacted, crate::quote::MAX_QUOTED_CHARS);
    let flag = args[index - 1]
        .to_str()
        .filter(|previous| previous.starts_with('-') && *previous != "-")
        .map(|previous| format!(" (the value of {previous})"))
        .unwrap_or_default();
    Some(format!(
        "argument {index} `{shown}`{flag} is not UTF-8 text\n  hint: give names and paths as UTF-8; check the locale of the script or the file name"
    ))
}

/// The environment as text. A variable that is not UTF-8 is left out —
/// unless it is one milvus-l7 reads (`MILVUS_L7_*`, `PARAM_*`, `ARGOCD_*`,
/// `HELM`), which is an error naming it: `std::env::vars` would panic.
pub fn environment(
    vars: impl Iterator<Item = (OsString, OsString)>,
) -> Result<Vec<(String, String)>, String> {
    let mut env = Vec::new();
    for (name, value) in vars {
        match (name.into_string(), value.into_string()) {
            (Ok(name), Ok(value)) => env.push((name, value)),
            (Ok(name), Err(_)) if is_ours(&name) => {
                return Err(format!(
                    "environment variable {name} is not UTF-8 text\n  hint: set it to UTF-8 text, or unset it"
                ))
            }
            _ => {} // someone else's variable
        }
    }
    Ok(env)
}

fn is_ours(name: &str) -> bool {
    ["MILVUS_L7_", "PARAM_", "ARGOCD_"]
        .iter()
        .any(|prefix| name.starts_with(prefix))
        || name == "HELM"
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::ffi::OsStringExt;

    #[test]
    fn names_the_argument_and_its_flag() {
        let args = vec![
            OsString::from("milvus-l7"),
            OsString::from("render"),
            OsString::from("--domain"),
            OsString::from_vec(b"\xff.example.com".to_vec()),
        ];
        let text = describe(&args).unwrap();
        assert!(
            text.starts_with("argument 3 `\\xff.example.com` (the value of --domain)"),
            "{text}"
        );
        assert_eq!(describe(&args[..3]), None);
    }

    #[test]
    fn a_variable_that_is_not_utf8_is_an_error_when_ours_and_skipped_otherwise() {
        let bad = || OsString::from_vec(vec![0xff, b'x']);
        let env = environment(
            vec![
                (OsString::from("LANG"), bad()),
                (OsString::from("PATH"), OsString::from("/bin")),
            ]
            .into_iter(),
        )
        .unwrap();
        assert_eq!(env, [("PATH".to_string(), "/bin".to_string())]);
        let err =
            environment(vec![(OsString::from("MILVUS_L7_DOMAIN"), bad())].into_iter()).unwrap_err();
        assert!(
            err.contains("MILVUS_L7_DOMAIN") && !err.contains('\u{fffd}'),
            "{err}"
        );
    }
    #[test]
    fn a_key_in_an_argument_that_is_not_utf8_is_not_echoed() {
        let body = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg";
        let mut value =
            format!("certMap=-----BEGIN PRIVATE KEY-----\n{body}\n-----END PRIVATE KEY-----")
                .into_bytes();
        value.push(0xff);
        let args = [
            "milvus-l7".into(),
            "--set".into(),
            OsString::from_vec(value),
        ];
        let said = describe(&args).unwrap();
        assert!(!said.contains(&body[..16]), "{said}");
        assert!(
            said.contains(crate::redact::NOT_SHOWN) && said.contains("\\xff"),
            "{said}"
        );
    }

    #[test]
    fn a_huge_argument_that_is_not_utf8_is_cut() {
        let mut value = vec![b'a'; 100_000];
        value.push(0xff);
        let args = ["milvus-l7".into(), OsString::from_vec(value)];
        let said = describe(&args).unwrap();
        assert!(
            said.len() < 1_000 && said.contains("more bytes"),
            "{}",
            said.len()
        );
    }
}
