//! The numeric registries of DNS: record types, classes, opcodes and response codes
//! (RFC 1035 §3.2.2-§3.2.4, §4.1.1; RFC 3596 AAAA; RFC 6891 OPT; RFC 6895 registries).
//! Values without a variant decode to `Unknown(n)`, never to an error.

use std::fmt;

/// Defines a `u16`-coded enum with `From<u16>`, `code()`, a mnemonic and `Display`.
macro_rules! registry {
    ($(#[$doc:meta])* $name:ident : $repr:ty { $($(#[$vdoc:meta])* $var:ident = $val:expr, $text:expr;)* }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vdoc])* $var,)*
            /// A value without a variant of its own.
            Unknown($repr),
        }

        impl $name {
            /// The numeric value on the wire.
            pub fn code(self) -> $repr {
                match self {
                    $($name::$var => $val,)*
                    $name::Unknown(n) => n,
                }
            }

            /// The mnemonic (`A`, `IN`, `NXDomain`…), `None` for `Unknown`.
            pub fn mnemonic(self) -> Option<&'static str> {
                match self {
                    $($name::$var => Some($text),)*
                    $name::Unknown(_) => None,
                }
            }
        }

        impl From<$repr> for $name {
            fn from(n: $repr) -> Self {
                match n {
                    $(v if v == $val => $name::$var,)*
                    n => $name::Unknown(n),
                }
            }
        }
    };
}

registry! {
    /// A resource record TYPE or QTYPE (RFC 1035 §3.2.2, §3.2.3).
    RrType: u16 {
        /// IPv4 host address.
        A = 1, "A";
        /// Authoritative name server.
        Ns = 2, "NS";
        /// Canonical name of an alias.
        Cname = 5, "CNAME";
        /// Start of a zone of authority.
        Soa = 6, "SOA";
        /// Domain name pointer (reverse look-ups).
        Ptr = 12, "PTR";
        /// Mail exchange.
        Mx = 15, "MX";
        /// Text strings.
        Txt = 16, "TXT";
        /// IPv6 host address (RFC 3596).
        Aaaa = 28, "AAAA";
        /// EDNS0 pseudo-record (RFC 6891).
        Opt = 41, "OPT";
        /// QTYPE `*`: all records (RFC 1035 §3.2.3).
        Any = 255, "ANY";
    }
}

/// Mnemonics of types the codec keeps as raw bytes, so lists and tables can name them
/// as tshark does (IANA DNS parameters registry).
const OTHER_TYPE_NAMES: &[(u16, &str)] = &[
    (3, "MD"),
    (4, "MF"),
    (7, "MB"),
    (8, "MG"),
    (9, "MR"),
    (10, "NULL"),
    (11, "WKS"),
    (13, "HINFO"),
    (14, "MINFO"),
    (17, "RP"),
    (18, "AFSDB"),
    (24, "SIG"),
    (25, "KEY"),
    (29, "LOC"),
    (33, "SRV"),
    (35, "NAPTR"),
    (37, "CERT"),
    (39, "DNAME"),
    (43, "DS"),
    (44, "SSHFP"),
    (46, "RRSIG"),
    (47, "NSEC"),
    (48, "DNSKEY"),
    (50, "NSEC3"),
    (51, "NSEC3PARAM"),
    (52, "TLSA"),
    (64, "SVCB"),
    (65, "HTTPS"),
    (99, "SPF"),
    (249, "TKEY"),
    (250, "TSIG"),
    (251, "IXFR"),
    (252, "AXFR"),
    (256, "URI"),
    (257, "CAA"),
];

impl RrType {
    /// The type's name as tshark shows it (`A`, `SRV`), or `Unknown (n)` when
    /// unregistered.
    pub fn name(self) -> String {
        if let Some(m) = self.mnemonic() {
            return m.to_string();
        }
        match OTHER_TYPE_NAMES.iter().find(|(c, _)| *c == self.code()) {
            Some((_, m)) => (*m).to_string(),
            None => format!("Unknown ({})", self.code()),
        }
    }
}

impl fmt::Display for RrType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

