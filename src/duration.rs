//! Durations as people type them for kubectl's own `--timeout`: whole
//! numbers with a unit, `s`, `m` or `h`, one or more (`1h30m`), without a
//! dependency for it. Shared by `status --timeout` (a flag) and the
//! `helmTimeout` parameter, so both take and refuse the same texts.

use std::time::Duration;

/// Parses `90s`, `30m`, `1h`, `1h30m`; a number without a unit, zero, or
/// an unknown unit is refused with an example (clap prints it, exit 2).
pub fn parse(text: &str) -> Result<Duration, String> {
    let refuse = |why: &str| format!("{why}; give a number and a unit, e.g. 90s, 30m, 1h or 1h30m");
    let mut total: u64 = 0;
    let mut digits = String::new();
    for c in text.trim().chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            _ => return Err(refuse(&format!("unknown unit `{c}`"))),
        };
        let number: u64 = digits
            .parse()
            .map_err(|_| refuse(&format!("no number before `{c}`")))?;
        digits.clear();
        total = number
            .checked_mul(unit)
            .and_then(|seconds| total.checked_add(seconds))
            .ok_or_else(|| refuse("too long"))?;
    }
    if !digits.is_empty() {
        return Err(refuse(&format!("`{digits}` has no unit")));
    }
    if total == 0 {
        return Err(refuse("the duration must be longer than 0s"));
    }
    Ok(Duration::from_secs(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_and_sums() {
        assert_eq!(parse("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse("30m"), Ok(Duration::from_secs(1800)));
        assert_eq!(parse("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse("1h30m"), Ok(Duration::from_secs(5400)));
    }

    #[test]
    fn missing_units_zero_and_nonsense_are_refused_with_an_example() {
        for bad in ["30", "", "0s", "5d", "m", "h1", "99999999999999999999h"] {
            let err = parse(bad).unwrap_err();
            assert!(err.contains("e.g. 90s, 30m, 1h"), "{bad}: {err}");
        }
    }
}
