//! Checks on the rendered objects before anything is written.

use crate::error::{Error, Result};
use crate::params::Params;
use crate::resource::Resource;
use serde_json::Value;

/// Refuses output that `kubectl apply` would reject or mis-handle.
pub fn rendered(_params: &Params, resources: &[Resource], _helm_values: &Value) -> Result<()> {
    for (i, r) in resources.iter().enumerate() {
        if resources[..i].iter().any(|o| o.id.matches(&r.id)) {
            return Err(Error::Invalid {
                subject: r.id.to_string(),
                message: "rendered twice".into(),
                hint: "two templates or overlays produce the same object; remove one or rename it"
                    .into(),
            });
        }
    }
    Ok(())
}
