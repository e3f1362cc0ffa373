//! The binary's command line as a student meets it.
#![cfg(unix)] // the real-binary suite; on Windows, scripts/windows-smoke.sh runs socklab.exe
mod common;
use common::*;

#[test]
fn help_lists_every_command() {
    let out = ok(&["--help"]);
    for cmd in ["tcp", "udp", "chat", "scan", "lookup", "ping", "read"] {
        assert!(out.contains(cmd), "help lacks {cmd}:\n{out}");
    }
}

#[test]
fn unknown_command_is_a_usage_error() {
    let out = run(&["frobnicate"]);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
}
