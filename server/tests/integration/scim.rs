//! `/scim/v2`: the request sequences that Microsoft Entra ID's and Okta's SCIM validators
//! send (from their documentation), and what provisioning must never do: act without the
//! scope, change a resource that changed since it was read, lose history, leave a
//! deprovisioned person signed in.

use crate::helpers::*;
use app::server::api_tokens;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::{json, Value};

const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

async fn scim_token(app: &TestApp) -> String {
    api_tokens::create(&app.db, None, "Entra ID", "scim", Some(30))
        .await
        .unwrap()
        .1
}

/// Sends `method path` with `body` (none when Null) as the token, with extra `headers`.
async fn send(
    app: &TestApp,
    token: &str,
    method: &str,
    path: &str,
    body: &Value,
    headers: &[(&str, &str)],
) -> Res {
    let mut b = Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/scim+json");
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    let body = if body.is_null() {
        Body::empty()
    } else {
        Body::from(body.to_string())
    };
    app.send(b.body(body).unwrap()).await
}

async fn get(app: &TestApp, token: &str, path: &str) -> Res {
    send(app, token, "GET", path, &Value::Null, &[]).await
}

/// The JSON of a response that must have `status` and SCIM's media type.
#[track_caller]
fn ok(res: &Res, status: StatusCode) -> Value {
    assert_eq!(res.status, status, "{}", res.body);
    assert_eq!(
        res.headers[header::CONTENT_TYPE],
        "application/scim+json",
        "{}",
        res.body
    );
    res.json()
}

/// A SCIM error with `status` and, when given, `scimType`; its detail.
#[track_caller]
fn refused(res: &Res, status: StatusCode, scim_type: Option<&str>) -> String {
    let e = ok(res, status);
    assert_eq!(
        e["schemas"],
        json!(["urn:ietf:params:scim:api:messages:2.0:Error"])
    );
    assert_eq!(e["status"], status.as_u16().to_string());
    if let Some(t) = scim_type {
        assert_eq!(e["scimType"], t, "{e}");
    }
    e["detail"].as_str().unwrap().to_string()
}

fn q(filter: &str) -> String {
    let encoded = serde_urlencoded::to_string([("", filter)]).unwrap();
    encoded.trim_start_matches('=').to_string()
}

/// The number of resources a filtered list finds.
async fn found(app: &TestApp, token: &str, kind: &str, filter: &str) -> Vec<Value> {
    let list = ok(
        &get(app, token, &format!("/scim/v2/{kind}?filter={}", q(filter))).await,
        StatusCode::OK,
    );
    assert_eq!(
        list["schemas"],
        json!(["urn:ietf:params:scim:api:messages:2.0:ListResponse"])
    );
    let r = list["Resources"].as_array().unwrap().clone();
    assert_eq!(list["totalResults"], r.len(), "{list}");
    r
}

fn entra_user() -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
        "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
        "userName": "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1@testuser.com",
        "active": true,
        "emails": [{"primary": true, "type": "work",
            "value": "Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com"}],
        "meta": {"resourceType": "User"},
        "name": {"formatted": "givenName familyName", "familyName": "familyName", "givenName": "givenName"},
        "roles": []
    })
}

