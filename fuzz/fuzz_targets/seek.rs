//! Random access on valid envelopes (built once) after fuzzer-chosen
//! mutations: bit flips, cuts, removed, duplicated and swapped chunks,
//! inserted and appended bytes, ranges spliced from another envelope.
//!
//! Input: fixture selector, mutations, then a seek/read script. Checks:
//! every byte the seekable `Opener` releases is the byte sealed at that
//! position; an unmutated envelope reads back whole from any position; the
//! seekable path and the one-pass path accept and refuse the same envelopes.
#![no_main]

use kluis_core::OpenLimits;
use kluis_fuzz::{Bytes, check_random_access, fixtures, key, mutate, reference, sealed_plaintext};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut r = Bytes::new(data);
    let which = usize::from(r.u8()) % fixtures().len();
    let fx = &fixtures()[which];
    let mut envelope = fx.envelope.clone();
    let intact = mutate(&mut envelope, which, &mut r);
    let secret = key();
    let limits = OpenLimits::default();
    let one_pass = reference(&envelope, &secret, &limits);
    if intact {
        assert_eq!(one_pass.result, Ok(fx.metadata.clone()));
        assert!(one_pass.released == fx.plaintext);
    }
    let truth = sealed_plaintext(&envelope);
    assert!(truth.starts_with(&one_pass.released), "released bytes that were not sealed");
    check_random_access(&envelope, &secret, &limits, &mut r, Some(truth), &one_pass);
});
