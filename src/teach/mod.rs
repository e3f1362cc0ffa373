//! The teaching layer's content, free of I/O: the experiments' catalogue and
//! explanations ([`experiments`]), how a finished experiment is printed
//! ([`report`]), what an OS error is called in C and in Python ([`errno`]), and
//! the `socklab explain` topics ([`explain`]). The commands that run them live
//! in `crate::cmd`.

pub mod errno;
pub mod experiments;
pub mod explain;
pub mod report;
