//! The names Wireshark gives OpenFlow's numbers: the message types of each
//! version (OpenFlow 1.0 §5.1, 1.3.x §A.1, 1.4 §7.1, 1.5 §7.1: `enum ofp_type`)
//! and the multipart message types of 1.3 and later (`enum ofp_multipart_type`).

/// Wire version numbers (`ofp_header.version`).
pub const V1_0: u8 = 1;
/// OpenFlow 1.3.
pub const V1_3: u8 = 4;
/// OpenFlow 1.4.
pub const V1_4: u8 = 5;
/// OpenFlow 1.5.
pub const V1_5: u8 = 6;

/// The message types of OpenFlow 1.0, indexed by number.
const TYPES_1_0: [&str; 22] = [
    "OFPT_HELLO",
    "OFPT_ERROR",
    "OFPT_ECHO_REQUEST",
    "OFPT_ECHO_REPLY",
    "OFPT_VENDOR",
    "OFPT_FEATURES_REQUEST",
    "OFPT_FEATURES_REPLY",
    "OFPT_GET_CONFIG_REQUEST",
    "OFPT_GET_CONFIG_REPLY",
    "OFPT_SET_CONFIG",
    "OFPT_PACKET_IN",
    "OFPT_FLOW_REMOVED",
    "OFPT_PORT_STATUS",
    "OFPT_PACKET_OUT",
    "OFPT_FLOW_MOD",
    "OFPT_PORT_MOD",
    "OFPT_STATS_REQUEST",
    "OFPT_STATS_REPLY",
    "OFPT_BARRIER_REQUEST",
    "OFPT_BARRIER_REPLY",
    "OFPT_QUEUE_GET_CONFIG_REQUEST",
    "OFPT_QUEUE_GET_CONFIG_REPLY",
];

/// The message types of OpenFlow 1.3 to 1.5, indexed by number. 1.3 stops at
/// OFPT_METER_MOD (29); 1.4 drops the queue configuration messages (22, 23)
/// and adds up to OFPT_BUNDLE_ADD_MESSAGE (34); 1.5 adds OFPT_CONTROLLER_STATUS (35).
const TYPES_1_3_UP: [&str; 36] = [
    "OFPT_HELLO",
    "OFPT_ERROR",
    "OFPT_ECHO_REQUEST",
    "OFPT_ECHO_REPLY",
    "OFPT_EXPERIMENTER",
    "OFPT_FEATURES_REQUEST",
    "OFPT_FEATURES_REPLY",
    "OFPT_GET_CONFIG_REQUEST",
    "OFPT_GET_CONFIG_REPLY",
    "OFPT_SET_CONFIG",
    "OFPT_PACKET_IN",
    "OFPT_FLOW_REMOVED",
    "OFPT_PORT_STATUS",
    "OFPT_PACKET_OUT",
    "OFPT_FLOW_MOD",
    "OFPT_GROUP_MOD",
    "OFPT_PORT_MOD",
    "OFPT_TABLE_MOD",
    "OFPT_MULTIPART_REQUEST",
    "OFPT_MULTIPART_REPLY",
    "OFPT_BARRIER_REQUEST",
    "OFPT_BARRIER_REPLY",
    "OFPT_QUEUE_GET_CONFIG_REQUEST",
    "OFPT_QUEUE_GET_CONFIG_REPLY",
    "OFPT_ROLE_REQUEST",
    "OFPT_ROLE_REPLY",
    "OFPT_GET_ASYNC_REQUEST",
    "OFPT_GET_ASYNC_REPLY",
    "OFPT_SET_ASYNC",
    "OFPT_METER_MOD",
    "OFPT_ROLE_STATUS",
    "OFPT_TABLE_STATUS",
    "OFPT_REQUESTFORWARD",
    "OFPT_BUNDLE_CONTROL",
    "OFPT_BUNDLE_ADD_MESSAGE",
    "OFPT_CONTROLLER_STATUS",
];

/// The message type `t` of `version`, as Wireshark names it; `None` for a
/// number the version does not define.
pub fn message_type(version: u8, t: u8) -> Option<&'static str> {
    let t = usize::from(t);
    match version {
        V1_0 => TYPES_1_0.get(t).copied(),
        V1_3 if t <= 29 => TYPES_1_3_UP.get(t).copied(),
        V1_4 if t <= 34 && t != 22 && t != 23 => TYPES_1_3_UP.get(t).copied(),
        V1_5 if t != 22 && t != 23 => TYPES_1_3_UP.get(t).copied(),
        _ => None,
    }
}

/// The multipart types of OpenFlow 1.3 (1.4 renames OFPMP_QUEUE), indexed by number.
const MULTIPART_1_3: [&str; 14] = [
    "OFPMP_DESC",
    "OFPMP_FLOW",
    "OFPMP_AGGREGATE",
    "OFPMP_TABLE",
    "OFPMP_PORT_STATS",
    "OFPMP_QUEUE",
    "OFPMP_GROUP",
    "OFPMP_GROUP_DESC",
    "OFPMP_GROUP_FEATURES",
    "OFPMP_METER",
    "OFPMP_METER_CONFIG",
    "OFPMP_METER_FEATURES",
    "OFPMP_TABLE_FEATURES",
    "OFPMP_PORT_DESC",
];

/// The multipart types of OpenFlow 1.5, indexed by number (statistics and
/// descriptions named apart).
const MULTIPART_1_5: [&str; 20] = [
    "OFPMP_DESC",
    "OFPMP_FLOW_DESC",
    "OFPMP_AGGREGATE_STATS",
    "OFPMP_TABLE_STATS",
    "OFPMP_PORT_STATS",
    "OFPMP_QUEUE_STATS",
    "OFPMP_GROUP_STATS",
    "OFPMP_GROUP_DESC",
    "OFPMP_GROUP_FEATURES",
    "OFPMP_METER_STATS",
    "OFPMP_METER_DESC",
    "OFPMP_METER_FEATURES",
    "OFPMP_TABLE_FEATURES",
    "OFPMP_PORT_DESC",
    "OFPMP_TABLE_DESC",
    "OFPMP_QUEUE_DESC",
    "OFPMP_FLOW_MONITOR",
    "OFPMP_FLOW_STATS",
    "OFPMP_CONTROLLER_STATUS",
    "OFPMP_BUNDLE_FEATURES",
];

/// The experimenter multipart type, in every version.
const MULTIPART_EXPERIMENTER: u16 = 0xffff;

/// The multipart type `t` of `version` (1.3 and later), as Wireshark names it.
pub fn multipart_type(version: u8, t: u16) -> Option<&'static str> {
    if t == MULTIPART_EXPERIMENTER {
        return Some("OFPMP_EXPERIMENTER");
    }
    let i = usize::from(t);
    match version {
        V1_3 => MULTIPART_1_3.get(i).copied(),
        V1_4 => match i {
            5 => Some("OFPMP_QUEUE_STATS"),
            14 => Some("OFPMP_TABLE_DESC"),
            15 => Some("OFPMP_QUEUE_DESC"),
            16 => Some("OFPMP_FLOW_MONITOR"),
            _ => MULTIPART_1_3.get(i).copied(),
        },
        V1_5 => MULTIPART_1_5.get(i).copied(),
        _ => None,
    }
}

/// The version as Wireshark shows it (`openflow.version`'s values).
pub fn version_name(v: u8) -> Option<&'static str> {
    Some(match v {
        1 => "1.0",
        2 => "1.1",
        3 => "1.2",
        4 => "1.3",
        5 => "1.4",
        6 => "1.5",
        _ => return None,
    })
}
