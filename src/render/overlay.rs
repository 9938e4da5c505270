//! Overlays: directories of data that add resources to the base and patch it.
//!
//! `overlays/<name>/overlay.yaml` is plain YAML (not a template), so the
//! parameters an overlay declares can be read before anything is rendered:
//!
//! ```yaml
//! description: what the overlay is for
//! parameters: {redirect: false}     # extra parameters with defaults; null = required
//! conflicts:                        # overlays it cannot be combined with, and why
//!   self-managed: one certificate variant at a time
//! certificate: google-managed       # a certificate overlay: secret or google-managed
//! loadBalancer: internal            # not the global external load balancer
//! resources: [secret.yaml.j2]       # templates in this directory
//! remove: [{kind: Ingress}]         # objects it replaces
//! patches:
//!   - target: {kind: Ingress}       # group, version, kind, name, namespace
//!     type: merge                   # RFC 7386, or json6902 (RFC 6902)
//!     patch: {...}                  # inline; string values may use {{ }}
//!   - target: helmValues            # the Helm values document
//!     type: json6902
//!     path: values-patch.yaml.j2    # or a template file
//!   - target: {kind: Gateway}
//!     optional: true                # no error when nothing matches
//!     ...
//! ```

use crate::error::{Error, Result};
use crate::k8s::resource::Resource;
use crate::render::file_tree::FileTree;
use crate::render::template::{TemplateContext, TemplateEngine};
use crate::yaml;
use serde::Deserialize;
use serde_json::{Map, Value};

/// One overlay, as its `overlay.yaml` declares it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overlay {
    /// The directory name, which is what `--overlay` names.
    #[serde(skip)]
    pub name: String,
    /// One line for listings and the overlay table of docs/rendering.md.
    pub description: String,
    /// Parameters this overlay adds, with defaults (`null`: required).
    #[serde(default)]
    pub parameters: Map<String, Value>,
    /// Overlays it cannot be combined with, each with the reason.
    #[serde(default)]
    pub conflicts: Map<String, Value>,
    /// The certificate this overlay supplies, if it is a certificate overlay.
    #[serde(default)]
    pub certificate: Option<CertificateSource>,
    /// The load balancer this overlay makes, when it is not Google's global
    /// external one: which address key, classes and certificates apply.
    #[serde(default, rename = "loadBalancer")]
    pub load_balancer: Option<LoadBalancer>,
    /// Templates in the overlay's directory that render new objects.
    #[serde(default)]
    pub resources: Vec<String>,
    /// Objects of the base this overlay replaces.
    #[serde(default)]
    pub remove: Vec<Selector>,
    /// Changes to objects or to the Helm values, applied in order.
    #[serde(default)]
    pub patches: Vec<Patch>,
}

/// Where the load balancer's certificate comes from: which parameters and
/// checks apply (`--tls-cert`/`--tls-key`, Google's domain rules) and how a
/// client connects.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum CertificateSource {
    /// A `kubernetes.io/tls` Secret: rendered from `--tls-cert`/`--tls-key`,
    /// or one that exists already. Clients must trust it themselves.
    Secret,
    /// A ManagedCertificate, which Google provisions for the domain.
    GoogleManaged,
    /// Compute SSL certificates that exist already in the project, by name
    /// (the `pre-shared` overlay): nothing to render or to wait for.
    PreShared,
}

/// A load balancer other than the global external Application Load
/// Balancer, as an overlay declares it (`loadBalancer: internal`).
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum LoadBalancer {
    /// The regional internal Application Load Balancer (Ingress class
    /// `gce-internal`, GatewayClass `gke-l7-rilb`): regional addresses,
    /// no Google-managed certificates, a proxy-only subnet.
    Internal,
}

/// One patch: what it changes, how, and with which body.
#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "RawPatch")]
pub struct Patch {
    /// The objects or the Helm values it changes.
    pub target: Target,
    /// RFC 7386 merge or RFC 6902 operations.
    pub kind: PatchKind,
    /// The patch itself, inline or from a template file.
    pub body: PatchBody,
    /// A patch for objects that only some combinations have (the Ingress
    /// or the Gateway); without it, matching nothing is an error.
    pub optional: bool,
}

