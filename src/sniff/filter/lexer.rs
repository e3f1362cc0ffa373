//! The display-filter lexer: operators, words (names and unquoted values), quoted
//! and raw strings with their escapes, brackets of slices and braces of sets.

use super::eval::{Quant, Rel};
use super::LexError;

/// A comparison operator as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum CmpOp {
    AnyEq,
    AllNe,
    AllEq,
    AnyNe,
    Lt,
    Le,
    Gt,
    Ge,
    Contains,
    Matches,
}

impl CmpOp {
    pub(super) fn semantics(self) -> (Quant, Rel) {
        match self {
            CmpOp::AnyEq => (Quant::Any, Rel::Eq),
            CmpOp::AllNe => (Quant::All, Rel::Ne),
            CmpOp::AllEq => (Quant::All, Rel::Eq),
            CmpOp::AnyNe => (Quant::Any, Rel::Ne),
            CmpOp::Lt => (Quant::Any, Rel::Lt),
            CmpOp::Le => (Quant::Any, Rel::Le),
            CmpOp::Gt => (Quant::Any, Rel::Gt),
            CmpOp::Ge => (Quant::Any, Rel::Ge),
            CmpOp::Contains => (Quant::Any, Rel::Contains),
            CmpOp::Matches => (Quant::Any, Rel::Matches),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// A field name, protocol name or unquoted value.
    Word,
    /// A quoted string; its unescaped text is in `Token::text`.
    Str,
    LParen,
    RParen,
    /// `[`, opening a slice.
    LBracket,
    RBracket,
    /// `{`, opening a set.
    LBrace,
    RBrace,
    Comma,
    /// `in`, testing membership of a set.
    In,
    And,
    Or,
    Not,
    Cmp(CmpOp),
    End,
}

#[derive(Debug)]
pub(super) struct Token {
    pub(super) kind: Kind,
    pub(super) pos: usize,
    pub(super) len: usize,
    /// The unescaped contents of a string token (empty for the others).
    pub(super) text: String,
}

pub(super) fn lex(expr: &str) -> Result<Vec<Token>, LexError> {
    let bytes = expr.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = expr[i..].chars().next().unwrap_or(' ');
        if c.is_whitespace() {
            i += c.len_utf8();
            continue;
        }
        let next = bytes.get(i + 1).copied();
        let (kind, len) = match c {
            '(' => (Kind::LParen, 1),
            ')' => (Kind::RParen, 1),
            '"' => {
                let (text, len) = lex_string(expr, i, false)?;
                tokens.push(Token { kind: Kind::Str, pos: i, len, text });
                i += len;
                continue;
            }
            'r' if next == Some(b'"') => {
                let (text, len) = lex_string(expr, i + 1, true)?;
                tokens.push(Token { kind: Kind::Str, pos: i, len: len + 1, text });
                i += len + 1;
                continue;
            }
            '=' if expr[i..].starts_with("===") => (Kind::Cmp(CmpOp::AllEq), 3),
            '=' if next == Some(b'=') => (Kind::Cmp(CmpOp::AnyEq), 2),
            '=' => return Err((i, "unexpected \"=\": compare with \"==\"".into())),
            '!' if expr[i..].starts_with("!==") => (Kind::Cmp(CmpOp::AnyNe), 3),
            '!' if next == Some(b'=') => (Kind::Cmp(CmpOp::AllNe), 2),
            '!' => (Kind::Not, 1),
            '<' if next == Some(b'=') => (Kind::Cmp(CmpOp::Le), 2),
            '<' => (Kind::Cmp(CmpOp::Lt), 1),
            '>' if next == Some(b'=') => (Kind::Cmp(CmpOp::Ge), 2),
            '>' => (Kind::Cmp(CmpOp::Gt), 1),
            '&' if next == Some(b'&') => (Kind::And, 2),
            '&' => return Err((i, "unexpected \"&\": use \"&&\" or \"and\" (bitwise & is not supported)".into())),
            '|' if next == Some(b'|') => (Kind::Or, 2),
            '|' => return Err((i, "unexpected \"|\": use \"||\" or \"or\"".into())),
            '~' => (Kind::Cmp(CmpOp::Matches), 1),
            '[' => (Kind::LBracket, 1),
            ']' => (Kind::RBracket, 1),
            '{' => (Kind::LBrace, 1),
            '}' => (Kind::RBrace, 1),
            ',' => (Kind::Comma, 1),
            c if is_word_char(c) => {
                let len = expr[i..].find(|c: char| !is_word_char(c)).unwrap_or(expr.len() - i);
                (keyword(&expr[i..i + len]), len)
            }
            c => return Err((i, format!("unexpected character \"{c}\""))),
        };
        tokens.push(Token { kind, pos: i, len, text: String::new() });
        i += len;
    }
    tokens.push(Token { kind: Kind::End, pos: expr.len(), len: 0, text: String::new() });
    Ok(tokens)
}

pub(super) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '.' | '-' | ':' | '/' | '+')
}

