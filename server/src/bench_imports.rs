//! `proficio bench-imports`: how long the imports take, end to end (read, plan, write in
//! one transaction), on the database given. The speed goals are a 1,189-item CASE package
//! in 1 s and the 13,939 ESCO skills in 5 s. The CASE package is generated (no real one
//! that size is in `shared/data`): 9 domains, 99 clusters and 1,081 standards with their
//! tree, 300 related links inside and 200 exact matches outside, as a real state standard
//! set has. The other files are the real ones. Figures, not assertions: the README keeps
//! them.

use crate::bench::percentile;
use app::domain::case::case_uuid;
use app::server::imports::import;
use app::server::Db;
use serde_json::{json, Value};
use std::path::Path;
use std::time::Instant;

/// One measured import.
#[derive(Debug, serde::Serialize)]
pub struct Figure {
    /// What was imported.
    pub name: String,
    /// Nodes, positions or people written per run.
    pub written: usize,
    /// Runs.
    pub rounds: usize,
    /// Median and slowest run, ms.
    pub p50_ms: f64,
    pub max_ms: f64,
    /// The goal, ms, where there is one.
    pub goal_ms: Option<f64>,
}

/// The whole report.
#[derive(Debug, serde::Serialize)]
pub struct Report {
    /// Database backend.
    pub backend: &'static str,
    pub results: Vec<Figure>,
}

/// A CASE 1.1 package of `items` items (`round` makes its identifiers its own).
pub fn case_package(items: usize, round: usize) -> Value {
    let id = |s: String| case_uuid(&format!("bench-{round}-{s}"));
    let doc = id("doc".into());
    let t = "2026-01-01T00:00:00+00:00";
    let node_ref = |ident: &str, title: &str| json!({"identifier": ident, "uri": format!("https://bench.test/{ident}"), "title": title});
    let (domains, clusters) = (9, 99);
    let mut cf_items = Vec::with_capacity(items);
    let mut assocs = Vec::new();
    let mut add = |ident: String,
                   code: String,
                   kind: &str,
                   parent: (String, String),
                   seq: usize,
                   statement: String| {
        assocs.push(json!({
            "identifier": id(format!("a-{ident}")), "uri": format!("https://bench.test/a/{ident}"),
            "associationType": "isChildOf", "sequenceNumber": seq, "lastChangeDateTime": t,
            "originNodeURI": node_ref(&ident, &code), "destinationNodeURI": node_ref(&parent.0, &parent.1),
            "CFDocumentURI": node_ref(&doc, "Bench")
        }));
        cf_items.push(json!({
            "identifier": ident, "uri": format!("https://bench.test/{code}"), "fullStatement": statement,
            "humanCodingScheme": code, "CFItemType": kind, "lastChangeDateTime": t, "language": "en",
            "CFDocumentURI": node_ref(&doc, "Bench")
        }));
    };
    let mut ids = Vec::new();
    for d in 0..domains {
        let ident = id(format!("d{d}"));
        add(
            ident.clone(),
            format!("D{d}"),
            "Domain",
            (doc.clone(), "Bench".into()),
            d,
            format!("Domain {d}: reasoning and communication in context {d}."),
        );
        ids.push((ident, format!("D{d}")));
    }
    for c in 0..clusters {
        let (p, pc) = ids[c % domains].clone();
        let ident = id(format!("c{c}"));
        let code = format!("{pc}.C{c}");
        add(
            ident.clone(),
            code.clone(),
            "Cluster",
            (p, pc),
            c / domains,
            format!("Cluster {c}: apply the ideas of {code} to familiar problems."),
        );
        ids.push((ident, code));
    }
    let standards = items.saturating_sub(domains + clusters);
    let mut standard_ids = Vec::with_capacity(standards);
    for s in 0..standards {
        let (p, pc) = ids[domains + s % clusters].clone();
        let ident = id(format!("s{s}"));
        let code = format!("{pc}.{}", s / clusters + 1);
        add(ident.clone(), code.clone(), "Standard", (p, pc), s / clusters, format!("Standard {s}: explain, model and justify a solution to a problem of type {code}, and check it against the evidence."));
        standard_ids.push((ident, code));
    }
    for k in 0..300.min(standard_ids.len().saturating_sub(1)) {
        let (a, ac) = &standard_ids[k];
        let (b, bc) = &standard_ids[(k * 7 + 1) % standard_ids.len()];
        assocs.push(json!({
            "identifier": id(format!("r{k}")), "uri": format!("https://bench.test/r/{k}"), "associationType": "isRelatedTo",
            "lastChangeDateTime": t, "originNodeURI": node_ref(a, ac), "destinationNodeURI": node_ref(b, bc)
        }));
    }
    for (k, (a, ac)) in standard_ids.iter().take(200).enumerate() {
        let outside = case_uuid(&format!("outside-{k}"));
        assocs.push(json!({
            "identifier": id(format!("x{k}")), "uri": format!("https://bench.test/x/{k}"), "associationType": "exactMatchOf",
            "lastChangeDateTime": t, "originNodeURI": node_ref(a, ac),
            "destinationNodeURI": {"identifier": outside, "uri": format!("https://elsewhere.test/{outside}"), "title": "Elsewhere"}
        }));
    }
    json!({
        "CFDocument": {"identifier": doc, "uri": format!("https://bench.test/doc/{round}"), "creator": "Bench", "title": format!("Bench standards {round}"),
                        "lastChangeDateTime": t, "adoptionStatus": "Draft", "language": "en"},
        "CFItems": cf_items,
        "CFAssociations": assocs,
    })
}

