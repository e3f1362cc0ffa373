//! `socklab web`, `socklab get` and `socklab proxy`: the HTTP labs' arguments
//! become the settings of [`crate::net::web`], [`crate::net::http_client`] and
//! [`crate::net::proxy`].

use super::serve::listen;
use crate::cli::{GetArgs, ProxyArgs, WebArgs};
use crate::net::http_client::{self, GetSettings};
use crate::net::proxy::{self, ProxySettings};
use crate::net::web::{self, WebSettings};
use crate::sniff::session::CaptureRequest;

/// Runs `socklab web`.
pub fn web(a: &WebArgs) -> crate::Result<()> {
    web::run(&WebSettings {
        root: a.root.clone(),
        listen: listen(&a.host, a.port, a.bind.as_deref()),
        threads: a.threads,
        max_conns: a.max_conns,
        timeout_ms: a.timeout_ms,
        keep_alive: a.keep_alive,
        header_timeout_ms: a.header_timeout_ms,
        quiet: a.quiet,
        capture: CaptureRequest::from(&a.capture),
    })
}

/// Runs `socklab get`.
pub fn get(a: &GetArgs) -> crate::Result<()> {
    http_client::run(&GetSettings {
        target: a.target.clone(),
        head: a.head,
        output: a.output.clone(),
        headers: a.headers.clone(),
        timeout_ms: a.timeout_ms,
        capture: CaptureRequest::from(&a.capture),
    })
}

/// Runs `socklab proxy`.
pub fn proxy(a: &ProxyArgs) -> crate::Result<()> {
    proxy::run(&ProxySettings {
        listen: listen(&a.host, a.port, a.bind.as_deref()),
        threads: a.threads,
        cache: a.cache.clone(),
        cache_max: a.cache_max,
        timeout_ms: a.timeout_ms,
        capture: CaptureRequest::from(&a.capture),
    })
}
