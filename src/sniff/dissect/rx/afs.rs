//! AFS, the Andrew File System's services on top of RX (OpenAFS's `.xg`
//! interface definitions; Wireshark's packet-afs): which service a data packet
//! belongs to (its server's UDP port), whether it is a request or a reply (the
//! RX client-initiated flag), and the operation number that starts a request.
//! A reply does not carry its operation: it is the one of the request with the
//! same call ([`super::Calls`] remembers it).

use std::fmt::Write as _;

/// An AFS service, known by its server's UDP port.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Service {
    /// The short name in the Info column (`FS`).
    pub short: &'static str,
    /// The long name in the details (`File Server`).
    pub long: &'static str,
    /// The hidden boolean field that marks the service (`afs.fs`).
    pub marker: &'static str,
    /// The operation field (`afs.fs.opcode`).
    pub opcode_field: &'static str,
    /// The operation names, when Wireshark has them for the service.
    pub ops: Option<&'static [(u32, &'static str)]>,
}

/// The Ubik database replication calls that any database server answers.
pub const UBIK: Service =
    Service { short: "UBIK", long: "Ubik", marker: "afs.ubik", opcode_field: "afs.ubik.opcode", ops: Some(UBIK_OPS) };

/// The service whose server listens on `port`.
pub fn service(port: u16) -> Option<Service> {
    let s = |short, long, marker, opcode_field, ops| Service { short, long, marker, opcode_field, ops };
    Some(match port {
        7000 => s("FS", "File Server", "afs.fs", "afs.fs.opcode", Some(FS_OPS)),
        7001 => s("CB", "Callback Server", "afs.cb", "afs.cb.opcode", Some(CB_OPS)),
        7002 => s("PROT", "Protection Server", "afs.prot", "afs.prot.opcode", Some(PROT_OPS)),
        7003 => s("VLDB", "Volume Location Database Server", "afs.vldb", "afs.vldb.opcode", Some(VLDB_OPS)),
        7004 => s("KAUTH", "Kerberos Authentication Server", "afs.kauth", "afs.kauth.opcode", Some(KAUTH_OPS)),
        7005 => s("VOL", "Volume Server", "afs.vol", "afs.vol.opcode", Some(VOL_OPS)),
        7006 => s("ERR", "Error Server", "afs.error", "afs.error.opcode", None),
        7007 => s("BOS", "BOS Server", "afs.bos", "afs.bos.opcode", Some(BOS_OPS)),
        7008 => s("UPD", "Update? Server", "afs.update", "afs.update.opcode", Some(UPDATE_OPS)),
        7009 => s("RMT", "Rmtsys? Server", "afs.rmtsys", "afs.rmtsys.opcode", Some(RMTSYS_OPS)),
        7021 => s("BKUP", "Backup Server", "afs.backup", "afs.backup.opcode", Some(BACKUP_OPS)),
        _ => return None,
    })
}

/// Operation numbers below this bound (or in the Ubik ranges) are plain
/// calls; anything else is taken for an encrypted payload, as Wireshark does.
const OPCODE_HIGH: u32 = 66000;
/// The Ubik vote and disk call ranges.
const VOTE: std::ops::RangeInclusive<u32> = 10000..=10007;
const DISK: std::ops::RangeInclusive<u32> = 20000..=20013;

/// Whether `op` is a Ubik call (any database server takes them).
pub fn is_ubik(op: u32) -> bool {
    VOTE.contains(&op) || DISK.contains(&op)
}

/// Whether `op` looks like an operation number rather than encrypted bytes.
pub fn valid(op: u32) -> bool {
    op <= OPCODE_HIGH || is_ubik(op)
}

