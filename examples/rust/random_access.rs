//! Read a range from the middle of an envelope without decrypting the rest:
//! `Opener` implements `Seek` over any seekable source.
//!
//! ```sh
//! cargo run -p kluis-examples --bin random_access
//! ```

use std::io::{Cursor, Read, Seek, SeekFrom};

use kluis_core::{Key, OpenLimits, Opener, SealOptions, Secret, seal_bytes};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let key = Secret::Key(Key::generate()?);
    let text: Vec<u8> = (0..200_000u32).flat_map(|i| format!("regel {i}\n").into_bytes()).collect();
    let envelope = seal_bytes(&text, std::slice::from_ref(&key), &SealOptions::default())?;

    let mut opener = Opener::new(Cursor::new(envelope), &key, &OpenLimits::default())?;
    println!("plaintext length from the layout alone: {} bytes", opener.plaintext_len()?);

    let offset = text.len() as u64 / 2;
    opener.seek(SeekFrom::Start(offset))?;
    let mut range = [0u8; 40];
    opener.read_exact(&mut range)?;
    println!("40 bytes at {offset}: {:?}", String::from_utf8_lossy(&range));
    assert_eq!(&range[..], &text[offset as usize..offset as usize + 40]);
    Ok(())
}
