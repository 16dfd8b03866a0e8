//! The `kluis` command against the real server, in-process on 127.0.0.1:0:
//! verify (code by --request-only/--code and by standard input), send with
//! the stored token, receive from the server's link, the refusals.
//!
//! The `kluis` binary is built by `cargo build -p kluis-cli` (a no-op when
//! it is up to date) and taken from this test's target folder.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use crate::common::{Res, TestServer};
use serde_json::Value;

const ANN: &str = "ann@example.org";
const BOB: &str = "bob@example.org";
const PW_VAR: &str = "KLUIS_TEST_TRANSFER_PASSWORD";
const PASSWORD: &str = "k7mq-3xpz-h9wd-2rtf-bn4c-e8ya";
const FAST: &str = "m=1024,t=1,p=1";

/// The `kluis` binary of this workspace: `$KLUIS_BIN` when set (the test
/// command's shared build, scripts/lib/artifacts.sh), else built once per
/// test run.
fn kluis_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(given) = std::env::var_os("KLUIS_BIN").filter(|p| !p.is_empty()) {
            let bin = PathBuf::from(given);
            assert!(bin.is_file(), "KLUIS_BIN={} is missing", bin.display());
            return bin;
        }
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let status = Command::new(cargo)
            .args(["build", "--quiet", "-p", "kluis-cli", "--bin", "kluis"])
            .current_dir(&root)
            .status()
            .expect("cargo runs");
        assert!(status.success(), "cargo build -p kluis-cli failed");
        // target/<profile>/deps/client_cli-… → target/<profile>/kluis
        let exe = std::env::current_exe().expect("test path");
        let dir = exe.parent().and_then(Path::parent).expect("target folder");
        let bin = dir.join(format!("kluis{}", std::env::consts::EXE_SUFFIX));
        assert!(bin.is_file(), "{} is missing", bin.display());
        bin
    })
}

struct Env {
    server: Option<TestServer>,
    runtime: tokio::runtime::Runtime,
    dir: tempfile::TempDir,
}

impl Drop for Env {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            let _ = self.runtime.block_on(server.stop());
        }
    }
}

impl Env {
    fn start() -> Res<Env> {
        let dir = tempfile::tempdir()?;
        let runtime = tokio::runtime::Runtime::new()?;
        std::fs::create_dir_all(dir.path().join("server"))?;
        let server = runtime.block_on(TestServer::start(&dir.path().join("server")))?;
        std::fs::create_dir_all(dir.path().join("work"))?;
        Ok(Env { server: Some(server), runtime, dir })
    }

    fn s(&self) -> &TestServer {
        self.server.as_ref().expect("running")
    }

    fn work(&self) -> PathBuf {
        self.dir.path().join("work")
    }

    fn config(&self) -> PathBuf {
        self.dir.path().join("config")
    }

    fn kluis(&self, args: &[&str]) -> Command {
        let mut command = Command::new(kluis_bin());
        command.args(args).current_dir(self.work()).env("KLUIS_CONFIG_DIR", self.config()).stdin(Stdio::null());
        for var in ["KLUIS_FROM", "EMAIL", PW_VAR] {
            command.env_remove(var);
        }
        command
    }
}

fn run<C: std::borrow::BorrowMut<Command>>(mut command: C) -> Res<Output> {
    Ok(command.borrow_mut().output()?)
}

