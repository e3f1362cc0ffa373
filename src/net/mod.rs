//! Servers and clients on `std::net` sockets, built around the codecs in `proto`.

pub mod addr;
pub mod chat;
pub mod dns_cache;
pub mod dns_client;
pub mod dns_decode;
pub mod dns_server;
pub mod dns_tcp;
pub mod dns_zone;
pub mod echo;
pub mod fd;
pub mod gate;
pub mod http_client;
pub mod live;
pub mod lookup;
pub mod ping;
pub mod pool;
pub mod proxy;
pub mod scan;
pub mod serve;
pub mod shutdown;
pub mod sockaddr;
pub mod trace;
pub mod udp_batch;
pub mod web;
