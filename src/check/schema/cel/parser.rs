//! A small CEL parser for the rules of the embedded schemas, building the
//! same expression tree as cel-rust's (`cel::Program::compile`) for what it
//! accepts, and declining (`None`) the rest, which is then left to cel-rust.
//!
//! Why: cel-rust parses with an ANTLR runtime that costs about a million
//! instructions a rule (its adaptive prediction and parse-tree allocations),
//! so compiling the 41 rules a Gateway render meets was 42.6 M of the
//! render's 56 M instructions. This reads the same rules in a few
//! thousand each. The grammar is cel-rust's `CEL.g4`; the tree is its
//! visitor's (`parser.rs`: `&&`/`||` chains balanced, literals folded with
//! their sign) and its macros' (`macros.rs`: `has`, `all`, `exists`,
//! `exists_one`, `map`, `filter`). A test compares the two trees, ids
//! aside, for every rule and message expression of the embedded schemas.
//!
//! Declined: anything unusual (optional syntax `.?`/`[?`, message literals,
//! leading-dot names, backquoted names, doubled `!`/`-`, negation of
//! anything but a number literal, floats, bytes, hexadecimal numbers,
//! triple-quoted strings that are not raw, escapes other than the
//! one-character ones, and quotes after a backslash in raw strings), and everything that does
//! not parse: cel-rust then says what is wrong.

use kube_cel::cel::common::ast::{
    operators, CallExpr, ComprehensionExpr, EntryExpr, Expr, IdedEntryExpr, IdedExpr, ListExpr,
    LiteralValue, MapEntryExpr, MapExpr, SelectExpr,
};

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Int(i64),
    UInt(u64),
    Str(String),
    True,
    False,
    Null,
    /// An operator or punctuation, by its text (`in` is one).
    Op(&'static str),
}

const OPS: &[&str] = &[
    "==", "!=", "<=", ">=", "&&", "||", "<", ">", "[", "]", "{", "}", "(", ")", ".", ",", "-", "!",
    "?", ":", "+", "*", "/", "%",
];

fn lex(source: &str) -> Option<Vec<Tok>> {
    let bytes = source.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if matches!(c, b' ' | b'\t' | b'\r' | b'\n' | 0x0c) {
            i += 1;
        } else if source[i..].starts_with("//") {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            let word = &source[start..i];
            let raw = matches!(word, "r" | "R") && matches!(bytes.get(i), Some(b'\'' | b'"'));
            if raw {
                let (text, end) = string(source, i, true)?;
                out.push(Tok::Str(text));
                i = end;
                continue;
            }
            if matches!(
                word,
                "b" | "B" | "rb" | "rB" | "Rb" | "RB" | "br" | "bR" | "Br" | "BR"
            ) && matches!(bytes.get(i), Some(b'\'' | b'"'))
            {
                return None; // bytes
            }
            out.push(match word {
                "true" => Tok::True,
                "false" => Tok::False,
                "null" => Tok::Null,
                "in" => Tok::Op("in"),
                _ => Tok::Ident(word.to_string()),
            });
        } else if c.is_ascii_digit() {
            let start = i;
            let hex = source[i..].starts_with("0x") || source[i..].starts_with("0X");
            if hex {
                return None;
            }
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            if matches!(bytes.get(i), Some(b'.' | b'e' | b'E'))
                && bytes
                    .get(i + 1)
                    .is_some_and(|b| b.is_ascii_digit() || *b == b'+' || *b == b'-')
            {
                return None; // a float
            }
            let digits = &source[start..i];
            if matches!(bytes.get(i), Some(b'u' | b'U')) {
                i += 1;
                out.push(Tok::UInt(digits.parse().ok()?));
            } else {
                out.push(Tok::Int(digits.parse().ok()?));
            }
        } else if c == b'\'' || c == b'"' {
            let (text, end) = string(source, i, false)?;
            out.push(Tok::Str(text));
            i = end;
        } else {
            let op = OPS.iter().find(|op| source[i..].starts_with(**op))?;
            out.push(Tok::Op(op));
            i += op.len();
        }
    }
    Some(out)
}

