//! Link parsing (`Link::parse`, and `TransferId` parsing inside it).
//!
//! Checks: no panic; a link never carries anything but where the transfer
//! is and its id (no query, fragment or credentials survive); an accepted
//! link prints to a text that parses back to the same link, and printing
//! is stable; the constructors agree with the parser.
#![no_main]

use kluis_transfer::{Link, TransferId};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = TransferId::parse(text).map(|id| assert_eq!(id.to_string(), text, "an id has one text form"));
    let link = match Link::parse(text) {
        Ok(link) => link,
        Err(e) => {
            assert!(!e.to_string().is_empty());
            return;
        }
    };
    let printed = link.to_string();
    assert!(!printed.contains(['?', '#', ' ']) && !printed.chars().any(char::is_control), "{printed:?}");
    let id = link.transfer();
    assert!(printed.ends_with(&format!("/{id}")), "{printed:?} does not end in its id");
    let again = Link::parse(&printed).unwrap_or_else(|e| panic!("{text:?} printed as {printed:?}, which is refused: {e}"));
    assert_eq!(again, link, "{text:?} printed as {printed:?}, which parses to another link");
    assert_eq!(again.to_string(), printed, "printing is not stable");
    match &link {
        Link::Directory { store, .. } => {
            assert!(store.is_absolute());
            assert!(!store.components().any(|c| matches!(c, std::path::Component::ParentDir | std::path::Component::CurDir)));
            #[cfg(unix)]
            assert_eq!(Link::directory(store, id).as_ref(), Ok(&link), "Link::directory disagrees with the parser");
        }
        Link::Server { base, .. } => {
            let authority = base.split_once("://").map(|(_, r)| r.split('/').next().unwrap_or("")).unwrap_or("");
            assert!(!authority.contains('@'), "credentials in {base:?}");
            assert!(base.starts_with("https://") || base.starts_with("http://"));
            assert_eq!(Link::server(base, id).as_ref(), Ok(&link), "Link::server disagrees with the parser");
        }
    }
});
