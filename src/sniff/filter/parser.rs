//! The display-filter parser: precedence climbing over the tokens, resolving names
//! as it goes, with the offset of the offending token in every error.
//!
//! or := and (OR and)* ; and := unary (AND unary)* ; unary := NOT unary | primary ;
//! primary := '(' or ')' | operand [CMP value | [NOT] IN set] ;
//! operand := field ['[' range (',' range)* ']'] ; set := '{' member (',' member)* '}'

use regex::bytes::RegexBuilder;

use super::eval::{Member, Node, Operand, Rhs};
use super::lexer::{CmpOp, Kind, Token};
use super::literal::{Literal, Range};
use super::suggest::did_you_mean;
use super::{FieldKind, MAX_DEPTH};
pub(super) struct Parser<'e, F, R> {
    pub(super) expr: &'e str,
    pub(super) tokens: Vec<Token>,
    pub(super) next: usize,
    pub(super) resolve: R,
    /// Every known name, for "did you mean" hints (may be empty).
    pub(super) known: &'e [&'e str],
    /// What each field holds, for tshark's type errors (None: unknown, no check).
    pub(super) kind: &'e dyn Fn(F) -> Option<FieldKind>,
    pub(super) fields: Vec<F>,
    pub(super) depth: usize,
}

type ParseResult<T> = Result<T, (usize, String)>;

impl<'e, F: Copy, R: Fn(&str) -> Option<F>> Parser<'e, F, R> {
    pub(super) fn parse_filter(&mut self) -> ParseResult<Node<F>> {
        if self.peek().kind == Kind::End {
            return Err((0, "the filter is empty: give a field, a protocol or a comparison".into()));
        }
        let root = self.parse_or()?;
        let tok = self.peek();
        match tok.kind {
            Kind::End => Ok(root),
            Kind::RParen => Err((tok.pos, "unmatched \")\"".into())),
            Kind::Cmp(_) => {
                Err((tok.pos, format!("unexpected \"{}\": a comparison needs a field on its left", self.text(tok))))
            }
            _ => Err((tok.pos, format!("unexpected \"{}\": expected \"&&\", \"||\" or the end", self.text(tok)))),
        }
    }

    fn peek(&self) -> &Token {
        // lex() always ends the list with End, and the parser never moves past it.
        &self.tokens[self.next.min(self.tokens.len() - 1)]
    }

    fn advance(&mut self) -> usize {
        let at = self.next.min(self.tokens.len() - 1);
        if self.tokens[at].kind != Kind::End {
            self.next = at + 1;
        }
        at
    }

