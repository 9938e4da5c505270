//! Any patch body (JSON) of either kind against a rendered Ingress: the
//! patch applies or errors, never panics, and a failed RFC 6902 patch leaves
//! the target unchanged (json-patch is atomic).
#![no_main]
use libfuzzer_sys::fuzz_target;
use milvus_l7::render::overlay::{apply_patch, PatchKind};

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else { return };
    let Ok(body) = serde_json::from_slice::<serde_json::Value>(rest) else { return };
    let kind = if first % 2 == 0 { PatchKind::Merge } else { PatchKind::Json6902 };
    let original = serde_json::json!({
        "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
        "metadata": {"name": "my-release-milvus", "namespace": "default", "annotations": {"a": "b"}},
        "spec": {"rules": [{"host": "my-release.milvus.io"}]}
    });
    let mut target = original.clone();
    if apply_patch(kind, &body, &mut target).is_err() {
        assert_eq!(target, original, "a failed patch changed its target");
    }
});
