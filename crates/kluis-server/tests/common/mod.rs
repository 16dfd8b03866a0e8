//! A server started in-process on 127.0.0.1:0 with mail written to a folder,
//! and helpers to drive its API.
#![allow(dead_code, unreachable_pub, missing_docs)]

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use kluis_server::Server;
use kluis_server::config::Config;
use reqwest::StatusCode;
use serde_json::{Value, json};

pub type Res<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

pub struct TestServer {
    pub base: String,
    pub mails: PathBuf,
    pub db: kluis_server::db::Db,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<Result<(), kluis_server::ServerError>>>,
}

pub fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

/// The configuration of a test server keeping everything in `dir`.
pub fn config(dir: &Path, extra: &str) -> Res<Config> {
    let text = format!(
        "listen = \"127.0.0.1:0\"\n{extra}\n[database]\nurl = \"sqlite://{db}\"\n[storage]\nkind = \"fs\"\npath = \"{blobs}\"\n[maildir]\npath = \"{mails}\"\nfrom = \"kluis@example.org\"\n",
        db = dir.join("kluis.db").display(),
        blobs = dir.join("blobs").display(),
        mails = dir.join("mails").display(),
    );
    Ok(Config::from_parts(&text, [])?)
}

impl TestServer {
    pub async fn start(dir: &Path) -> Res<Self> {
        Self::start_with(config(dir, "")?).await
    }

    pub async fn start_with(config: Config) -> Res<Self> {
        let mails = config.maildir.as_ref().map(|m| m.path.clone()).ok_or("no maildir")?;
        let server = Server::bind(config).await?;
        let base = format!("http://{}", server.local_addr());
        let db = server.db();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(server.run(async move {
            let _ = rx.await;
        }));
        Ok(TestServer { base, mails, db, shutdown: Some(tx), task: Some(task) })
    }

    /// Stops gracefully and waits for the server to end.
    pub async fn stop(mut self) -> Res {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.await??;
        }
        Ok(())
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The mails to `address`, oldest first.
    pub fn mails_to(&self, address: &str) -> Res<Vec<String>> {
        let mut found: Vec<(SystemTime, String)> = Vec::new();
        let Ok(entries) = std::fs::read_dir(&self.mails) else {
            return Ok(Vec::new());
        };
        for entry in entries {
            let entry = entry?;
            let text = std::fs::read_to_string(entry.path())?;
            let to = text.lines().find(|l| l.starts_with("To: ")).unwrap_or_default().to_string();
            if to.contains(address) {
                found.push((entry.metadata()?.modified()?, text));
            }
        }
        found.sort_by_key(|(t, _)| *t);
        Ok(found.into_iter().map(|(_, t)| t).collect())
    }

    /// The code of the latest code mail to `address`.
    pub fn latest_code(&self, address: &str) -> Res<String> {
        let mails = self.mails_to(address)?;
        let mail = mails.last().ok_or("no mail")?;
        let at = mail.find("code is ").ok_or("no code in the mail")? + "code is ".len();
        Ok(mail[at..at + 8].to_string())
    }

    pub async fn request_code(&self, http: &reqwest::Client, address: &str) -> Res<reqwest::Response> {
        Ok(http.post(self.url("/api/v1/verify")).json(&json!({ "address": address })).send().await?)
    }

    pub async fn confirm(&self, http: &reqwest::Client, address: &str, code: &str) -> Res<reqwest::Response> {
        Ok(http
            .post(self.url("/api/v1/verify/confirm"))
            .json(&json!({ "address": address, "code": code }))
            .send()
            .await?)
    }

    /// Verifies `address` and returns a token.
    pub async fn token(&self, http: &reqwest::Client, address: &str) -> Res<String> {
        let r = self.request_code(http, address).await?;
        assert_eq!(r.status(), StatusCode::ACCEPTED);
        let code = self.latest_code(address)?;
        let r = self.confirm(http, address, &code).await?;
        assert_eq!(r.status(), StatusCode::OK);
        let body: Value = r.json().await?;
        Ok(body["token"].as_str().ok_or("no token")?.to_string())
    }
}

/// A transfer id (26 lower-case base32 characters) from a small number.
pub fn id(n: u8) -> String {
    let alphabet = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut s: String = (0..25).map(|i| alphabet[(usize::from(n) * 7 + i * 3) % 32] as char).collect();
    s.push('a');
    s
}

pub fn announcement(id: &str, sender: &str, blobs: &[(&str, usize)], expires_in: u64) -> Value {
    let now = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    json!({
        "id": id,
        "sender": sender,
        "recipients": ["bob@example.org"],
        "expires_at": now + expires_in,
        "blobs": blobs.iter().map(|(name, size)| json!({"name": name, "size": size})).collect::<Vec<_>>(),
    })
}

pub fn bytes(len: usize, seed: u8) -> Vec<u8> {
    (0..len).map(|i| (i as u8).wrapping_mul(13).wrapping_add(seed)).collect()
}

/// Uploads `data` as `blob` in one request and finishes the blob.
pub async fn upload(http: &reqwest::Client, s: &TestServer, token: &str, id: &str, blob: &str, data: &[u8]) -> Res {
    let r = http
        .put(s.url(&format!("/api/v1/transfers/{id}/blobs/{blob}?offset=0")))
        .bearer_auth(token)
        .body(data.to_vec())
        .send()
        .await?;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await?);
    assert_eq!(finish_blob(http, s, token, id, blob, data.len()).await?, StatusCode::NO_CONTENT);
    Ok(())
}

/// `POST .../blobs/{blob}/finish` with `size`; returns the answer's status.
pub async fn finish_blob(
    http: &reqwest::Client,
    s: &TestServer,
    token: &str,
    id: &str,
    blob: &str,
    size: usize,
) -> Res<StatusCode> {
    let url = s.url(&format!("/api/v1/transfers/{id}/blobs/{blob}/finish"));
    Ok(http.post(url).bearer_auth(token).json(&json!({ "size": size })).send().await?.status())
}

/// `POST .../finish` with the announcement's `expires_at`; returns the status.
pub async fn finish_transfer(
    http: &reqwest::Client,
    s: &TestServer,
    token: &str,
    id: &str,
    expires_at: &Value,
) -> Res<StatusCode> {
    let url = s.url(&format!("/api/v1/transfers/{id}/finish"));
    Ok(http.post(url).bearer_auth(token).json(&json!({ "expires_at": expires_at })).send().await?.status())
}

pub async fn wait_for(mut check: impl FnMut() -> bool, what: &str) -> Res {
    for _ in 0..100 {
        if check() {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(format!("timed out waiting for {what}").into())
}
