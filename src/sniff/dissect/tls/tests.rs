//! TLS decoded from real records (captured on 127.0.0.1 with Python's ssl
//! module: a TLS 1.2 and a TLS 1.3 handshake), cut short and made hostile.

use super::*;
use crate::sniff::dissect::testing;

/// The context of a PDU in a conversation whose ServerHello picked TLS 1.3.
const TLS13: Ctx = Ctx {
    port: None,
    to_port: false,
    peer: None,
    memo: Some(0x0304),
    prior: None,
    addr_sum: None,
    cut: false,
    below: None,
};

/// A ClientHello offering TLS 1.3 and 1.2, SNI example.com, ALPN h2 and http/1.1.
const CLIENT_HELLO: &[&str] = &[
    "1603010200010001fc0303c7fd10423f2e1d273a39d210b5cdc60c7513c6f1123ac9a4f60d7e9c1686f4be2013a67898",
    "2e7183059357d0fbc3f29cd92c6634e0e57e093725584ec778b4c8430024130213031301c02cc030c02bc02fcca9cca8",
    "c024c028c023c027009f009e006b006700ff0100018f00000010000e00000b6578616d706c652e636f6d000b00040300",
    "0102000a00160014001d0017001e0019001801000101010201030104002300000010000e000c02683208687474702f31",
    "2e310016000000170000000d002a0028040305030603080708080809080a080b08040805080604010501060103030301",
    "0302040205020602002b00050403040303002d00020101003300260024001d0020f75cef67445385a216ea8918733dc5",
    "fd92d88c2ea3b946e682dfb6d9159ddd69001500d0000000000000000000000000000000000000000000000000000000",
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
    "00000000000000000000000000000000000000000000000000000000000000000000000000",
];

/// Server Hello, Certificate (CN=example.com, self-signed), Server Key Exchange
/// and Server Hello Done in one segment (TLS 1.2).
const SERVER_FLIGHT: &[&str] = &[
    "160303004a02000046030319cfc06d0f05d5f4d809bb8c329aa4cffd367d1b9830cf3c1a604de8b7379ed300c0300000",
    "1eff01000100000b000403000102002300000010000500030268320017000016030303630b00035f00035c0003593082",
    "03553082023da0030201020214362232cca5e4d6d37c466e8f7f98bb9d666d2577300d06092a864886f70d01010b0500",
    "303a310b300906035504061302555331153013060355040a0c0c536f636b6c616220546573743114301206035504030c",
    "0b6578616d706c652e636f6d301e170d3236313230373135323331395a170d3237303130363135323331395a303a310b",
    "300906035504061302555331153013060355040a0c0c536f636b6c616220546573743114301206035504030c0b657861",
    "6d706c652e636f6d30820122300d06092a864886f70d01010105000382010f003082010a0282010100bfd3a478f8e25a",
    "321703b52d54243de5a8f0eb6ddf4f0973972cbf041b69ea3fcb1b4dff2b1026dd476222f2e12736cb0b842c17e53d7a",
    "772738081abf3d25e9f21f6e371cca802959a8dd6a70d3cb983ffe0e0edc71257dedf5fe5170af5a6af7c643e3fe1498",
    "244467991982b7acaf8db24cf9c9a9f9c9771d1bd8fbeada47f7a35924f621634f244aadd8e26b8296eedca437e95d48",
    "21ca246165da38dc5003a7474d855588b12262ce4604b8a7db2e3a68b34ea2bb2b4f8073585a73771cb82a4046633365",
    "cbff2fc10072afeb0dfe15b825624804ce994fad71554fb552a099a4ed1fdd24cd05aaa199f680de6b6f645989d1c8a3",
    "e83a6b7e56d5e470250203010001a3533051301d0603551d0e04160414a6e2edc059232efff83a8ef7da5c6058862e79",
    "5a301f0603551d23041830168014a6e2edc059232efff83a8ef7da5c6058862e795a300f0603551d130101ff04053003",
    "0101ff300d06092a864886f70d01010b0500038201010078af363a172e030c8481a65fd8ef86541d43d0b50a9afae759",
    "e5f305c366d7b77bf7f1a622c24b8bee1c494fc7a22b89598bbdd35bec57e91896bae7d2348c065b3b44395896b66ece",
    "e5e76f304600e9245e49f3b20d6fb7c75cbfcce3c8bece205d14c9e9d5ae6016b507e7f3f4cb2a0d497d7a3938afdeed",
    "c38a56ad8f39bc3e3c3f4b2f2c3cf53107cdf53f6209ca0476d8228d8f9314be901227bfb0442c3b4b2e058bb9a4d5d0",
    "2115ce37746c01f07c5b1e28548fb2d6386279bca3b2f1a6e52b310fe8bd00859d7c2012e9c935a4ea5ec402abd255f9",
    "fa72a90047d16ba6ea934a686dcfbcd262c232a6785f2d4200798ee75fdb273d7f82e637ebf098160303012c0c000128",
    "03001d20e9b92c7c14d8e2e75cb88637585cbe046d33e2aac8365a50db9b14adc34c4e58080401008469e4af13e2e01f",
    "c2e1664bbf31f56e5ad2a653f98dbc71a367d2be59c67cb1f2e46d59142b53d9f1949adb79680bd2b513cc0805b86ca3",
    "a0e8eb75f802f00364e90fe8d698657a5c7c1be674299369868784463933edefd88ae6c2a92addfde9b68fc9e0a59a81",
    "fdb395773ffa834d1a5110460b05b82230dee5b94d77ad9e822fc35058a71c3adf635b2699071e4231ee316364b8fe36",
    "97f4bd3742077708ed17c2e68155fe3329cffd483088d6b6b59f39c217f81f7975dc1f49433761b1fccfd70f13df0922",
    "463fcae619a2d6afe473956c587bd6c075925726aa44edd87ac809db09fc6eaecbfe5dc252db19297214281a3a2d84d8",
    "b36e3e612ea4860c16030300040e000000",
];

