//! The diagram as a Graphviz `digraph`, for `dot -Tsvg`.

use super::{Graph, Node, NodeKind};

/// The whole digraph, ending with a newline.
pub fn write(graph: &Graph) -> String {
    let mut out = String::from("digraph milvus_l7 {\n    rankdir=LR;\n    node [shape=box];\n");
    for node in &graph.nodes {
        out.push_str(&format!(
            "    \"{}\" [label=\"{}\"{}];\n",
            node.id,
            escape(&node.lines.join("\n")),
            attributes(node)
        ));
    }
    for edge in &graph.edges {
        out.push_str(&format!(
            "    \"{}\" -> \"{}\" [label=\"{}\"];\n",
            edge.from,
            edge.to,
            escape(&edge.label)
        ));
    }
    out.push_str("}\n");
    out
}

fn attributes(node: &Node) -> &'static str {
    match node.kind {
        NodeKind::DnsName => ", shape=oval",
        NodeKind::HelmRelease => ", shape=component",
        NodeKind::MadeByHelm => ", penwidth=2",
        NodeKind::NotRendered => ", style=dashed",
        NodeKind::Rendered => "",
    }
}

/// A DOT quoted string: backslash and quote escaped, lines as `\n`.
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    #[test]
    fn labels_are_quoted_safely() {
        assert_eq!(super::escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
