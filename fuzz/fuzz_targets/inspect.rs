//! Header parsing (`header::parse` is internal; it is reached through the
//! public `inspect_bytes` and `inspect`).
//!
//! Checks: no panic; the slice parser and the reader-based parser (whole
//! reader and one byte per read) agree; an accepted header respects every
//! structural limit of FORMAT.md §11, re-parses identically from exactly its
//! own bytes, and is refused as cut short one byte earlier.
#![no_main]

use std::io::Read;

use kluis_core::{EnvelopeInfo, OpenError, SlotInfo, inspect, inspect_bytes};
use kluis_fuzz::sig;
use libfuzzer_sys::fuzz_target;

/// A reader handing out one byte per call.
struct OneByte<'a>(&'a [u8]);

impl Read for OneByte<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        match (self.0.split_first(), out.first_mut()) {
            (Some((b, rest)), Some(o)) => {
                *o = *b;
                self.0 = rest;
                Ok(1)
            }
            _ => Ok(0),
        }
    }
}

fn same(a: &Result<EnvelopeInfo, OpenError>, b: &Result<EnvelopeInfo, OpenError>, what: &str) {
    match (a, b) {
        (Ok(x), Ok(y)) => assert_eq!(x, y, "{what}"),
        (Err(x), Err(y)) => assert_eq!(sig(x), sig(y), "{what}"),
        _ => panic!("{what}: {:?} vs {:?}", a.as_ref().map(|_| ()), b.as_ref().map(|_| ())),
    }
}

fuzz_target!(|data: &[u8]| {
    let parsed = inspect_bytes(data);
    same(&parsed, &inspect(data), "inspect_bytes vs inspect(slice)");
    same(&parsed, &inspect(OneByte(data)), "inspect_bytes vs inspect(one byte per read)");
    if let Ok(info) = &parsed {
        assert_eq!(info.version, 1);
        assert!(info.chunk_size.is_power_of_two() && (4096..=1 << 24).contains(&info.chunk_size));
        assert!((1..=16).contains(&info.slots.len()));
        let passwords = info.slots.iter().filter(|s| matches!(s, SlotInfo::Password(_))).count();
        assert!(passwords <= 4);
        assert!(info.metadata_len == 0 || (16..=65_552).contains(&info.metadata_len));
        let len = info.header_len as usize;
        assert!(len <= data.len());
        same(&parsed, &inspect_bytes(&data[..len]), "header alone");
        match inspect_bytes(&data[..len - 1]) {
            Err(OpenError::MalformedHeader { reason: "cut short", .. }) => {}
            other => panic!("a header less its last byte gave {other:?}"),
        }
    }
});
