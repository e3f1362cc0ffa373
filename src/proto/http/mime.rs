//! The Content-Type of a file from its extension (the media types of the IANA
//! registry, RFC 6838), with a charset for text so browsers decode UTF-8.

/// The type sent for an unknown extension (RFC 9110 §8.3: the recipient may sniff).
pub const DEFAULT: &str = "application/octet-stream";

/// Extension (lower case) to media type.
const TYPES: &[(&str, &str)] = &[
    ("html", "text/html; charset=utf-8"),
    ("htm", "text/html; charset=utf-8"),
    ("css", "text/css; charset=utf-8"),
    ("js", "text/javascript; charset=utf-8"),
    ("mjs", "text/javascript; charset=utf-8"),
    ("json", "application/json"),
    ("txt", "text/plain; charset=utf-8"),
    ("md", "text/markdown; charset=utf-8"),
    ("csv", "text/csv; charset=utf-8"),
    ("xml", "application/xml"),
    ("svg", "image/svg+xml"),
    ("png", "image/png"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("gif", "image/gif"),
    ("webp", "image/webp"),
    ("ico", "image/vnd.microsoft.icon"),
    ("bmp", "image/bmp"),
    ("pdf", "application/pdf"),
    ("wasm", "application/wasm"),
    ("zip", "application/zip"),
    ("gz", "application/gzip"),
    ("tar", "application/x-tar"),
    ("mp3", "audio/mpeg"),
    ("wav", "audio/wav"),
    ("mp4", "video/mp4"),
    ("webm", "video/webm"),
    ("woff", "font/woff"),
    ("woff2", "font/woff2"),
    ("ttf", "font/ttf"),
    ("pcap", "application/vnd.tcpdump.pcap"),
    ("bin", DEFAULT),
];

/// The media type for a file name, by its extension (case-insensitive).
pub fn content_type(file_name: &[u8]) -> &'static str {
    let Some(dot) = file_name.iter().rposition(|&b| b == b'.') else { return DEFAULT };
    let ext = &file_name[dot + 1..];
    TYPES.iter().find(|(e, _)| e.as_bytes().eq_ignore_ascii_case(ext)).map_or(DEFAULT, |(_, t)| t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_by_extension() {
        assert_eq!(content_type(b"HelloWorld.html"), "text/html; charset=utf-8");
        assert_eq!(content_type(b"LOGO.PNG"), "image/png");
        assert_eq!(content_type(b"a.tar.gz"), "application/gzip");
        assert_eq!(content_type(b"picture.svg"), "image/svg+xml");
        assert_eq!(content_type(b"README"), DEFAULT);
        assert_eq!(content_type(b"weird."), DEFAULT);
        assert_eq!(content_type(b"x.unknown"), DEFAULT);
    }
}
