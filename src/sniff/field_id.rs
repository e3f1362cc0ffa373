//! The tshark fields socklab supports, each resolved once to a [`FieldId`]. Each
//! built-in protocol declares its own fields in its file under
//! [`crate::sniff::dissect`] with [`builtin_fields!`]; [`Proto`] lists those files
//! in order. Fields of the protocols in the dissector registry
//! ([`crate::sniff::dissect::registry`]) are numbered after them.

use crate::sniff::dissect::{data, dns, frame, http, icmp, ip, link, tcp, udp};

/// A supported tshark field: a built-in field (numbered protocol by protocol in
/// the order of [`Proto`]), or after them a field of a registered protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FieldId(u16);

/// The built-in protocol files that declare fields, in the order of their ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Proto {
    /// `frame.*` ([`crate::sniff::dissect::frame`]).
    Frame,
    /// `eth.*` ([`crate::sniff::dissect::link`]).
    Link,
    /// `ip.*` and `ipv6.*` ([`crate::sniff::dissect::ip`]).
    Ip,
    /// `tcp.*` ([`crate::sniff::dissect::tcp`]).
    Tcp,
    /// `udp.*` ([`crate::sniff::dissect::udp`]).
    Udp,
    /// `icmp.*` and `icmpv6.*` ([`crate::sniff::dissect::icmp`]).
    Icmp,
    /// `dns.*` ([`crate::sniff::dissect::dns`]).
    Dns,
    /// `http.*` ([`crate::sniff::dissect::http`]).
    Http,
    /// `data` and `data.data` ([`crate::sniff::dissect::data`]).
    Data,
}

/// Each built-in protocol's field names, in the order of [`Proto`].
const PROTOCOLS: [(Proto, &[&str]); 9] = [
    (Proto::Frame, frame::fields::NAMES),
    (Proto::Link, link::fields::NAMES),
    (Proto::Ip, ip::fields::NAMES),
    (Proto::Tcp, tcp::fields::NAMES),
    (Proto::Udp, udp::fields::NAMES),
    (Proto::Icmp, icmp::fields::NAMES),
    (Proto::Dns, dns::fields::NAMES),
    (Proto::Http, http::fields::NAMES),
    (Proto::Data, data::NAMES),
];

/// How many built-in fields there are.
const BUILTIN_COUNT: usize = {
    let mut n = 0;
    let mut i = 0;
    while i < PROTOCOLS.len() {
        n += PROTOCOLS[i].1.len();
        i += 1;
    }
    n
};

/// Declares a built-in protocol's fields in its file: a `FieldId` constant per
/// field (`FieldId::TcpSrcport`) and `NAMES`, the tshark names in order. The
/// protocol's type and Wireshark's title of each field are tshark's, in the
/// glossary (`src/sniff/glossary.tsv`, written by `scripts/glossary.sh`).
macro_rules! builtin_fields {
    ($proto:ident; $($id:ident => $name:literal,)*) => {
        /// The fields, numbered in order.
        #[allow(dead_code)]
        enum Own { $($id,)* }

        /// The tshark names of the fields, in the order of their ids.
        pub const NAMES: &[&str] = &[$($name,)*];

        #[allow(non_upper_case_globals, missing_docs)]
        impl $crate::sniff::field_id::FieldId {
            $(pub const $id: $crate::sniff::field_id::FieldId =
                $crate::sniff::field_id::FieldId::builtin($crate::sniff::field_id::Proto::$proto, Own::$id as u16);)*
        }
    };
}
pub(crate) use builtin_fields;

impl FieldId {
    /// Field `own` of built-in protocol `proto`.
    pub const fn builtin(proto: Proto, own: u16) -> FieldId {
        let mut base = 0;
        let mut i = 0;
        while !matches_proto(PROTOCOLS[i].0, proto) {
            base += PROTOCOLS[i].1.len();
            i += 1;
        }
        FieldId(base as u16 + own)
    }

    /// The id of a tshark field name, if socklab supports it.
    pub fn from_name(name: &str) -> Option<FieldId> {
        match builtin_names().position(|n| n == name) {
            Some(i) => Some(FieldId(i as u16)),
            None => crate::sniff::dissect::registry::field_index(name).map(|i| FieldId((BUILTIN_COUNT + i) as u16)),
        }
    }

    /// The tshark name.
    pub fn name(self) -> &'static str {
        match self.registered() {
            Some(i) => crate::sniff::dissect::registry::field(i).map_or("", |(_, f)| f.name),
            None => builtin_names().nth(usize::from(self.0)).unwrap_or(""),
        }
    }

    /// The built-in protocol file that declares the field; `None` for a field of
    /// a registered protocol.
    pub fn proto(self) -> Option<Proto> {
        let mut rest = usize::from(self.0);
        for (proto, names) in PROTOCOLS {
            if rest < names.len() {
                return Some(proto);
            }
            rest -= names.len();
        }
        None
    }

    /// The index of a registered protocol's field among all registered
    /// fields ([`crate::sniff::dissect::registry::field`]), `None` for a built-in field.
    pub fn registered(self) -> Option<usize> {
        usize::from(self.0).checked_sub(BUILTIN_COUNT)
    }
}

/// `a == b` in a `const fn` (derived `PartialEq` is not const).
const fn matches_proto(a: Proto, b: Proto) -> bool {
    a as u8 == b as u8
}

/// Every built-in field name, in the order of their ids.
pub fn builtin_names() -> impl Iterator<Item = &'static str> {
    PROTOCOLS.iter().flat_map(|(_, names)| names.iter().copied())
}

/// Every built-in field id, in order.
pub fn builtin() -> impl Iterator<Item = FieldId> {
    (0..BUILTIN_COUNT).map(|i| FieldId(i as u16))
}

/// Every field id: the built-in ones, then the registered protocols' fields.
pub fn all() -> impl Iterator<Item = FieldId> {
    let registered = crate::sniff::dissect::registry::field_count();
    (0..BUILTIN_COUNT + registered).map(|i| FieldId(i as u16))
}

/// Every field name, built-in then registered.
pub fn all_names() -> impl Iterator<Item = &'static str> {
    all().map(FieldId::name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_resolve_both_ways() {
        for (i, name) in builtin_names().enumerate() {
            let id = FieldId::from_name(name).unwrap();
            assert_eq!(usize::from(id.0), i, "{name}");
            assert_eq!(id.name(), name);
        }
        assert_eq!(builtin().count(), BUILTIN_COUNT);
        assert_eq!(FieldId::TcpSrcport.name(), "tcp.srcport");
        assert_eq!(FieldId::DnsQryName.proto(), Some(Proto::Dns));
        assert_eq!(FieldId::HttpTime.name(), "http.time");
        assert_eq!(FieldId::from_name("no.such.field"), None);
    }

    #[test]
    fn each_field_belongs_to_the_file_of_its_protocol() {
        for id in builtin() {
            let name = id.name();
            let prefix = name.split('.').next().unwrap_or(name);
            let proto = match prefix {
                "frame" => Proto::Frame,
                "eth" => Proto::Link,
                "ip" | "ipv6" => Proto::Ip,
                "tcp" => Proto::Tcp,
                "udp" => Proto::Udp,
                "icmp" | "icmpv6" => Proto::Icmp,
                "dns" => Proto::Dns,
                "http" => Proto::Http,
                "data" => Proto::Data,
                other => panic!("{other}: no protocol file"),
            };
            assert_eq!(id.proto(), Some(proto), "{name}");
        }
    }
}
