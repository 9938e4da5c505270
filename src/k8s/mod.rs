//! Kubernetes vocabulary shared by every stage: an object with its
//! identity ([`resource`]), the naming rules (`names`), field paths as
//! kubectl writes them (`field_path`), the GKE annotation keys
//! (`annotations`) and the Service the milvus chart makes (`chart_service`).

pub(crate) mod annotations;
pub(crate) mod chart_service;
pub(crate) mod field_path;
pub mod kind;
pub(crate) mod names;
pub mod resource;