/// How a patch changes its target.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum PatchKind {
    /// RFC 7386 JSON merge patch: `null` deletes.
    Merge,
    /// RFC 6902 operation list, applied atomically.
    Json6902,
}

/// Where a patch's body comes from.
#[derive(Debug, Clone)]
pub enum PatchBody {
    /// Written in `overlay.yaml`; string values may use `{{ }}`.
    Inline(Value),
    /// A template file in the overlay's directory, rendering one document.
    File(String),
}

/// What a patch applies to.
#[derive(Debug, Clone)]
pub enum Target {
    /// The milvus chart's values (`target: helmValues`).
    HelmValues,
    /// The objects a selector chooses.
    Objects(Selector),
}

/// `overlay.yaml`'s spelling of a patch, checked into a [`Patch`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPatch {
    target: RawTarget,
    #[serde(rename = "type")]
    kind: PatchKind,
    #[serde(default)]
    patch: Option<Value>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    optional: bool,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawTarget {
    Named(String),
    Select(Selector),
}

impl TryFrom<RawPatch> for Patch {
    type Error = String;

    fn try_from(raw: RawPatch) -> std::result::Result<Patch, String> {
        let target = match raw.target {
            RawTarget::Named(name) if name == HELM_VALUES => Target::HelmValues,
            RawTarget::Named(name) => {
                return Err(format!(
                    "unknown patch target `{name}`: use a selector like {{kind: Ingress}} or `{HELM_VALUES}`"
                ))
            }
            RawTarget::Select(selector) => Target::Objects(selector),
        };
        let body =
            match (raw.patch, raw.path) {
                (Some(inline), None) => PatchBody::Inline(inline),
                (None, Some(file)) => PatchBody::File(file),
                _ => return Err(
                    "each patch needs exactly one of `patch` (inline) or `path` (a template file)"
                        .into(),
                ),
            };
        Ok(Patch {
            target,
            kind: raw.kind,
            body,
            optional: raw.optional,
        })
    }
}

/// Chooses objects by exact field values; an absent field matches anything.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Selector {
    /// API group; `""` is the core group.
    pub group: Option<String>,
    /// API version, without the group.
    pub version: Option<String>,
    /// Kind, e.g. `Ingress`.
    pub kind: Option<String>,
    /// `metadata.name`.
    pub name: Option<String>,
    /// `metadata.namespace`.
    pub namespace: Option<String>,
}

impl Selector {
    /// Whether `r` has every field the selector sets.
    pub fn matches(&self, r: &Resource) -> bool {
        let field = |want: &Option<String>, have: &str| want.as_deref().is_none_or(|w| w == have);
        field(&self.group, &r.id.group)
            && field(&self.version, &r.id.version)
            && field(&self.kind, &r.id.kind)
            && field(&self.name, &r.id.name)
            && field(&self.namespace, &r.id.namespace)
    }
}

const HELM_VALUES: &str = "helmValues";

/// Loads the named overlays in the order given, checking that each exists,
/// is well-formed and does not conflict with another one chosen.
pub fn load(tree: &FileTree, names: &[String]) -> Result<Vec<Overlay>> {
    let overlays = names
        .iter()
        .map(|name| load_one(tree, name))
        .collect::<Result<Vec<_>>>()?;
    for (i, overlay) in overlays.iter().enumerate() {
        if overlays[..i].iter().any(|o| o.name == overlay.name) {
            return Err(overlay_error(
                &overlay.name,
                "is selected twice",
                "name each overlay once",
            ));
        }
        for other in &overlays {
            if let Some(reason) = overlay.conflicts.get(&other.name) {
                let reason = reason
                    .as_str()
                    .unwrap_or("they configure the same thing differently");
                return Err(overlay_error(
                    &overlay.name,
                    &format!("cannot be combined with `{}`: {reason}", other.name),
                    &format!("choose one of `{}` and `{}`", overlay.name, other.name),
                ));
            }
        }
    }
    Ok(overlays)
}

/// The overlays a tree offers, for messages and `--help`.
pub fn available(tree: &FileTree) -> Vec<String> {
    tree.top_dirs()
        .into_iter()
        .filter(|d| tree.get(&format!("{d}/overlay.yaml")).is_some())
        .map(str::to_string)
        .collect()
}

