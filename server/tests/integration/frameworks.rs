//! Framework shape editing: rules, concurrency and permissions.

use crate::helpers::*;
use app::domain::editor::EditorTree;
use app::domain::framework::{FrameworkStatus, FrameworkSummary, NodeDetails, Track};
use app::domain::versions::VersionInfo;
use axum::http::StatusCode;

struct Fw<'a> {
    app: &'a TestApp,
    cookie: String,
    id: String,
}

impl Fw<'_> {
    async fn tree(&self) -> EditorTree {
        let res = self
            .app
            .expect(
                "/api/frameworks/tree",
                &[("id", &self.id)],
                Some(&self.cookie),
                StatusCode::OK,
            )
            .await;
        res.parse()
    }
    /// The details of `node` (`/api/frameworks/node`), as the framework's editor.
    async fn node(&self, node: &str) -> Res {
        self.app
            .call(
                "/api/frameworks/node",
                &[("framework", &self.id), ("node", node)],
                Some(&self.cookie),
            )
            .await
    }
    /// Saves a node's details (`node_form`), expecting `status`.
    async fn save_node(&self, form: &[(&str, &str)], status: StatusCode) -> Res {
        self.app
            .expect(
                "/api/frameworks/save_node",
                form,
                Some(&self.cookie),
                status,
            )
            .await
    }
    /// Publishes revision `rev`, expecting `status`.
    async fn publish(&self, rev: &str, status: StatusCode) -> Res {
        self.app
            .expect(
                "/api/frameworks/publish",
                &[("framework", &self.id), ("revision", rev)],
                Some(&self.cookie),
                status,
            )
            .await
    }
    async fn revision(&self) -> String {
        self.tree().await.framework.revision.to_string()
    }
    async fn add(&self, parent: &str, kind: &str, title: &str) -> String {
        let rev = self.revision().await;
        let res = self
            .app
            .expect(
                "/api/frameworks/add_node",
                &[
                    ("framework", &self.id),
                    ("revision", &rev),
                    ("parent", parent),
                    ("kind", kind),
                    ("title", title),
                ],
                Some(&self.cookie),
                StatusCode::OK,
            )
            .await;
        res.body.trim().to_string()
    }
    async fn mv(
        &self,
        rev: &str,
        node: &str,
        action: &str,
        parent: &str,
        index: &str,
    ) -> crate::helpers::Res {
        self.app
            .call(
                "/api/frameworks/move_node",
                &[
                    ("framework", &self.id),
                    ("revision", rev),
                    ("node", node),
                    ("action", action),
                    ("parent", parent),
                    ("index", index),
                ],
                Some(&self.cookie),
            )
            .await
    }
    async fn titles(&self) -> Vec<(u64, String)> {
        self.tree()
            .await
            .view
            .rows
            .into_iter()
            .map(|r| (u64::from(r.node.depth), r.node.title))
            .collect()
    }
}

async fn framework(app: &TestApp) -> Fw<'_> {
    let cookie = app.sign_in(ADMIN, PW).await;
    let res = app
        .expect(
            "/api/frameworks/create",
            &[("name", "Engineering"), ("description", "How we build")],
            Some(&cookie),
            StatusCode::OK,
        )
        .await;
    Fw {
        app,
        cookie,
        id: res.body.trim().to_string(),
    }
}

