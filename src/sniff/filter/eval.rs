//! The syntax tree of a display filter and its evaluation against one packet.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::net::IpAddr;

use regex::bytes::Regex;

use super::literal::{Literal, Range};
use crate::sniff::value::{FieldSource, Value};

#[derive(Clone, Debug)]
pub(super) enum Node<F> {
    /// True when any child is (children evaluated left to right, short-circuit).
    Or(Vec<Node<F>>),
    /// True when every child is.
    And(Vec<Node<F>>),
    Not(Box<Node<F>>),
    /// The field or protocol occurs at least once (in the slice's range, if sliced).
    Exists(Operand<F>),
    Compare {
        lhs: Operand<F>,
        quant: Quant,
        rel: Rel,
        rhs: Rhs<F>,
    },
    /// `field in {…}`: some occurrence equals a member or lies in a member range.
    In {
        lhs: Operand<F>,
        members: Vec<Member>,
    },
}

/// A field, optionally sliced (`eth.src[0:3]`).
#[derive(Clone, Debug)]
pub(super) struct Operand<F> {
    pub(super) field: F,
    /// The ranges of a slice, concatenated; empty = the whole value.
    pub(super) slice: Vec<Range>,
}

#[derive(Clone, Debug)]
pub(super) enum Rhs<F> {
    Literal(Literal),
    Field(Operand<F>),
    /// The pattern of `matches` (case-insensitive, as tshark 4.0's PCRE2 default).
    Regex(Regex),
}

/// A member of a set: one value or an inclusive range `lo..hi`.
#[derive(Clone, Debug)]
pub(super) enum Member {
    One(Literal),
    Range(Literal, Literal),
}

impl Member {
    fn contains(&self, value: &Value<'_>) -> bool {
        match self {
            Member::One(lit) => compare_literal(value, lit) == Some(Ordering::Equal),
            Member::Range(lo, hi) => {
                Rel::Ge.holds(compare_literal(value, lo)) && Rel::Le.holds(compare_literal(value, hi))
            }
        }
    }
}

/// Whether a comparison must hold for any or for all occurrences.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Quant {
    Any,
    All,
}

impl Quant {
    fn apply<T>(self, mut items: impl Iterator<Item = T>, test: impl FnMut(T) -> bool) -> bool {
        match self {
            Quant::Any => items.any(test),
            Quant::All => items.all(test),
        }
    }
}

/// The relation tested between one occurrence and the right-hand side.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Rel {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Contains,
    Matches,
}

impl Rel {
    /// Whether the relation holds for an ordering; None (incomparable kinds) never holds.
    fn holds(self, ord: Option<Ordering>) -> bool {
        let Some(ord) = ord else { return false };
        match self {
            Rel::Eq => ord == Ordering::Equal,
            Rel::Ne => ord != Ordering::Equal,
            Rel::Lt => ord == Ordering::Less,
            Rel::Le => ord != Ordering::Greater,
            Rel::Gt => ord == Ordering::Greater,
            Rel::Ge => ord != Ordering::Less,
            Rel::Contains | Rel::Matches => false,
        }
    }

    fn test_literal(self, value: &Value<'_>, lit: &Literal) -> bool {
        match (self, value) {
            (Rel::Contains, Value::Str(s)) => s.contains(&*lit.text),
            (Rel::Contains, Value::Bytes(b)) => lit.bytes.as_deref().is_some_and(|needle| contains(b, needle)),
            (Rel::Contains | Rel::Matches, _) => false,
            _ => self.holds(compare_literal(value, lit)),
        }
    }

    fn test_values(self, a: &Value<'_>, b: &Value<'_>) -> bool {
        match (self, a, b) {
            (Rel::Contains, Value::Str(a), Value::Str(b)) => a.contains(&**b),
            (Rel::Contains, _, _) => match (as_bytes(a), as_bytes(b)) {
                (Some(a), Some(b)) => contains(a, b),
                _ => false,
            },
            (Rel::Matches, _, _) => false,
            _ => self.holds(compare_values(a, b)),
        }
    }
}

/// Whether `needle` occurs in `hay` (an empty needle always does).
fn contains(hay: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || hay.windows(needle.len()).any(|w| w == needle)
}

/// The bytes of a text or byte value.
fn as_bytes<'v>(v: &'v Value<'_>) -> Option<&'v [u8]> {
    match v {
        Value::Str(s) => Some(s.as_bytes()),
        Value::Bytes(b) => Some(b),
        _ => None,
    }
}

