//! Durations as people type them for kubectl's own `--timeout`: whole
//! numbers with a unit, `s`, `m` or `h`, one or more (`1h30m`), without a
//! dependency for it. Shared by `status --follow --timeout` (a flag) and the
//! `helmTimeout` parameter, so both take and refuse the same texts.
//!
//! The range is bounded, [`MIN`] to [`MAX`]: a deadline is "now + the
//! duration", and a number near `u64::MAX` seconds overflows the clock;
//! a week is already longer than any wait for a load balancer or Helm.

use std::time::Duration;

/// The shortest duration accepted.
pub const MIN: Duration = Duration::from_secs(1);

/// The longest duration accepted: 168h, a week.
pub const MAX: Duration = Duration::from_secs(7 * 24 * 3600);

/// Parses `90s`, `30m`, `1h`, `1h30m`; a number without a unit, an unknown
/// unit, or a duration outside [`MIN`]..=[`MAX`] is refused with the
/// allowed range and an example (clap prints it, exit 2).
pub fn parse(text: &str) -> Result<Duration, String> {
    let refuse = |why: &str| {
        format!("{why}; give a number and a unit between 1s and 168h (7 days), e.g. 90s, 30m, 1h or 1h30m")
    };
    let too_long = || refuse("longer than the allowed 168h");
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
            _ => return Err(refuse(&format!("unknown unit `{}`", c.escape_default()))),
        };
        if digits.is_empty() {
            return Err(refuse(&format!("no number before `{c}`")));
        }
        // Only digits are left, so a failed parse is a number too large.
        let number: u64 = digits.parse().map_err(|_| too_long())?;
        digits.clear();
        total = number
            .checked_mul(unit)
            .and_then(|seconds| total.checked_add(seconds))
            .filter(|seconds| *seconds <= MAX.as_secs())
            .ok_or_else(too_long)?;
    }
    if !digits.is_empty() {
        return Err(refuse(&format!("`{digits}` has no unit")));
    }
    if total < MIN.as_secs() {
        return Err(refuse("the duration must be at least 1s"));
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
        assert_eq!(parse("168h"), Ok(MAX));
        assert_eq!(parse("1s"), Ok(MIN));
    }

    #[test]
    fn missing_units_zero_and_nonsense_are_refused_with_an_example() {
        for bad in ["30", "", "0s", "5d", "m", "h1"] {
            let err = parse(bad).unwrap_err();
            assert!(err.contains("e.g. 90s, 30m, 1h"), "{bad}: {err}");
        }
    }

    /// Issue 24 defect 4: these panicked (overflow adding to the clock) or
    /// said "no number before `h`".
    #[test]
    fn durations_past_the_range_are_refused_with_the_range() {
        for bad in [
            "18446744073709551615s",
            "2562047788015215h",
            "9223372036854775807s",
            "99999999999999999999h",
            "168h1s",
            "604801s",
            "10081m",
        ] {
            let err = parse(bad).unwrap_err();
            assert!(
                err.starts_with("longer than the allowed 168h")
                    && err.contains("between 1s and 168h"),
                "{bad}: {err}"
            );
        }
    }

    proptest::proptest! {
        /// The fuzz target's property (fuzz/fuzz_targets/duration_arg.rs),
        /// on text shaped like durations: no panic, what is accepted lies
        /// in the range, and its seconds read back the same.
        #[test]
        fn whatever_is_accepted_lies_in_the_range(text in "[0-9smhd ]{0,30}") {
            if let Ok(duration) = parse(&text) {
                proptest::prop_assert!((MIN..=MAX).contains(&duration));
                let _deadline = std::time::Instant::now() + duration;
                proptest::prop_assert_eq!(parse(&format!("{}s", duration.as_secs())), Ok(duration));
            }
        }
    }
}