/// The string literal opening at `start` and the index past it, its text as
/// cel-rust's `parse_string` makes it. Declined: a triple-quoted string
/// that is not raw, an escape other than a one-character one, and in a raw
/// string a quote after a backslash or (triple-quoted) inside it.
fn string(source: &str, start: usize, raw: bool) -> Option<(String, usize)> {
    let bytes = source.as_bytes();
    let quote = bytes[start];
    let triple = bytes.get(start + 1) == Some(&quote) && bytes.get(start + 2) == Some(&quote);
    if raw {
        // cel-rust keeps a raw string's characters, backslashes included.
        let width = if triple { 3 } else { 1 };
        let open = start + width;
        let close = [quote; 3];
        let length = bytes[open..]
            .windows(width)
            .position(|w| w == &close[..width])?;
        let text = &source[open..open + length];
        let quote_after_backslash = text.contains("\\'") || text.contains("\\\"");
        if quote_after_backslash
            || (triple && text.contains(quote as char))
            || (!triple && text.contains(['\n', '\r']))
        {
            return None;
        }
        return Some((text.to_string(), open + length + width));
    }
    if triple {
        return None;
    }
    let mut text = String::new();
    let mut i = start + 1;
    loop {
        let c = *bytes.get(i)?;
        if c == quote {
            return Some((text, i + 1));
        }
        if c == b'\n' || c == b'\r' {
            return None;
        }
        if c == b'\\' {
            let next = *bytes.get(i + 1)?;
            // cel-rust keeps the backslash before the other quote (`"\'"` is `\'`).
            if (next == b'\'' || next == b'"') && next != quote {
                text.push('\\');
            }
            text.push(match next {
                b'a' => '\u{7}',
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                b'v' => '\u{b}',
                b'"' => '"',
                b'\'' => '\'',
                b'\\' => '\\',
                b'?' => '?',
                b'`' => '`',
                _ => return None,
            });
            i += 2;
            continue;
        }
        let ch = source[i..].chars().next()?;
        text.push(ch);
        i += ch.len_utf8();
    }
}

/// The expression tree of `source`, as cel-rust builds it, or `None`.
pub(super) fn parse(source: &str) -> Option<IdedExpr> {
    let tokens = lex(source)?;
    let mut parser = Parser {
        tokens,
        at: 0,
        next_id: 0,
    };
    let expr = parser.expr(0)?;
    (parser.at == parser.tokens.len()).then_some(expr)
}

/// Beyond this nesting the parser declines (cel-rust's own limit is 250).
const MAX_DEPTH: usize = 64;

