//! The diagram as a Mermaid `flowchart LR`, which GitHub draws inside a
//! `mermaid` code block (README, PR descriptions).

use super::{Graph, Node, NodeKind};

/// The whole flowchart, ending with a newline.
pub fn write(graph: &Graph) -> String {
    let mut out = String::from("flowchart LR\n");
    for node in &graph.nodes {
        out.push_str(&format!("    {}\n", shape(node)));
    }
    for edge in &graph.edges {
        out.push_str(&format!(
            "    {} -->|\"{}\"| {}\n",
            edge.from,
            escape(&edge.label),
            edge.to
        ));
    }
    out.push_str("    classDef helm stroke-width:3px\n");
    out.push_str("    classDef missing stroke-dasharray:5 5\n");
    for (class, kind) in [
        ("helm", NodeKind::MadeByHelm),
        ("missing", NodeKind::NotRendered),
    ] {
        let ids: Vec<&str> = graph
            .nodes
            .iter()
            .filter(|n| n.kind == kind)
            .map(|n| n.id.as_str())
            .collect();
        if !ids.is_empty() {
            out.push_str(&format!("    class {} {class}\n", ids.join(",")));
        }
    }
    out
}

/// `id["text"]` with a shape per kind: a stadium for DNS names, a
/// subroutine box for the Helm release, a rectangle for objects.
fn shape(node: &Node) -> String {
    let label = node
        .lines
        .iter()
        .map(|l| escape(l))
        .collect::<Vec<_>>()
        .join("<br/>");
    match node.kind {
        NodeKind::DnsName => format!("{}([\"{label}\"])", node.id),
        NodeKind::HelmRelease => format!("{}[[\"{label}\"]]", node.id),
        _ => format!("{}[\"{label}\"]", node.id),
    }
}

/// Mermaid has no backslash escapes inside quoted text: it uses entity codes.
fn escape(text: &str) -> String {
    text.replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_and_angle_brackets_cannot_break_out_of_a_label() {
        assert_eq!(escape(r#"a"b<c>"#), "a#quot;b#lt;c#gt;");
    }

    #[test]
    fn shapes_follow_the_kind() {
        let node = |kind| Node {
            id: "x".into(),
            kind,
            lines: vec!["a".into(), "b".into()],
        };
        assert_eq!(shape(&node(NodeKind::DnsName)), r#"x(["a<br/>b"])"#);
        assert_eq!(shape(&node(NodeKind::HelmRelease)), r#"x[["a<br/>b"]]"#);
        assert_eq!(shape(&node(NodeKind::Rendered)), r#"x["a<br/>b"]"#);
    }
}
