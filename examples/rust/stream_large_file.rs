//! Seal and open a file of any size in constant memory with the streaming
//! `Sealer` (`Write`) and `Opener` (`Read`), in pieces of 100 KiB. The size
//! in MiB is the first argument (default 64).
//!
//! ```sh
//! cargo run --release -p kluis-examples --bin stream_large_file -- 1024
//! ```

use std::fs::File;
use std::io::{BufReader, Read, Write};
use std::time::Instant;

use kluis_core::{Key, OpenLimits, Opener, SealOptions, Sealer, Secret};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mib: usize = std::env::args().nth(1).map(|a| a.parse()).transpose()?.unwrap_or(64);
    let size = mib << 20;
    let dir = tempfile::tempdir()?;
    let sealed_path = dir.path().join("large.kluis");
    let key = Secret::Key(Key::generate()?);

    let started = Instant::now();
    let mut sealer = Sealer::new(File::create(&sealed_path)?, std::slice::from_ref(&key), &SealOptions::default())?;
    let mut piece = vec![0u8; 100 * 1024];
    let mut written = 0usize;
    while written < size {
        let n = piece.len().min(size - written);
        let fill = (written / n) as u8;
        piece[..n].fill(fill);
        sealer.write_all(&piece[..n])?;
        written += n;
    }
    sealer.finish()?.sync_all()?;
    println!("sealed {mib} MiB in {:.2?}", started.elapsed());

    let started = Instant::now();
    let mut opener = Opener::new(BufReader::new(File::open(&sealed_path)?), &key, &OpenLimits::default())?;
    let mut read = 0usize;
    loop {
        let n = opener.read(&mut piece)?;
        if n == 0 {
            break;
        }
        read += n;
    }
    println!("opened {} MiB in {:.2?} (every chunk authenticated)", read >> 20, started.elapsed());
    assert_eq!(read, size);
    Ok(())
}