/// The token kind of a word: an operator keyword (lower case only, as in Wireshark) or a plain word.
fn keyword(word: &str) -> Kind {
    match word {
        "and" => Kind::And,
        "or" => Kind::Or,
        "not" => Kind::Not,
        "eq" | "any_eq" => Kind::Cmp(CmpOp::AnyEq),
        "ne" | "all_ne" => Kind::Cmp(CmpOp::AllNe),
        "all_eq" => Kind::Cmp(CmpOp::AllEq),
        "any_ne" => Kind::Cmp(CmpOp::AnyNe),
        "lt" => Kind::Cmp(CmpOp::Lt),
        "le" => Kind::Cmp(CmpOp::Le),
        "gt" => Kind::Cmp(CmpOp::Gt),
        "ge" => Kind::Cmp(CmpOp::Ge),
        "contains" => Kind::Cmp(CmpOp::Contains),
        "matches" => Kind::Cmp(CmpOp::Matches),
        "in" => Kind::In,
        _ => Kind::Word,
    }
}

/// Reads the string whose opening quote is at `start`; returns its text and its length
/// in bytes including both quotes. Raw strings keep backslashes (`\"` still does not end them).
fn lex_string(expr: &str, start: usize, raw: bool) -> Result<(String, usize), LexError> {
    let bytes = expr.as_bytes();
    let mut out = Vec::new();
    let mut i = start + 1;
    loop {
        match bytes.get(i) {
            None => return Err((start, "unterminated string: a closing '\"' is missing".into())),
            Some(b'"') => break,
            Some(b'\\') if i + 1 >= bytes.len() => {
                return Err((start, "unterminated string: a closing '\"' is missing".into()))
            }
            Some(b'\\') if raw => {
                let escaped = bytes.get(i + 1).filter(|&&b| b == b'"' || b == b'\\');
                out.push(b'\\');
                out.extend(escaped);
                i += 1 + usize::from(escaped.is_some());
            }
            Some(b'\\') => i = unescape(expr, i, &mut out)?,
            Some(&b) => {
                out.push(b);
                i += 1;
            }
        }
    }
    let text = String::from_utf8(out).map_err(|_| (start, "the string's escapes do not make valid UTF-8".into()))?;
    Ok((text, i + 1 - start))
}

/// Decodes the escape whose backslash is at `at` into `out`; returns the offset after it.
fn unescape(expr: &str, at: usize, out: &mut Vec<u8>) -> Result<usize, LexError> {
    let rest = &expr[at + 1..];
    let bad = || (at, format!("invalid escape sequence \"\\{}\"", rest.chars().next().unwrap_or(' ')));
    let simple = match rest.as_bytes().first() {
        Some(b'\'') => Some(b'\''),
        Some(b'"') => Some(b'"'),
        Some(b'\\') => Some(b'\\'),
        Some(b'a') => Some(0x07),
        Some(b'b') => Some(0x08),
        Some(b'f') => Some(0x0c),
        Some(b'n') => Some(b'\n'),
        Some(b'r') => Some(b'\r'),
        Some(b't') => Some(b'\t'),
        Some(b'v') => Some(0x0b),
        _ => None,
    };
    if let Some(b) = simple {
        out.push(b);
        return Ok(at + 2);
    }
    let digits = |n: usize, radix: u32| -> Option<u32> {
        let d = rest.get(1..=n).filter(|d| d.chars().all(|c| c.is_digit(radix)))?;
        u32::from_str_radix(d, radix).ok()
    };
    let (code, used) = match rest.as_bytes().first() {
        Some(b'0'..=b'7') => {
            let d = rest.get(..3).filter(|d| d.bytes().all(|b| (b'0'..=b'7').contains(&b))).ok_or_else(bad)?;
            let v = u8::try_from(u32::from_str_radix(d, 8).map_err(|_| bad())?).map_err(|_| bad())?;
            out.push(v);
            return Ok(at + 4);
        }
        Some(b'x') => {
            out.push(u8::try_from(digits(2, 16).ok_or_else(bad)?).map_err(|_| bad())?);
            return Ok(at + 4);
        }
        Some(b'u') => (digits(4, 16).ok_or_else(bad)?, 4),
        Some(b'U') => (digits(8, 16).ok_or_else(bad)?, 8),
        _ => return Err(bad()),
    };
    let ch =
        char::from_u32(code).ok_or_else(|| (at, format!("\"\\{}\" is not a Unicode character", &rest[..=used])))?;
    let mut utf8 = [0; 4];
    out.extend_from_slice(ch.encode_utf8(&mut utf8).as_bytes());
    Ok(at + 2 + used)
}