#[tokio::test]
async fn build_and_rearrange_a_tree() {
    let app = TestApp::demo().await;
    let fw = framework(&app).await;
    let tech = fw.add("", "category", "Technical").await;
    let people = fw.add("", "category", "People").await;
    let coding = fw.add(&tech, "competency", "Coding").await;
    fw.add(&coding, "skill", "Rust").await;
    fw.add(&coding, "skill", "SQL").await;
    let mentoring = fw.add(&people, "competency", "Mentoring").await;
    assert_eq!(
        fw.titles().await,
        [
            (0, "Technical".into()),
            (1, "Coding".into()),
            (2, "Rust".into()),
            (2, "SQL".into()),
            (0, "People".into()),
            (1, "Mentoring".into())
        ]
    );
    let tree = fw.tree().await;
    assert_eq!(tree.scale.levels().len(), 5, "default five-level scale");

    // Drag Mentoring into Technical, before Coding; then move it back down with the keyboard.
    let rev = fw.revision().await;
    fw.mv(&rev, &mentoring, "to", &tech, "0")
        .await
        .expect_status(StatusCode::OK, "mv");
    assert_eq!(fw.titles().await[1], (1, "Mentoring".into()));
    let rev = fw.revision().await;
    assert_eq!(
        fw.mv(&rev, &mentoring, "down", "", "0").await.status,
        StatusCode::OK
    );
    let rev = fw.revision().await;
    assert_eq!(
        fw.mv(&rev, &mentoring, "indent", "", "0").await.status,
        StatusCode::OK,
        "competency into competency"
    );
    assert_eq!(fw.titles().await[4], (2, "Mentoring".into()));
    let rev = fw.revision().await;
    assert_eq!(
        fw.mv(&rev, &mentoring, "outdent", "", "0").await.status,
        StatusCode::OK
    );

    // Delete Technical: its whole subtree goes.
    let rev = fw.revision().await;
    app.expect(
        "/api/frameworks/delete_node",
        &[("framework", &fw.id), ("revision", &rev), ("node", &tech)],
        Some(&fw.cookie),
        StatusCode::OK,
    )
    .await;
    assert_eq!(fw.titles().await, [(0, "People".into())]);
    let left: i64 =
        sqlx::query_scalar("select count(*) from framework_node where framework_id = $1")
            .bind(fw.id.parse::<i64>().unwrap())
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(left, 1);
}

#[tokio::test]
async fn invalid_shapes_are_refused_and_change_nothing() {
    let app = TestApp::demo().await;
    let fw = framework(&app).await;
    let cat = fw.add("", "category", "Technical").await;
    let comp = fw.add(&cat, "competency", "Coding").await;
    let skill = fw.add(&comp, "skill", "Rust").await;
    let before = fw.tree().await;
    let rev = fw.revision().await;

    let res = fw
        .mv(&rev, &skill, "to", &cat, "0")
        .await
        .expect_status(StatusCode::UNPROCESSABLE_ENTITY, "mv");
    assert!(
        res.body.contains("A category cannot hold a skill"),
        "{}",
        res.body
    );
    let res = fw.mv(&rev, &cat, "to", &skill, "0").await;
    assert_eq!(
        res.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "into its own descendant"
    );
    let res = app
        .call(
            "/api/frameworks/add_node",
            &[
                ("framework", &fw.id),
                ("revision", &rev),
                ("parent", &skill),
                ("kind", "skill"),
                ("title", "Async"),
            ],
            Some(&fw.cookie),
        )
        .await;
    assert_eq!(res.invalid().field, "parent", "skills hold nothing");
    let res = app
        .call(
            "/api/frameworks/add_node",
            &[
                ("framework", &fw.id),
                ("revision", &rev),
                ("parent", ""),
                ("kind", "skill"),
                ("title", " "),
            ],
            Some(&fw.cookie),
        )
        .await;
    assert_eq!(res.invalid().field, "title");
    assert_eq!(fw.tree().await, before, "revision and shape unchanged");
}

#[tokio::test]
async fn a_stale_save_is_refused() {
    let app = TestApp::demo().await;
    let fw = framework(&app).await;
    let a = fw.add("", "competency", "A").await;
    fw.add("", "competency", "B").await;
    // Two admins load the same revision.
    let seen = fw.revision().await;
    assert_eq!(
        fw.mv(&seen, &a, "down", "", "0").await.status,
        StatusCode::OK,
        "first save wins"
    );
    let res = fw
        .mv(&seen, &a, "up", "", "0")
        .await
        .expect_status(StatusCode::CONFLICT, "mv");
    assert!(
        res.body.contains("Someone else changed this framework"),
        "{}",
        res.body
    );
    assert_eq!(
        fw.titles().await,
        [(0, "B".into()), (0, "A".into())],
        "the first save is kept"
    );
}

