//! Evidence on ratings: uploads checked by content and size, links, who may download, and
//! verification by the manager.

use crate::helpers::*;
use app::domain::assess::{NodeHistory, ReviewItem, SkillsPage};
use app::server::Settings;
use axum::http::{header, StatusCode};

const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

fn pdf(len: usize) -> Vec<u8> {
    let mut v = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    v.resize(len, b' ');
    v
}

async fn app_with_uploads(max: u64) -> (TestApp, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::demo_unrated_with(Settings {
        upload_dir: dir.path().to_path_buf(),
        upload_max_bytes: max,
        ..Settings::default()
    })
    .await;
    (app, dir)
}

async fn upload(
    app: &TestApp,
    cookie: Option<&str>,
    rating: &str,
    name: &str,
    bytes: &[u8],
    html: bool,
) -> Res {
    app.post_multipart(
        "/evidence/upload",
        &[("rating", rating)],
        (name, bytes),
        html,
        "/skills/history?node=1",
        cookie,
    )
    .await
}

#[tokio::test]
async fn uploads_are_checked_by_content_and_stored_under_generated_names() {
    let (app, dir) = app_with_uploads(10 * 1024).await;
    let (rating, liam) = app.self_rating_on_testing().await;

    upload(&app, Some(&liam), &rating, "certificate.png", PNG, false)
        .await
        .expect_status(StatusCode::OK, "upload");
    upload(
        &app,
        Some(&liam),
        &rating,
        "../../report.pdf",
        &pdf(2000),
        false,
    )
    .await
    .expect_status(StatusCode::OK, "upload");
    // Content that does not match the name, unknown content, too big, empty: refused.
    for (name, bytes, needle) in [
        ("report.pdf", PNG.to_vec(), "image/png"),
        ("notes.txt", b"just some text".to_vec(), "not a type"),
        ("big.pdf", pdf(11 * 1024), "limit"),
        ("empty.pdf", Vec::new(), "empty"),
    ] {
        let res = upload(&app, Some(&liam), &rating, name, &bytes, false).await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name}: {}",
            res.body
        );
        assert!(res.body.contains(needle), "{name}: {}", res.body);
        assert!(res.body.contains("\"file\""), "{}", res.body);
    }
    // Stored under generated names only; the uploaded names are only shown.
    let stored: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(stored.len(), 2);
    assert!(stored
        .iter()
        .all(|s| s.len() == 32 && s.chars().all(|c| c.is_ascii_hexdigit())));
    let names: Vec<String> = sqlx::query_scalar("select name from evidence order by id")
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(names, ["certificate.png", "report.pdf"]);

    // A browser's form post goes back to the page, with the error in the address.
    let res = upload(&app, Some(&liam), &rating, "notes.txt", b"text", true)
        .await
        .expect_status(StatusCode::SEE_OTHER, "upload");
    let to = res.location().unwrap();
    assert!(to.starts_with("/skills/history?node=1&error="), "{to}");
    assert!(to.contains("field=file"));
    let res = upload(&app, Some(&liam), &rating, "c.png", PNG, true).await;
    assert_eq!(res.location().as_deref(), Some("/skills/history?node=1"));

    // Signed out: refused.
    upload(&app, None, &rating, "c.png", PNG, false)
        .await
        .expect_status(StatusCode::UNAUTHORIZED, "upload");
}