/// A TLS 1.3 ServerHello (supported_versions: TLS 1.3), Change Cipher Spec
/// and the first encrypted record.
const SERVER_HELLO_13: &[&str] = &[
    "160303007a020000760303850634d9887acd5273bcc61e9b66d46e358c2acb3072033adee7b06f73d39c0920550145fc",
    "c09f3347830da44e17f31dbad991c9675d8676358aec645fc6650d4b130200002e002b0002030400330024001d0020f2",
    "bcf407a0041384c0506307e7d996c1492d42cc3ff0a82b7543d3fbaab9777a1403030001011703030020fd",
];

/// A fatal alert: Unknown CA.
const ALERT_UNKNOWN_CA: &[u8] = &[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x30];

/// The bytes of hex lines.
fn bytes(lines: &[&str]) -> Vec<u8> {
    let hex: String = lines.concat();
    (0..hex.len() / 2).map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap()).collect()
}

/// Every view of a PDU: Info, column, tree and every field's values.
fn all_views(pdu: &[u8]) {
    let _ = (info(pdu), Tls.column(pdu), Tls.heuristic(Carrier::Tcp, pdu));
    let mut tree = Tree::new();
    Tls.tree(pdu, Ctx::default(), 0, &mut tree);
    for i in 0..FIELDS.len() {
        let mut out = Vec::new();
        Tls.values(pdu, Ctx::default(), i, &mut out);
    }
    let _ = note(pdu);
}

fn info(pdu: &[u8]) -> String {
    let mut s = String::new();
    Tls.info(pdu, Ctx::default(), &mut s);
    s
}

fn values(pdu: &[u8], name: &str) -> Vec<String> {
    let i = FIELDS.iter().position(|f| f.name == name).expect(name);
    let mut out = Vec::new();
    Tls.values(pdu, Ctx::default(), i, &mut out);
    out.iter().map(ToString::to_string).collect()
}

#[test]
fn client_hello_names_sni_alpn_and_suites() {
    let ch = bytes(CLIENT_HELLO);
    assert_eq!(info(&ch), "Client Hello");
    assert_eq!(Tls.column(&ch), "TLSv1.2");
    assert_eq!(values(&ch, "tls.record.version"), ["0x0301"]);
    assert_eq!(values(&ch, "tls.handshake.version"), ["0x0303"]);
    assert_eq!(values(&ch, "tls.handshake.extensions_server_name"), ["example.com"]);
    assert_eq!(values(&ch, "tls.handshake.extensions_alpn_str"), ["h2", "http/1.1"]);
    let suites = values(&ch, "tls.handshake.ciphersuite");
    assert_eq!(suites.len(), 18);
    assert_eq!(suites[0], "0x1302");
    assert_eq!(values(&ch, "tls.handshake.extension.type").len(), 12);
    assert_eq!(values(&ch, "tls.handshake.extensions.supported_version"), ["0x0304", "0x0303"]);
    let mut tree = Tree::new();
    Tls.tree(&ch, Ctx::default(), 0, &mut tree);
    let lines: Vec<&str> = tree.items().iter().map(|i| tree.display(i)).collect();
    assert!(lines.contains(&"Cipher Suite: TLS_AES_256_GCM_SHA384 (0x1302)"), "{lines:?}");
    assert!(lines.contains(&"TLSv1.2 Record Layer: Handshake Protocol: Client Hello"));
    assert!(lines.contains(&"Extension: server_name (len=16)"));
}

