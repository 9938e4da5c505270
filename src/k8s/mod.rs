//! Kubernetes vocabulary shared by every stage: an object with its
//! identity ([`resource`]), the naming rules ([`names`]), the GKE annotation
//! keys ([`annotations`]) and the Service the milvus chart makes
//! ([`chart_service`]).

pub mod annotations;
pub mod chart_service;
pub mod names;
pub mod resource;