registry! {
    /// A CLASS or QCLASS (RFC 1035 §3.2.4, §3.2.5).
    Class: u16 {
        /// The Internet.
        In = 1, "IN";
        /// Chaos.
        Ch = 3, "CH";
        /// Hesiod.
        Hs = 4, "HS";
        /// QCLASS `*`: any class.
        Any = 255, "ANY";
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.mnemonic() {
            Some(m) => f.write_str(m),
            None => write!(f, "Unknown ({})", self.code()),
        }
    }
}

registry! {
    /// The header's 4-bit OPCODE (RFC 1035 §4.1.1, RFC 1996, RFC 2136).
    Opcode: u8 {
        /// A standard query.
        Query = 0, "Query";
        /// An inverse query (obsolete, RFC 3425).
        IQuery = 1, "IQuery";
        /// A server status request.
        Status = 2, "Status";
        /// A zone change notification (RFC 1996).
        Notify = 4, "Notify";
        /// A dynamic update (RFC 2136).
        Update = 5, "Update";
    }
}

impl fmt::Display for Opcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.mnemonic() {
            Some(m) => f.write_str(m),
            None => write!(f, "Unknown ({})", self.code()),
        }
    }
}

registry! {
    /// A response code: the header's 4 bits, or 12 bits with the EDNS0 extension
    /// (RFC 1035 §4.1.1, RFC 6891 §6.1.3).
    Rcode: u16 {
        /// No error condition.
        NoError = 0, "No error";
        /// The server could not interpret the query.
        FormErr = 1, "Format error";
        /// The server failed to process the query.
        ServFail = 2, "Server failure";
        /// The name does not exist (authoritative answers only).
        NxDomain = 3, "No such name";
        /// The server does not implement this kind of query.
        NotImp = 4, "Not implemented";
        /// The server refuses for policy reasons.
        Refused = 5, "Refused";
        /// A name exists when it should not (RFC 2136).
        YxDomain = 6, "Name exists";
        /// An RRset exists when it should not (RFC 2136).
        YxRrSet = 7, "RRset exists";
        /// An RRset that should exist does not (RFC 2136).
        NxRrSet = 8, "RRset does not exist";
        /// The server is not authoritative for the zone (RFC 2136).
        NotAuth = 9, "Not authoritative";
        /// A name is not in the zone (RFC 2136).
        NotZone = 10, "Name out of zone";
        /// The EDNS version is not supported (RFC 6891, extended RCODE 16).
        BadVers = 16, "Bad OPT version";
    }
}

impl fmt::Display for Rcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.mnemonic() {
            Some(m) => f.write_str(m),
            None => write!(f, "Unknown ({})", self.code()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_codes_round_trip() {
        for n in 0..=300u16 {
            assert_eq!(RrType::from(n).code(), n);
            assert_eq!(Class::from(n).code(), n);
            assert_eq!(Rcode::from(n).code(), n);
        }
        for n in 0..=15u8 {
            assert_eq!(Opcode::from(n).code(), n);
        }
        assert_eq!(RrType::from(1), RrType::A);
        assert_eq!(RrType::from(41), RrType::Opt);
        assert_eq!(RrType::from(33), RrType::Unknown(33));
        assert_eq!(Class::from(1), Class::In);
        assert_eq!(Opcode::from(3), Opcode::Unknown(3));
        assert_eq!(Rcode::from(3), Rcode::NxDomain);
    }

    #[test]
    fn names_as_tshark_shows_them() {
        assert_eq!(RrType::A.to_string(), "A");
        assert_eq!(RrType::Aaaa.to_string(), "AAAA");
        assert_eq!(RrType::from(33).to_string(), "SRV");
        assert_eq!(RrType::from(65).to_string(), "HTTPS");
        assert_eq!(RrType::from(4711).to_string(), "Unknown (4711)");
        assert_eq!(Class::In.to_string(), "IN");
        assert_eq!(Class::from(9).to_string(), "Unknown (9)");
        assert_eq!(Rcode::NxDomain.to_string(), "No such name");
        assert_eq!(Opcode::Query.to_string(), "Query");
    }
}