/// Appends the occurrences of `op` to `buf` (sliced, if it is), as the filter sees
/// them: protocols and addresses as bytes ([`FieldSource::filter_values`]).
fn fetch<'s, F: Copy, S: FieldSource<F>>(op: &Operand<F>, packet: &'s S, buf: &mut Vec<Value<'s>>) {
    let start = buf.len();
    packet.filter_values(op.field, buf);
    if op.slice.is_empty() {
        return;
    }
    let mut kept = start;
    for i in start..buf.len() {
        let v = std::mem::replace(&mut buf[i], Value::Present);
        if let Some(s) = slice(v, &op.slice) {
            buf[kept] = s;
            kept += 1;
        }
    }
    buf.truncate(kept);
}

/// The bytes `ranges` select from a value (text, bytes or an address), concatenated;
/// None when the value has no bytes or a range reaches outside them (as tshark).
fn slice<'s>(v: Value<'s>, ranges: &[Range]) -> Option<Value<'s>> {
    let octets: Cow<'s, [u8]> = match v {
        Value::Bytes(b) => b,
        Value::Str(Cow::Borrowed(s)) => Cow::Borrowed(s.as_bytes()),
        Value::Str(Cow::Owned(s)) => Cow::Owned(s.into_bytes()),
        Value::Ip(IpAddr::V4(a)) => Cow::Owned(a.octets().to_vec()),
        Value::Ip(IpAddr::V6(a)) => Cow::Owned(a.octets().to_vec()),
        _ => return None,
    };
    if let ([one], Cow::Borrowed(b)) = (ranges, &octets) {
        return one.apply(b).map(|s| Value::Bytes(Cow::Borrowed(s)));
    }
    let mut out = Vec::new();
    for r in ranges {
        out.extend_from_slice(r.apply(&octets)?);
    }
    Some(Value::Bytes(Cow::Owned(out)))
}

pub(super) fn eval<'s, F: Copy, S: FieldSource<F>>(node: &Node<F>, packet: &'s S, buf: &mut Vec<Value<'s>>) -> bool {
    match node {
        Node::Or(children) => children.iter().any(|child| eval(child, packet, buf)),
        Node::And(children) => children.iter().all(|child| eval(child, packet, buf)),
        Node::Not(child) => !eval(child, packet, buf),
        Node::Exists(op) => {
            buf.clear();
            fetch(op, packet, buf);
            !buf.is_empty()
        }
        Node::In { lhs, members } => {
            buf.clear();
            fetch(lhs, packet, buf);
            buf.iter().any(|v| members.iter().any(|m| m.contains(v)))
        }
        Node::Compare { lhs, quant, rel, rhs } => {
            buf.clear();
            fetch(lhs, packet, buf);
            if buf.is_empty() {
                return false;
            }
            match rhs {
                Rhs::Literal(lit) => quant.apply(buf.iter(), |v| rel.test_literal(v, lit)),
                Rhs::Regex(re) => buf.iter().any(|v| as_bytes(v).is_some_and(|b| re.is_match(b))),
                Rhs::Field(other) => {
                    let split = buf.len();
                    fetch(other, packet, buf);
                    let (left, right) = buf.split_at(split);
                    !right.is_empty()
                        && quant.apply(left.iter(), |a| quant.apply(right.iter(), |b| rel.test_values(a, b)))
                }
            }
        }
    }
}

/// Orders a field value against a literal, None when the literal has no reading of the
/// value's kind (a type mismatch).
fn compare_literal(value: &Value<'_>, lit: &Literal) -> Option<Ordering> {
    match value {
        Value::Str(s) => Some(s.as_bytes().cmp(lit.text.as_bytes())),
        Value::Bytes(b) => lit.compare_bytes(b),
        Value::Ip(addr) => lit.net.as_ref()?.compare(*addr),
        Value::Seconds(ns) => Some(ns.cmp(&lit.nanos?)),
        _ => Some(value.as_i128()?.cmp(&lit.int?)),
    }
}

/// Orders two field values, None when their kinds are not comparable.
fn compare_values(a: &Value<'_>, b: &Value<'_>) -> Option<Ordering> {
    match (a, b) {
        (Value::Str(_) | Value::Bytes(_), Value::Str(_) | Value::Bytes(_)) => Some(as_bytes(a)?.cmp(as_bytes(b)?)),
        (Value::Ip(a @ IpAddr::V4(_)), Value::Ip(b @ IpAddr::V4(_)))
        | (Value::Ip(a @ IpAddr::V6(_)), Value::Ip(b @ IpAddr::V6(_))) => Some(a.cmp(b)),
        (Value::Seconds(a), Value::Seconds(b)) => Some(a.cmp(b)),
        _ => Some(a.as_i128()?.cmp(&b.as_i128()?)),
    }
}
