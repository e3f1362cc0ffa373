use super::*;
use crate::sniff::tree::{Group, Severity};

/// A UDP layer as tshark lays it out, with a bit field and an expert item.
fn sample() -> Tree {
    let mut t = Tree::new();
    t.at(0).proto("udp").bytes(0, 4).line(format_args!("User Datagram Protocol"));
    t.at(1).field("udp.srcport", Ftype::Uint16, 53).bytes(0, 2).line(format_args!("Source Port: 53"));
    t.at(1).field("udp.port", Ftype::Uint16, 53).bytes(0, 2).hidden();
    t.at(1).field("udp.port", Ftype::Uint16, 4660).bytes(2, 2).hidden();
    t.at(1).field("udp.flags", Ftype::Uint8, "0x12").bytes(2, 1).line(format_args!("Flags: 0x12"));
    t.at(2).field("udp.flags.x", Ftype::Boolean, 1).bytes(2, 1).mask(0x10, 1).line(format_args!("X: Set"));
    t.expert(3, "udp.x", Severity::Chat, Group::Sequence, "x \"set\"");
    t.at(1).line(format_args!("[Timestamps]"));
    t.at(2).field("udp.time_delta", Ftype::RelativeTime, "0.5").line(format_args!("[Delta: 0.5]"));
    t.at(1).look(Look::Verbatim).line(format_args!("0000  00 35 12 34\n"));
    t
}

fn render(style: JsonStyle) -> String {
    let tree = sample();
    let f = Frame { tree: &tree, data: &[0x00, 0x35, 0x12, 0x34], time: 1_795_272_303_588_493_000 };
    let mut out = Vec::new();
    begin(&mut out, style).unwrap();
    frame(&mut out, &f, style, true).unwrap();
    end(&mut out, style, 1).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn json_nests_layers_trees_and_text_lines_as_tshark() {
    let expected = r#"[
  {
    "_index": "packets-2026-11-21",
    "_type": "doc",
    "_score": null,
    "_source": {
      "layers": {
        "udp": {
          "udp.srcport": "53",
          "udp.port": "53",
          "udp.port": "4660",
          "udp.flags": "0x12",
          "udp.flags_tree": {
            "udp.flags.x": "1",
            "udp.flags.x_tree": {
              "_ws.expert": {
                "udp.x": "",
                "_ws.expert.message": "x \"set\"",
                "_ws.expert.severity": "2097152",
                "_ws.expert.group": "33554432"
              }
            }
          },
          "Timestamps": {
            "udp.time_delta": "0.5"
          }
        }
      }
    }
  }
]
"#;
    assert_eq!(render(JsonStyle { ek: false, raw: false }), expected);
}

#[test]
fn raw_arrays_hold_hex_offset_length_mask_and_type() {
    let s = render(JsonStyle { ek: false, raw: true });
    let compact: String = s.split_whitespace().collect();
    assert!(compact.contains(r#""udp_raw":["00351234",0,4,0,1],"udp":{"#), "{s}");
    assert!(compact.contains(r#""udp.srcport_raw":["0035",0,2,0,5],"udp.srcport":"53""#), "{s}");
    assert!(compact.contains(r#""udp.flags.x_raw":["1",2,1,16,2],"udp.flags.x":"1""#), "{s}");
    assert!(!compact.contains("udp.time_delta_raw"), "a generated field has no bytes: {s}");
}

#[test]
fn ek_flattens_a_layer_and_merges_sibling_repeats() {
    let s = render(JsonStyle { ek: true, raw: false });
    let lines: Vec<&str> = s.lines().collect();
    assert_eq!(lines[0], r#"{"index":{"_index":"packets-2026-11-21","_type":"doc"}}"#);
    assert_eq!(
        lines[1],
        r#"{"timestamp":"1795272303588","layers":{"udp":{"udp_udp_srcport":"53","udp_udp_port":["53","4660"],"udp_udp_flags":"0x12","udp_udp_flags_x":true,"_ws_expert":{"udp_udp_x":null,"_ws_expert__ws_expert_message":"x \"set\"","_ws_expert__ws_expert_severity":"2097152","_ws_expert__ws_expert_group":"33554432"},"udp_udp_time_delta":"0.5"}}}"#
    );
    assert_eq!(lines.len(), 2);
}

#[test]
fn an_empty_capture_is_an_empty_array() {
    let style = JsonStyle { ek: false, raw: false };
    let mut out = Vec::new();
    begin(&mut out, style).unwrap();
    end(&mut out, style, 0).unwrap();
    assert_eq!(out, b"[\n]\n");
}

#[test]
fn json_strings_are_escaped() {
    let mut out = Vec::new();
    string(&mut out, "a\"b\\c\u{1}\r\n·").unwrap();
    assert_eq!(String::from_utf8(out).unwrap(), "\"a\\\"b\\\\c\\u0001\\r\\n·\"");
}
