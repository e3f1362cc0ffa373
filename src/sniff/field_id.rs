//! The identity of a tshark field socklab supports: [`FieldId`]. Each built-in
//! protocol declares its own fields in its file under `crate::sniff::dissect`
//! with `builtin_fields!`; [`Proto`] names those files. Fields of the protocols
//! in the dissector registry are numbered apart. Names and values are looked up
//! in `crate::sniff::fields`, which knows every protocol file.

/// A supported tshark field: a built-in protocol file and the field's index in
/// it, or the index of a registered protocol's field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FieldId(u16);

/// The built-in protocol files that declare fields.
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

impl Proto {
    /// Every built-in protocol file, in order.
    pub const ALL: [Proto; 9] = [
        Proto::Frame,
        Proto::Link,
        Proto::Ip,
        Proto::Tcp,
        Proto::Udp,
        Proto::Icmp,
        Proto::Dns,
        Proto::Http,
        Proto::Data,
    ];
}

/// Bits of a [`FieldId`] below the protocol's number: the field's index.
const OWN_BITS: u16 = 12;
/// The protocol number of a registered protocol's field.
const REGISTERED: u16 = 0xf;

impl FieldId {
    /// Field `own` of built-in protocol `proto`.
    pub const fn builtin(proto: Proto, own: u16) -> FieldId {
        FieldId((proto as u16) << OWN_BITS | own)
    }

    /// Field number `i` among the registered protocols' fields.
    pub const fn registered_field(i: usize) -> FieldId {
        FieldId(REGISTERED << OWN_BITS | i as u16)
    }

    /// The built-in protocol file that declares the field; `None` for a field of
    /// a registered protocol.
    pub fn proto(self) -> Option<Proto> {
        Proto::ALL.get(usize::from(self.0 >> OWN_BITS)).copied()
    }

    /// The field's index among its protocol's fields.
    pub fn own(self) -> usize {
        usize::from(self.0 & ((1 << OWN_BITS) - 1))
    }

    /// The index of a registered protocol's field among all registered fields,
    /// `None` for a built-in field.
    pub fn registered(self) -> Option<usize> {
        (self.0 >> OWN_BITS == REGISTERED).then(|| self.own())
    }
}

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
