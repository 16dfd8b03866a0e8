//! The server on PostgreSQL: runs when `KLUIS_TEST_POSTGRES_URL` names a
//! database (e.g. `postgres://postgres@127.0.0.1:5432/kluis_test`); without
//! it the test says so and returns. Ids and addresses are fresh per run, so
//! the database can be reused.

use crate::common::*;
use crate::web_common::{concurrent_replies, send_with_ids};
use reqwest::StatusCode;
use reqwest::header::RANGE;
use serde_json::{Value, json};

/// Held by each server test for its whole run: they share one database,
/// whose rate counters (per client IP: all of them are 127.0.0.1) would mix
/// their requests. (Servers migrating one database at once are fine: the
/// last test below.)
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn random_id() -> Res<String> {
    let alphabet = b"abcdefghijklmnopqrstuvwxyz234567";
    let token = kluis_server::secrets::token()?;
    let mut id: String = token.bytes().take(25).map(|b| alphabet[usize::from(b) % 32] as char).collect();
    id.push('a');
    Ok(id)
}

#[tokio::test]
async fn whole_flow_on_postgres() -> Res {
    let Ok(url) = std::env::var("KLUIS_TEST_POSTGRES_URL") else {
        eprintln!("KLUIS_TEST_POSTGRES_URL is not set: the PostgreSQL test is skipped");
        return Ok(());
    };
    let _one = ONE_AT_A_TIME.lock().await;
    let dir = tempfile::tempdir()?;
    let limits = "[limits]\nverify_per_address = 2\nmax_transfer_bytes = 100000\nsender_quota_bytes = 100000";
    let mut cfg = config(dir.path(), &format!("{limits}\n[purge]\ninterval_secs = 1"))?;
    cfg.database.url = url.clone();
    let s = TestServer::start_with(cfg.clone()).await?;
    let http = client();
    let sender = format!("{}@example.org", random_id()?);
    let token = s.token(&http, &sender).await?;
    assert_eq!(s.request_code(&http, &sender).await?.status(), StatusCode::ACCEPTED);
    assert_eq!(s.request_code(&http, &sender).await?.status(), StatusCode::ACCEPTED, "pending: not mailed again");
    assert_eq!(s.mails_to(&sender)?.len(), 2);
    let code = s.latest_code(&sender)?;
    assert_eq!(s.confirm(&http, &sender, &code).await?.status(), StatusCode::OK);
    assert_eq!(s.request_code(&http, &sender).await?.status(), StatusCode::TOO_MANY_REQUESTS);

    let t = random_id()?;
    let blob = random_id()?;
    let data = bytes(50_000, 5);
    let mut ann = announcement(&t, &sender, &[("manifest", 10), (&blob, data.len())], 3600);
    ann["download_limit"] = json!(1);
    let r = http.post(s.url("/api/v1/transfers")).bearer_auth(&token).json(&ann).send().await?;
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = http.post(s.url("/api/v1/transfers")).bearer_auth(&token).json(&ann).send().await?;
    assert_eq!(r.status(), StatusCode::OK);
    // The sender quota sums the sender's transfers (50010 bytes held).
    let more = announcement(&random_id()?, &sender, &[("manifest", 60_000)], 3600);
    let r = http.post(s.url("/api/v1/transfers")).bearer_auth(&token).json(&more).send().await?;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.json::<Value>().await?["error"], "quota_exceeded");
    upload(&http, &s, &token, &t, "manifest", &bytes(10, 1)).await?;
    let put = s.url(&format!("/api/v1/transfers/{t}/blobs/{blob}?offset=0"));
    http.put(&put).bearer_auth(&token).body(data[..20_000].to_vec()).send().await?;
    let r = http.put(&put).bearer_auth(&token).body(data.clone()).send().await?;
    assert_eq!(r.status(), StatusCode::CONFLICT);

    // A restart on the same database keeps token, transfer and partial blob.
    s.stop().await?;
    let s = TestServer::start_with(cfg).await?;
    let r = http
        .put(s.url(&format!("/api/v1/transfers/{t}/blobs/{blob}?offset=20000")))
        .bearer_auth(&token)
        .body(data[20_000..].to_vec())
        .send()
        .await?;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(finish_blob(&http, &s, &token, &t, &blob, data.len()).await?, StatusCode::NO_CONTENT);
    assert_eq!(finish_transfer(&http, &s, &token, &t, &ann["expires_at"]).await?, StatusCode::OK);

    let manifest = s.url(&format!("/api/v1/transfers/{t}/blobs/manifest"));
    assert_eq!(http.get(&manifest).send().await?.status(), StatusCode::OK);
    assert_eq!(http.get(&manifest).send().await?.status(), StatusCode::GONE, "download limit 1");
    let r =
        http.get(s.url(&format!("/api/v1/transfers/{t}/blobs/{blob}"))).header(RANGE, "bytes=49990-").send().await?;
    assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(r.bytes().await?.as_ref(), &data[49_990..]);
    let info = http.get(s.url(&format!("/api/v1/transfers/{t}"))).send().await?;
    assert_eq!(info.status(), StatusCode::GONE);

    // The sender's download notice is sent in the background.
    for _ in 0..100 {
        if s.db
            .audit_events(&t.parse::<kluis_transfer::TransferId>()?)
            .await?
            .iter()
            .filter(|e| *e == "notified")
            .count()
            == 2
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let r = http.delete(s.url(&format!("/api/v1/transfers/{t}"))).bearer_auth(&token).send().await?;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let events: Vec<String> = s.db.audit_events(&t.parse::<kluis_transfer::TransferId>()?).await?;
    assert_eq!(events, ["created", "uploaded", "uploaded", "notified", "downloaded", "notified", "purged"]);
    let health: Value = http.get(s.url("/health")).send().await?.json().await?;
    assert_eq!(health["status"], "ok");
    s.stop().await
}

