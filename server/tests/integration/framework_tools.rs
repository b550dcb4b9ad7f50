//! The editor's tree view, drag-and-drop moves, the scale editor, clone and blend.

use crate::helpers::*;
use app::domain::editor::{BlendSource, EditorTree, ScaleEditor, TreeRow};
use app::domain::framework::{FrameworkStatus, FrameworkSummary, NodeDetails, Track};
use axum::http::StatusCode;

/// The demo frameworks by name, as an admin sees them.
async fn demo_frameworks(app: &TestApp, cookie: &str) -> Vec<(String, String)> {
    app.call("/api/frameworks/list", &[], Some(cookie))
        .await
        .parse::<Vec<FrameworkSummary>>()
        .into_iter()
        .map(|f| (f.name, f.id.to_string()))
        .collect()
}

async fn fw_id(app: &TestApp, cookie: &str, name: &str) -> String {
    demo_frameworks(app, cookie)
        .await
        .into_iter()
        .find(|f| f.0 == name)
        .unwrap_or_else(|| panic!("no framework {name}"))
        .1
}

async fn view(app: &TestApp, cookie: &str, params: &[(&str, &str)]) -> EditorTree {
    let res = app
        .expect("/api/frameworks/tree", params, Some(cookie), StatusCode::OK)
        .await;
    res.parse()
}

fn titles(v: &EditorTree) -> Vec<String> {
    v.view.rows.iter().map(|r| r.node.title.clone()).collect()
}

fn row<'a>(v: &'a EditorTree, title: &str) -> &'a TreeRow {
    v.view
        .rows
        .iter()
        .find(|r| r.node.title == title)
        .unwrap_or_else(|| panic!("no row {title}"))
}

/// The frameworks and nodes a blend may start from, as `cookie` sees them.
async fn blend_sources(app: &TestApp, cookie: &str) -> Vec<BlendSource> {
    app.call("/api/frameworks/blend_sources", &[], Some(cookie))
        .await
        .parse()
}

#[tokio::test]
async fn the_tree_view_expands_filters_selects_and_limits() {
    let app = TestApp::demo().await;
    let admin = app.sign_in(ADMIN, PW).await;
    let eng = fw_id(&app, &admin, "Engineering").await;
    // Small frameworks open fully.
    let all = view(&app, &admin, &[("id", &eng)]).await;
    let total = all.view.total;
    assert_eq!(titles(&all).len() as u64, u64::from(total));
    let craft = row(&all, "Technical craft").node.id.to_string();
    let design = row(&all, "Software design").node.id.to_string();
    let api = row(&all, "API design").node.id.to_string();
    assert!(row(&all, "Technical craft").expanded);
    assert_eq!(row(&all, "Technical craft").inside, 11);

    // An explicit, empty open set shows the top level only, collapsed.
    let closed = view(&app, &admin, &[("id", &eng), ("open", "none")]).await;
    assert!(closed
        .view
        .rows
        .iter()
        .all(|r| r.node.depth == 0 && !r.expanded));
    // Opening one node shows its children; selecting a deep node opens its ancestors.
    let one = view(&app, &admin, &[("id", &eng), ("open", &craft)]).await;
    assert!(titles(&one).contains(&"Software design".to_string()));
    assert!(!titles(&one).contains(&"API design".to_string()));
    let sel = view(
        &app,
        &admin,
        &[("id", &eng), ("open", "none"), ("node", &api)],
    )
    .await;
    assert!(titles(&sel).contains(&"API design".to_string()));
    let open: Vec<String> = sel.view.open.iter().map(|v| v.to_string()).collect();
    assert_eq!(open.len(), 2);
    assert!(open.contains(&craft) && open.contains(&design));

    // The filter keeps ancestors and counts matches; the limit caps the rows.
    let f = view(&app, &admin, &[("id", &eng), ("q", "design")]).await;
    assert_eq!(f.view.matches, Some(2));
    assert_eq!(
        titles(&f),
        ["Technical craft", "Software design", "API design"]
    );
    let lim = view(&app, &admin, &[("id", &eng), ("limit", "3")]).await;
    assert_eq!(titles(&lim).len(), 3);
    assert_eq!(lim.view.shown, total);
}

