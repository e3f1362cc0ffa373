//! A memo of the UDP DNS server's answers, one per serving thread.
//!
//! [`answer`] depends only on the query's bytes and the zone, which does not
//! change while the server runs, and the query's ID (its first two bytes)
//! appears in the response only as the response's own first two bytes. So the
//! response to a query is the remembered response to an earlier query with the
//! same bytes after the ID, with the new ID written over the old: no decoding,
//! lookup or encoding. A load generator, like a resolver, asks the same few
//! questions again and again.
//!
//! Bounded: only queries and responses of at most [`MAX_CACHED_LEN`] bytes are
//! kept, at most [`MAX_ENTRIES`] of them; when full, the memo starts afresh, so
//! a client asking ever new questions costs a thread at most about 1 MiB.

use crate::proto::dns::{answer, Zone};
use std::collections::HashMap;

/// Bytes of the ID at the start of every DNS message.
const ID_LEN: usize = 2;
/// Longest query or response kept (a classic UDP DNS message).
pub const MAX_CACHED_LEN: usize = 512;
/// Most responses kept at once.
pub const MAX_ENTRIES: usize = 1024;

/// Responses by the bytes of their query after its ID.
#[derive(Default)]
pub struct AnswerCache {
    responses: HashMap<Box<[u8]>, Box<[u8]>>,
}

impl AnswerCache {
    /// Puts the response to `query` into `out` (replacing what it held), as
    /// [`answer`] would; false if the query gets no response.
    pub fn answer_into(&mut self, query: &[u8], zone: &Zone, out: &mut Vec<u8>) -> bool {
        out.clear();
        let Some(key) = query.get(ID_LEN..) else { return false };
        if let Some(known) = self.responses.get(key) {
            out.extend_from_slice(&query[..ID_LEN]);
            out.extend_from_slice(&known[ID_LEN..]);
            return true;
        }
        let Some(response) = answer(query, zone) else { return false };
        let same_id = response.get(..ID_LEN) == Some(&query[..ID_LEN]);
        if same_id && query.len() <= MAX_CACHED_LEN && response.len() <= MAX_CACHED_LEN {
            if self.responses.len() >= MAX_ENTRIES {
                self.responses.clear();
            }
            self.responses.insert(key.into(), response.as_slice().into());
        }
        out.extend_from_slice(&response);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::dns_zone;

    /// A query for `name` A with the given ID, recursion desired.
    fn query(id: u16, name: &str) -> Vec<u8> {
        let mut q = id.to_be_bytes().to_vec();
        q.extend_from_slice(&[0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
        for label in name.split('.') {
            q.push(label.len() as u8);
            q.extend_from_slice(label.as_bytes());
        }
        q.extend_from_slice(&[0, 0, 1, 0, 1]);
        q
    }

    #[test]
    fn a_remembered_response_carries_the_new_query_id_and_equals_a_fresh_answer() {
        let zone = dns_zone::load(None).unwrap();
        let mut cache = AnswerCache::default();
        let mut out = Vec::new();
        for (id, name) in [(1, "google.com"), (2, "google.com"), (0xbeef, "google.com"), (3, "nowhere.example")] {
            let q = query(id, name);
            assert!(cache.answer_into(&q, &zone, &mut out));
            assert_eq!(Some(out.clone()), answer(&q, &zone), "{name} ID {id}");
        }
        assert_eq!(cache.responses.len(), 2);
    }

    #[test]
    fn no_response_stays_no_response() {
        let zone = dns_zone::load(None).unwrap();
        let mut cache = AnswerCache::default();
        let mut out = vec![1, 2, 3];
        assert!(!cache.answer_into(&[0; 5], &zone, &mut out));
        assert!(out.is_empty());
        let mut response = answer(&query(7, "google.com"), &zone).unwrap();
        assert!(!cache.answer_into(&response, &zone, &mut out), "a response (QR = 1) is not answered");
        response[0] ^= 1;
        assert!(!cache.answer_into(&response, &zone, &mut out));
    }

    #[test]
    fn the_memo_is_bounded() {
        let zone = dns_zone::load(None).unwrap();
        let mut cache = AnswerCache::default();
        let mut out = Vec::new();
        for i in 0..MAX_ENTRIES + 10 {
            assert!(cache.answer_into(&query(1, &format!("n{i}.example")), &zone, &mut out));
            assert!(cache.responses.len() <= MAX_ENTRIES);
        }
        let mut big = query(1, "google.com");
        big.resize(MAX_CACHED_LEN + 1, 0);
        let before = cache.responses.len();
        cache.answer_into(&big, &zone, &mut out);
        assert_eq!(cache.responses.len(), before, "a query over {MAX_CACHED_LEN} bytes is not kept");
    }
}