#[tokio::test]
async fn only_admins_edit_frameworks() {
    let app = TestApp::demo().await;
    let fw = framework(&app).await;
    let node = fw.add("", "competency", "A").await;
    let rev = fw.revision().await;
    for who in [EMPLOYEE, HR, MANAGER] {
        let c = app.sign_in(who, PW).await;
        app.expect(
            "/api/frameworks/create",
            &[("name", "X"), ("description", "")],
            Some(&c),
            StatusCode::FORBIDDEN,
        )
        .await;
        app.expect(
            "/api/frameworks/tree",
            &[("id", &fw.id)],
            Some(&c),
            StatusCode::FORBIDDEN,
        )
        .await;
        app.expect(
            "/api/frameworks/move_node",
            &[
                ("framework", &fw.id),
                ("revision", &rev),
                ("node", &node),
                ("action", "down"),
                ("parent", ""),
                ("index", "0"),
            ],
            Some(&c),
            StatusCode::FORBIDDEN,
        )
        .await;
        let list: Vec<FrameworkSummary> = app
            .call("/api/frameworks/list", &[], Some(&c))
            .await
            .parse();
        assert!(
            list.iter().all(|f| Some(f.id.0) != fw.id.parse().ok()),
            "drafts are not listed for {who}"
        );
    }
    assert_eq!(fw.revision().await, rev);
}

fn node_form<'a>(
    fw: &'a str,
    rev: &'a str,
    node: &'a str,
    title: &'a str,
    ext: &'a str,
    validity: &'a str,
) -> Vec<(&'static str, &'a str)> {
    vec![
        ("framework", fw),
        ("revision", rev),
        ("node", node),
        ("input[title]", title),
        ("input[short_code]", "T1"),
        ("input[definition]", "Designs systems that last."),
        (
            "input[key_behaviours]",
            "Writes design docs\r\n\r\nInvites review",
        ),
        ("input[alt_labels]", "System design\r\n  \r\nArchitecture"),
        ("input[validity_months]", validity),
        ("input[external_id]", ext),
        ("input[levels][ic-1]", "Follows existing designs"),
        (
            "input[levels][managerial-3]",
            "Sets design standards for the team",
        ),
        ("input[levels][ic-2]", ""),
    ]
}

#[tokio::test]
async fn node_details_round_trip() {
    let app = TestApp::demo().await;
    let fw = framework(&app).await;
    let node = fw.add("", "competency", "Design").await;
    let rev = fw.revision().await;
    fw.save_node(
        &node_form(
            &fw.id,
            &rev,
            &node,
            "Software design",
            "urn:eng:design",
            "24",
        ),
        StatusCode::OK,
    )
    .await;
    let d: NodeDetails = fw.node(&node).await.parse();
    assert_eq!(d.title, "Software design");
    assert_eq!(d.key_behaviours, ["Writes design docs", "Invites review"]);
    assert_eq!(d.alt_labels, ["System design", "Architecture"]);
    assert_eq!(d.validity_months, Some(24));
    assert_eq!(d.external_id, "urn:eng:design");
    assert_eq!(
        d.level_descriptions,
        [
            (Track::Ic, 1, "Follows existing designs".to_string()),
            (
                Track::Managerial,
                3,
                "Sets design standards for the team".to_string()
            )
        ]
    );
    assert_eq!(fw.titles().await, [(0, "Software design".into())]);
}

