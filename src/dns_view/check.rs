//! Checking a response against its query, as a TA does when marking the DNS lab
//! (RFC 1035 §4.1.1: ID echoed, QR set, Opcode and RD copied; §4.1.2: question
//! echoed; the lab server is authoritative, so AA set; counts matching sections).

use std::fmt;

use crate::proto::dns::{DecodeError, Message, Question};

/// The outcome of one check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    /// Whether the response passes.
    pub ok: bool,
    /// What was checked and found.
    pub text: String,
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", if self.ok { "✓" } else { "✗" }, self.text)
    }
}

fn check(ok: bool, good: impl Into<String>, bad: impl Into<String>) -> Check {
    Check { ok, text: if ok { good.into() } else { bad.into() } }
}

/// Every check of `response` against `query`, one per property, in header order.
/// A message that did not decode fully is checked as far as it was read, and the
/// fault is a failed check of its own.
pub fn check_pair(
    query: &Message,
    query_error: Option<&DecodeError>,
    response: &Message,
    response_error: Option<&DecodeError>,
) -> Vec<Check> {
    let (q, r) = (&query.header, &response.header);
    let mut out = Vec::new();
    if let Some(e) = query_error {
        out.push(Check { ok: false, text: format!("the query is malformed: {e}") });
    }
    if let Some(e) = response_error {
        out.push(Check { ok: false, text: format!("the response is malformed: {e}") });
    }
    out.push(check(
        r.id == q.id,
        format!("ID 0x{:04x} echoed", r.id),
        format!("ID 0x{:04x}, but the query's ID is 0x{:04x}: a client drops this reply", r.id, q.id),
    ));
    out.push(check(r.flags.qr, "QR = 1: a response", "QR = 0: this message is a query, not a response"));
    out.push(check(
        r.flags.aa,
        "AA = 1: authoritative answer",
        "AA = 0: the lab's server is authoritative for its zone and must set AA",
    ));
    out.push(check(
        r.flags.opcode == q.flags.opcode,
        format!("Opcode {} echoed", r.flags.opcode.code()),
        format!("Opcode {}, but the query's is {}", r.flags.opcode.code(), q.flags.opcode.code()),
    ));
    out.push(check(
        r.flags.rd == q.flags.rd,
        format!("RD = {} copied from the query", u8::from(r.flags.rd)),
        format!("RD = {}, but the query has RD = {}: RD must be copied", u8::from(r.flags.rd), u8::from(q.flags.rd)),
    ));
    out.push(question_check(&query.questions, &response.questions));
    out.push(counts_check(response));
    out
}

fn question_text(q: &Question) -> String {
    format!("{} {} {}", q.name.name, q.qtype, q.qclass)
}

fn same_question(a: &Question, b: &Question) -> bool {
    a.name.name.eq_ignore_case(&b.name.name) && a.qtype == b.qtype && a.qclass == b.qclass
}

fn question_check(query: &[Question], response: &[Question]) -> Check {
    let shown = |qs: &[Question]| {
        if qs.is_empty() {
            "no question".to_string()
        } else {
            qs.iter().map(question_text).collect::<Vec<_>>().join("; ")
        }
    };
    let same = query.len() == response.len() && query.iter().zip(response).all(|(a, b)| same_question(a, b));
    check(
        same,
        format!("question echoed ({})", shown(response)),
        format!("question not echoed: the response has {}, the query {}", shown(response), shown(query)),
    )
}

fn counts_check(m: &Message) -> Check {
    let h = &m.header;
    let pairs = [
        ("QDCOUNT", h.qdcount, m.questions.len(), "questions"),
        ("ANCOUNT", h.ancount, m.answers.len(), "answers"),
        ("NSCOUNT", h.nscount, m.authorities.len(), "authority records"),
        ("ARCOUNT", h.arcount, m.additionals.len(), "additional records"),
    ];
    let wrong: Vec<String> = pairs
        .iter()
        .filter(|(_, c, n, _)| usize::from(*c) != *n)
        .map(|(k, c, n, what)| format!("{k} {c} but {n} {what} read"))
        .collect();
    check(
        wrong.is_empty(),
        format!(
            "counts match the sections (QDCOUNT {}, ANCOUNT {}, NSCOUNT {}, ARCOUNT {})",
            h.qdcount, h.ancount, h.nscount, h.arcount
        ),
        format!("counts do not match the sections: {}", wrong.join(", ")),
    )
}
