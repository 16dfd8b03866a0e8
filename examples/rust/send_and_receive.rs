//! Send two files and a confidential message as one transfer into a folder
//! store, then receive them as the recipient would.
//!
//! ```sh
//! cargo run -p kluis-examples --bin send_and_receive
//! ```

use std::time::Duration;

use kluis_transfer::{
    DirectoryTransport, FileSource, Link, NoProgress, PasswordStyle, ReceiveOptions, SendOptions, TransferRequest,
    generate_password, open_transfer, send_transfer,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let store = DirectoryTransport::open(dir.path().join("store"))?;

    // The sender: a generated password, told to the recipient by phone.
    let password = generate_password(PasswordStyle::Characters)?;
    let request = TransferRequest {
        from: "ambtenaar@gemeente.example".into(),
        to: vec!["burger@example.nl".into()],
        subject: "Uw aanvraag".into(),
        message: Some("In de bijlagen vindt u het besluit.".into()),
        files: vec![
            FileSource::bytes("besluit.txt", b"Toegekend.\n".to_vec()),
            FileSource::bytes("bijlage.csv", b"regel;bedrag\n1;100\n".to_vec()),
        ],
        expires_in: Duration::from_secs(7 * 24 * 3600),
        password: password.clone(),
        allow_weak_password: false,
    };
    let sent = send_transfer(&store, request, &SendOptions::default(), &NoProgress)?;
    let link = Link::directory(store.root(), sent.id)?;
    println!("link for the mail: {link}");

    // The recipient: the link from the mail, the password from the phone.
    let link = Link::parse(&link.to_string())?;
    let opened = open_transfer(&store, &link.transfer(), &password, &ReceiveOptions::default())?;
    let info = opened.info();
    println!("from {}: {:?}, message {:?}", info.from, info.subject, info.message);
    let out = dir.path().join("received");
    std::fs::create_dir(&out)?;
    for i in 0..info.files.len() {
        let path = opened.download_file(&store, i, &out, false, &NoProgress)?;
        println!("saved {}", path.display());
    }
    Ok(())
}
