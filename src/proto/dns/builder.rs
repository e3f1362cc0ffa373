//! Building responses the way the lab's server does: the header with the ID echoed,
//! QR and AA set, Opcode and RD copied; the question echoed. Answers named like the
//! question compress to `c0 0c`, a pointer to the question's name at offset 12.

use super::header::{Flags, Header};
use super::message::{Message, Question};
use super::types::Rcode;

/// The response skeleton for `query` with the given response code: ID echoed, QR and
/// AA set, Opcode and RD copied, questions echoed (positions forgotten), no records.
pub fn response_to(query: &Message, rcode: Rcode) -> Message {
    let q = &query.header;
    let flags = Flags { qr: true, opcode: q.flags.opcode, aa: true, rd: q.flags.rd, rcode, ..Flags::default() };
    let questions: Vec<Question> =
        query.questions.iter().map(|q| Question::new(q.name.name.clone(), q.qtype, q.qclass)).collect();
    let mut msg = Message { header: Header { id: q.id, flags, ..Header::default() }, questions, ..Message::default() };
    msg.sync_counts();
    msg
}