async fn time<F, Fut>(
    name: &str,
    rounds: usize,
    goal_ms: Option<f64>,
    mut run: F,
) -> Result<Figure, String>
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = Result<usize, String>>,
{
    let mut ms = Vec::with_capacity(rounds);
    let mut written = 0;
    for r in 0..rounds {
        let started = Instant::now();
        written = run(r).await.map_err(|e| format!("{name}: {e}"))?;
        ms.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    ms.sort_by(f64::total_cmp);
    Ok(Figure {
        name: name.to_string(),
        written,
        rounds,
        p50_ms: percentile(&ms, 0.5),
        max_ms: ms.last().copied().unwrap_or(0.0),
        goal_ms,
    })
}

fn read(data: &Path, file: &str) -> Result<Vec<u8>, String> {
    std::fs::read(data.join(file))
        .map_err(|e| format!("cannot read {}: {e}", data.join(file).display()))
}

/// Times every import on `db`; `data` is the `shared/data` folder.
pub async fn run(db: &Db, data: &Path, rounds: usize) -> Result<Report, String> {
    let mut results = Vec::new();
    let imp = |format: &'static str, bytes: Vec<u8>| async move {
        import(db, format, &bytes, false)
            .await
            .map(|d| d.written)
            .map_err(|e| e.to_string())
    };
    results.push(
        time("CASE package, 1,189 items", rounds, Some(1000.0), |r| {
            imp("case", case_package(1189, r).to_string().into_bytes())
        })
        .await?,
    );
    let skills = read(data, "esco/skills.csv")?;
    results.push(
        time(
            "ESCO skills.csv, 13,939 skills",
            rounds,
            Some(5000.0),
            |_| imp("esco-skills", skills.clone()),
        )
        .await?,
    );
    let ict = read(data, "esco/ict_skills.json")?;
    results.push(
        time("ESCO ict_skills.json", rounds, None, |_| {
            imp("esco-skills", ict.clone())
        })
        .await?,
    );
    let occupations = read(data, "esco/ict_occupations.json")?;
    results.push(
        time("ESCO ICT occupations", 1, None, |_| {
            imp("esco-occupations", occupations.clone())
        })
        .await?,
    );
    let moodle = read(data, "moodle/oecd-core-competencies.csv")?;
    results.push(
        time("Moodle CSV (OECD)", rounds, None, |_| {
            imp("moodle-csv", moodle.clone())
        })
        .await?,
    );
    let yaml = read(data, "progression/ft-engineering.yml")?;
    results.push(
        time("Progression YAML (FT)", rounds, None, |_| {
            imp("progression-yaml", yaml.clone())
        })
        .await?,
    );
    Ok(Report {
        backend: db.backend.name(),
        results,
    })
}

/// The report as a table.
pub fn table(r: &Report) -> String {
    let mut out = format!(
        "Imports on {}\n{:<32} {:>8} {:>6} {:>9} {:>9} {:>8}\n",
        r.backend, "import", "written", "runs", "p50 ms", "max ms", "goal ms"
    );
    for f in &r.results {
        out.push_str(&format!(
            "{:<32} {:>8} {:>6} {:>9.0} {:>9.0} {:>8}\n",
            f.name,
            f.written,
            f.rounds,
            f.p50_ms,
            f.max_ms,
            f.goal_ms.map_or("-".into(), |g| format!("{g:.0}"))
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generated_package_imports_with_its_size() {
        let pkg = case_package(1189, 0);
        assert_eq!(pkg["CFItems"].as_array().unwrap().len(), 1189);
        let (i, warnings) =
            app::domain::case::import_case(&pkg.to_string(), &Default::default()).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(i.nodes.len(), 1189);
        assert_eq!(i.links.len(), 500);
        assert_ne!(
            case_package(10, 1)["CFDocument"]["identifier"],
            case_package(10, 2)["CFDocument"]["identifier"]
        );
    }
}