#[tokio::test]
async fn the_entra_validator_user_sequence_creates_finds_changes_disables_and_deletes() {
    let app = TestApp::demo().await;
    let t = scim_token(&app).await;
    let user_name = "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1@testuser.com";

    // Create User.
    let res = send(&app, &t, "POST", "/scim/v2/Users", &entra_user(), &[]).await;
    let u = ok(&res, StatusCode::CREATED);
    let id = u["id"].as_str().unwrap().to_string();
    assert_eq!(u["userName"], user_name);
    assert_eq!(u["externalId"], "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef");
    assert_eq!(u["name"]["givenName"], "givenName");
    assert_eq!(u["displayName"], "givenName familyName");
    assert_eq!(u["active"], true);
    assert_eq!(
        u["emails"][0]["value"],
        "test_user_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com"
    );
    assert!(res
        .location()
        .unwrap()
        .ends_with(&format!("/scim/v2/Users/{id}")));
    assert_eq!(
        res.headers[header::ETAG],
        u["meta"]["version"].as_str().unwrap()
    );
    let person: (String, Option<String>) =
        sqlx::query_as("select role, password_hash from person where id = $1")
            .bind(id.parse::<i64>().unwrap())
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(
        person,
        ("employee".to_string(), None),
        "an employee, no password"
    );

    // Get User by query, by id, by externalId; a name nobody has finds nothing.
    assert_eq!(
        found(&app, &t, "Users", &format!("userName eq \"{user_name}\""))
            .await
            .len(),
        1
    );
    assert_eq!(
        found(
            &app,
            &t,
            "Users",
            &format!("userName eq \"{}\"", user_name.to_uppercase())
        )
        .await[0]["id"],
        id.as_str(),
        "userName is not case-exact"
    );
    assert_eq!(
        found(
            &app,
            &t,
            "Users",
            "externalId eq \"0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef\""
        )
        .await
        .len(),
        1
    );
    assert!(
        found(&app, &t, "Users", "userName eq \"nobody@testuser.com\"")
            .await
            .is_empty()
    );
    assert_eq!(
        ok(
            &get(&app, &t, &format!("/scim/v2/Users/{id}")).await,
            StatusCode::OK
        )["id"],
        id.as_str()
    );

    // Create a duplicate User: refused, nothing added.
    let before = app.count("select count(*) from person").await;
    let res = send(&app, &t, "POST", "/scim/v2/Users", &entra_user(), &[]).await;
    refused(&res, StatusCode::CONFLICT, Some("uniqueness"));
    assert_eq!(app.count("select count(*) from person").await, before);

    // Update User [multi-valued attributes].
    let patch = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [
        {"op": "replace", "path": "emails[type eq \"work\"].value", "value": "updatedEmail@testuser.com"},
        {"op": "replace", "path": "name.familyName", "value": "updatedFamilyName"}]});
    let u = ok(
        &send(
            &app,
            &t,
            "PATCH",
            &format!("/scim/v2/Users/{id}"),
            &patch,
            &[],
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(u["emails"][0]["value"], "updatedemail@testuser.com");
    assert_eq!(u["name"]["familyName"], "updatedFamilyName");

    // Update User [single-valued attributes], with the manager from the enterprise extension.
    let grace = app.person_id(MANAGER).await;
    let patch = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [
        {"op": "Replace", "path": "userName", "value": "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com"},
        {"op": "Replace", "path": "displayName", "value": "Ada Lovelace"},
        {"op": "Add", "path": format!("{ENTERPRISE}:manager"), "value": grace.to_string()}]});
    let u = ok(
        &send(
            &app,
            &t,
            "PATCH",
            &format!("/scim/v2/Users/{id}"),
            &patch,
            &[],
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(
        u["userName"],
        "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com"
    );
    assert_eq!(u["displayName"], "Ada Lovelace");
    assert_eq!(u[ENTERPRISE]["manager"]["value"], grace.to_string());
    assert_eq!(u[ENTERPRISE]["manager"]["displayName"], "Grace Okafor");
    assert!(
        found(&app, &t, "Users", &format!("userName eq \"{user_name}\""))
            .await
            .is_empty()
    );

    // Disable User (Entra sends the boolean as text).
    let patch = json!({"Operations": [{"op": "Replace", "path": "active", "value": "False"}]});
    let u = ok(
        &send(
            &app,
            &t,
            "PATCH",
            &format!("/scim/v2/Users/{id}"),
            &patch,
            &[],
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(u["active"], false);

    // Delete User: gone for SCIM, kept (deactivated) in Proficio.
    let res = send(
        &app,
        &t,
        "DELETE",
        &format!("/scim/v2/Users/{id}"),
        &Value::Null,
        &[],
    )
    .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);
    refused(
        &get(&app, &t, &format!("/scim/v2/Users/{id}")).await,
        StatusCode::NOT_FOUND,
        None,
    );
    assert_eq!(
        app.count(format!(
            "select count(*) from person where id = {id} and active = 0"
        ))
        .await,
        1
    );
    // Every change is audited with the token that made it.
    let audited = app
        .count(format!(
            "select count(*) from audit_log where entity = 'person' and entity_id = '{id}' \
             and actor_id is null and after_json like '%\"api_token\"%'"
        ))
        .await;
    assert!(audited >= 5, "{audited} audit entries");
}

#[tokio::test]
async fn the_entra_validator_group_sequence_keeps_units_and_their_members() {
    let app = TestApp::demo().await;
    let t = scim_token(&app).await;
    let liam = app.person_id(EMPLOYEE).await;
    let noah = app.person_id(OTHER_EMPLOYEE).await;

    // Create Group.
    let body = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "externalId": "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159", "displayName": "displayName_6f5e1a",
        "meta": {"resourceType": "Group"}});
    let g = ok(
        &send(&app, &t, "POST", "/scim/v2/Groups", &body, &[]).await,
        StatusCode::CREATED,
    );
    let gid = g["id"].as_str().unwrap().to_string();
    assert_eq!(g["members"], json!([]));
    refused(
        &send(&app, &t, "POST", "/scim/v2/Groups", &body, &[]).await,
        StatusCode::CONFLICT,
        Some("uniqueness"),
    );

    // Get Group by query, without members.
    let list = ok(
        &get(
            &app,
            &t,
            &format!(
                "/scim/v2/Groups?excludedAttributes=members&filter={}",
                q("displayName eq \"displayName_6f5e1a\"")
            ),
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(list["totalResults"], 1);
    assert!(list["Resources"][0].get("members").is_none());

    // Update Group [add members]: they move into the unit.
    let patch = json!({"Operations": [{"op": "Add", "path": "members",
        "value": [{"value": liam.to_string()}, {"value": noah.to_string()}]}]});
    let g = ok(
        &send(
            &app,
            &t,
            "PATCH",
            &format!("/scim/v2/Groups/{gid}"),
            &patch,
            &[],
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(g["members"].as_array().unwrap().len(), 2);
    assert_eq!(
        app.count(format!("select count(*) from person where unit_id = {gid}"))
            .await,
        2
    );
    let user = ok(
        &get(&app, &t, &format!("/scim/v2/Users/{liam}")).await,
        StatusCode::OK,
    );
    assert_eq!(user["groups"][0]["value"], gid.as_str());
    // Is a user a member? (Entra's membership check.)
    let filter = format!("id eq \"{gid}\" and members[value eq \"{liam}\"]");
    assert_eq!(found(&app, &t, "Groups", &filter).await.len(), 1);

    // Update Group [remove members]: the person has no unit after.
    let patch = json!({"Operations": [{"op": "Remove", "path": "members", "value": [{"value": liam.to_string()}]}]});
    ok(
        &send(
            &app,
            &t,
            "PATCH",
            &format!("/scim/v2/Groups/{gid}"),
            &patch,
            &[],
        )
        .await,
        StatusCode::OK,
    );
    assert!(found(&app, &t, "Groups", &filter).await.is_empty());
    assert_eq!(
        app.count(format!(
            "select count(*) from person where id = {liam} and unit_id is null"
        ))
        .await,
        1
    );

    // Update Group [attributes].
    let patch =
        json!({"Operations": [{"op": "Replace", "path": "displayName", "value": "Sales EMEA"}]});
    let g = ok(
        &send(
            &app,
            &t,
            "PATCH",
            &format!("/scim/v2/Groups/{gid}"),
            &patch,
            &[],
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(g["displayName"], "Sales EMEA");

    // An unknown member is refused by name and changes nothing.
    let patch = json!({"Operations": [
        {"op": "Add", "path": "members", "value": [{"value": liam.to_string()}]},
        {"op": "Add", "path": "members", "value": [{"value": "99999999"}]}]});
    let detail = refused(
        &send(
            &app,
            &t,
            "PATCH",
            &format!("/scim/v2/Groups/{gid}"),
            &patch,
            &[],
        )
        .await,
        StatusCode::BAD_REQUEST,
        Some("invalidValue"),
    );
    assert!(detail.contains("99999999"), "{detail}");
    assert_eq!(
        app.count(format!("select count(*) from person where unit_id = {gid}"))
            .await,
        1
    );

    // Delete Group: Noah stays, without a unit.
    let res = send(
        &app,
        &t,
        "DELETE",
        &format!("/scim/v2/Groups/{gid}"),
        &Value::Null,
        &[],
    )
    .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);
    refused(
        &get(&app, &t, &format!("/scim/v2/Groups/{gid}")).await,
        StatusCode::NOT_FOUND,
        None,
    );
    assert_eq!(
        app.count(format!(
            "select count(*) from person where id = {noah} and unit_id is null"
        ))
        .await,
        1
    );
}

#[tokio::test]
async fn the_okta_sequence_pages_replaces_and_deactivates() {
    let app = TestApp::demo().await;
    let t = scim_token(&app).await;

    // Okta looks the user up first, with paging parameters.
    let list = ok(
        &get(
            &app,
            &t,
            &format!(
                "/scim/v2/Users?filter={}&startIndex=1&count=100",
                q("userName eq \"ada.okta@northwind.example\"")
            ),
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(list["totalResults"], 0);
    assert_eq!(list["Resources"], json!([]));

    let body = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": "ada.okta@northwind.example",
        "name": {"givenName": "Ada", "familyName": "Okta"},
        "emails": [{"primary": true, "value": "ada.okta@northwind.example", "type": "work"}],
        "displayName": "Ada Okta", "locale": "en-US", "externalId": "00ujl29u0le5T6Aj10h7",
        "groups": [], "password": "1mz050nq", "active": true});
    let u = ok(
        &send(&app, &t, "POST", "/scim/v2/Users", &body, &[]).await,
        StatusCode::CREATED,
    );
    let id = u["id"].as_str().unwrap().to_string();
    assert_eq!(
        app.count(format!(
            "select count(*) from person where id = {id} and password_hash is null"
        ))
        .await,
        1,
        "the password Okta sends is not kept"
    );

    // PUT replaces the user.
    let mut put = body.clone();
    put["name"] = json!({"givenName": "Ada", "familyName": "Byron"});
    put["displayName"] = json!("Ada Byron");
    put["title"] = json!("Analyst");
    put["id"] = json!(id);
    let u = ok(
        &send(&app, &t, "PUT", &format!("/scim/v2/Users/{id}"), &put, &[]).await,
        StatusCode::OK,
    );
    assert_eq!(
        (u["displayName"].as_str(), u["title"].as_str()),
        (Some("Ada Byron"), Some("Analyst"))
    );

    // Deactivate, the Okta way (a no-path object).
    let patch = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "value": {"active": false}}]});
    let u = ok(
        &send(
            &app,
            &t,
            "PATCH",
            &format!("/scim/v2/Users/{id}"),
            &patch,
            &[],
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(u["active"], false);
    let patch = json!({"Operations": [{"op": "replace", "value": {"active": true}}]});
    let u = ok(
        &send(
            &app,
            &t,
            "PATCH",
            &format!("/scim/v2/Users/{id}"),
            &patch,
            &[],
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(u["active"], true, "reactivated");

    // Pages: startIndex is 1-based, count caps the page.
    let total = app.count("select count(*) from person").await;
    let page = ok(
        &get(&app, &t, "/scim/v2/Users?startIndex=1&count=2").await,
        StatusCode::OK,
    );
    assert_eq!(
        (page["totalResults"].as_i64(), page["itemsPerPage"].as_i64()),
        (Some(total), Some(2))
    );
    let second = ok(
        &get(&app, &t, "/scim/v2/Users?startIndex=3&count=2").await,
        StatusCode::OK,
    );
    assert_ne!(page["Resources"][1]["id"], second["Resources"][0]["id"]);
    let last = ok(
        &get(
            &app,
            &t,
            &format!("/scim/v2/Users?startIndex={total}&count=5"),
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(last["itemsPerPage"], 1);

    // An id nobody has.
    refused(
        &get(&app, &t, "/scim/v2/Users/010101010101").await,
        StatusCode::NOT_FOUND,
        None,
    );
    refused(
        &get(&app, &t, "/scim/v2/Users/not-a-number").await,
        StatusCode::NOT_FOUND,
        None,
    );

    // Groups: created, a member added and removed by Okta's path filter, renamed by PUT.
    let g = ok(
        &send(
            &app,
            &t,
            "POST",
            "/scim/v2/Groups",
            &json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
            "displayName": "Okta Test Group", "members": []}),
            &[],
        )
        .await,
        StatusCode::CREATED,
    );
    let gid = g["id"].as_str().unwrap().to_string();
    let add = json!({"Operations": [{"op": "add", "path": "members", "value": [{"value": id, "display": "ada.okta@northwind.example"}]}]});
    ok(
        &send(
            &app,
            &t,
            "PATCH",
            &format!("/scim/v2/Groups/{gid}"),
            &add,
            &[],
        )
        .await,
        StatusCode::OK,
    );
    let remove =
        json!({"Operations": [{"op": "remove", "path": format!("members[value eq \"{id}\"]")}]});
    let g = ok(
        &send(
            &app,
            &t,
            "PATCH",
            &format!("/scim/v2/Groups/{gid}"),
            &remove,
            &[],
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(g["members"], json!([]));
    let g = ok(
        &send(
            &app,
            &t,
            "PUT",
            &format!("/scim/v2/Groups/{gid}"),
            &json!({"displayName": "Okta Renamed", "members": [{"value": id}]}),
            &[],
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(g["displayName"], "Okta Renamed");
    assert_eq!(g["members"][0]["value"], id.as_str());

    // Discovery documents.
    let c = ok(
        &get(&app, &t, "/scim/v2/ServiceProviderConfig").await,
        StatusCode::OK,
    );
    assert_eq!(
        (
            c["patch"]["supported"].as_bool(),
            c["etag"]["supported"].as_bool()
        ),
        (Some(true), Some(true))
    );
    let types = ok(
        &get(&app, &t, "/scim/v2/ResourceTypes").await,
        StatusCode::OK,
    );
    assert_eq!(types["totalResults"], 2);
    let schemas = ok(&get(&app, &t, "/scim/v2/Schemas").await, StatusCode::OK);
    assert_eq!(schemas["totalResults"], 3);
}

#[tokio::test]
async fn deprovisioning_ends_sessions_at_once_and_creating_again_brings_the_person_back() {
    let app = TestApp::demo().await;
    let t = scim_token(&app).await;
    // Someone with a history of ratings.
    let (liam, email): (i64, String) = sqlx::query_as(
        "select p.id, p.email from person p join rating r on r.subject_id = p.id \
         where p.role = 'employee' group by p.id, p.email order by count(*) desc, p.id limit 1",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let liam_cookie = app.sign_in(&email, PW).await;
    let ratings = app
        .count(format!(
            "select count(*) from rating where subject_id = {liam}"
        ))
        .await;
    assert!(ratings > 0);

    // People added in Proficio are found by their e-mail as userName.
    let u = found(&app, &t, "Users", &format!("userName eq \"{email}\"")).await;
    assert_eq!(u[0]["id"], liam.to_string());
    let res = send(
        &app,
        &t,
        "DELETE",
        &format!("/scim/v2/Users/{liam}"),
        &Value::Null,
        &[],
    )
    .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);
    assert_eq!(app.whoami(&liam_cookie).await, None, "signed out at once");
    assert_eq!(
        app.count(format!(
            "select count(*) from session where person_id = {liam}"
        ))
        .await,
        0
    );
    assert_eq!(
        app.count(format!(
            "select count(*) from rating where subject_id = {liam}"
        ))
        .await,
        ratings,
        "history is kept"
    );
    assert!(
        found(&app, &t, "Users", &format!("userName eq \"{email}\""))
            .await
            .is_empty()
    );

    // The provider creates them again (a rehire): the same person, active, history intact.
    let body = json!({"userName": email, "displayName": "Liam Chen", "active": true});
    let u = ok(
        &send(&app, &t, "POST", "/scim/v2/Users", &body, &[]).await,
        StatusCode::CREATED,
    );
    assert_eq!(u["id"], liam.to_string());
    assert_eq!(u["active"], true);
    assert_eq!(
        app.whoami(&app.sign_in(&email, PW).await).await.as_deref(),
        Some(email.as_str())
    );
}

#[tokio::test]
async fn refusals_name_what_is_wrong_and_change_nothing() {
    let app = TestApp::demo().await;
    let t = scim_token(&app).await;
    let liam = app.person_id(EMPLOYEE).await;
    let grace = app.person_id(MANAGER).await;
    let path = format!("/scim/v2/Users/{liam}");

    // No token, another scope, a revoked token.
    let res = app
        .send(Request::get("/scim/v2/Users").body(Body::empty()).unwrap())
        .await;
    refused(&res, StatusCode::UNAUTHORIZED, None);
    assert_eq!(res.headers[header::WWW_AUTHENTICATE], "Bearer");
    let (info, reader) = api_tokens::create(&app.db, None, "HR", "people:read", None)
        .await
        .unwrap();
    refused(
        &get(&app, &reader, "/scim/v2/Users").await,
        StatusCode::FORBIDDEN,
        None,
    );
    api_tokens::revoke(&app.db, None, info.id).await.unwrap();
    refused(
        &get(&app, &reader, "/scim/v2/Users").await,
        StatusCode::UNAUTHORIZED,
        None,
    );

    // What was written besides the audit of the token's uses.
    let changes = "select count(*) from audit_log where action <> 'use'";
    let before = app.count(changes).await;
    // Filters Proficio does not understand, and broken bodies.
    let d = refused(
        &get(
            &app,
            &t,
            &format!("/scim/v2/Users?filter={}", q("userName co \"liam\"")),
        )
        .await,
        StatusCode::BAD_REQUEST,
        Some("invalidFilter"),
    );
    assert!(d.contains("\"co\""), "{d}");
    refused(
        &get(
            &app,
            &t,
            &format!("/scim/v2/Users?filter={}", q("password eq \"x\"")),
        )
        .await,
        StatusCode::BAD_REQUEST,
        Some("invalidFilter"),
    );
    let d = refused(
        &get(&app, &t, "/scim/v2/Users?count=many").await,
        StatusCode::BAD_REQUEST,
        None,
    );
    assert!(d.starts_with("count"), "{d}");
    let res = send(&app, &t, "POST", "/scim/v2/Users", &json!("{"), &[]).await;
    refused(&res, StatusCode::BAD_REQUEST, None);
    let res = app
        .send(
            Request::post("/scim/v2/Users")
                .header(header::AUTHORIZATION, format!("Bearer {t}"))
                .body(Body::from("{not json"))
                .unwrap(),
        )
        .await;
    refused(&res, StatusCode::BAD_REQUEST, Some("invalidSyntax"));
    let d = refused(
        &send(
            &app,
            &t,
            "POST",
            "/scim/v2/Users",
            &json!({"userName": "not an address"}),
            &[],
        )
        .await,
        StatusCode::BAD_REQUEST,
        Some("invalidValue"),
    );
    assert!(d.starts_with("emails"), "{d}");
    let d = refused(
        &send(
            &app,
            &t,
            "POST",
            "/scim/v2/Users",
            &json!({"userName": "x\u{0}y@northwind.example"}),
            &[],
        )
        .await,
        StatusCode::BAD_REQUEST,
        Some("invalidValue"),
    );
    assert!(d.contains("userName"), "{d}");
    // A manager nobody is, and a reporting loop.
    let patch = |v: &str| json!({"Operations": [{"op": "replace", "path": format!("{ENTERPRISE}:manager"), "value": {"value": v}}]});
    let d = refused(
        &send(&app, &t, "PATCH", &path, &patch("424242"), &[]).await,
        StatusCode::BAD_REQUEST,
        Some("invalidValue"),
    );
    assert!(d.contains("manager") && d.contains("424242"), "{d}");
    let d = refused(
        &send(
            &app,
            &t,
            "PATCH",
            &format!("/scim/v2/Users/{grace}"),
            &patch(&liam.to_string()),
            &[],
        )
        .await,
        StatusCode::BAD_REQUEST,
        Some("invalidValue"),
    );
    assert!(d.contains("loop"), "{d}");
    // A bad operation among good ones: none applies.
    let ops = json!({"Operations": [
        {"op": "replace", "path": "displayName", "value": "Changed"},
        {"op": "replace", "path": "active", "value": "sometimes"}]});
    let d = refused(
        &send(&app, &t, "PATCH", &path, &ops, &[]).await,
        StatusCode::BAD_REQUEST,
        Some("invalidValue"),
    );
    assert!(d.starts_with("Operations[1]"), "{d}");
    // The last active admin cannot be deprovisioned.
    let admins: Vec<(i64,)> =
        sqlx::query_as("select id from person where role = 'admin' and active = 1")
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
    for (a,) in &admins[1..] {
        sqlx::query("update person set active = 0 where id = $1")
            .bind(a)
            .execute(&app.db.pool)
            .await
            .unwrap();
    }
    let before_admin = app.count(changes).await;
    assert_eq!(before_admin, before, "nothing above was written");
    let d = refused(
        &send(
            &app,
            &t,
            "DELETE",
            &format!("/scim/v2/Users/{}", admins[0].0),
            &Value::Null,
            &[],
        )
        .await,
        StatusCode::BAD_REQUEST,
        Some("mutability"),
    );
    assert!(d.contains("last active admin"), "{d}");
    assert_eq!(app.count(changes).await, before);
    // Each refused request is in the audit log as a use of the token, with its status.
    assert!(
        app.count(
            "select count(*) from audit_log where action = 'use' and after_json like '%\"status\":400%'"
        )
        .await
            >= 10
    );
    assert_eq!(
        app.count(format!(
            "select count(*) from person where id = {liam} and name = 'Liam Chen'"
        ))
        .await,
        1
    );
}

#[tokio::test]
async fn versions_guard_changes_with_if_match_and_answer_if_none_match() {
    let app = TestApp::demo().await;
    let t = scim_token(&app).await;
    let liam = app.person_id(EMPLOYEE).await;
    let path = format!("/scim/v2/Users/{liam}");
    let res = get(&app, &t, &path).await;
    let etag = res.headers[header::ETAG].to_str().unwrap().to_string();
    assert!(etag.starts_with("W/\""), "{etag}");

    // Unchanged: 304.
    let res = send(
        &app,
        &t,
        "GET",
        &path,
        &Value::Null,
        &[("if-none-match", &etag)],
    )
    .await;
    assert_eq!(res.status, StatusCode::NOT_MODIFIED);

    // A change with the version read goes ahead and makes a new version…
    let rename =
        |n: &str| json!({"Operations": [{"op": "replace", "path": "displayName", "value": n}]});
    let res = send(
        &app,
        &t,
        "PATCH",
        &path,
        &rename("Liam C."),
        &[("if-match", &etag)],
    )
    .await;
    let u = ok(&res, StatusCode::OK);
    assert_eq!(u["displayName"], "Liam C.");
    let newer = res.headers[header::ETAG].to_str().unwrap().to_string();
    assert_ne!(newer, etag);

    // …and one made with the old version is refused: someone changed it meanwhile.
    let res = send(
        &app,
        &t,
        "PATCH",
        &path,
        &rename("Lost update"),
        &[("if-match", &etag)],
    )
    .await;
    refused(&res, StatusCode::PRECONDITION_FAILED, None);
    let res = send(
        &app,
        &t,
        "DELETE",
        &path,
        &Value::Null,
        &[("if-match", &etag)],
    )
    .await;
    refused(&res, StatusCode::PRECONDITION_FAILED, None);
    assert_eq!(
        app.count(format!(
            "select count(*) from person where id = {liam} and name = 'Liam C.' and active = 1"
        ))
        .await,
        1
    );

    // Groups too.
    let g = ok(
        &send(
            &app,
            &t,
            "POST",
            "/scim/v2/Groups",
            &json!({"displayName": "Versioned"}),
            &[],
        )
        .await,
        StatusCode::CREATED,
    );
    let gpath = format!("/scim/v2/Groups/{}", g["id"].as_str().unwrap());
    let v = g["meta"]["version"].as_str().unwrap().to_string();
    let patch =
        json!({"Operations": [{"op": "replace", "path": "displayName", "value": "Versioned 2"}]});
    ok(
        &send(&app, &t, "PATCH", &gpath, &patch, &[("if-match", &v)]).await,
        StatusCode::OK,
    );
    refused(
        &send(&app, &t, "PATCH", &gpath, &patch, &[("if-match", &v)]).await,
        StatusCode::PRECONDITION_FAILED,
        None,
    );
}

#[tokio::test]
async fn an_erased_person_leaves_scim_and_a_later_sync_cannot_write_them_back() {
    let app = TestApp::demo().await;
    let t = scim_token(&app).await;
    let body = json!({"userName": "grace.h@northwind.onmicrosoft.example", "externalId": "e-77",
        "displayName": "Grace Hopper", "name": {"givenName": "Grace", "familyName": "Hopper"},
        "emails": [{"type": "work", "value": "grace.h@northwind.example"}]});
    let u = ok(
        &send(&app, &t, "POST", "/scim/v2/Users", &body, &[]).await,
        StatusCode::CREATED,
    );
    let id: i64 = u["id"].as_str().unwrap().parse().unwrap();

    // What the provider sent is in the person's data export.
    let admin = app.person_id(ADMIN).await;
    let me = as_user(admin, app::domain::Role::Admin);
    let export = app::server::privacy::export(&app.db, &me, app::domain::PersonId(id))
        .await
        .unwrap();
    assert_eq!(export["profile"]["external_id"], "e-77");
    assert!(export["profile"]["scim_extra"]
        .as_str()
        .unwrap()
        .contains("Hopper"));

    app::server::privacy::erase(&app.state, &me, app::domain::PersonId(id))
        .await
        .unwrap();
    assert_eq!(
        app.count(format!(
            "select count(*) from person where id = {id} and external_id is null \
             and scim_user_name is null and scim_extra is null and scim_removed_at is not null"
        ))
        .await,
        1
    );
    let path = format!("/scim/v2/Users/{id}");
    refused(&get(&app, &t, &path).await, StatusCode::NOT_FOUND, None);
    let patch =
        json!({"Operations": [{"op": "replace", "path": "displayName", "value": "Grace Hopper"}]});
    refused(
        &send(&app, &t, "PATCH", &path, &patch, &[]).await,
        StatusCode::NOT_FOUND,
        None,
    );
    // Provisioned again: someone new; the erased row stays erased.
    let again = ok(
        &send(&app, &t, "POST", "/scim/v2/Users", &body, &[]).await,
        StatusCode::CREATED,
    );
    assert_ne!(again["id"], id.to_string());
    assert_eq!(
        app.count(format!(
            "select count(*) from person where id = {id} and name like 'Erased person%'"
        ))
        .await,
        1
    );
}
