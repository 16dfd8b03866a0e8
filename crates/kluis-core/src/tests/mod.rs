//! Tests that need the crate's internals: the published vectors with every
//! intermediate value, the project's own vectors and the malformed-envelope
//! kit (both regenerated here byte for byte and compared with `docs/`).

mod chunks;
mod kit;
pub(crate) mod support;
mod vectors;
