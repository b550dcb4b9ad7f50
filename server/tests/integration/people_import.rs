//! People CSV: new e-mails are added, known ones updated (a second import changes
//! nothing more), units created by path, managers by e-mail, positions by title; the org
//! report counters follow; rows that cannot be used are named by line and change nothing.

use crate::helpers::*;
use crate::orgreports::assert_counters_match_a_rebuild;
use app::server::imports::import;

const FILE: &str = "email,name,job title,role,unit,manager,position
ada.new@northwind.example,Ada New,Staff Engineer,,Northwind Labs / Engineering / Research,,Senior Software Engineer
ben.new@northwind.example,Ben New,,employee,Northwind Labs / Engineering / Research,ada.new@northwind.example,Software Engineer
LIAM.CHEN@northwind.example,,Platform Engineer,,,,Site Reliability Engineer
";

async fn swept(app: &TestApp) -> i64 {
    sqlx::query_scalar("select value from change_counter where name = 'expiry_swept'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn people_are_added_and_updated_by_email() {
    let app = TestApp::demo().await;
    let people = app.count("select count(*) from person").await;
    let units = app.count("select count(*) from org_unit").await;
    let done = import(&app.db, "people-csv", FILE.as_bytes(), false)
        .await
        .unwrap();
    assert_eq!((done.written, done.noun), (3, "people"));
    assert!(
        done.warnings.iter().any(|w| w.at.contains("Research")),
        "{:?}",
        done.warnings
    );
    assert_eq!(app.count("select count(*) from person").await, people + 2);
    assert_eq!(app.count("select count(*) from org_unit").await, units + 1);
    let (unit, parent, manager, position): (String, String, String, String) = sqlx::query_as(
        "select u.name, pu.name, m.email, j.title from person p join org_unit u on u.id = p.unit_id \
         join org_unit pu on pu.id = u.parent_id join person m on m.id = p.manager_id \
         join job_position j on j.id = p.position_id where p.email = 'ben.new@northwind.example'",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(
        (
            unit.as_str(),
            parent.as_str(),
            manager.as_str(),
            position.as_str()
        ),
        (
            "Research",
            "Engineering",
            "ada.new@northwind.example",
            "Software Engineer"
        )
    );
    // Liam keeps his name, unit and manager; his job title and position change.
    let (name, title, position, has_manager): (String, String, String, i64) = sqlx::query_as(
        "select p.name, p.job_title, j.title, case when p.manager_id is null then 0 else 1 end \
         from person p join job_position j on j.id = p.position_id where p.email = $1",
    )
    .bind(EMPLOYEE)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(name, "Liam Chen");
    assert_eq!(title, "Platform Engineer");
    assert_eq!(position, "Site Reliability Engineer");
    assert_eq!(has_manager, 1);
    // The org report counters moved with the new people and the changed position.
    assert_counters_match_a_rebuild(&app, swept(&app).await, "after the people import").await;
    // A second import finds everyone by e-mail: nothing new.
    let again = import(&app.db, "people-csv", FILE.as_bytes(), false)
        .await
        .unwrap();
    assert_eq!(again.written, 3);
    assert!(
        again.warnings.is_empty(),
        "the unit exists now: {:?}",
        again.warnings
    );
    assert_eq!(app.count("select count(*) from person").await, people + 2);
    assert_eq!(app.count("select count(*) from org_unit").await, units + 1);
    assert_counters_match_a_rebuild(&app, swept(&app).await, "after the second import").await;
}

#[tokio::test]
async fn rows_that_cannot_be_used_are_named_and_change_nothing() {
    let app = TestApp::demo_unrated().await;
    let people = app.count("select count(*) from person").await;
    let file = "email,name,role,manager,position
new.one@northwind.example,New One,,,Software Engineer
not-an-email,Nobody,,,
new.two@northwind.example,,,,
new.three@northwind.example,New Three,,ghost@northwind.example,
new.four@northwind.example,New Four,,,Astronaut
new.five@northwind.example,New Five,chief,,
grace.okafor@northwind.example,,,liam.chen@northwind.example,
";
    let err = import(&app.db, "people-csv", file.as_bytes(), false)
        .await
        .unwrap_err()
        .to_string();
    for expected in [
        "line 3: email",
        "line 4: new.two@northwind.example is new here and needs a name",
        "line 5: the manager ghost@northwind.example",
        "line 6: there is no position titled \u{201c}Astronaut\u{201d}",
        "line 7: role \u{201c}chief\u{201d}",
        "line 8: the reporting lines would go round in a loop",
    ] {
        assert!(err.contains(expected), "{expected} in {err}");
    }
    assert_eq!(app.count("select count(*) from person").await, people);
    // Importing the valid rows adds the one good person only.
    let done = import(&app.db, "people-csv", file.as_bytes(), true)
        .await
        .unwrap();
    assert_eq!((done.written, done.skipped.len()), (1, 6));
    assert_eq!(app.count("select count(*) from person").await, people + 1);
    // A file without an e-mail column is refused as a whole.
    let err = import(&app.db, "people-csv", b"name\nSomeone\n", true)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("\u{201c}email\u{201d} column"), "{err}");
}