fn load_one(tree: &FileTree, name: &str) -> Result<Overlay> {
    let path = format!("{name}/overlay.yaml");
    let Some(text) = tree.get(&path) else {
        let known = available(tree);
        let hint = match crate::suggest::closest(name, known.iter().map(String::as_str)) {
            Some(close) => format!("did you mean `{close}`? available: {}", known.join(", ")),
            None => format!("available: {}", known.join(", ")),
        };
        return Err(overlay_error(
            name,
            &format!("not found in {}", tree.origin),
            &hint,
        ));
    };
    let origin = format!("{}/{path}", tree.origin);
    let docs = yaml::parse_stream(text, &origin, yaml::Limits::default())?;
    let [doc] = <[Value; 1]>::try_from(docs).map_err(|_| {
        overlay_error(
            name,
            "overlay.yaml must hold exactly one document",
            "remove extra `---` documents",
        )
    })?;
    let mut overlay: Overlay = serde_json::from_value(doc).map_err(|e| {
        overlay_error(
            name,
            &format!("{origin}: {e}"),
            "see the overlay format in docs/rendering.md (Templates and overlays)",
        )
    })?;
    overlay.name = name.to_string();
    Ok(overlay)
}

fn overlay_error(overlay: &str, message: &str, hint: &str) -> Error {
    Error::Overlay {
        overlay: overlay.to_string(),
        message: message.to_string(),
        hint: hint.to_string(),
    }
}

/// Applies the overlays in the way kustomize builds: first every overlay's
/// resources are accumulated and the objects they replace removed, then the
/// patches run, overlay by overlay. So `--overlay static-ip --overlay gateway`
/// patches the Gateway even though static-ip comes first.
pub fn apply_all(
    overlays: &[Overlay],
    engine: &TemplateEngine,
    context: &TemplateContext,
    resources: &mut Vec<Resource>,
    helm_values: &mut Value,
) -> Result<()> {
    for overlay in overlays {
        add_resources(overlay, engine, context, resources)?;
    }
    for overlay in overlays {
        for selector in &overlay.remove {
            resources.retain(|r| !selector.matches(r));
        }
    }
    for overlay in overlays {
        apply_patches(overlay, engine, context, resources, helm_values)?;
    }
    Ok(())
}

fn add_resources(
    overlay: &Overlay,
    engine: &TemplateEngine,
    context: &TemplateContext,
    resources: &mut Vec<Resource>,
) -> Result<()> {
    for file in &overlay.resources {
        let template = format!("overlays/{}/{file}", overlay.name);
        for doc in engine.render_documents(&template, context)? {
            let resource = Resource::new(doc).ok_or_else(|| {
                overlay_error(
                    &overlay.name,
                    &format!("{file} renders an object without apiVersion, kind or metadata.name"),
                    "complete the object",
                )
            })?;
            resources.push(resource);
        }
    }
    Ok(())
}

fn apply_patches(
    overlay: &Overlay,
    engine: &TemplateEngine,
    context: &TemplateContext,
    resources: &mut [Resource],
    helm_values: &mut Value,
) -> Result<()> {
    for (index, patch) in overlay.patches.iter().enumerate() {
        let body = patch_body(overlay, patch, engine, context)?;
        let describe = || {
            format!(
                "patch #{} ({:?} on {})",
                index + 1,
                patch.kind,
                describe_target(&patch.target)
            )
        };
        match &patch.target {
            Target::HelmValues => apply_patch(patch.kind, &body, helm_values).map_err(|m| {
                overlay_error(
                    &overlay.name,
                    &format!("{}: {m}", describe()),
                    "fix the patch path or value",
                )
            })?,
            Target::Objects(selector) => {
                let mut matched = 0;
                for r in resources.iter_mut().filter(|r| selector.matches(r)) {
                    apply_patch(patch.kind, &body, &mut r.value).map_err(|m| {
                        overlay_error(
                            &overlay.name,
                            &format!("{} on {}: {m}", describe(), r.id),
                            "fix the patch path or value",
                        )
                    })?;
                    // A patch may rename an object; keep its identity in step.
                    r.id = crate::k8s::resource::ResId::of(&r.value).ok_or_else(|| {
                        overlay_error(
                            &overlay.name,
                            &format!("{} removes the identity of {}", describe(), r.id),
                            "a patch must keep apiVersion, kind and metadata.name",
                        )
                    })?;
                    matched += 1;
                }
                if matched == 0 && !patch.optional {
                    return Err(overlay_error(
                        &overlay.name,
                        &format!("{} matches no object", describe()),
                        "check the target selector, or mark the patch `optional: true`",
                    ));
                }
            }
        }
    }
    Ok(())
}