struct Parser {
    tokens: Vec<Tok>,
    at: usize,
    next_id: u64,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.at)
    }

    fn peek_op(&self) -> Option<&'static str> {
        match self.peek() {
            Some(Tok::Op(op)) => Some(op),
            _ => None,
        }
    }

    fn eat(&mut self, op: &str) -> bool {
        let found = self.peek_op() == Some(op);
        self.at += usize::from(found);
        found
    }

    fn expect(&mut self, op: &str) -> Option<()> {
        self.eat(op).then_some(())
    }

    fn id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    fn node(&mut self, expr: Expr) -> IdedExpr {
        IdedExpr {
            id: self.id(),
            expr,
        }
    }

    fn call(&mut self, func: &str, target: Option<IdedExpr>, args: Vec<IdedExpr>) -> IdedExpr {
        self.node(Expr::Call(CallExpr {
            func_name: func.to_string(),
            target: target.map(Box::new),
            args,
        }))
    }

    /// `expr: conditionalOr ('?' conditionalOr ':' expr)?`
    fn expr(&mut self, depth: usize) -> Option<IdedExpr> {
        if depth > MAX_DEPTH {
            return None;
        }
        let condition = self.logic(operators::LOGICAL_OR, depth)?;
        if !self.eat("?") {
            return Some(condition);
        }
        let if_true = self.logic(operators::LOGICAL_OR, depth)?;
        self.expect(":")?;
        let if_false = self.expr(depth + 1)?;
        Some(self.call(
            operators::CONDITIONAL,
            None,
            vec![condition, if_true, if_false],
        ))
    }

    /// `conditionalOr` / `conditionalAnd`: a chain, made a balanced tree as
    /// cel-rust's `LogicManager` does.
    fn logic(&mut self, function: &'static str, depth: usize) -> Option<IdedExpr> {
        let (op, inner) = match function {
            operators::LOGICAL_OR => ("||", operators::LOGICAL_AND),
            _ => ("&&", ""),
        };
        let term = |p: &mut Self| match inner {
            "" => p.binary(0, depth),
            inner => p.logic(inner, depth),
        };
        let mut terms = vec![term(self)?];
        while self.eat(op) {
            terms.push(term(self)?);
        }
        if terms.len() == 1 {
            return terms.pop();
        }
        let hi = terms.len() - 2;
        Some(self.balanced(function, &mut terms, 0, hi))
    }

    fn balanced(
        &mut self,
        function: &str,
        terms: &mut [IdedExpr],
        lo: usize,
        hi: usize,
    ) -> IdedExpr {
        let mid = (lo + hi).div_ceil(2);
        let left = if mid == lo {
            std::mem::take(&mut terms[mid])
        } else {
            self.balanced(function, terms, lo, mid - 1)
        };
        let right = if mid == hi {
            std::mem::take(&mut terms[mid + 1])
        } else {
            self.balanced(function, terms, mid + 1, hi)
        };
        self.call(function, None, vec![left, right])
    }

    /// `relation` (level 0) and `calc` (1: `+ -`, 2: `* / %`), each left-associative.
    fn binary(&mut self, level: usize, depth: usize) -> Option<IdedExpr> {
        let next = |p: &mut Self| match level {
            2 => p.unary(depth),
            _ => p.binary(level + 1, depth),
        };
        let mut left = next(self)?;
        loop {
            let function = match (level, self.peek_op()) {
                (0, Some("<")) => operators::LESS,
                (0, Some("<=")) => operators::LESS_EQUALS,
                (0, Some(">=")) => operators::GREATER_EQUALS,
                (0, Some(">")) => operators::GREATER,
                (0, Some("==")) => operators::EQUALS,
                (0, Some("!=")) => operators::NOT_EQUALS,
                (0, Some("in")) => operators::IN,
                (1, Some("+")) => operators::ADD,
                (1, Some("-")) => operators::SUBSTRACT,
                (2, Some("*")) => operators::MULTIPLY,
                (2, Some("/")) => operators::DIVIDE,
                (2, Some("%")) => operators::MODULO,
                _ => return Some(left),
            };
            self.at += 1;
            let right = next(self)?;
            left = self.call(function, None, vec![left, right]);
        }
    }

    /// `unary`: a member, `!member`, or a negative number literal.
    fn unary(&mut self, depth: usize) -> Option<IdedExpr> {
        if self.eat("!") {
            if matches!(self.peek_op(), Some("!" | "-")) {
                return None;
            }
            let operand = self.member(depth)?;
            return Some(self.call(operators::LOGICAL_NOT, None, vec![operand]));
        }
        if self.eat("-") {
            // `-1` is a literal (`literal: sign=MINUS? NUM_INT`); negating
            // anything else is declined.
            let value = match self.peek() {
                Some(Tok::Int(n)) => n.checked_neg()?,
                _ => return None,
            };
            self.at += 1;
            if matches!(self.peek_op(), Some("." | "[")) {
                return None;
            }
            return Some(self.node(Expr::Literal(LiteralValue::Int(value.into()))));
        }
        self.member(depth)
    }

    /// `member`: a primary, then selections, method calls and indexes.
    fn member(&mut self, depth: usize) -> Option<IdedExpr> {
        let mut operand = self.primary(depth)?;
        loop {
            if self.eat(".") {
                let Some(Tok::Ident(name)) = self.peek().cloned() else {
                    return None; // `.?`, a keyword, a backquoted name
                };
                self.at += 1;
                if self.eat("(") {
                    let args = self.args(")", depth)?;
                    operand = self.receiver_call(name, operand, args)?;
                } else {
                    operand = self.node(Expr::Select(SelectExpr {
                        operand: Box::new(operand),
                        field: name,
                        test: false,
                    }));
                }
            } else if self.eat("[") {
                if self.peek_op() == Some("?") {
                    return None;
                }
                let index = self.expr(depth + 1)?;
                self.expect("]")?;
                operand = self.call(operators::INDEX, None, vec![operand, index]);
            } else {
                return Some(operand);
            }
        }
    }

    /// Comma-separated expressions up to `close` (no trailing comma).
    fn args(&mut self, close: &str, depth: usize) -> Option<Vec<IdedExpr>> {
        let mut args = Vec::new();
        if self.eat(close) {
            return Some(args);
        }
        loop {
            args.push(self.expr(depth + 1)?);
            if self.eat(close) {
                return Some(args);
            }
            self.expect(",")?;
        }
    }

    fn primary(&mut self, depth: usize) -> Option<IdedExpr> {
        let token = self.peek()?.clone();
        self.at += 1;
        let literal = |value| Some(Expr::Literal(value));
        let expr = match token {
            Tok::Int(n) => literal(LiteralValue::Int(n.into())),
            Tok::UInt(n) => literal(LiteralValue::UInt(n.into())),
            Tok::Str(s) => literal(LiteralValue::String(s.into())),
            Tok::True => literal(LiteralValue::Boolean(true.into())),
            Tok::False => literal(LiteralValue::Boolean(false.into())),
            Tok::Null => literal(LiteralValue::Null),
            Tok::Ident(name) => match self.peek_op() {
                Some("(") => {
                    self.at += 1;
                    let args = self.args(")", depth)?;
                    return self.global_call(name, args);
                }
                Some("{") => return None, // a message literal
                _ => Some(Expr::Ident(name)),
            },
            Tok::Op("(") => {
                let inner = self.expr(depth + 1)?;
                self.expect(")")?;
                return Some(inner);
            }
            Tok::Op("[") => {
                let id = self.id();
                let mut elements = Vec::new();
                while !self.eat("]") {
                    if self.peek_op() == Some("?") {
                        return None;
                    }
                    elements.push(self.expr(depth + 1)?);
                    if !self.eat(",") {
                        self.expect("]")?;
                        break;
                    }
                }
                return Some(IdedExpr {
                    id,
                    expr: Expr::List(ListExpr::new(elements)),
                });
            }
            Tok::Op("{") => {
                let id = self.id();
                let mut entries = Vec::new();
                while !self.eat("}") {
                    if self.peek_op() == Some("?") {
                        return None;
                    }
                    let key = self.expr(depth + 1)?;
                    self.expect(":")?;
                    let entry_id = self.id();
                    let value = self.expr(depth + 1)?;
                    entries.push(IdedEntryExpr {
                        id: entry_id,
                        expr: EntryExpr::MapEntry(MapEntryExpr {
                            key,
                            value,
                            optional: false,
                        }),
                    });
                    if !self.eat(",") {
                        self.expect("}")?;
                        break;
                    }
                }
                return Some(IdedExpr {
                    id,
                    expr: Expr::Map(MapExpr { entries }),
                });
            }
            Tok::Op(_) => None,
        }?;
        Some(self.node(expr))
    }

    /// `global_call_or_macro`: `has(a.b)` is a test-only selection.
    fn global_call(&mut self, name: String, mut args: Vec<IdedExpr>) -> Option<IdedExpr> {
        if name == operators::HAS && args.len() == 1 {
            let Expr::Select(mut select) = args.pop()?.expr else {
                return None;
            };
            select.test = true;
            return Some(self.node(Expr::Select(select)));
        }
        Some(self.call(&name, None, args))
    }

    /// `receiver_call_or_macro`: the comprehension macros as cel-rust's
    /// `macros.rs` expands them.
    fn receiver_call(
        &mut self,
        name: String,
        target: IdedExpr,
        mut args: Vec<IdedExpr>,
    ) -> Option<IdedExpr> {
        let arity = args.len();
        let kind = match name.as_str() {
            operators::EXISTS | operators::ALL | operators::FILTER if arity == 2 => name.as_str(),
            operators::EXISTS_ONE | "existsOne" if arity == 2 => operators::EXISTS_ONE,
            operators::MAP if arity == 2 || arity == 3 => operators::MAP,
            _ => return Some(self.call(&name, Some(target), args)),
        };
        let Expr::Ident(var) = &args[0].expr else {
            return None;
        };
        let var = var.clone();
        let accu = "@result";
        let ident = |p: &mut Self| p.node(Expr::Ident(accu.to_string()));
        let bool_lit =
            |p: &mut Self, b: bool| p.node(Expr::Literal(LiteralValue::Boolean(b.into())));
        let int_lit = |p: &mut Self, n: i64| p.node(Expr::Literal(LiteralValue::Int(n.into())));
        let empty_list = |p: &mut Self| p.node(Expr::List(ListExpr::new(Vec::new())));
        let (init, condition, step, result) = match kind {
            operators::EXISTS | operators::ALL => {
                let predicate = args.pop()?;
                let exists = kind == operators::EXISTS;
                let init = bool_lit(self, !exists);
                let accu_ident = ident(self);
                let condition = if exists {
                    let not = self.call(operators::LOGICAL_NOT, None, vec![accu_ident]);
                    self.call(operators::NOT_STRICTLY_FALSE, None, vec![not])
                } else {
                    self.call(operators::NOT_STRICTLY_FALSE, None, vec![accu_ident])
                };
                let accu_ident = ident(self);
                let function = match exists {
                    true => operators::LOGICAL_OR,
                    false => operators::LOGICAL_AND,
                };
                let step = self.call(function, None, vec![accu_ident, predicate]);
                let result = ident(self);
                (init, condition, step, result)
            }
            operators::EXISTS_ONE => {
                let predicate = args.pop()?;
                let init = int_lit(self, 0);
                let condition = bool_lit(self, true);
                let accu_ident = ident(self);
                let one = int_lit(self, 1);
                let add = self.call(operators::ADD, None, vec![accu_ident, one]);
                let accu_ident = ident(self);
                let step = self.call(
                    operators::CONDITIONAL,
                    None,
                    vec![predicate, add, accu_ident],
                );
                let accu_ident = ident(self);
                let one = int_lit(self, 1);
                let result = self.call(operators::EQUALS, None, vec![accu_ident, one]);
                (init, condition, step, result)
            }
            operators::MAP => {
                let func = args.pop()?;
                let filter = (args.len() == 2).then(|| args.pop()).flatten();
                let init = empty_list(self);
                let condition = bool_lit(self, true);
                let accu_ident = ident(self);
                let list = self.node(Expr::List(ListExpr::new(vec![func])));
                let mut step = self.call(operators::ADD, None, vec![accu_ident, list]);
                if let Some(filter) = filter {
                    let accu_ident = ident(self);
                    step = self.call(operators::CONDITIONAL, None, vec![filter, step, accu_ident]);
                }
                let result = ident(self);
                (init, condition, step, result)
            }
            _ => {
                // filter
                let filter = args.pop()?;
                let var_expr = args.pop()?;
                let init = empty_list(self);
                let condition = bool_lit(self, true);
                let accu_ident = ident(self);
                let list = self.node(Expr::List(ListExpr::new(vec![var_expr])));
                let add = self.call(operators::ADD, None, vec![accu_ident, list]);
                let accu_ident = ident(self);
                let step = self.call(operators::CONDITIONAL, None, vec![filter, add, accu_ident]);
                let result = ident(self);
                (init, condition, step, result)
            }
        };
        Some(self.node(Expr::Comprehension(Box::new(ComprehensionExpr {
            iter_range: target,
            iter_var: var,
            iter_var2: None,
            accu_var: accu.to_string(),
            accu_init: init,
            loop_cond: condition,
            loop_step: step,
            result,
        }))))
    }
}

