//! `milvus-l7 status --follow`: reads watch streams until everything is
//! ready (exit 0), a check needs action (exit 1, at once), the streams end
//! (exit 1) or `--timeout` passes (exit 1), printing one line per changed
//! check. The streams and the deadline are [`crate::status::watch`]'s; this
//! file only prints.

use super::{Ctx, Outcome};
use crate::error::Result;
use crate::render::Rendered;
use crate::status::follow::{Event, Follower};
use crate::status::watch::{Next, Watches};
use crate::status::{Check, State, Status};
use std::path::PathBuf;
use std::time::Duration;

/// What `status --follow` reads, and for how long.
pub struct FollowArgs<'a> {
    /// The `--live` watches; stdin when empty.
    pub live: &'a [PathBuf],
    /// `--timeout`.
    pub timeout: Option<Duration>,
    /// `--max-input-bytes`: the bound of a finished export given as a file.
    pub max_input_bytes: u64,
}

pub fn run(rendered: &Rendered, args: &FollowArgs, ctx: &mut Ctx) -> Result<Outcome> {
    let stdin = std::mem::replace(&mut ctx.stdin, Box::new(std::io::empty()));
    let watches = Watches::start(args.live, stdin, args.timeout, args.max_input_bytes)?;
    let mut printed = false;
    let outcome = follow(rendered, &watches, args, &mut printed, ctx);
    if outcome.is_err() && printed {
        ctx.note("the lines already on standard output were printed before the failure below; they are not a verdict (exit status 2)");
    }
    outcome
}

/// Follows until a verdict; `printed` tells whether stdout holds lines.
fn follow(
    rendered: &Rendered,
    watches: &Watches,
    args: &FollowArgs,
    printed: &mut bool,
    ctx: &mut Ctx,
) -> Result<Outcome> {
    let mut follower = Follower::new(rendered);
    loop {
        let item = match watches.next()? {
            Next::Item(item) => item,
            Next::TimedOut => {
                let waited = args.timeout.map(|t| t.as_secs()).unwrap_or_default();
                return not_ready(
                    &follower,
                    &format!("gave up after {waited}s (--timeout)"),
                    ctx,
                );
            }
            Next::Ended => return not_ready(&follower, "the stream ended", ctx),
        };
        for event in follower.observe(item)? {
            ctx.print(&event_text(&event))?;
            *printed = true;
        }
        let Some(status) = follower.status().filter(|_| follower.awaited().is_empty()) else {
            continue;
        };
        if let Some(action) = status.action_needed() {
            return action_needed(status, action, ctx);
        }
        if follower.ready() {
            ctx.print(&format!(
                "\nready\n\nconnect with pymilvus:\n  {}\n",
                status.connect
            ))?;
            for warning in &status.warnings {
                ctx.warn(warning);
            }
            return Ok(Outcome::Clean);
        }
    }
}

/// A check that will not resolve alone: following longer is waiting for
/// nothing. Its line (with the fix) was printed when it changed; this is
/// the verdict. Exit 1.
fn action_needed(status: &Status, action: &Check, ctx: &mut Ctx) -> Result<Outcome> {
    ctx.print(&pending_text(status, "action needed"))?;
    ctx.note(&format!(
        "stopped following: {}: {} will not resolve without a change (exit status 1){}",
        action.object,
        action.detail,
        action
            .hint
            .as_deref()
            .map(|hint| format!("; {hint}"))
            .unwrap_or_default()
    ));
    Ok(Outcome::Differs)
}

/// `not ready (WHY): N check(s) pending` and each pending check.
fn pending_text(status: &Status, why: &str) -> String {
    let pending: Vec<&Check> = status
        .checks
        .iter()
        .filter(|c| c.state != State::Ready)
        .collect();
    let mut text = format!("\nnot ready ({why}): {} check(s) pending\n", pending.len());
    for check in pending {
        text.push_str(&format!(
            "  {:<8} {}: {}\n",
            check.state.label(),
            check.object,
            check.detail
        ));
    }
    text
}

/// One line per event, with the hint under a check that is not ready.
fn event_text(event: &Event) -> String {
    match event {
        Event::Awaiting(ids) => format!(
            "{:<8} {} (not in the stream yet)\n",
            "awaiting",
            ids.join(", ")
        ),
        Event::Changed { before, after } => {
            let change = match before {
                Some(before) => format!("{} → {}", before.detail, after.detail),
                None => after.detail.clone(),
            };
            let mut line = format!("{:<8} {}: {change}\n", after.state.label(), after.object);
            if let Some(hint) = hint_of(after) {
                line.push_str(&format!("           hint: {hint}\n"));
            }
            line
        }
    }
}

fn hint_of(check: &Check) -> Option<&str> {
    check
        .hint
        .as_deref()
        .filter(|_| check.state != State::Ready)
}

/// The end without readiness: what is still pending on stdout (every
/// line of it was printed when it changed; this is the summary), and why
/// on stderr. Exit 1.
fn not_ready(follower: &Follower, why: &str, ctx: &mut Ctx) -> Result<Outcome> {
    let awaited = follower.awaited();
    match follower.status() {
        Some(status) if awaited.is_empty() => {
            ctx.print(&pending_text(status, "waiting"))?;
            ctx.note(&format!("{why} before everything was ready (exit status 1); a kubectl watch also ends when the API server closes it, after 30 to 60 minutes: start it again"));
        }
        _ => {
            ctx.print(&format!("\nnot ready: {} not seen\n", awaited.join(", ")))?;
            ctx.note(&format!(
                "{why} before every object of the render was seen (exit status 1): watch the namespace and kinds the render names (`kubectl get ingress -n NS -o json -w`, `kubectl get managedcertificate -n NS -o json -w`; gateway: gateway, httproute, gcpbackendpolicy, healthcheckpolicy), and give the same --release/--namespace/--set as for render"
            ));
        }
    }
    Ok(Outcome::Differs)
}