/// The name of operation `op` in `ops`.
pub fn op_name(ops: &[(u32, &'static str)], op: u32) -> Option<&'static str> {
    ops.iter().find(|(n, _)| *n == op).map(|(_, name)| *name)
}

/// The Info column of an AFS data packet to or from server port `port`
/// carrying (or answering) operation `op`, as Wireshark words it:
/// `FS Request: fetch-status (132)`, `UBIK-VLDB Reply: vote-beacon (10000)`,
/// `Encrypted FS Request`.
pub fn info(out: &mut String, port: u16, reply: bool, op: u32) {
    let svc = service(port);
    let dir = if reply { "Reply" } else { "Request" };
    let short = |out: &mut String| match svc {
        Some(s) => out.push_str(s.short),
        None => {
            let _ = write!(out, "Unknown({port})");
        }
    };
    if !valid(op) {
        out.push_str("Encrypted ");
        short(out);
        let _ = write!(out, " {dir}");
        return;
    }
    let ops = if is_ubik(op) {
        out.push_str("UBIK-");
        Some(UBIK_OPS)
    } else {
        svc.and_then(|s| s.ops)
    };
    short(out);
    let _ = write!(out, " {dir}: ");
    match ops {
        Some(ops) => match op_name(ops, op) {
            Some(name) => {
                let _ = write!(out, "{name} ({op})");
            }
            None => {
                let _ = write!(out, "Unknown({op}) ({op})");
            }
        },
        None => {
            let _ = write!(out, "Unknown({op})");
        }
    }
}

/// The service whose operation field and marker a packet shows: Ubik's for a
/// Ubik call, else its port's.
pub fn shown_service(port: u16, op: u32) -> Option<Service> {
    if is_ubik(op) {
        Some(UBIK)
    } else {
        service(port)
    }
}

/// The `Service:` line's text: `File Server Request`, `UBIK - Volume Location
/// Database Server Reply`, `Encrypted File Server Request`.
pub fn service_text(port: u16, reply: bool, op: u32) -> String {
    let long = service(port).map_or_else(|| format!("Unknown({port})"), |s| s.long.to_string());
    let enc = if valid(op) { "" } else { "Encrypted " };
    let ubik = if is_ubik(op) { "UBIK - " } else { "" };
    format!("{enc}{ubik}{long} {}", if reply { "Reply" } else { "Request" })
}

/// The `Operation:` line's value: `fetch-status (132)`, `Unknown (999)`, or
/// the bare number for the error service (Wireshark has no names for it).
pub fn op_text(svc: &Service, op: u32) -> String {
    match svc.ops {
        Some(ops) => match op_name(ops, op) {
            Some(name) => format!("{name} ({op})"),
            None => format!("Unknown ({op})"),
        },
        None => op.to_string(),
    }
}

/// File server calls (RXAFS, afsint.xg).
const FS_OPS: &[(u32, &str)] = &[
    (130, "fetch-data"),
    (131, "fetch-acl"),
    (132, "fetch-status"),
    (133, "store-data"),
    (134, "store-acl"),
    (135, "store-status"),
    (136, "remove-file"),
    (137, "create-file"),
    (138, "rename"),
    (139, "symlink"),
    (140, "link"),
    (141, "makedir"),
    (142, "rmdir"),
    (143, "old-set-lock"),
    (144, "old-extend-lock"),
    (145, "old-release-lock"),
    (146, "get-stats"),
    (147, "give-up-callbacks"),
    (148, "get-volume-info"),
    (149, "get-volume-status"),
    (150, "set-volume-status"),
    (151, "get-root-volume"),
    (152, "check-token"),
    (153, "get-time"),
    (154, "nget-volume-info"),
    (155, "bulk-status"),
    (156, "set-lock"),
    (157, "extend-lock"),
    (158, "release-lock"),
    (159, "xstats-version"),
    (160, "get-xstats"),
    (161, "dfs-lookup"),
    (162, "dfs-flushcps"),
    (163, "dfs-symlink"),
    (220, "residency"),
    (65536, "inline-bulk-status"),
    (65537, "fetch-data-64"),
    (65538, "store-data-64"),
    (65539, "give-up-all-callbacks"),
    (65540, "get-capabilities"),
    (65541, "call-back-rxconn-addr"),
    (65542, "get-statistics-64"),
];

/// Cache manager callback calls (RXAFSCB, afscbint.xg).
const CB_OPS: &[(u32, &str)] = &[
    (204, "callback"),
    (205, "init-callback-state"),
    (206, "probe"),
    (207, "get-lock"),
    (208, "get-ce"),
    (209, "xstats-version"),
    (210, "get-xstats"),
    (211, "init-callback-state2"),
    (212, "who-are-you"),
    (213, "init-callback-state3"),
    (214, "probeuuid"),
    (215, "get-server-prefs"),
    (216, "get-cellservdb"),
    (217, "get-local-cell"),
    (218, "get-cache-config"),
    (65536, "get-ce-64"),
    (65537, "get-cell-by-num"),
    (65538, "get-capabilities"),
];

/// Protection server calls (PR, ptint.xg).
const PROT_OPS: &[(u32, &str)] = &[
    (500, "new-user"),
    (501, "where-is-it"),
    (502, "dump-entry"),
    (503, "add-to-group"),
    (504, "name-to-id"),
    (505, "id-to-name"),
    (506, "delete"),
    (507, "remove-from-group"),
    (508, "get-cps"),
    (509, "new-entry"),
    (510, "list-max"),
    (511, "set-max"),
    (512, "list-entry"),
    (513, "change-entry"),
    (514, "list-elements"),
    (515, "is-member-of"),
    (516, "set-fld-sentry"),
    (517, "list-owned"),
    (518, "get-cps2"),
    (519, "get-host-cps"),
    (520, "update-entry"),
    (521, "list-entries"),
    (530, "list-supergroups"),
];

/// Volume location server calls (VL, vldbint.xg).
const VLDB_OPS: &[(u32, &str)] = &[
    (501, "create-entry"),
    (502, "delete-entry"),
    (503, "get-entry-by-id"),
    (504, "get-entry-by-name"),
    (505, "get-new-volume-id"),
    (506, "replace-entry"),
    (507, "update-entry"),
    (508, "set-lock"),
    (509, "release-lock"),
    (510, "list-entry"),
    (511, "list-attributes"),
    (512, "linked-list"),
    (513, "get-stats"),
    (514, "probe"),
    (515, "get-addrs"),
    (516, "change-addr"),
    (517, "create-entry-n"),
    (518, "get-entry-by-id-n"),
    (519, "get-entry-by-name-n"),
    (520, "replace-entry-n"),
    (521, "list-entry-n"),
    (522, "list-attrib-n"),
    (523, "linked-list-n"),
    (524, "update-entry-by-name"),
    (525, "create-entry-u"),
    (526, "get-entry-by-id-u"),
    (527, "get-entry-by-name-u"),
    (528, "replace-entry-u"),
    (529, "list-entry-u"),
    (530, "list-attrib-u"),
    (531, "linked-list-u"),
    (532, "regaddr"),
    (533, "get-addrs-u"),
    (534, "list-attrib-n2"),
];

/// Kerberos authentication server calls (KAA/KAT/KAM, kauth.rg).
const KAUTH_OPS: &[(u32, &str)] = &[
    (1, "auth-old"),
    (2, "change-pw"),
    (3, "get-ticket-old"),
    (4, "set-pw"),
    (5, "set-fields"),
    (6, "create-user"),
    (7, "delete-user"),
    (8, "get-entry"),
    (9, "list-entry"),
    (10, "get-stats"),
    (11, "debug"),
    (12, "get-pw"),
    (13, "get-random-key"),
    (14, "unlock"),
    (15, "lock-status"),
    (21, "authenticate"),
    (22, "authenticate-v2"),
    (23, "get-ticket"),
];

/// Volume server calls (AFSVol, volint.xg).
const VOL_OPS: &[(u32, &str)] = &[
    (100, "create-volume"),
    (101, "delete-volume"),
    (102, "restore"),
    (103, "forward"),
    (104, "end-trans"),
    (105, "clone"),
    (106, "set-flags"),
    (107, "get-flags"),
    (108, "trans-create"),
    (109, "dump"),
    (110, "get-nth-volume"),
    (111, "set-forwarding"),
    (112, "get-name"),
    (113, "get-status"),
    (114, "sig-restore"),
    (115, "list-partitions"),
    (116, "list-volumes"),
    (117, "set-id-types"),
    (118, "monitor"),
    (119, "partition-info"),
    (120, "reclone"),
    (121, "list-one-volume"),
    (122, "nuke"),
    (123, "set-date"),
    (124, "x-list-volumes"),
    (125, "x-list-one-volume"),
    (126, "set-info"),
    (127, "x-list-partitions"),
    (128, "forward-multiple"),
    (65536, "convert-ro"),
    (65537, "getsize"),
    (65538, "dump-v2"),
    (65539, "partition-info-64"),
];

/// Basic overseer calls (BOZO, bosint.xg).
const BOS_OPS: &[(u32, &str)] = &[
    (80, "create-bnode"),
    (81, "delete-bnode"),
    (82, "set-status"),
    (83, "get-status"),
    (84, "enumerate-instance"),
    (85, "get-instance-info"),
    (86, "get-instance-parm"),
    (87, "add-superuser"),
    (88, "delete-superuser"),
    (89, "list-superusers"),
    (90, "list-keys"),
    (91, "add-key"),
    (92, "delete-key"),
    (93, "set-cell-name"),
    (94, "get-cell-name"),
    (95, "get-cell-host"),
    (96, "add-cell-host"),
    (97, "delete-cell-host"),
    (98, "set-t-status"),
    (99, "shutdown-all"),
    (100, "restart-all"),
    (101, "startup-all"),
    (102, "set-noauth-flag"),
    (103, "re-bozo"),
    (104, "restart"),
    (105, "install"),
    (106, "uninstall"),
    (107, "get-dates"),
    (108, "exec"),
    (109, "prune"),
    (110, "set-restart-time"),
    (111, "get-restart-time"),
    (112, "get-log"),
    (113, "wait-all"),
    (114, "get-instance-strings"),
    (115, "get-restricted"),
    (116, "set restricted"),
];

/// Update server calls (UPDATE, update.xg).
const UPDATE_OPS: &[(u32, &str)] = &[(1, "fetch-file"), (2, "fetch-info")];

/// Remote system call server calls (RMTSYS, rmtsys.xg).
const RMTSYS_OPS: &[(u32, &str)] = &[(1, "setpag"), (2, "pioctl")];

/// Backup database calls (BUDB, budb.rg), as Wireshark names them.
const BACKUP_OPS: &[(u32, &str)] = &[
    (0, "add-volume"),
    (1, "create-dump"),
    (2, "delete-dump"),
    (3, "delete-tape"),
    (4, "delete-vdp"),
    (5, "find-clone"),
    (6, "find-dump"),
    (7, "find-latest-dump"),
    (8, "make-dump-appended"),
    (9, "find-last-tape"),
    (10, "finish-dump"),
    (11, "finish-tape"),
    (12, "get-dumps"),
    (13, "get-tapes"),
    (14, "get-volumes"),
    (15, "use-tape"),
    (16, "get-text"),
    (17, "get-text-version"),
    (18, "save-text"),
    (19, "free-all-locks"),
    (20, "free-lock"),
    (21, "get-instance-id"),
    (22, "get-lock"),
    (23, "db-verify"),
    (24, "dump-db"),
    (25, "restore-db-header"),
    (26, "t-get-version"),
    (27, "t-dump-hash-table"),
    (28, "t-dump-database"),
    (29, "add-volumes"),
    (30, "list-dumps"),
];

/// Ubik vote and disk calls (ubik_int.xg).
const UBIK_OPS: &[(u32, &str)] = &[
    (10000, "vote-beacon"),
    (10001, "vote-debug-old"),
    (10002, "vote-sdebug-old"),
    (10003, "vote-getsyncsite"),
    (10004, "vote-debug"),
    (10005, "vote-sdebug"),
    (10006, "vote-xdebug"),
    (10007, "vote-xsdebug"),
    (20000, "disk-begin"),
    (20001, "disk-commit"),
    (20002, "disk-lock"),
    (20003, "disk-write"),
    (20004, "disk-getversion"),
    (20005, "disk-getfile"),
    (20006, "disk-sendfile"),
    (20007, "disk-abort"),
    (20008, "disk-releaselocks"),
    (20009, "disk-truncate"),
    (20010, "disk-probe"),
    (20011, "disk-writev"),
    (20012, "disk-interfaceaddr"),
    (20013, "disk-setversion"),
];
