//! Durations on the command line (`--timeout 30m`): the library's
//! [`crate::duration::parse`], which clap calls as a value parser.

pub use crate::duration::{parse, MAX, MIN};
