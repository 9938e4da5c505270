//! Reading what is already there: live exports (`kubectl get -o yaml|json`)
//! and users' manifest files, bounded in size and sifted while parsed.

pub(crate) mod duplicates;
pub(crate) mod json_sift;
pub mod live;
pub(crate) mod live_split;
pub(crate) mod manifest_set;
pub(crate) mod object_files;
pub mod watch_stream;