#[tokio::test]
async fn bad_node_details_name_the_field_and_change_nothing() {
    let app = TestApp::demo().await;
    let fw = framework(&app).await;
    let a = fw.add("", "competency", "A").await;
    let b = fw.add("", "competency", "B").await;
    let rev = fw.revision().await;
    fw.save_node(
        &node_form(&fw.id, &rev, &a, "A", "urn:a", ""),
        StatusCode::OK,
    )
    .await;
    let rev = fw.revision().await;
    let before = fw.node(&b).await.body;
    for (form, field) in [
        (node_form(&fw.id, &rev, &b, "B", "urn:a", ""), "external_id"),
        (
            node_form(&fw.id, &rev, &b, "B", "urn:b", "500"),
            "validity_months",
        ),
        (node_form(&fw.id, &rev, &b, "", "urn:b", ""), "title"),
    ] {
        let res = app
            .call("/api/frameworks/save_node", &form, Some(&fw.cookie))
            .await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {}",
            res.body
        );
        assert_eq!(res.invalid().field, field);
    }
    let mut too_high = node_form(&fw.id, &rev, &b, "B", "urn:b", "");
    too_high.push(("input[levels][ic-6]", "Beyond the scale"));
    let res = app
        .call("/api/frameworks/save_node", &too_high, Some(&fw.cookie))
        .await;
    assert_eq!(res.invalid().field, "levels[ic-6]");
    assert_eq!(fw.node(&b).await.body, before);
    assert_eq!(fw.revision().await, rev);
}

#[tokio::test]
async fn a_stale_node_save_is_refused_and_the_first_kept() {
    let app = TestApp::demo().await;
    let fw = framework(&app).await;
    let n = fw.add("", "competency", "Design").await;
    let seen = fw.revision().await;
    fw.save_node(
        &node_form(&fw.id, &seen, &n, "First", "urn:d", ""),
        StatusCode::OK,
    )
    .await;
    fw.save_node(
        &node_form(&fw.id, &seen, &n, "Second", "urn:d", ""),
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(fw.titles().await, [(0, "First".into())]);
    let employee = app.sign_in(EMPLOYEE, PW).await;
    app.expect(
        "/api/frameworks/node",
        &[("framework", &fw.id), ("node", &n)],
        Some(&employee),
        StatusCode::FORBIDDEN,
    )
    .await;
}

#[tokio::test]
async fn publish_freeze_edit_and_compare() {
    let app = TestApp::demo().await;
    let fw = framework(&app).await;
    let rev = fw.revision().await;
    // An empty framework is not published.
    fw.publish(&rev, StatusCode::CONFLICT).await;

    let tech = fw.add("", "category", "Technical").await;
    let coding = fw.add(&tech, "competency", "Coding").await;
    let rev = fw.revision().await;
    let res = fw.publish(&rev, StatusCode::OK).await;
    assert_eq!(res.body.trim(), "1");
    assert_eq!(fw.tree().await.framework.status, FrameworkStatus::Published);
    let rev = fw.revision().await;
    // Nothing changed.
    fw.publish(&rev, StatusCode::CONFLICT).await;

    // Editing the published framework starts a new draft; version 1 stays as it was. The
    // node keeps its identifier, so the change reads as a rename.
    let ext = fw.node(&coding).await.parse::<NodeDetails>().external_id;
    let rev = fw.revision().await;
    fw.save_node(
        &node_form(&fw.id, &rev, &coding, "Programming", &ext, ""),
        StatusCode::OK,
    )
    .await;
    assert_eq!(fw.tree().await.framework.status, FrameworkStatus::Draft);
    fw.add("", "category", "People").await;
    let rev = fw.revision().await;
    assert_eq!(
        app.call(
            "/api/frameworks/publish",
            &[("framework", &fw.id), ("revision", &rev)],
            Some(&fw.cookie)
        )
        .await
        .body
        .trim(),
        "2"
    );

    let versions: Vec<VersionInfo> = app
        .call(
            "/api/frameworks/versions",
            &[("framework", &fw.id)],
            Some(&fw.cookie),
        )
        .await
        .parse();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0].number, 2);
    assert_eq!(versions[0].published_by, "Priya Raman");
    assert_eq!(versions[1].nodes, 2);

    let diff = app
        .call(
            "/api/frameworks/compare",
            &[("framework", &fw.id), ("from", "1"), ("to", "2")],
            Some(&fw.cookie),
        )
        .await
        .parse::<Vec<String>>();
    let lines: Vec<&str> = diff.iter().map(String::as_str).collect();
    assert!(
        lines.contains(&"Renamed \u{201c}Coding\u{201d} to \u{201c}Programming\u{201d}"),
        "{lines:?}"
    );
    assert!(
        lines.contains(&"Added category \u{201c}People\u{201d}"),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l
                .starts_with("Changed the definition, the key behaviours, the alternative labels, the level descriptions")),
        "{lines:?}"
    );
    let same = app
        .call(
            "/api/frameworks/compare",
            &[("framework", &fw.id), ("from", "2"), ("to", "draft")],
            Some(&fw.cookie),
        )
        .await
        .parse::<Vec<String>>();
    assert!(same.is_empty(), "{same:?}");
    let bad = app
        .call(
            "/api/frameworks/compare",
            &[("framework", &fw.id), ("from", "9"), ("to", "draft")],
            Some(&fw.cookie),
        )
        .await;
    assert_eq!(bad.invalid().field, "from");

    // Published frameworks are listed for everyone; editing functions stay admin-only.
    let employee = app.sign_in(EMPLOYEE, PW).await;
    let list: Vec<FrameworkSummary> = app
        .call("/api/frameworks/list", &[], Some(&employee))
        .await
        .parse();
    assert!(
        list.iter().any(|f| Some(f.id.0) == fw.id.parse().ok()),
        "published: listed"
    );
    let rev = fw.revision().await;
    app.expect(
        "/api/frameworks/publish",
        &[("framework", &fw.id), ("revision", &rev)],
        Some(&employee),
        StatusCode::FORBIDDEN,
    )
    .await;
}

