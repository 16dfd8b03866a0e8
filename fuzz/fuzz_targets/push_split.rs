//! The same envelope fed in arbitrary splits: a valid envelope (built once)
//! with fuzzer-chosen mutations, given to `PushOpener` in fuzzer-chosen
//! pieces and to the streaming `Opener` through a reader making
//! fuzzer-chosen short reads with fuzzer-chosen buffer sizes.
//!
//! Checks: every way of splitting releases the same bytes and ends with the
//! same result (the same metadata, or the same error kind and message) as
//! `open_bytes` on the whole; an unmutated envelope opens to its plaintext;
//! whatever is released is a prefix of the sealed plaintext; errors are
//! final.
#![no_main]

use kluis_core::OpenLimits;
use kluis_fuzz::{Bytes, check_splits, fixtures, key, mutate, sealed_plaintext};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut r = Bytes::new(data);
    let which = usize::from(r.u8()) % fixtures().len();
    let fx = &fixtures()[which];
    let mut envelope = fx.envelope.clone();
    let intact = mutate(&mut envelope, which, &mut r);
    let outcome = check_splits(&envelope, &key(), &OpenLimits::default(), r.rest());
    if intact {
        assert_eq!(outcome.result, Ok(fx.metadata.clone()));
    }
    assert!(sealed_plaintext(&envelope).starts_with(&outcome.released), "released bytes that were not sealed");
});
