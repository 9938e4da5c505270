//! The one-off report: text for a person, JSON for a program.

use super::{State, Status};

/// The report for a person: each object's checks, the verdict, the connect line.
pub fn to_text(status: &Status) -> String {
    let mut out = String::new();
    let mut object = "";
    for c in &status.checks {
        if c.object != object {
            object = &c.object;
            out.push_str(&format!("{object}\n"));
        }
        out.push_str(&format!("  {:<8} {}\n", c.state.label(), c.detail));
        if let Some(hint) = &c.hint {
            if c.state != State::Ready {
                out.push_str(&format!("           hint: {hint}\n"));
            }
        }
    }
    let pending = status
        .checks
        .iter()
        .filter(|c| c.state != State::Ready)
        .count();
    if pending == 0 {
        out.push_str("\nready\n");
    } else {
        out.push_str(&format!("\nnot ready: {pending} check(s) pending\n"));
    }
    out.push_str(&format!("\nconnect with pymilvus:\n  {}\n", status.connect));
    out
}

/// The report for a program.
pub fn to_json(status: &Status) -> String {
    let report = JsonReport {
        ready: status.ready(),
        address: status.address.as_deref(),
        checks: status
            .checks
            .iter()
            .map(|c| JsonCheck {
                object: &c.object,
                state: c.state.label(),
                detail: &c.detail,
                hint: c.hint.as_deref(),
            })
            .collect(),
        connect: &status.connect,
        warnings: &status.warnings,
    };
    format!(
        "{}\n",
        serde_json::to_string_pretty(&report).unwrap_or_default()
    )
}

/// The `--output json` document.
#[derive(serde::Serialize)]
struct JsonReport<'a> {
    ready: bool,
    address: Option<&'a str>,
    checks: Vec<JsonCheck<'a>>,
    connect: &'a str,
    warnings: &'a [String],
}

#[derive(serde::Serialize)]
struct JsonCheck<'a> {
    object: &'a str,
    state: &'static str,
    detail: &'a str,
    hint: Option<&'a str>,
}
