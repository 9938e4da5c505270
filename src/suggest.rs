//! "Did you mean …?" for unknown names.

/// The candidate closest to `wrong`, if any is close enough to be a typo.
pub fn closest<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| {
            (
                strsim::jaro_winkler(&wrong.to_lowercase(), &c.to_lowercase()),
                c,
            )
        })
        .filter(|(score, _)| *score > 0.75)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_typos_and_ignores_strangers() {
        assert_eq!(
            super::closest("namespce", ["namespace", "release"]),
            Some("namespace")
        );
        assert_eq!(super::closest("xyz", ["namespace", "release"]), None);
    }
}