fn code_of(out: &Output) -> Option<i32> {
    out.status.code()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn verify_send_receive() -> Res {
    let env = Env::start()?;
    let base = env.s().base.clone();

    // Scripts: request a code, then confirm it.
    let out = run(env.kluis(&["verify", ANN, "--server", &base, "--request-only"]))?;
    assert_eq!(code_of(&out), Some(0), "{}", stderr(&out));
    let code = env.s().latest_code(ANN)?;
    let wrong = if code == "00000000" { "11111111" } else { "00000000" };
    let out = run(env.kluis(&["verify", ANN, "--server", &base, "--code", wrong]))?;
    assert_eq!(code_of(&out), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("the server refused the code"), "{}", stderr(&out));
    assert!(!env.config().join("tokens.json").exists());

    // Interactive use: the code on standard input. The code mailed above is
    // still pending (one wrong attempt of five), so the server mails no new
    // one and the prompt takes the code already in the mailbox.
    let mails_before = env.s().mails_to(ANN)?.len();
    let mut child =
        env.kluis(&["verify", ANN, "--server", &base]).stdin(Stdio::piped()).stderr(Stdio::piped()).spawn()?;
    child.stdin.take().ok_or("stdin")?.write_all(format!("{code}\n").as_bytes())?;
    let out = child.wait_with_output()?;
    assert_eq!(code_of(&out), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("a code was mailed to"), "{}", stderr(&out));
    assert_eq!(env.s().mails_to(ANN)?.len(), mails_before, "a pending code is not mailed again");
    let tokens = env.config().join("tokens.json");
    let stored: Value = serde_json::from_slice(&std::fs::read(&tokens)?)?;
    assert_eq!(stored["tokens"][0]["address"], ANN);
    assert_eq!(stored["tokens"][0]["server"], base.as_str());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&tokens)?.permissions().mode() & 0o777, 0o600);
    }

    // Send with the stored token.
    let work = env.work();
    std::fs::write(work.join("offer.txt"), b"EUR 100")?;
    std::fs::write(work.join("prices.csv"), vec![7u8; 300_000])?;
    let out = run(env
        .kluis(&[
            "send",
            "offer.txt",
            "prices.csv",
            "--to",
            BOB,
            "--from",
            ANN,
            "--server",
            &base,
            "--subject",
            "Offer",
            "--argon2",
            FAST,
            "--password-env",
            PW_VAR,
            "--download-limit",
            "5",
            "--json",
        ])
        .env(PW_VAR, PASSWORD))?;
    assert_eq!(code_of(&out), Some(0), "{}", stderr(&out));
    let sent: Value = serde_json::from_slice(&out.stdout)?;
    let link = sent["link"].as_str().ok_or("no link")?.to_owned();
    assert!(link.starts_with(&format!("{base}/t/")), "{link}");
    assert_eq!(sent["server"], base.as_str());
    assert_eq!(sent["store"], Value::Null);
    // The server mailed the link, without the subject or names (no --notify-names).
    let notice = env.s().mails_to(BOB)?.pop().ok_or("no notice")?;
    assert!(notice.contains(&link) && !notice.contains("offer.txt") && !notice.contains("Offer"), "{notice}");

    // Receive from the link.
    let out = run(env.kluis(&["receive", &link, "-o", "got", "--password-env", PW_VAR]).env(PW_VAR, PASSWORD))?;
    assert_eq!(code_of(&out), Some(0), "{}", stderr(&out));
    assert_eq!(std::fs::read(work.join("got/offer.txt"))?, b"EUR 100");
    assert_eq!(std::fs::read(work.join("got/prices.csv"))?, vec![7u8; 300_000]);

    // A wrong password is still refused, and nothing is saved.
    let out = run(env
        .kluis(&["receive", &link, "-o", "wrong", "--password-env", PW_VAR])
        .env(PW_VAR, "another-password-entirely-9"))?;
    assert_eq!(code_of(&out), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("refused: wrong password"), "{}", stderr(&out));
    assert!(!work.join("wrong/offer.txt").exists());

    // A sender without a token is told how to get one (usage, exit 2).
    let out = run(env
        .kluis(&["send", "offer.txt", "--to", BOB, "--from", "carol@example.org", "--server", &base])
        .env(PW_VAR, PASSWORD))?;
    assert_eq!(code_of(&out), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("kluis verify carol@example.org --server"), "{}", stderr(&out));

    // Plain http to a host other than loopback is refused, before any request.
    let id = link.rsplit('/').next().ok_or("no id")?;
    let out = run(env.kluis(&["receive", &format!("http://kluis.example.org/t/{id}"), "--password-env", PW_VAR]))?;
    assert_eq!(code_of(&out), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("use https"), "{}", stderr(&out));
    let out = run(env.kluis(&["verify", ANN, "--server", "http://kluis.example.org"]))?;
    assert_eq!(code_of(&out), Some(2), "{}", stderr(&out));
    let out = run(env.kluis(&["send", "offer.txt", "--to", BOB, "--from", ANN, "--server", "http://192.0.2.1"]))?;
    assert_eq!(code_of(&out), Some(2), "{}", stderr(&out));
    Ok(())
}