#[test]
fn server_flight_lists_each_message_and_names_the_certificate() {
    let sh = bytes(SERVER_FLIGHT);
    assert_eq!(info(&sh), "Server Hello, Certificate, Server Key Exchange, Server Hello Done");
    assert_eq!(Tls.column(&sh), "TLSv1.2");
    assert_eq!(values(&sh, "tls.handshake.ciphersuite"), ["0xc030"]);
    assert_eq!(values(&sh, "tls.handshake.extensions_alpn_str"), ["h2"]);
    assert_eq!(values(&sh, "tls.handshake.type"), ["2", "11", "12", "14"]);
    assert_eq!(values(&sh, "tls.handshake.certificate_length"), ["857"]);
    let mut tree = Tree::new();
    Tls.tree(&sh, Ctx::default(), 0, &mut tree);
    let lines: Vec<&str> = tree.items().iter().map(|i| tree.display(i)).collect();
    let subject = "id-at-commonName=example.com,id-at-organizationName=Socklab Test,id-at-countryName=US";
    assert!(lines.contains(&format!("subject: {subject}").as_str()), "{lines:?}");
    assert!(lines.contains(&format!("issuer: {subject}").as_str()));
}

#[test]
fn tls13_server_hello_sets_the_column_and_hides_the_rest() {
    let sh = bytes(SERVER_HELLO_13);
    // The Application Data record goes on in the next segment: not shown here.
    assert_eq!(info(&sh), "Server Hello, Change Cipher Spec");
    assert_eq!(Tls.column(&sh), "TLSv1.3");
    assert!(values(&sh, "tls.record.opaque_type").is_empty());
}

#[test]
fn alert_has_level_and_description() {
    assert_eq!(info(ALERT_UNKNOWN_CA), "Alert (Level: Fatal, Description: Unknown CA)");
    assert_eq!(values(ALERT_UNKNOWN_CA, "tls.alert_message.level"), ["2"]);
    assert_eq!(values(ALERT_UNKNOWN_CA, "tls.alert_message.desc"), ["48"]);
    let failure = [0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x28];
    assert_eq!(info(&failure), "Alert (Level: Fatal, Description: Handshake Failure)");
    assert_eq!(Tls.column(&failure), "TLSv1");
}

#[test]
fn records_that_read_as_nothing_are_encrypted() {
    // A Finished message, encrypted: its bytes read as no handshake message.
    let mut pdu = vec![0x14, 0x03, 0x03, 0x00, 0x01, 0x01, 0x16, 0x03, 0x03, 0x00, 0x04, 0x7d, 0x00, 0x00, 0x00];
    assert_eq!(info(&pdu), "Change Cipher Spec, Encrypted Handshake Message");
    // An encrypted alert carries its authentication tag: longer than two bytes.
    pdu.extend_from_slice(&[0x15, 0x03, 0x03, 0x00, 0x1a]);
    pdu.extend_from_slice(&[0x5a; 0x1a]);
    assert_eq!(info(&pdu), "Change Cipher Spec, Encrypted Handshake Message, Encrypted Alert");
}

#[test]
fn bytes_that_start_no_record_are_continuation_data() {
    // Text on a TLS port is not TLS (as tshark); other bytes that start no
    // record are Continuation Data when shown as TLS, but socklab leaves them to
    // TCP (they are mostly the middle of a record that tshark reassembles).
    assert!(!Tls.accepts(b"USER admin\r\n"));
    assert!(!Tls.accepts(b"PWD\r\n"));
    assert!(!Tls.accepts(&[0xb4, 0xb8, 0x94, 0xec, 0x09, 0x80, 0x8b]));
    assert_eq!(info(b"PWD\r\n"), "Continuation Data");
    assert_eq!(Tls.column(b"PWD\r\n"), "SSL");
    assert!(!Tls.heuristic(Carrier::Tcp, b"GET / HTTP/1.1\r\n"));
    assert!(Tls.heuristic(Carrier::Tcp, &bytes(CLIENT_HELLO)));
    assert!(!Tls.heuristic(Carrier::Udp, &bytes(CLIENT_HELLO)));
    assert!(!Tls.heuristic(Carrier::Tcp, &[0x16, 0x03, 0x01, 0xff, 0xff]));
}

