//! Reading what is already there: live exports (`kubectl get -o yaml|json`)
//! and users' manifest files, bounded in size and sifted while parsed.

pub mod json_sift;
pub mod live;
pub mod live_split;
pub mod manifest_set;
pub mod object_files;
