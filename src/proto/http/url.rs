//! `http://host[:port]/path` URLs (RFC 9110 §4.2.1) as `socklab get` and the
//! proxy's absolute-form targets carry them. Only the http scheme: TLS (https)
//! is outside what the labs cover.

use std::fmt;

/// The port of http when a URL names none.
pub const DEFAULT_PORT: u16 = 80;

/// Why a string is not an http URL socklab can fetch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UrlError {
    /// An https URL: TLS is out of scope.
    Https,
    /// Another scheme (ftp:, file:, …).
    Scheme(String),
    /// No host after `http://`.
    NoHost,
    /// A port that is not a number from 1 to 65535.
    BadPort(String),
    /// `user@host`: credentials in URLs are not supported.
    UserInfo,
    /// An IPv6 literal without its closing `]`, or a host with forbidden characters.
    BadHost(String),
}

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UrlError::Https => write!(f, "https needs TLS, which is out of scope for socklab; use an http:// URL"),
            UrlError::Scheme(s) => write!(f, "unsupported scheme '{s}:'; only http:// URLs are supported"),
            UrlError::NoHost => write!(f, "the URL has no host after http://"),
            UrlError::BadPort(p) => write!(f, "'{p}' is not a port; use a number from 1 to 65535"),
            UrlError::UserInfo => write!(f, "user names and passwords in URLs are not supported"),
            UrlError::BadHost(h) => write!(f, "'{h}' is not a valid host"),
        }
    }
}

impl std::error::Error for UrlError {}

/// A parsed http URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpUrl {
    /// Host name or address, without IPv6 brackets.
    pub host: String,
    /// Port (80 when the URL names none).
    pub port: u16,
    /// The origin-form target: path and query, at least `/` (RFC 9112 §3.2.1).
    pub target: String,
}

impl HttpUrl {
    /// The Host field value: host, brackets around IPv6, and the port unless it is 80.
    pub fn host_header(&self) -> String {
        let host = if self.host.contains(':') { format!("[{}]", self.host) } else { self.host.clone() };
        if self.port == DEFAULT_PORT {
            host
        } else {
            format!("{host}:{}", self.port)
        }
    }
}

impl fmt::Display for HttpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "http://{}{}", self.host_header(), self.target)
    }
}

/// Parses an http URL. With `scheme_optional`, `host:port/path` counts as http
/// (as curl reads it); the proxy requires the scheme.
pub fn parse_url(input: &str, scheme_optional: bool) -> Result<HttpUrl, UrlError> {
    let input = input.trim();
    let rest = match input.find("://") {
        Some(i) => {
            let scheme = &input[..i];
            if scheme.eq_ignore_ascii_case("http") {
                &input[i + 3..]
            } else if scheme.eq_ignore_ascii_case("https") {
                return Err(UrlError::Https);
            } else {
                return Err(UrlError::Scheme(scheme.to_string()));
            }
        }
        None if scheme_optional => input,
        None => return Err(UrlError::Scheme(input.split(':').next().unwrap_or_default().to_string())),
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    if authority.contains('@') {
        return Err(UrlError::UserInfo);
    }
    let (host, port) = split_authority(authority)?;
    let tail = tail.split('#').next().unwrap_or_default();
    let target = if tail.starts_with('/') { tail.to_string() } else { format!("/{tail}") };
    Ok(HttpUrl { host, port, target })
}

/// Splits `host`, `host:port`, `[v6]` or `[v6]:port`.
fn split_authority(authority: &str) -> Result<(String, u16), UrlError> {
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (h, after) = rest.split_once(']').ok_or_else(|| UrlError::BadHost(authority.to_string()))?;
        match after.strip_prefix(':') {
            Some(p) => (h, Some(p)),
            None if after.is_empty() => (h, None),
            None => return Err(UrlError::BadHost(authority.to_string())),
        }
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return Err(UrlError::NoHost);
    }
    if host.bytes().any(|b| b <= b' ' || b"<>\"{}|\\^`%".contains(&b)) {
        return Err(UrlError::BadHost(host.to_string()));
    }
    let port = match port {
        None | Some("") => DEFAULT_PORT,
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n > 0 => n,
            _ => return Err(UrlError::BadPort(p.to_string())),
        },
    };
    Ok((host.to_string(), port))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(host: &str, port: u16, target: &str) -> HttpUrl {
        HttpUrl { host: host.into(), port, target: target.into() }
    }

    #[test]
    fn parses_the_usual_forms() {
        assert_eq!(
            parse_url("http://127.0.0.1:10080/HelloWorld.html", false),
            Ok(url("127.0.0.1", 10080, "/HelloWorld.html"))
        );
        assert_eq!(parse_url("HTTP://localhost", false), Ok(url("localhost", 80, "/")));
        assert_eq!(parse_url("http://h:8080?q=1", false), Ok(url("h", 8080, "/?q=1")));
        assert_eq!(parse_url("http://[::1]:9/a#frag", false), Ok(url("::1", 9, "/a")));
        assert_eq!(parse_url("http://[::1]/", false), Ok(url("::1", 80, "/")));
        assert_eq!(parse_url("localhost:10080/x", true), Ok(url("localhost", 10080, "/x")));
    }

    #[test]
    fn display_and_host_header_round_trip() {
        for s in ["http://127.0.0.1:10080/a?b", "http://[::1]:8/", "http://example.invalid/x"] {
            let u = parse_url(s, false).unwrap();
            assert_eq!(u.to_string(), s);
            assert_eq!(parse_url(&u.to_string(), false).unwrap(), u);
        }
        assert_eq!(url("::1", 80, "/").host_header(), "[::1]");
    }

    #[test]
    fn refuses_what_it_cannot_fetch() {
        assert_eq!(parse_url("https://example.com/", false), Err(UrlError::Https));
        assert_eq!(parse_url("ftp://example.com/", false), Err(UrlError::Scheme("ftp".into())));
        assert_eq!(parse_url("http:///x", false), Err(UrlError::NoHost));
        assert_eq!(parse_url("http://h:0/", false), Err(UrlError::BadPort("0".into())));
        assert_eq!(parse_url("http://h:99999/", false), Err(UrlError::BadPort("99999".into())));
        assert_eq!(parse_url("http://u:p@h/", false), Err(UrlError::UserInfo));
        assert!(matches!(parse_url("http://[::1/", false), Err(UrlError::BadHost(_))));
        assert!(matches!(parse_url("/just/a/path", false), Err(UrlError::Scheme(_))));
    }
}
