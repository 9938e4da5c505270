//! Graph: a diagram of the rendered objects and how they
//! reference each other, for PR descriptions and the README (GitHub draws
//! Mermaid blocks as pictures) or Graphviz.
//!
//! The edges are read from the rendered data — Ingress rules and backends,
//! annotations, `spec.tls`, the Helm values — never assumed, so the diagram
//! shows a broken reference (a backend Service nobody makes, a BackendConfig
//! that is not rendered) as a dashed "not rendered" box.

mod derive;
pub mod dot;
pub mod mermaid;

pub use derive::build;

/// What a box in the diagram stands for; it decides the box's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    /// A DNS name clients connect to.
    DnsName,
    /// The Helm release of the milvus/milvus chart.
    HelmRelease,
    /// An object the chart makes from our Helm values (the Service).
    MadeByHelm,
    /// An object in the rendered stream.
    Rendered,
    /// Referenced but neither rendered nor made by the chart: it must exist
    /// already (e.g. a TLS Secret created by hand) or the reference is broken.
    NotRendered,
}

/// A box: a stable id (derived from kind and name, so diagrams of two
/// renders diff well) and its text, one entry per line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// Identifier safe in Mermaid and Graphviz.
    pub id: String,
    /// What it stands for, which sets its shape.
    pub kind: NodeKind,
    /// The text in the box, one entry per line.
    pub lines: Vec<String>,
}

/// An arrow from one box to another, labelled with what makes the reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    /// The id of the referring node.
    pub from: String,
    /// The id of the referred node.
    pub to: String,
    /// How it refers, e.g. `backend`.
    pub label: String,
}

/// Boxes and arrows in the order they were found, which is deterministic
/// because the rendered objects are sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Graph {
    /// Boxes, in the order added.
    pub nodes: Vec<Node>,
    /// Arrows, in the order added.
    pub edges: Vec<Edge>,
}

impl Graph {
    /// Adds a node unless one with the same id exists (the first one found
    /// wins, so rendered objects added first are not demoted).
    pub fn add_node(&mut self, node: Node) -> String {
        let id = node.id.clone();
        if self.node(&id).is_none() {
            self.nodes.push(node);
        }
        id
    }

    /// Adds an edge once.
    pub fn add_edge(&mut self, from: &str, to: &str, label: &str) {
        let edge = Edge {
            from: from.to_string(),
            to: to.to_string(),
            label: label.to_string(),
        };
        if !self.edges.contains(&edge) {
            self.edges.push(edge);
        }
    }

    /// The node with this id.
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id == id)
    }

    /// The edge between two nodes, if any (for tests and callers that check
    /// a reference).
    pub fn edge(&self, from: &str, to: &str) -> Option<&Edge> {
        self.edges.iter().find(|e| e.from == from && e.to == to)
    }
}

/// A node id: `<kind>_<name>` lowercased, every character Mermaid and
/// Graphviz would misread replaced by `_`.
pub fn node_id(kind: &str, name: &str) -> String {
    format!("{kind}_{name}")
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_safe_for_both_languages() {
        assert_eq!(node_id("dns", "*.milvus.io"), "dns___milvus_io");
        assert_eq!(node_id("Ingress", "My-Release"), "ingress_my_release");
    }

    #[test]
    fn nodes_and_edges_are_added_once() {
        let mut g = Graph::default();
        let node = |kind, text: &str| Node {
            id: "a".into(),
            kind,
            lines: vec![text.into()],
        };
        g.add_node(node(NodeKind::Rendered, "first"));
        g.add_node(node(NodeKind::NotRendered, "second"));
        g.add_edge("a", "b", "x");
        g.add_edge("a", "b", "x");
        assert_eq!(g.nodes.len(), 1);
        assert_eq!(g.nodes[0].lines, ["first"]);
        assert_eq!(g.edges.len(), 1);
    }
}
