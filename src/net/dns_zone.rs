//! `socklab dns zone` (and `dns server --list`): the records the DNS server
//! serves, loaded exactly as the server loads them, as a table of name, type,
//! class, TTL and data in any of the table formats.

use crate::error::{Error, Result};
use crate::net::serve::out;
use crate::proto::dns::{Class, Zone};
use crate::table::{Format, Table};
use std::path::{Path, PathBuf};

/// The lab zone, or the records of the zone file at `path` (`--zone`).
pub fn load(path: Option<&Path>) -> Result<Zone> {
    let Some(path) = path else { return Ok(Zone::lab()) };
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::File { path: shown.clone(), reason: format!("cannot read the zone file: {e}") })?;
    let zone = Zone::parse(&text).map_err(|e| Error::File {
        path: shown.clone(),
        reason: format!("{e} (each line is `name TTL type value`, e.g. `google.com 260 A 192.165.1.1`)"),
    })?;
    if zone.records().is_empty() {
        return Err(Error::File { path: shown, reason: "the zone file has no records".into() });
    }
    Ok(zone)
}

/// One row per record, in the zone's order.
pub fn table(zone: &Zone) -> Table {
    let mut t = Table::new(["Name", "Type", "Class", "TTL", "Data"]);
    for r in zone.records() {
        t.row([r.name.to_string(), r.rtype().to_string(), Class::In.to_string(), r.ttl.to_string(), r.data_text()]);
    }
    t
}

/// Settings of `socklab dns zone`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZoneSettings {
    /// The zone file (`None`: the lab's five names).
    pub zone: Option<PathBuf>,
    /// Output format.
    pub format: Format,
}

/// `socklab dns zone`.
pub fn run(a: &ZoneSettings) -> Result<()> {
    let zone = load(a.zone.as_deref())?;
    out(table(&zone).render(a.format).trim_end());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lab_zone_rows_name_type_class_ttl_data() {
        let t = table(&Zone::lab());
        assert_eq!(t.rows.len(), 6);
        assert_eq!(t.rows[0], ["google.com", "A", "IN", "260", "192.165.1.1"]);
        assert_eq!(t.rows[5], ["amazon.ca", "A", "IN", "160", "192.165.1.5"]);
        let csv = t.render(Format::Csv);
        assert!(csv.starts_with("Name,Type,Class,TTL,Data\ngoogle.com,A,IN,260,192.165.1.1\n"), "{csv}");
    }
}