#[tokio::test]
async fn a_drop_moves_a_subtree_and_a_stale_drop_is_refused() {
    let app = TestApp::demo().await;
    let admin = app.sign_in(ADMIN, PW).await;
    let eng = fw_id(&app, &admin, "Engineering").await;
    let before = view(&app, &admin, &[("id", &eng)]).await;
    let rev = before.framework.revision.to_string();
    let design = row(&before, "Software design");
    let design_id = design.node.id.to_string();
    let inside = design.inside;
    // Drop "Software design" inside the last top-level category, at its start.
    let last_top = before
        .view
        .rows
        .iter()
        .rev()
        .find(|r| r.node.depth == 0)
        .unwrap()
        .clone();
    let target = last_top.node.id.to_string();
    let move_to = |rev: String, parent: String| {
        let app = &app;
        let admin = admin.clone();
        let eng = eng.clone();
        let design_id = design_id.clone();
        async move {
            app.call(
                "/api/frameworks/move_node",
                &[
                    ("framework", eng.as_str()),
                    ("revision", rev.as_str()),
                    ("node", design_id.as_str()),
                    ("action", "to"),
                    ("parent", parent.as_str()),
                    ("index", "0"),
                ],
                Some(&admin),
            )
            .await
        }
    };
    move_to(rev.clone(), target.clone())
        .await
        .expect_status(StatusCode::OK, "move_to");
    let after = view(&app, &admin, &[("id", &eng)]).await;
    let moved = row(&after, "Software design");
    assert_eq!(
        moved.node.parent.map(|p| p.to_string()),
        Some(target.clone())
    );
    assert_eq!(moved.index, 0);
    assert_eq!(moved.inside, inside, "the subtree came along");
    // The same drop based on the old revision is refused, and changes nothing.
    move_to(rev, String::new())
        .await
        .expect_status(StatusCode::CONFLICT, "move_to");
    assert_eq!(
        view(&app, &admin, &[("id", &eng)]).await.view.rows,
        after.view.rows
    );
}

async fn scale(app: &TestApp, cookie: &str, fw: &str) -> ScaleEditor {
    let res = app
        .expect(
            "/api/frameworks/scale",
            &[("framework", fw)],
            Some(cookie),
            StatusCode::OK,
        )
        .await;
    res.parse()
}

/// A scale form: rows of (from, name, remove) and the threshold row key.
fn scale_form(
    fw: &str,
    rev: &str,
    rows: &[(&str, &str, bool)],
    threshold: &str,
) -> Vec<(String, String)> {
    let mut f = vec![
        ("framework".to_string(), fw.to_string()),
        ("revision".to_string(), rev.to_string()),
        ("form[threshold]".to_string(), threshold.to_string()),
    ];
    for (i, (from, name, remove)) in rows.iter().enumerate() {
        let k = i + 1;
        f.push((format!("form[levels][{k}][from]"), from.to_string()));
        f.push((format!("form[levels][{k}][name]"), name.to_string()));
        f.push((
            format!("form[levels][{k}][description]"),
            format!("About {name}"),
        ));
        if *remove {
            f.push((format!("form[levels][{k}][remove]"), "on".into()));
        }
    }
    f
}

/// Saves a scale form (`scale_form`) as `cookie`, expecting `status`.
async fn save_scale(
    app: &TestApp,
    cookie: &str,
    form: &[(String, String)],
    status: StatusCode,
) -> Res {
    let pairs: Vec<(&str, &str)> = form.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    app.expect("/api/frameworks/save_scale", &pairs, Some(cookie), status)
        .await
}