    fn text(&self, tok: &Token) -> &'e str {
        self.expr.get(tok.pos..tok.pos + tok.len).unwrap_or("")
    }

    fn parse_or(&mut self) -> ParseResult<Node<F>> {
        self.parse_chain(Kind::Or, Self::parse_and, Node::Or)
    }

    fn parse_and(&mut self) -> ParseResult<Node<F>> {
        self.parse_chain(Kind::And, Self::parse_unary, Node::And)
    }

    /// `operand (OP operand)*`: one operand alone, else `join` of them all.
    fn parse_chain(
        &mut self,
        op_kind: Kind,
        operand: fn(&mut Self) -> ParseResult<Node<F>>,
        join: fn(Vec<Node<F>>) -> Node<F>,
    ) -> ParseResult<Node<F>> {
        let mut children = vec![operand(self)?];
        while self.peek().kind == op_kind {
            let op = self.advance();
            children.push(self.parse_operand_after(op, operand)?);
        }
        Ok(if children.len() == 1 { children.remove(0) } else { join(children) })
    }

    /// Parses the operand of the operator token at index `op`, reporting a missing one.
    fn parse_operand_after(&mut self, op: usize, parse: fn(&mut Self) -> ParseResult<Node<F>>) -> ParseResult<Node<F>> {
        if self.peek().kind == Kind::End {
            let op_text = self.text(&self.tokens[op]).to_string();
            return Err((self.expr.len(), format!("missing operand after \"{op_text}\"")));
        }
        parse(self)
    }

    fn parse_unary(&mut self) -> ParseResult<Node<F>> {
        let at = self.advance();
        let (kind, pos) = (self.tokens[at].kind, self.tokens[at].pos);
        match kind {
            Kind::Not => {
                self.enter(pos)?;
                let inner = self.parse_operand_after(at, Self::parse_unary)?;
                self.depth -= 1;
                Ok(Node::Not(Box::new(inner)))
            }
            Kind::LParen => {
                self.enter(pos)?;
                if self.peek().kind == Kind::End {
                    return Err((pos, "unclosed \"(\"".into()));
                }
                let inner = self.parse_or()?;
                let close = self.peek();
                match close.kind {
                    Kind::RParen => {
                        self.advance();
                        self.depth -= 1;
                        Ok(inner)
                    }
                    Kind::End => Err((pos, "unclosed \"(\"".into())),
                    _ => Err((
                        close.pos,
                        format!("unexpected \"{}\": expected \"&&\", \"||\" or \")\"", self.text(close)),
                    )),
                }
            }
            Kind::Word => self.parse_test(at),
            Kind::End => Err((pos, "missing operand at the end of the filter".into())),
            _ => {
                let text = self.text(&self.tokens[at]);
                Err((pos, format!("unexpected \"{text}\": expected a field, a protocol, \"!\" or \"(\"")))
            }
        }
    }

    fn enter(&mut self, pos: usize) -> ParseResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err((pos, format!("the filter nests parentheses and \"!\" more than {MAX_DEPTH} deep")));
        }
        Ok(())
    }

    /// A field or protocol name (token index `at`) with an optional slice, then
    /// optionally an operator and a value, or `in` / `not in` and a set.
    fn parse_test(&mut self, at: usize) -> ParseResult<Node<F>> {
        let lhs = self.operand(at)?;
        let lhs_kind = if lhs.slice.is_empty() { (self.kind)(lhs.field) } else { Some(FieldKind::Bytes) };
        let negated_in =
            self.peek().kind == Kind::Not && self.tokens.get(self.next + 1).is_some_and(|t| t.kind == Kind::In);
        if negated_in {
            self.advance();
        }
        let op = match self.peek().kind {
            Kind::In => {
                self.advance();
                let members = self.parse_set(at, lhs_kind)?;
                let node = Node::In { lhs, members };
                return Ok(if negated_in { Node::Not(Box::new(node)) } else { node });
            }
            Kind::Cmp(op) => op,
            _ => return Ok(Node::Exists(lhs)),
        };
        let op_at = self.advance();
        let value_at = self.advance();
        let (kind, pos) = (self.tokens[value_at].kind, self.tokens[value_at].pos);
        let op_text = self.text(&self.tokens[op_at]).to_string();
        if matches!(op, CmpOp::Contains | CmpOp::Matches) {
            if let Some(k @ (FieldKind::Number | FieldKind::Address | FieldKind::Time)) = lhs_kind {
                let name = self.text(&self.tokens[at]);
                return Err((
                    self.tokens[at].pos,
                    format!("\"{name}\" is {}: \"{op_text}\" applies to text, bytes and protocols", k.article()),
                ));
            }
        }
        let rhs = match kind {
            Kind::Str if op == CmpOp::Matches => Rhs::Regex(regex(&self.tokens[value_at].text, pos)?),
            _ if op == CmpOp::Matches && kind != Kind::End => {
                let found = self.text(&self.tokens[value_at]);
                return Err((
                    pos,
                    format!("\"{op_text}\" needs a regular expression in double quotes, found \"{found}\""),
                ));
            }
            Kind::Word => {
                let word = self.text(&self.tokens[value_at]);
                match (self.resolve)(word) {
                    Some(_) => Rhs::Field(self.operand(value_at)?),
                    None => Rhs::Literal(self.checked(Literal::bare(word, pos)?, false, at, lhs_kind, pos)?),
                }
            }
            Kind::Str => {
                let lit = Literal::quoted(&self.tokens[value_at].text);
                Rhs::Literal(self.checked(lit, true, at, lhs_kind, pos)?)
            }
            Kind::End => return Err((pos, format!("missing value after \"{op_text}\""))),
            _ => {
                let found = self.text(&self.tokens[value_at]);
                return Err((pos, format!("expected a value after \"{op_text}\", found \"{found}\"")));
            }
        };
        let (quant, rel) = op.semantics();
        Ok(Node::Compare { lhs, quant, rel, rhs })
    }

    /// `lit` (at offset `pos`; `quoted` when written in quotes) as the value of a
    /// comparison with the field at token `at` holding `lhs`: the values tshark
    /// rejects for that type are errors (a word that is no byte string for bytes, a
    /// quoted string for a number).
    fn checked(
        &self,
        lit: Literal,
        quoted: bool,
        at: usize,
        lhs: Option<FieldKind>,
        pos: usize,
    ) -> ParseResult<Literal> {
        let name = self.text(&self.tokens[at]);
        match lhs {
            Some(FieldKind::Bytes) if !quoted && lit.bytes.is_none() && lit.int.is_none() => Err((
                pos,
                format!(
                    "\"{}\" is not a valid byte string: quote text (\"{}\") or write bytes in hex (47:45:54)",
                    lit.text, lit.text
                ),
            )),
            Some(k @ (FieldKind::Number | FieldKind::Time)) if quoted => {
                Err((pos, format!("\"{name}\" is {}: compare it with a number, not a quoted string", k.article())))
            }
            _ => Ok(lit),
        }
    }

    /// The field at token index `at` and the slice after it, if any.
    fn operand(&mut self, at: usize) -> ParseResult<Operand<F>> {
        let field = self.field(at)?;
        let mut slice = Vec::new();
        if self.peek().kind != Kind::LBracket {
            return Ok(Operand { field, slice });
        }
        if let Some(k @ (FieldKind::Number | FieldKind::Time)) = (self.kind)(field) {
            let name = self.text(&self.tokens[at]);
            return Err((
                self.tokens[at].pos,
                format!(
                    "\"{name}\" is {} and cannot be sliced: slices apply to bytes, text, addresses and protocols",
                    k.article()
                ),
            ));
        }
        let open = self.advance();
        loop {
            let tok = self.advance();
            let (kind, pos) = (self.tokens[tok].kind, self.tokens[tok].pos);
            if kind != Kind::Word {
                return Err((pos, "expected a range such as 0:3, 2-5, 4, :2 or 6: inside \"[...]\"".into()));
            }
            slice.push(Range::parse(self.text(&self.tokens[tok]), pos)?);
            let sep = self.advance();
            match self.tokens[sep].kind {
                Kind::RBracket => return Ok(Operand { field, slice }),
                Kind::Comma => {}
                Kind::End => return Err((self.tokens[open].pos, "unclosed \"[\"".into())),
                _ => {
                    let t = &self.tokens[sep];
                    return Err((t.pos, format!("unexpected \"{}\": expected \",\" or \"]\"", self.text(t))));
                }
            }
        }
    }

    /// `{ member, member… }` after `in` (the field at token `at` holds `lhs`); a
    /// member is a value or `lo..hi`.
    fn parse_set(&mut self, at: usize, lhs: Option<FieldKind>) -> ParseResult<Vec<Member>> {
        let open = self.advance();
        if self.tokens[open].kind != Kind::LBrace {
            let t = &self.tokens[open];
            return Err((t.pos, format!("expected \"{{\" after \"in\", found \"{}\"", self.text(t))));
        }
        let mut members = Vec::new();
        loop {
            let tok = self.advance();
            let (kind, pos) = (self.tokens[tok].kind, self.tokens[tok].pos);
            let member = match kind {
                Kind::Word => {
                    let word = self.text(&self.tokens[tok]);
                    match word.split_once("..") {
                        Some((lo, hi)) if !lo.is_empty() && !hi.is_empty() => {
                            let hi_pos = pos + lo.len() + 2;
                            let lo = self.checked(Literal::bare(lo, pos)?, false, at, lhs, pos)?;
                            Member::Range(lo, self.checked(Literal::bare(hi, hi_pos)?, false, at, lhs, hi_pos)?)
                        }
                        Some(_) => return Err((pos, format!("\"{word}\" is not a valid range: write LOW..HIGH"))),
                        None => Member::One(self.checked(Literal::bare(word, pos)?, false, at, lhs, pos)?),
                    }
                }
                Kind::Str => {
                    let lit = Literal::quoted(&self.tokens[tok].text);
                    Member::One(self.checked(lit, true, at, lhs, pos)?)
                }
                Kind::End => return Err((self.tokens[open].pos, "unclosed \"{\"".into())),
                _ => {
                    let t = &self.tokens[tok];
                    return Err((t.pos, format!("unexpected \"{}\": expected a value in the set", self.text(t))));
                }
            };
            members.push(member);
            let sep = self.advance();
            match self.tokens[sep].kind {
                Kind::RBrace => return Ok(members),
                Kind::Comma => {}
                Kind::End => return Err((self.tokens[open].pos, "unclosed \"{\"".into())),
                _ => {
                    let t = &self.tokens[sep];
                    let found = self.text(t);
                    return Err((
                        t.pos,
                        format!("unexpected \"{found}\": separate the members of a set with commas, e.g. {{80, 443}}"),
                    ));
                }
            }
        }
    }

    /// Resolves the word at token index `at` as a field or protocol name.
    fn field(&mut self, at: usize) -> ParseResult<F> {
        let (pos, name) = (self.tokens[at].pos, self.text(&self.tokens[at]));
        if let Some(id) = (self.resolve)(name) {
            self.fields.push(id);
            return Ok(id);
        }
        let starts_like_value = name.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '+' || c == ':');
        if starts_like_value || name == "true" || name == "false" {
            return Err((pos, format!("expected a field or protocol name, found the value \"{name}\"")));
        }
        let next = self.peek();
        if next.kind == Kind::LParen && next.pos == pos + name.len() {
            return Err((pos, format!("functions such as \"{name}(...)\" are not supported")));
        }
        let lower = name.to_ascii_lowercase();
        let hint = if lower != name && (self.resolve)(&lower).is_some() {
            format!(" (names are lower case: \"{lower}\")")
        } else {
            String::new()
        };
        let hint = if hint.is_empty() { did_you_mean(name, self.known) } else { hint };
        Err((pos, format!("\"{name}\" is neither a field nor a protocol name{hint}")))
    }
}

/// Most bytes a compiled `matches` pattern may take (a hostile pattern is an error,
/// not a memory hog).
const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// Compiles the pattern of `matches` (the string token at `pos`): case-insensitive
/// unless it says otherwise (`(?-i)`), as tshark 4.0.
fn regex(pattern: &str, pos: usize) -> ParseResult<regex::bytes::Regex> {
    RegexBuilder::new(pattern).case_insensitive(true).size_limit(REGEX_SIZE_LIMIT).build().map_err(|e| {
        let detail = e.to_string();
        let last = detail.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").trim().to_string();
        (pos, format!("invalid regular expression: {}", last.trim_start_matches("error: ")))
    })
}