#[cfg(test)]
mod tests {
    use super::parse;
    use kube_cel::cel::Program;

    /// The tree's debug form without its ids (which only name nodes for
    /// error positions; cel-rust numbers them by parse-tree tokens).
    fn shape(expr: &impl std::fmt::Debug) -> String {
        let text = format!("{expr:?}");
        let mut out = String::with_capacity(text.len());
        let mut rest = text.as_str();
        while let Some(at) = rest.find("id: ") {
            out.push_str(&rest[..at + 4]);
            rest = rest[at + 4..].trim_start_matches(|c: char| c.is_ascii_digit());
        }
        out.push_str(rest);
        out
    }

    /// `Some(true)`: parsed, and to cel-rust's tree; `None`: declined.
    fn agrees(source: &str) -> Option<bool> {
        let ours = parse(source)?;
        let theirs = Program::compile(source)
            .ok()
            .map(|p| p.expression().clone());
        Some(theirs.is_some_and(|t| shape(&t) == shape(&ours)))
    }

    #[test]
    fn each_construct_is_read_as_cel_rust_reads_it() {
        for source in [
            "self.a == 1 && self.b != 'x' && c < 2 && d <= 3 && e > 4 && f >= 5",
            "a || b || c || d || e",
            "a ? b : c ? d : e",
            "a ? b || c : d && e",
            "1 + 2 * 3 - 4 / 5 % 6 == -7",
            "!has(self.x) || self.x.y[0].z['k'] in ['a', 'b',]",
            "{'a': 1, 'b': [2u, null, true, false],}.size() > 0",
            "self.all(x, x.exists(y, y == 1)) && self.exists_one(x, x) && self.existsOne(x, x)",
            "self.map(x, x + 1) == self.map(x, x > 0, x * 2) && self.filter(x, x != 0) == []",
            r#"'a\'b\\c\n' + "d\"e" + r'\d+' + R"\." + 'é' // a comment"#,
            "size(self) <= 16 && self.matches('^[a-z]+$') && isIP(self) && int('1') == 1",
            "(a)",
            "f() + g(1, 2)",
            r#""a\'b" + 'c\"d' + r"""^[a-z']\.$""" + r'''x"y\d'''"#,
        ] {
            assert_eq!(agrees(source), Some(true), "{source}");
        }
        for declined in [
            "!!a",
            "-a",
            "--1",
            "a.?b",
            "a[?0]",
            "[?a]",
            ".a",
            "a{}",
            "1.5",
            "0x10",
            "b'x'",
            "'''x'''",
            r#"r'a\'b'"#,
            r#"r"""a"b""""#,
            "'\\x41'",
            "a.`b-c`",
            "a.in",
            "has(a)",
            "self.all(x.y, true)",
            "a +",
            "(a",
            "a b",
        ] {
            assert_eq!(parse(declined), None, "{declined}");
        }
    }

