//! `uniffi-bindgen`: generates the Python and Kotlin bindings of kluis-ffi
//! from the compiled library, with the exact uniffi version kluis-ffi links.
//!
//! ```text
//! cargo run -p kluis-bindgen --features cli --bin uniffi-bindgen -- \
//!     generate --no-format --language kotlin --out-dir OUT target/release/libkluis_ffi.so
//! ```

fn main() {
    uniffi::uniffi_bindgen_main()
}
