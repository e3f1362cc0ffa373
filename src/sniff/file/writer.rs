//! Writes pcapng (draft-ietf-opsawg-pcapng) and pcap files, in either byte
//! order: the reader's counterpart, used to build test files block by block.

use crate::sniff::file::pcapng::{BYTE_ORDER_MAGIC, EPB, IDB, SHB, SPB};
use std::io::{self, Write};

/// Option codes written (§3.5, §4.2).
const OPT_COMMENT: u16 = 1;
const OPT_IF_NAME: u16 = 2;
const OPT_IF_DESCRIPTION: u16 = 3;
const OPT_IF_TSRESOL: u16 = 9;
const OPT_IF_FCSLEN: u16 = 13;
const OPT_IF_TSOFFSET: u16 = 14;

/// What an interface description block says.
#[derive(Clone, Debug, Default)]
pub struct InterfaceSpec {
    /// Link type.
    pub link_type: u16,
    /// Snap length (0: none).
    pub snaplen: u32,
    /// `if_name`.
    pub name: Option<String>,
    /// `if_description`.
    pub description: Option<String>,
    /// `if_tsresol` (None: the default, microseconds).
    pub tsresol: Option<u8>,
    /// `if_tsoffset`.
    pub tsoffset: Option<i64>,
    /// `if_fcslen`.
    pub fcslen: Option<u8>,
}

/// Writes blocks of a pcapng file.
pub struct PcapngWriter<W: Write> {
    out: W,
    big: bool,
}

impl<W: Write> PcapngWriter<W> {
    /// Starts a file (a first section) in big- or little-endian byte order.
    pub fn new(out: W, big: bool) -> io::Result<PcapngWriter<W>> {
        let mut w = PcapngWriter { out, big };
        w.section()?;
        Ok(w)
    }

    fn u16(&self, v: u16) -> [u8; 2] {
        if self.big {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    }

    fn u32(&self, v: u32) -> [u8; 4] {
        if self.big {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    }

    /// Appends an option (code, length, value padded to 4) to `b`.
    fn option(&self, b: &mut Vec<u8>, code: u16, value: &[u8]) {
        b.extend(self.u16(code));
        b.extend(self.u16(value.len() as u16));
        b.extend(value);
        b.resize((b.len() + 3) & !3, 0);
    }

    /// Ends an option list that has options.
    fn end_options(&self, b: &mut Vec<u8>, any: bool) {
        if any {
            b.extend([0; 4]);
        }
    }

    /// Writes a block of type `ty` with `body` (padded to 4 here).
    pub fn block(&mut self, ty: u32, body: &[u8]) -> io::Result<()> {
        let padded = (body.len() + 3) & !3;
        let len = (padded + 12) as u32;
        let mut b = Vec::with_capacity(len as usize);
        b.extend(self.u32(ty));
        b.extend(self.u32(len));
        b.extend(body);
        b.resize(8 + padded, 0);
        b.extend(self.u32(len));
        self.out.write_all(&b)
    }

    /// Starts a new section (§4.1): version 1.0, unknown section length.
    pub fn section(&mut self) -> io::Result<()> {
        let mut body = Vec::new();
        body.extend(self.u32(BYTE_ORDER_MAGIC));
        body.extend(self.u16(1));
        body.extend(self.u16(0));
        body.extend(u64::MAX.to_le_bytes());
        self.block(SHB, &body)
    }

    /// Describes the next interface of the section (§4.2).
    pub fn interface(&mut self, i: &InterfaceSpec) -> io::Result<()> {
        let mut body = Vec::new();
        body.extend(self.u16(i.link_type));
        body.extend([0, 0]);
        body.extend(self.u32(i.snaplen));
        let mut any = false;
        if let Some(n) = &i.name {
            self.option(&mut body, OPT_IF_NAME, n.as_bytes());
            any = true;
        }
        if let Some(d) = &i.description {
            self.option(&mut body, OPT_IF_DESCRIPTION, d.as_bytes());
            any = true;
        }
        if let Some(r) = i.tsresol {
            self.option(&mut body, OPT_IF_TSRESOL, &[r]);
            any = true;
        }
        if let Some(f) = i.fcslen {
            self.option(&mut body, OPT_IF_FCSLEN, &[f]);
            any = true;
        }
        if let Some(o) = i.tsoffset {
            let v = if self.big { o.to_be_bytes() } else { o.to_le_bytes() };
            self.option(&mut body, OPT_IF_TSOFFSET, &v);
            any = true;
        }
        self.end_options(&mut body, any);
        self.block(IDB, &body)
    }

    /// Writes an enhanced packet block (§4.3): `ts` in the interface's units.
    pub fn packet(&mut self, interface: u32, ts: u64, len: u32, data: &[u8], comments: &[&str]) -> io::Result<()> {
        let mut body = Vec::new();
        body.extend(self.u32(interface));
        body.extend(self.u32((ts >> 32) as u32));
        body.extend(self.u32(ts as u32));
        body.extend(self.u32(data.len() as u32));
        body.extend(self.u32(len));
        body.extend(data);
        body.resize((body.len() + 3) & !3, 0);
        for c in comments {
            self.option(&mut body, OPT_COMMENT, c.as_bytes());
        }
        self.end_options(&mut body, !comments.is_empty());
        self.block(EPB, &body)
    }

    /// Writes a simple packet block (§4.4).
    pub fn simple(&mut self, len: u32, data: &[u8]) -> io::Result<()> {
        let mut body = Vec::new();
        body.extend(self.u32(len));
        body.extend(data);
        self.block(SPB, &body)
    }

    /// The output.
    pub fn into_inner(self) -> W {
        self.out
    }
}

/// A whole pcap file (draft-ietf-opsawg-pcap §4-5): records of (seconds,
/// fraction, length on the wire, captured bytes).
pub fn pcap_file(big: bool, nanos: bool, link_type: u16, records: &[(u32, u32, u32, &[u8])]) -> Vec<u8> {
    let u32b = |v: u32| if big { v.to_be_bytes() } else { v.to_le_bytes() };
    let u16b = |v: u16| if big { v.to_be_bytes() } else { v.to_le_bytes() };
    let mut b = Vec::new();
    b.extend(u32b(if nanos { 0xa1b2_3c4d } else { 0xa1b2_c3d4 }));
    b.extend(u16b(2));
    b.extend(u16b(4));
    b.extend(u32b(0));
    b.extend(u32b(0));
    b.extend(u32b(262_144));
    b.extend(u32b(u32::from(link_type)));
    for (secs, frac, len, data) in records {
        b.extend(u32b(*secs));
        b.extend(u32b(*frac));
        b.extend(u32b(data.len() as u32));
        b.extend(u32b(*len));
        b.extend(*data);
    }
    b
}
