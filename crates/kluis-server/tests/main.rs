//! The server's integration tests, in one test binary (`cargo test -p
//! kluis-server --test server`; one module per area, e.g. `-- api::`).
//!
//! One binary instead of one per file: each linked the server, reqwest and
//! tokio again (about 20 s of compiling each, ten times over in every test
//! build); together they build once. `cargo test` still runs them two at a
//! time, as it did each file's.

mod common;
mod web_common;

mod api;
mod client_cli;
mod client_http;
mod connections;
mod limits;
mod outlook;
mod postgres;
mod s3_store;
mod web_mails;
mod web_pages;
mod web_reply;