fn describe_target(target: &Target) -> String {
    match target {
        Target::HelmValues => HELM_VALUES.into(),
        Target::Objects(s) => {
            let parts: Vec<String> = [
                ("group", &s.group),
                ("version", &s.version),
                ("kind", &s.kind),
                ("name", &s.name),
                ("namespace", &s.namespace),
            ]
            .iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={v}")))
            .collect();
            if parts.is_empty() {
                "every object".into()
            } else {
                parts.join(",")
            }
        }
    }
}

fn patch_body(
    overlay: &Overlay,
    patch: &Patch,
    engine: &TemplateEngine,
    context: &TemplateContext,
) -> Result<Value> {
    let file = match &patch.body {
        PatchBody::Inline(inline) => {
            let mut body = inline.clone();
            engine.render_strings(
                &mut body,
                context,
                &format!("overlays/{}/overlay.yaml", overlay.name),
            )?;
            return Ok(body);
        }
        PatchBody::File(file) => file,
    };
    let template = format!("overlays/{}/{file}", overlay.name);
    let mut docs = engine.render_documents(&template, context)?;
    match docs.len() {
        1 => Ok(docs.remove(0)),
        n => Err(overlay_error(
            &overlay.name,
            &format!("{file} renders {n} documents; a patch file holds exactly one"),
            "merge the documents into one",
        )),
    }
}

/// RFC 6902 patches are atomic (json-patch rolls back on failure), so a
/// failed patch never leaves a half-patched object behind.
pub fn apply_patch(
    kind: PatchKind,
    body: &Value,
    target: &mut Value,
) -> std::result::Result<(), String> {
    match kind {
        PatchKind::Merge => {
            json_patch::merge(target, body);
            Ok(())
        }
        PatchKind::Json6902 => {
            let ops: json_patch::Patch = serde_json::from_value(body.clone())
                .map_err(|e| format!("not an RFC 6902 operation list: {e}"))?;
            json_patch::patch(target, &ops).map_err(|e| e.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json6902_failure_leaves_target_unchanged() {
        let mut v = json!({"a": 1});
        let body = json!([{"op": "add", "path": "/b", "value": 2}, {"op": "test", "path": "/a", "value": 9}]);
        assert!(apply_patch(PatchKind::Json6902, &body, &mut v).is_err());
        assert_eq!(v, json!({"a": 1}));
    }

    #[test]
    fn merge_null_deletes() {
        let mut v = json!({"a": 1, "b": {"c": 2}});
        apply_patch(PatchKind::Merge, &json!({"a": null, "b": {"d": 3}}), &mut v).unwrap();
        assert_eq!(v, json!({"b": {"c": 2, "d": 3}}));
    }

    fn tree() -> FileTree {
        FileTree::from_map(
            "test",
            [
                (
                    "a/overlay.yaml",
                    "description: a\nconflicts: {b: one at a time}\n",
                ),
                ("b/overlay.yaml", "description: b\n"),
                ("bad/overlay.yaml", "description: x\nbogus: 1\n"),
            ],
        )
    }

    #[test]
    fn unknown_overlay_suggests_the_closest() {
        let err = load(&tree(), &["bb".into()])
            .unwrap_err()
            .report()
            .to_string();
        assert!(err.contains("did you mean `b`"), "{err}");
    }

    #[test]
    fn conflicts_are_refused_in_either_order() {
        for names in [["a", "b"], ["b", "a"]] {
            let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
            let err = load(&tree(), &names).unwrap_err().to_string();
            assert!(
                err.contains("cannot be combined") && err.contains("one at a time"),
                "{err}"
            );
        }
    }

    #[test]
    fn unknown_overlay_fields_are_errors() {
        let err = load(&tree(), &["bad".into()]).unwrap_err().to_string();
        assert!(err.contains("bogus"), "{err}");
    }
}
