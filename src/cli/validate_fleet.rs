//! `milvus-l7 validate --fleet DIR`: every app of a fleet renders, and no two
//! share a release, a domain or a static IP (`crate::fleet`).

use super::{Ctx, Outcome, ParamArgs};
use crate::error::Result;
use crate::fleet;
use std::path::Path;
use std::time::Instant;

pub fn run(root: &Path, params: &ParamArgs, ctx: &mut Ctx) -> Result<Outcome> {
    let started = Instant::now();
    let apps = fleet::check(root, &params.sources()?)?;
    for app in &apps {
        ctx.info(&format!(
            "{}: release {} in namespace {}, {} objects",
            app.path.label(),
            app.release,
            app.namespace,
            app.objects
        ));
    }
    let elapsed = started.elapsed();
    ctx.note(&format!(
        "valid fleet: {} apps, no shared release, domain or static IP ({:.2} ms per app)",
        apps.len(),
        elapsed.as_secs_f64() * 1000.0 / apps.len() as f64
    ));
    Ok(Outcome::Clean)
}