/// Reply requests at the same moment on PostgreSQL (several connections,
/// READ COMMITTED): exactly the per-transfer limit is granted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_replies_stop_at_the_limit_on_postgres() -> Res {
    let Ok(url) = std::env::var("KLUIS_TEST_POSTGRES_URL") else {
        eprintln!("KLUIS_TEST_POSTGRES_URL is not set: the PostgreSQL reply test is skipped");
        return Ok(());
    };
    let _one = ONE_AT_A_TIME.lock().await;
    let dir = tempfile::tempdir()?;
    let mut cfg = config(dir.path(), "[replies]\nper_transfer = 3\n[limits]\nverify_per_ip = 1000")?;
    cfg.database.url = url;
    let s = TestServer::start_with(cfg).await?;
    let http = client();
    let sender = format!("{}@example.org", random_id()?);
    let token = s.token(&http, &sender).await?;
    for round in 0..3 {
        let t = random_id()?;
        send_with_ids(&http, &s, &token, (&t, &random_id()?), &sender, &["bob@example.org"], json!({})).await?;
        assert_eq!(concurrent_replies(&http, &s, &t, 24).await?, 3, "round {round}");
    }
    s.stop().await
}

#[tokio::test]
async fn servers_starting_at_once_on_an_empty_database_migrate_one_after_the_other() -> Res {
    let Ok(url) = std::env::var("KLUIS_TEST_POSTGRES_URL") else {
        eprintln!("KLUIS_TEST_POSTGRES_URL is not set: the PostgreSQL test is skipped");
        return Ok(());
    };
    let admin = sqlx::PgPool::connect(&url).await?;
    // Three rounds, each on an empty database of its own, six servers' worth
    // of connections migrating it at the same moment.
    for round in 0..3 {
        let name = format!("kluis_migrate_{}", random_id()?);
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&admin).await?;
        let mut fresh = reqwest::Url::parse(&url)?;
        fresh.set_path(&format!("/{name}"));
        let starts: Vec<_> = (0..6)
            .map(|_| {
                let fresh = fresh.to_string();
                tokio::spawn(async move { kluis_server::db::Db::connect(&fresh).await })
            })
            .collect();
        let mut dbs = Vec::new();
        for start in starts {
            dbs.push(start.await?.map_err(|e| format!("round {round}: a server could not start: {e}"))?);
        }
        for db in &dbs {
            db.ping().await?;
        }
        let check = sqlx::PgPool::connect(fresh.as_str()).await?;
        let versions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM schema_migrations").fetch_one(&check).await?;
        assert_eq!(versions, 5, "round {round}: each version applied once");
        check.close().await;
        for db in dbs {
            db.close().await;
        }
        sqlx::query(&format!("DROP DATABASE {name}")).execute(&admin).await?;
    }
    admin.close().await;
    Ok(())
}