    /// Every rule and message expression of the embedded schemas is read
    /// to cel-rust's tree, ids aside; none is left to cel-rust.
    #[test]
    fn every_embedded_rule_is_read_as_cel_rust_reads_it() {
        fn texts(tree: &serde_json::Value, out: &mut Vec<String>) {
            match tree {
                serde_json::Value::Object(fields) => {
                    for (key, value) in fields {
                        match (key.as_str(), value) {
                            ("rule" | "messageExpression", serde_json::Value::String(text)) => {
                                out.push(text.clone())
                            }
                            _ => texts(value, out),
                        }
                    }
                }
                serde_json::Value::Array(items) => items.iter().for_each(|i| texts(i, out)),
                _ => {}
            }
        }
        let mut all = Vec::new();
        for file in super::super::TREES.files() {
            let name = file.path().to_string_lossy();
            texts(&super::super::tree(&name).expect("a rules tree"), &mut all);
        }
        all.sort();
        all.dedup();
        let (mut read, mut differ) = (0, Vec::new());
        for text in &all {
            let source = super::super::unescape_selectors(text);
            match agrees(&source) {
                Some(true) => read += 1,
                Some(false) => differ.push(format!("differs: {source}")),
                None => differ.push(format!("declined: {source}")),
            }
        }
        assert!(
            differ.is_empty(),
            "{read} read; not these:\n{}",
            differ.join("\n")
        );
        assert!(read >= 90, "{read} rules");
    }
}
