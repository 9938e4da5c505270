//! What an output directory holds, in one line for `-v`: the object files
//! counted, the few other files named, a vendored chart counted by folder.

use crate::render::output::OutputFile;
use std::collections::BTreeMap;

/// How many files, and what they are.
pub struct Contents {
    /// `5 files`.
    pub total: String,
    /// `3 objects, helm/values.yaml, kustomization.yaml`.
    pub parts: String,
}

impl std::fmt::Display for Contents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.total, self.parts)
    }
}

/// The files of an output directory, counted and named.
pub fn describe(files: &BTreeMap<String, OutputFile>) -> Contents {
    let mut objects = 0;
    let mut others = Vec::new();
    let mut folders: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for path in files.keys() {
        match path.split_once('/') {
            Some((folder, _)) => folders.entry(folder).or_default().push(path),
            None if path == "kustomization.yaml" => others.push(path.clone()),
            None => objects += 1,
        }
    }
    let mut parts = vec![count(objects, "object")];
    for (folder, paths) in folders {
        match paths.as_slice() {
            [one] => parts.push(one.to_string()),
            many => parts.push(format!("{} under {folder}/", count(many.len(), "file"))),
        }
    }
    parts.extend(others);
    Contents {
        total: count(files.len(), "file"),
        parts: parts.join(", "),
    }
}

fn count(n: usize, noun: &str) -> String {
    match n {
        1 => format!("1 {noun}"),
        n => format!("{n} {noun}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(paths: &[&str]) -> BTreeMap<String, OutputFile> {
        paths
            .iter()
            .map(|p| {
                let file = OutputFile {
                    text: String::new(),
                    secret: false,
                };
                (p.to_string(), file)
            })
            .collect()
    }

    #[test]
    fn objects_are_counted_and_the_rest_named() {
        assert_eq!(
            describe(&files(&[
                "v1_secret_tls.yaml",
                "networking.k8s.io_v1_ingress_m.yaml",
                "helm/values.yaml",
                "kustomization.yaml",
            ]))
            .to_string(),
            "4 files (2 objects, helm/values.yaml, kustomization.yaml)"
        );
    }

    #[test]
    fn a_vendored_chart_is_counted_by_its_folder() {
        assert_eq!(
            describe(&files(&[
                "v1_secret_tls.yaml",
                "charts/milvus-5.0.19/milvus/Chart.yaml",
                "charts/milvus-5.0.19/milvus/values.yaml",
                "helm/values.yaml",
                "kustomization.yaml",
            ]))
            .to_string(),
            "5 files (1 object, 2 files under charts/, helm/values.yaml, kustomization.yaml)"
        );
    }
}
