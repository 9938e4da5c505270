//! `milvus-l7 post-render`: Helm's post-renderer. Helm renders the chart
//! (with the values of `milvus-l7 values`) and hands the manifests over;
//! they are written back byte for byte — hooks, comments, Helm 4's
//! `postrenderer.helm.sh/postrender-filename` annotations and all — and the
//! L7 objects are appended. Helm then owns the whole release: history,
//! rollback, uninstall, pruning.
//!
//! Before anything is written, the manifests must hold the milvus Service
//! of this release and namespace as the values describe it (see
//! [`release_check`]): a forgotten `-f <(milvus-l7 values …)`, another
//! release name or namespace, or another chart is refused. Helm 3.17 takes
//! an empty post-render output as success, so a refusal is an error, never
//! an empty output.

use super::{parse_chart_objects, refuse_duplicates, release_check};
use crate::bounded_read::{self, Limit};
use crate::error::{Error, Result};
use crate::render::{output, Rendered};

/// Most manifests accepted from Helm: the milvus chart renders about 250 KB.
pub const INPUT_LIMIT: Limit<'static> = Limit {
    max_bytes: 64 << 20,
    hint: "the milvus chart renders well under 1 MB; is this the milvus chart's output?",
};

/// Where the manifests come from, as messages name it.
const ORIGIN: &str = "<stdin> (Helm's rendered manifests)";

/// The manifests, unchanged, then the L7 objects of `l7`.
pub fn post_render(l7: &Rendered, manifests: Vec<u8>) -> Result<String> {
    let text = bounded_read::into_text(manifests, ORIGIN)?;
    if text.trim().is_empty() {
        return Err(Error::Invalid {
            subject: ORIGIN.into(),
            message: "no manifests: Helm rendered nothing, or this did not run under Helm".into(),
            hint: "run it as Helm's post-renderer: `helm upgrade --install … -f values.yaml \
                   --post-renderer=milvus-l7 --post-renderer-args=post-render …` (docs/helm.md)"
                .into(),
        });
    }
    let chart_objects = parse_chart_objects(&text, "(Helm's manifests)", &l7.params.namespace)?;
    release_check::check(
        &chart_objects,
        l7,
        &format!(
            "give Helm the L7 values with `-f <(milvus-l7 values …)`, with the same parameters \
             as post-render (release {}, namespace {}), and the milvus chart",
            l7.params.release, l7.params.namespace
        ),
    )?;
    refuse_duplicates(&l7.resources, &chart_objects)?;
    let mut out = text;
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str("---\n");
    out.push_str(&output::stream(l7));
    Ok(out)
}
