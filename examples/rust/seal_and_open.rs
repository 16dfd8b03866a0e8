//! Seal a message for a recipient's password and the sender's own key, then
//! open it with either.
//!
//! ```sh
//! cargo run -p kluis-examples --bin seal_and_open
//! ```

use kluis_core::{Key, Metadata, OpenLimits, SealOptions, Secret, open_bytes, seal_bytes};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The recipient's password travels out of band; the sender keeps a key
    // of their own so they can open what they sent.
    let password = Secret::password("bak-vlieger-tegel-6");
    let sender_key = Secret::Key(Key::generate()?);

    let options = SealOptions::default().with_metadata(&Metadata::named("besluit.txt").with_size(26))?;
    let envelope = seal_bytes(b"Uw aanvraag is toegekend.\n", &[password.clone(), sender_key.clone()], &options)?;
    println!("sealed 26 bytes into an envelope of {} bytes", envelope.len());

    for (who, secret) in [("recipient", &password), ("sender", &sender_key)] {
        let (plaintext, metadata) = open_bytes(&envelope, secret, &OpenLimits::default())?;
        let name = metadata.and_then(|m| m.name).unwrap_or_default();
        println!("{who} opened {name}: {}", String::from_utf8_lossy(&plaintext).trim_end());
    }

    // Anything else is refused, with a reason.
    match open_bytes(&envelope, &Secret::password("raden maar"), &OpenLimits::default()) {
        Err(err) => println!("a wrong password is refused: {err}"),
        Ok(_) => return Err("a wrong password opened the envelope".into()),
    }
    Ok(())
}