#[test]
fn a_record_cut_short_shows_what_is_there() {
    let ch = bytes(CLIENT_HELLO);
    // A segment shorter than its first record waits for the rest (tshark's
    // reassembly): not TLS by itself.
    // Regression (wireshark-labs/http1.pcapng frames 18-22): a segment shorter
    // than its first record is TLS's, so that the pipeline reassembles the
    // record with the next segments (it was refused, and stayed TCP).
    let cut = &ch[..200];
    assert!(Tls.accepts(cut));
    assert_eq!(Tls.pdu_len(cut), Some(ch.len()));
    assert_eq!(info(cut), "Continuation Data");
    assert!(!Tls.accepts(&ch[..4]));
    // A record the segment cuts short after whole ones: the whole ones only.
    let mut two = ALERT_UNKNOWN_CA.to_vec();
    two.extend_from_slice(cut);
    assert!(Tls.accepts(&two));
    assert_eq!(info(&two), "Alert (Level: Fatal, Description: Unknown CA)");
    assert_eq!(values(&two, "tls.record.length"), ["2"]);
}

#[test]
fn never_panics_on_any_prefix_or_hostile_lengths() {
    for pdu in [bytes(CLIENT_HELLO), bytes(SERVER_FLIGHT), bytes(SERVER_HELLO_13)] {
        for cut in 0..pdu.len() {
            all_views(&pdu[..cut]);
        }
        // Every length byte set to its largest value, one at a time.
        for i in 0..pdu.len().min(400) {
            let mut bad = pdu.clone();
            bad[i] = 0xff;
            all_views(&bad);
        }
    }
}

#[test]
fn a_segment_to_port_443_is_tls_in_the_pipeline() {
    let frame = testing::segment((40000, 443), ALERT_UNKNOWN_CA);
    let f = testing::fields(testing::LinkType::Ethernet, &frame);
    // The description is the last byte of the frame.
    let at = u32::try_from(frame.len() - 1).unwrap();
    assert_eq!(testing::find(&f, "tls.alert_message.desc"), [("48", Some((at, 1)))]);
}

#[test]
fn the_server_hello_settles_the_version_of_the_whole_conversation() {
    let (ch, sh13) = (bytes(CLIENT_HELLO), bytes(SERVER_HELLO_13));
    assert_eq!(Tls.learn(&sh13), TLS13.memo);
    assert_eq!(Tls.learn(&bytes(SERVER_FLIGHT)), Some(0x0303));
    assert_eq!(Tls.learn(&ch), None);
    assert_eq!(Tls.column_in(&ch, TLS13), "TLSv1.3");
    assert_eq!(Tls.column_in(ALERT_UNKNOWN_CA, TLS13), "TLSv1.3");
    let mut out = Vec::new();
    let opaque = FIELDS.iter().position(|f| f.name == "tls.record.opaque_type").unwrap();
    let app_data = [0x17, 0x03, 0x03, 0x00, 0x02, 0xab, 0xcd];
    Tls.values(&app_data, TLS13, opaque, &mut out);
    assert_eq!(out.len(), 1);
}

fn note(pdu: &[u8]) -> String {
    let mut out = String::new();
    Tls.note(pdu, Ctx::default(), &mut out).unwrap();
    out
}

#[test]
fn the_client_hello_note_says_what_sni_reveals_and_other_records_have_none() {
    let n = note(&bytes(CLIENT_HELLO));
    assert!(n.starts_with("SNI: the ClientHello names the site, example.com, in clear text"), "{n}");
    assert_eq!(note(&bytes(SERVER_FLIGHT)), "");
    assert_eq!(note(ALERT_UNKNOWN_CA), "");
}

#[test]
fn a_record_is_measured_by_its_header() {
    // A record's length: the five-byte header and the length it declares.
    assert_eq!(Tls.pdu_len(ALERT_UNKNOWN_CA), Some(7));
    assert_eq!(Tls.pdu_len(&[0x17, 0x03, 0x03, 0x01, 0x00]), Some(5 + 256));
    // Too short to tell: the header's five bytes are needed.
    assert_eq!(Tls.pdu_len(&[0x16]), Some(5));
    assert_eq!(Tls.pdu_len(&[0x16, 0x03, 0x01]), Some(5));
    // Bytes that start no record are not measured (not reassembled).
    assert_eq!(Tls.pdu_len(&[]), None);
    assert_eq!(Tls.pdu_len(b"GET / HTTP/1.1"), None);
    assert_eq!(Tls.pdu_len(&[0x16, 0x05, 0x01, 0x00, 0x01]), None);
}