/// Each server keeps the trees it has read by revision; a change made through another
/// server (another process on the same database) is seen at once, because every read
/// compares the kept revision with the database's.
#[tokio::test]
async fn a_tree_changed_through_another_server_is_never_served_stale() {
    use app::domain::editor::ViewRequest;
    use app::domain::FrameworkId;
    use app::server::frameworks::editor_tree;
    let app = TestApp::demo().await;
    let fw = framework(&app).await;
    let tech = fw.add("", "category", "Technical").await;
    fw.add(&tech, "competency", "Coding").await;
    let id = FrameworkId(fw.id.parse().unwrap());
    let url = app.db.pool.connect_options().database_url.to_string();
    let other = app::server::Db::connect(&url).await.unwrap();
    let all = ViewRequest::default();
    let titles = |t: &EditorTree| -> Vec<String> {
        t.view.rows.iter().map(|r| r.node.title.clone()).collect()
    };
    // Both servers have read (and kept) the tree.
    let here = editor_tree(&app.db, id, &all).await.unwrap();
    let there = editor_tree(&other, id, &all).await.unwrap();
    assert_eq!(titles(&here), ["Technical", "Coding"]);
    assert_eq!(titles(&here), titles(&there));

    // A change through this server's router; the other server sees it on its next read.
    fw.add(&tech, "competency", "Testing").await;
    let there = editor_tree(&other, id, &all).await.unwrap();
    assert_eq!(titles(&there), ["Technical", "Coding", "Testing"]);
    assert_eq!(there.framework.revision, fw.tree().await.framework.revision);
    // And the other way round: a move made by the other server.
    let rev = there.framework.revision;
    let coding = there.view.rows[1].node.id;
    app::server::frameworks::move_node(
        &other,
        id,
        rev,
        coding,
        app::server::frameworks::Move::Down,
    )
    .await
    .unwrap();
    let here = editor_tree(&app.db, id, &all).await.unwrap();
    assert_eq!(titles(&here), ["Technical", "Testing", "Coding"]);
    // The server that moved it kept the new shape, and serves the same.
    let there = editor_tree(&other, id, &all).await.unwrap();
    assert_eq!(there, here);
    other.pool.close().await;
}
