//! # kluis-bindgen: binding generators for kluis-ffi
//!
//! With the `cli` feature, [`csharp`] generates C# bindings (C# 6, for .NET
//! Framework 4.8, .NET 8+, Unity and Mono) from a compiled uniffi library.
//! The `uniffi-bindgen` binary of this crate generates the Python and Kotlin
//! bindings with uniffi's own generators.

#[cfg(feature = "cli")]
pub mod csharp;