#[tokio::test]
async fn only_people_who_may_see_the_rating_download_and_managers_verify() {
    let (app, _dir) = app_with_uploads(1024 * 1024).await;
    let (rating, liam) = app.self_rating_on_testing().await;
    let res = upload(&app, Some(&liam), &rating, "cert.pdf", &pdf(500), false).await;
    let id = res.json().to_string();
    let path = format!("/evidence/{id}");

    for (who, status) in [
        (EMPLOYEE, StatusCode::OK),
        (MANAGER, StatusCode::OK),
        (SKIP_MANAGER, StatusCode::OK),
        (HR, StatusCode::OK),
        (OTHER_EMPLOYEE, StatusCode::NOT_FOUND),
    ] {
        let c = app.sign_in(who, PW).await;
        let res = app.get(&path, Some(&c)).await;
        assert_eq!(res.status, status, "{who}");
        if status == StatusCode::OK {
            assert_eq!(res.headers[header::CONTENT_TYPE], "application/pdf");
            assert_eq!(res.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
            let d = res.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
            assert!(d.starts_with("attachment; filename=\"cert.pdf\""), "{d}");
            assert!(res.body.starts_with("%PDF"));
        }
    }
    // Signed out: sent to sign in first.
    let anon = app.expect_get(&path, None, StatusCode::SEE_OTHER).await;
    assert!(anon.location().unwrap().starts_with("/sign-in"));
    let noah = app.sign_in(OTHER_EMPLOYEE, PW).await;
    // A peer cannot attach evidence either, nor learn the rating exists.
    upload(&app, Some(&noah), &rating, "x.png", PNG, false)
        .await
        .expect_status(StatusCode::NOT_FOUND, "upload");

    // Links: web addresses only.
    let bad = app
        .expect(
            "/api/evidence/link",
            &[("rating", rating.as_str()), ("url", "javascript:alert(1)")],
            Some(&liam),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert!(bad.body.contains("\"url\""));
    app.expect(
        "/api/evidence/link",
        &[
            ("rating", rating.as_str()),
            ("url", "https://git.example/merge/42"),
        ],
        Some(&liam),
        StatusCode::OK,
    )
    .await;
    let hr = app.sign_in(HR, PW).await;
    app.expect(
        "/api/evidence/link",
        &[("rating", rating.as_str()), ("url", "https://x.example")],
        Some(&hr),
        StatusCode::FORBIDDEN,
    )
    .await;

    // Verification: the manager, not the person.
    app.expect(
        "/api/evidence/verify",
        &[("id", id.as_str())],
        Some(&liam),
        StatusCode::FORBIDDEN,
    )
    .await;
    let grace = app.sign_in(MANAGER, PW).await;
    app.expect(
        "/api/evidence/verify",
        &[("id", id.as_str())],
        Some(&grace),
        StatusCode::OK,
    )
    .await;
    // The queue and the history show the evidence, verified.
    let queue: Vec<ReviewItem> = app
        .call("/api/reviews/queue", &[], Some(&grace))
        .await
        .parse();
    let ev = &queue[0].evidence;
    assert_eq!(ev.len(), 2);
    assert_eq!(ev[0].verified_by.as_deref(), Some("Grace Okafor"));
    assert_eq!(ev[1].url.as_deref(), Some("https://git.example/merge/42"));
    let node: i64 = sqlx::query_scalar("select node_id from rating where id = $1")
        .bind(rating.parse::<i64>().unwrap())
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let hist = app
        .call(
            "/api/skills/history",
            &[("node", node.to_string().as_str())],
            Some(&liam),
        )
        .await
        .parse::<NodeHistory>();
    assert_eq!(hist.entries[0].evidence.len(), 2);
    assert!(hist.is_me);
    assert!(!hist.can_verify);
}

#[tokio::test]
async fn the_demo_history_has_every_state_and_downloadable_certificates() {
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::with_settings(Settings {
        upload_dir: dir.path().to_path_buf(),
        ..Settings::default()
    })
    .await;
    app::server::demo::load(&app.db, dir.path()).await.unwrap();
    let count = |sql: &'static str| {
        let app = &app;
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&app.db.pool)
                .await
                .unwrap()
        }
    };
    assert!(count("select count(*) from rating").await > 300);
    for state in ["pending", "approved", "declined"] {
        let n: i64 = sqlx::query_scalar("select count(*) from rating where review = $1")
            .bind(state)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
        assert!(n >= 3, "{state}: {n}");
    }
    for source in ["manager", "peer"] {
        let n: i64 = sqlx::query_scalar("select count(*) from rating where source = $1")
            .bind(source)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
        assert!(n >= 3, "{source}: {n}");
    }
    // Several months of it.
    let span: i64 = count("select max(created_at) - min(created_at) from rating").await;
    assert!(span > 150 * 24 * 3_600_000, "{span}");
    // The new joiners start empty.
    let joiners: i64 = count(
        "select count(*) from rating r join person p on p.id = r.subject_id \
         where p.email in ('liam.chen@northwind.example', 'noah.fischer@northwind.example', \
         'mei.tanaka@northwind.example', 'kenji.mori@northwind.example')",
    )
    .await;
    assert_eq!(joiners, 0);
    assert!(count("select count(*) from peer_request where rating_id is null").await >= 3);

    // Expiring and expired levels, seen through the same rules the pages use: some people
    // have a Security level that expires within 30 days, others one that expired.
    let hr = app.sign_in(HR, PW).await;
    let people: Vec<i64> = sqlx::query_scalar(
        "select distinct r.subject_id from rating r join framework_node n on n.id = r.node_id \
         where n.validity_months is not null order by 1",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    let (mut expiring, mut expired) = (0, 0);
    let now = app::server::now_ms();
    for p in people {
        let page = app
            .call("/api/skills/get", &[("person", &p.to_string())], Some(&hr))
            .await
            .parse::<SkillsPage>();
        for row in &page.rows {
            let c = &row.current;
            if c.expired {
                expired += 1;
            } else if let Some(at) = c.expires_at_ms {
                if at - now < 30 * 24 * 3_600_000 {
                    expiring += 1;
                }
            }
        }
    }
    assert!(
        expiring >= 1 && expired >= 1,
        "{expiring} expiring, {expired} expired"
    );

    // Certificates are real PDFs in the upload folder, downloadable by the subject.
    let (id, email): (i64, String) = sqlx::query_as(
        "select e.id, p.email from evidence e join rating r on r.id = e.rating_id \
         join person p on p.id = r.subject_id where e.kind = 'file' order by e.id limit 1",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let me = app.sign_in(&email, PW).await;
    let res = app
        .expect_get(&format!("/evidence/{id}"), Some(&me), StatusCode::OK)
        .await;
    assert!(res.body.starts_with("%PDF-1.4"));
    assert!(res.body.contains("Certificate of completion"));
}