#[tokio::test]
async fn the_scale_editor_keeps_rated_levels_and_moves_descriptions() {
    let app = TestApp::demo_unrated().await;
    let admin = app.sign_in(ADMIN, PW).await;
    let eng = fw_id(&app, &admin, "Engineering").await;
    let s = scale(&app, &admin, &eng).await;
    let names: Vec<String> = s.scale.levels().iter().map(|l| l.name.clone()).collect();
    assert_eq!(names.len(), 5);
    let n: Vec<&str> = names.iter().map(String::as_str).collect();
    // Level `k` (counted from 0) as it is, kept.
    let kept = |k: usize| (["1", "2", "3", "4", "5"][k], n[k], false);
    let rev = || async {
        view(&app, &admin, &[("id", &eng), ("limit", "1")])
            .await
            .framework
            .revision
            .to_string()
    };

    // Removing a level that node descriptions use is refused, naming the count.
    let form = scale_form(
        &eng,
        &rev().await,
        &[kept(0), kept(1), kept(2), kept(3), ("5", n[4], true)],
        "3",
    );
    let res = save_scale(&app, &admin, &form, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(
        res.body.contains("level descriptions are written for it"),
        "{}",
        res.body
    );

    // Rename a level, add a sixth and move the threshold: allowed.
    let form = scale_form(
        &eng,
        &rev().await,
        &[
            ("1", "Novice", false),
            kept(1),
            kept(2),
            kept(3),
            kept(4),
            ("", "Fellow", false),
        ],
        "4",
    );
    save_scale(&app, &admin, &form, StatusCode::OK).await;
    let s = scale(&app, &admin, &eng).await;
    assert_eq!(s.scale.levels().len(), 6);
    assert_eq!(s.scale.levels()[0].name, "Novice");
    assert_eq!(s.scale.threshold().get(), 4);

    // Someone is rated at level 2 on a node of this framework.
    let node: i64 = sqlx::query_scalar(
        "select id from framework_node where framework_id = $1 and kind <> 'category' order by id limit 1",
    )
    .bind(eng.parse::<i64>().unwrap())
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let liam = app.person_id(EMPLOYEE).await;
    sqlx::query("insert into rating (subject_id, node_id, level, source, given_by, created_at) values ($1, $2, 2, 'manager', $1, 0)")
        .bind(liam)
        .bind(node)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let s = scale(&app, &admin, &eng).await;
    assert_eq!(s.usage[1].1, 1, "level 2: one rating");

    // Removing level 1 would renumber the rated level 2: refused, nothing changes.
    let before = scale(&app, &admin, &eng).await;
    let form = scale_form(
        &eng,
        &rev().await,
        &[
            ("1", "Novice", true),
            kept(1),
            kept(2),
            kept(3),
            kept(4),
            ("6", "Fellow", false),
        ],
        "4",
    );
    let res = save_scale(&app, &admin, &form, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(
        res.body.contains("must stay level 2: 1 rating use"),
        "{}",
        res.body
    );
    assert_eq!(scale(&app, &admin, &eng).await, before);

    // The rated node cannot be deleted either.
    let res = app
        .expect(
            "/api/frameworks/delete_node",
            &[
                ("framework", &eng),
                ("revision", &rev().await),
                ("node", &node.to_string()),
            ],
            Some(&admin),
            StatusCode::CONFLICT,
        )
        .await;
    assert!(res.body.contains("ratings are permanent records"));

    // Employees cannot read or change the scale.
    let liam_c = app.sign_in(EMPLOYEE, PW).await;
    app.expect(
        "/api/frameworks/scale",
        &[("framework", &eng)],
        Some(&liam_c),
        StatusCode::FORBIDDEN,
    )
    .await;
    save_scale(&app, &liam_c, &form, StatusCode::FORBIDDEN).await;
}

#[tokio::test]
async fn removing_an_unused_level_moves_descriptions_down() {
    let app = TestApp::demo().await;
    let admin = app.sign_in(ADMIN, PW).await;
    let res = app
        .call(
            "/api/frameworks/create",
            &[("name", "Scratch"), ("description", "")],
            Some(&admin),
        )
        .await;
    let fw = res.body.trim().to_string();
    let add = app
        .call(
            "/api/frameworks/add_node",
            &[
                ("framework", &fw),
                ("revision", "0"),
                ("parent", ""),
                ("kind", "competency"),
                ("title", "Writing"),
            ],
            Some(&admin),
        )
        .await;
    let node = add.body.trim().to_string();
    app.expect(
        "/api/frameworks/save_node",
        &[
            ("framework", fw.as_str()),
            ("revision", "1"),
            ("node", node.as_str()),
            ("input[title]", "Writing"),
            ("input[short_code]", ""),
            ("input[definition]", ""),
            ("input[key_behaviours]", ""),
            ("input[validity_months]", ""),
            ("input[external_id]", "urn:x:writing"),
            ("input[levels][ic-3]", "Writes clear reports"),
        ],
        Some(&admin),
        StatusCode::OK,
    )
    .await;
    // Remove level 2 (nothing uses it): level 3's description becomes level 2's.
    let form = scale_form(
        &fw,
        "2",
        &[
            ("1", "A", false),
            ("2", "B", true),
            ("3", "C", false),
            ("4", "D", false),
            ("5", "E", false),
        ],
        "3",
    );
    save_scale(&app, &admin, &form, StatusCode::OK).await;
    let details = app
        .call(
            "/api/frameworks/node",
            &[("framework", &fw), ("node", &node)],
            Some(&admin),
        )
        .await
        .parse::<NodeDetails>();
    assert_eq!(
        details.level_descriptions,
        [(Track::Ic, 2, "Writes clear reports".to_string())]
    );
    let s = scale(&app, &admin, &fw).await;
    assert_eq!(
        s.scale.threshold().get(),
        2,
        "the threshold row moved down with it"
    );
}

async fn node_count(app: &TestApp, fw: &str) -> i64 {
    sqlx::query_scalar("select count(*) from framework_node where framework_id = $1")
        .bind(fw.parse::<i64>().unwrap())
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

async fn external_ids(app: &TestApp, fw: &str) -> Vec<String> {
    let mut ids: Vec<String> =
        sqlx::query_scalar("select external_id from framework_node where framework_id = $1")
            .bind(fw.parse::<i64>().unwrap())
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
    ids.sort();
    ids
}

#[tokio::test]
async fn clone_copies_everything_into_a_new_draft() {
    let app = TestApp::demo().await;
    let admin = app.sign_in(ADMIN, PW).await;
    let eng = fw_id(&app, &admin, "Engineering").await;
    let res = app
        .call(
            "/api/frameworks/clone",
            &[("framework", &eng)],
            Some(&admin),
        )
        .await;
    assert!(
        res.status.is_success() || res.status.is_redirection(),
        "{}",
        res.body
    );
    let copy = fw_id(&app, &admin, "Engineering (copy)").await;
    assert_ne!(copy, eng);
    assert_eq!(node_count(&app, &copy).await, node_count(&app, &eng).await);
    assert_eq!(
        external_ids(&app, &copy).await,
        external_ids(&app, &eng).await
    );
    let a = view(&app, &admin, &[("id", &eng)]).await;
    let b = view(&app, &admin, &[("id", &copy)]).await;
    assert_eq!(titles(&a), titles(&b), "same tree, same order");
    assert_eq!(a.scale, b.scale);
    assert_eq!(b.framework.status, FrameworkStatus::Draft);
    assert_eq!(
        b.framework.origin,
        "Cloned from \u{201c}Engineering\u{201d}"
    );
    let descriptions = |fw: String| {
        let db = app.db.clone();
        async move {
            let n: i64 = sqlx::query_scalar(
                "select count(*) from node_level_description d join framework_node n on n.id = d.node_id where n.framework_id = $1",
            )
            .bind(fw.parse::<i64>().unwrap())
            .fetch_one(&db.pool)
            .await
            .unwrap();
            n
        }
    };
    assert!(descriptions(eng.clone()).await > 0);
    assert_eq!(descriptions(eng).await, descriptions(copy).await);
}

#[tokio::test]
async fn blend_brings_picked_subtrees_and_refuses_duplicates() {
    let app = TestApp::demo().await;
    let admin = app.sign_in(ADMIN, PW).await;
    let core = fw_id(&app, &admin, "Core competency model").await;
    let eng = fw_id(&app, &admin, "Engineering").await;
    let sources = blend_sources(&app, &admin).await;
    let pick = |fw: &str, title: &str| -> String {
        sources
            .iter()
            .find(|s| Some(s.framework.id.0) == fw.parse::<i64>().ok())
            .unwrap()
            .nodes
            .iter()
            .find(|n| n.title == title)
            .unwrap_or_else(|| panic!("{title} not offered"))
            .id
            .to_string()
    };
    let workplace = pick(&core, "Workplace");
    let teamwork = pick(&core, "Teamwork");
    let craft = pick(&eng, "Technical craft");
    blends_the_picked_subtrees(&app, &admin, &core, &eng, [&workplace, &teamwork, &craft]).await;
    a_node_with_its_own_copy_or_nothing_picked_is_refused(&app, &admin, &eng, &craft).await;
    only_admins_clone_and_blend(&app, &eng, &craft).await;
}

/// The form field that picks node `id` for a blend.
fn blend_key(id: &str) -> String {
    format!("nodes[{id}]")
}

/// Blending Workplace, Teamwork (inside it) and Technical craft makes a framework with
/// the two subtrees on top, in framework name order, and every node under them.
async fn blends_the_picked_subtrees(
    app: &TestApp,
    admin: &str,
    core: &str,
    eng: &str,
    [workplace, teamwork, craft]: [&str; 3],
) {
    let (k1, k2, k3) = (blend_key(workplace), blend_key(teamwork), blend_key(craft));
    let res = app
        .call(
            "/api/frameworks/blend",
            &[
                ("name", "Platform engineer model"),
                ("description", "Workplace tier plus engineering craft"),
                (k1.as_str(), "on"),
                (k2.as_str(), "on"),
                (k3.as_str(), "on"),
            ],
            Some(admin),
        )
        .await;
    assert!(
        res.status.is_success() || res.status.is_redirection(),
        "{}",
        res.body
    );
    let new = fw_id(app, admin, "Platform engineer model").await;
    let v = view(app, admin, &[("id", &new)]).await;
    let top: Vec<String> = v
        .view
        .rows
        .iter()
        .filter(|r| r.node.depth == 0)
        .map(|r| r.node.title.clone())
        .collect();
    assert_eq!(
        top,
        ["Workplace", "Technical craft"],
        "frameworks in name order; Teamwork came inside Workplace"
    );
    let core_v = view(app, admin, &[("id", core)]).await;
    let eng_v = view(app, admin, &[("id", eng)]).await;
    let expected = row(&core_v, "Workplace").inside + row(&eng_v, "Technical craft").inside + 2;
    assert_eq!(v.view.total, expected);
    assert!(v.framework.origin.starts_with("Blended from"));
}

/// Blending a node with its own copy would duplicate identifiers, and a blend with
/// nothing picked names the field: both refused, nothing made.
async fn a_node_with_its_own_copy_or_nothing_picked_is_refused(
    app: &TestApp,
    admin: &str,
    eng: &str,
    craft: &str,
) {
    // Blending a node with its own copy would duplicate identifiers: refused, nothing made.
    app.call("/api/frameworks/clone", &[("framework", eng)], Some(admin))
        .await;
    let copy = fw_id(app, admin, "Engineering (copy)").await;
    let copy_craft = blend_sources(app, admin)
        .await
        .into_iter()
        .find(|s| Some(s.framework.id.0) == copy.parse::<i64>().ok())
        .unwrap()
        .nodes[0]
        .id
        .to_string();
    let before = demo_frameworks(app, admin).await.len();
    let (k1, k2) = (blend_key(craft), blend_key(&copy_craft));
    let res = app
        .expect(
            "/api/frameworks/blend",
            &[
                ("name", "Doubled"),
                ("description", ""),
                (k1.as_str(), "on"),
                (k2.as_str(), "on"),
            ],
            Some(admin),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert!(
        res.body.contains("pick it from one framework only"),
        "{}",
        res.body
    );
    // Nothing picked: refused with the field named.
    let res = app
        .expect(
            "/api/frameworks/blend",
            &[("name", "Empty"), ("description", "")],
            Some(admin),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert!(res.body.contains("\"nodes\""), "{}", res.body);
    assert_eq!(demo_frameworks(app, admin).await.len(), before);
}

/// Only admins clone and blend.
async fn only_admins_clone_and_blend(app: &TestApp, eng: &str, craft: &str) {
    let k1 = blend_key(craft);
    let grace = app.sign_in(MANAGER, PW).await;
    app.expect(
        "/api/frameworks/clone",
        &[("framework", eng)],
        Some(&grace),
        StatusCode::FORBIDDEN,
    )
    .await;
    app.expect(
        "/api/frameworks/blend",
        &[("name", "X"), ("description", ""), (k1.as_str(), "on")],
        Some(&grace),
        StatusCode::FORBIDDEN,
    )
    .await;
    app.expect(
        "/api/frameworks/blend_sources",
        &[],
        Some(&grace),
        StatusCode::FORBIDDEN,
    )
    .await;
}
