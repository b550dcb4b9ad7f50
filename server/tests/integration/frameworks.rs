//! Framework shape editing: rules, concurrency and permissions.

use crate::helpers::*;
use axum::http::StatusCode;

struct Fw<'a> {
    app: &'a TestApp,
    cookie: String,
    id: String,
}

impl Fw<'_> {
    async fn tree(&self) -> serde_json::Value {
        let res = self
            .app
            .call(
                "/api/frameworks/tree",
                &[("id", &self.id)],
                Some(&self.cookie),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        res.json()
    }
    async fn revision(&self) -> String {
        self.tree().await["framework"]["revision"].to_string()
    }
    async fn add(&self, parent: &str, kind: &str, title: &str) -> String {
        let rev = self.revision().await;
        let res = self
            .app
            .call(
                "/api/frameworks/add_node",
                &[
                    ("framework", &self.id),
                    ("revision", &rev),
                    ("parent", parent),
                    ("kind", kind),
                    ("title", title),
                ],
                Some(&self.cookie),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
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
        self.tree().await["view"]["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["node"]["depth"].as_u64().unwrap(),
                    r["node"]["title"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }
}

async fn framework(app: &TestApp) -> Fw<'_> {
    let cookie = app.sign_in(ADMIN, PW).await;
    let res = app
        .call(
            "/api/frameworks/create",
            &[("name", "Engineering"), ("description", "How we build")],
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
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
    assert_eq!(
        tree["scale"]["levels"].as_array().unwrap().len(),
        5,
        "default five-level scale"
    );

    // Drag Mentoring into Technical, before Coding; then move it back down with the keyboard.
    let rev = fw.revision().await;
    let res = fw.mv(&rev, &mentoring, "to", &tech, "0").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
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
    let res = app
        .call(
            "/api/frameworks/delete_node",
            &[("framework", &fw.id), ("revision", &rev), ("node", &tech)],
            Some(&fw.cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
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

    let res = fw.mv(&rev, &skill, "to", &cat, "0").await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
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
    assert_eq!(
        res.json()["Invalid"]["field"],
        "parent",
        "skills hold nothing"
    );
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
    assert_eq!(res.json()["Invalid"]["field"], "title");
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
    let res = fw.mv(&seen, &a, "up", "", "0").await;
    assert_eq!(res.status, StatusCode::CONFLICT);
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
        assert_eq!(
            app.call(
                "/api/frameworks/create",
                &[("name", "X"), ("description", "")],
                Some(&c)
            )
            .await
            .status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            app.call("/api/frameworks/tree", &[("id", &fw.id)], Some(&c))
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        let res = app
            .call(
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
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        let list = app.call("/api/frameworks/list", &[], Some(&c)).await.json();
        assert!(
            list.as_array()
                .unwrap()
                .iter()
                .all(|f| f["id"].as_i64() != fw.id.parse().ok()),
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
    let res = app
        .call(
            "/api/frameworks/save_node",
            &node_form(
                &fw.id,
                &rev,
                &node,
                "Software design",
                "urn:eng:design",
                "24",
            ),
            Some(&fw.cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let d = app
        .call(
            "/api/frameworks/node",
            &[("framework", &fw.id), ("node", &node)],
            Some(&fw.cookie),
        )
        .await
        .json();
    assert_eq!(d["title"], "Software design");
    assert_eq!(
        d["key_behaviours"],
        serde_json::json!(["Writes design docs", "Invites review"])
    );
    assert_eq!(
        d["alt_labels"],
        serde_json::json!(["System design", "Architecture"])
    );
    assert_eq!(d["validity_months"], 24);
    assert_eq!(d["external_id"], "urn:eng:design");
    assert_eq!(
        d["level_descriptions"],
        serde_json::json!([
            ["Ic", 1, "Follows existing designs"],
            ["Managerial", 3, "Sets design standards for the team"]
        ])
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
    let ok = app
        .call(
            "/api/frameworks/save_node",
            &node_form(&fw.id, &rev, &a, "A", "urn:a", ""),
            Some(&fw.cookie),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK);
    let rev = fw.revision().await;
    let before = app
        .call(
            "/api/frameworks/node",
            &[("framework", &fw.id), ("node", &b)],
            Some(&fw.cookie),
        )
        .await
        .body;
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
        assert_eq!(res.json()["Invalid"]["field"], field);
    }
    let mut too_high = node_form(&fw.id, &rev, &b, "B", "urn:b", "");
    too_high.push(("input[levels][ic-6]", "Beyond the scale"));
    let res = app
        .call("/api/frameworks/save_node", &too_high, Some(&fw.cookie))
        .await;
    assert_eq!(res.json()["Invalid"]["field"], "levels[ic-6]");
    assert_eq!(
        app.call(
            "/api/frameworks/node",
            &[("framework", &fw.id), ("node", &b)],
            Some(&fw.cookie)
        )
        .await
        .body,
        before
    );
    assert_eq!(fw.revision().await, rev);
}

#[tokio::test]
async fn a_stale_node_save_is_refused_and_the_first_kept() {
    let app = TestApp::demo().await;
    let fw = framework(&app).await;
    let n = fw.add("", "competency", "Design").await;
    let seen = fw.revision().await;
    let first = app
        .call(
            "/api/frameworks/save_node",
            &node_form(&fw.id, &seen, &n, "First", "urn:d", ""),
            Some(&fw.cookie),
        )
        .await;
    assert_eq!(first.status, StatusCode::OK);
    let second = app
        .call(
            "/api/frameworks/save_node",
            &node_form(&fw.id, &seen, &n, "Second", "urn:d", ""),
            Some(&fw.cookie),
        )
        .await;
    assert_eq!(second.status, StatusCode::CONFLICT);
    assert_eq!(fw.titles().await, [(0, "First".into())]);
    let employee = app.sign_in(EMPLOYEE, PW).await;
    assert_eq!(
        app.call(
            "/api/frameworks/node",
            &[("framework", &fw.id), ("node", &n)],
            Some(&employee)
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn publish_freeze_edit_and_compare() {
    let app = TestApp::demo().await;
    let fw = framework(&app).await;
    let rev = fw.revision().await;
    let res = app
        .call(
            "/api/frameworks/publish",
            &[("framework", &fw.id), ("revision", &rev)],
            Some(&fw.cookie),
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::CONFLICT,
        "an empty framework is not published"
    );

    let tech = fw.add("", "category", "Technical").await;
    let coding = fw.add(&tech, "competency", "Coding").await;
    let rev = fw.revision().await;
    let res = app
        .call(
            "/api/frameworks/publish",
            &[("framework", &fw.id), ("revision", &rev)],
            Some(&fw.cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body.trim(), "1");
    assert_eq!(fw.tree().await["framework"]["status"], "Published");
    let rev = fw.revision().await;
    let again = app
        .call(
            "/api/frameworks/publish",
            &[("framework", &fw.id), ("revision", &rev)],
            Some(&fw.cookie),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "nothing changed");

    // Editing the published framework starts a new draft; version 1 stays as it was. The
    // node keeps its identifier, so the change reads as a rename.
    let node = app
        .call(
            "/api/frameworks/node",
            &[("framework", &fw.id), ("node", &coding)],
            Some(&fw.cookie),
        )
        .await
        .json();
    let ext = node["external_id"].as_str().unwrap().to_string();
    let rev = fw.revision().await;
    let res = app
        .call(
            "/api/frameworks/save_node",
            &node_form(&fw.id, &rev, &coding, "Programming", &ext, ""),
            Some(&fw.cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(fw.tree().await["framework"]["status"], "Draft");
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

    let versions = app
        .call(
            "/api/frameworks/versions",
            &[("framework", &fw.id)],
            Some(&fw.cookie),
        )
        .await
        .json();
    assert_eq!(versions.as_array().unwrap().len(), 2);
    assert_eq!(versions[0]["number"], 2);
    assert_eq!(versions[0]["published_by"], "Priya Raman");
    assert_eq!(versions[1]["nodes"], 2);

    let diff = app
        .call(
            "/api/frameworks/compare",
            &[("framework", &fw.id), ("from", "1"), ("to", "2")],
            Some(&fw.cookie),
        )
        .await
        .json();
    let lines: Vec<&str> = diff
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
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
        .json();
    assert_eq!(same, serde_json::json!([]));
    let bad = app
        .call(
            "/api/frameworks/compare",
            &[("framework", &fw.id), ("from", "9"), ("to", "draft")],
            Some(&fw.cookie),
        )
        .await;
    assert_eq!(bad.json()["Invalid"]["field"], "from");

    // Published frameworks are listed for everyone; editing functions stay admin-only.
    let employee = app.sign_in(EMPLOYEE, PW).await;
    let list = app
        .call("/api/frameworks/list", &[], Some(&employee))
        .await
        .json();
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|f| f["id"].as_i64() == fw.id.parse().ok()),
        "published: listed"
    );
    let rev = fw.revision().await;
    assert_eq!(
        app.call(
            "/api/frameworks/publish",
            &[("framework", &fw.id), ("revision", &rev)],
            Some(&employee)
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
}
