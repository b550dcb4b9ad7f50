//! Drafting a position's requirements from a job description: BM25 ranking (the `bm25`
//! crate, English stemming and stop words) over every rateable node of the organisation's
//! frameworks: titles (counted twice, as they say most), alternative labels, definitions
//! and key behaviours. Offline and deterministic: equal scores are ordered by node id.

use super::db::Db;
use crate::api::AppError;
use crate::domain::count;
use crate::domain::positions::{Suggestion, MAX_JOB_DESCRIPTION, SUGGESTIONS};
use crate::domain::tree::NodeKind;
use crate::domain::NodeId;
use bm25::{Document, Language, SearchEngineBuilder, Tokenizer};
use std::collections::{HashMap, HashSet};

/// A node as drafting searches it.
#[derive(Debug, Clone)]
pub struct DraftDoc {
    /// Node.
    pub node: NodeId,
    /// Title.
    pub title: String,
    /// Everything else searched: alternative labels, definition, key behaviours.
    pub text: String,
}

/// A ranked document: its index in the input, score, and the words that matched.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    /// Index into the documents given.
    pub index: usize,
    /// BM25 score.
    pub score: f32,
    /// The document's words whose stems occur in the description, as written, at most 8.
    pub words: Vec<String>,
}

fn tokenizer() -> bm25::DefaultTokenizer {
    bm25::DefaultTokenizer::new(Language::English)
}

/// The documents and their BM25 index, built once per state of the frameworks.
pub struct Index {
    docs: Vec<DraftDoc>,
    engine: bm25::SearchEngine<u32>,
}

impl Index {
    /// Indexes `docs` (titles counted twice).
    pub fn new(docs: Vec<DraftDoc>) -> Index {
        let documents: Vec<Document<u32>> = docs
            .iter()
            .enumerate()
            .map(|(i, d)| Document::new(count(i), format!("{} {} {}", d.title, d.title, d.text)))
            .collect();
        let engine =
            SearchEngineBuilder::<u32>::with_documents(Language::English, documents).build();
        Index { docs, engine }
    }

    /// The documents, in the order given.
    pub fn docs(&self) -> &[DraftDoc] {
        &self.docs
    }

    /// Ranks the documents against `description`, leaving out the nodes in `skip`; the
    /// best `n`, equal scores by node id.
    pub fn rank(&self, description: &str, skip: &HashSet<NodeId>, n: usize) -> Vec<Ranked> {
        let docs = &self.docs;
        if docs.is_empty() || description.trim().is_empty() {
            return Vec::new();
        }
        let tok = tokenizer();
        let mut hits: Vec<(usize, f32)> = self
            .engine
            .search(&distinct_terms(&tok, description), None)
            .into_iter()
            .map(|r| (r.document.id as usize, r.score))
            .filter(|(i, s)| *s > 0.0 && docs.get(*i).is_some_and(|d| !skip.contains(&d.node)))
            .collect();
        hits.sort_by(|a, b| {
            b.1.total_cmp(&a.1)
                .then_with(|| docs[a.0].node.cmp(&docs[b.0].node))
        });
        hits.truncate(n);
        let wanted: HashSet<String> = tok.tokenize(description).into_iter().collect();
        hits.into_iter()
            .map(|(index, score)| Ranked {
                index,
                score,
                words: matched_words(&tok, &wanted, &docs[index]),
            })
            .collect()
    }
}

/// Ranks `docs` against `description` (see [`Index::rank`]).
pub fn rank(docs: &[DraftDoc], description: &str, skip: &HashSet<NodeId>, n: usize) -> Vec<Ranked> {
    Index::new(docs.to_vec()).rank(description, skip, n)
}

/// The description with each stem kept once (its first spelling): a long description
/// repeats common words ("software", "team"), and counting those repeats would let them
/// outweigh the rare, telling ones ("PostgreSQL") that it names once.
fn distinct_terms(tok: &bm25::DefaultTokenizer, description: &str) -> String {
    let mut seen = HashSet::new();
    let mut out: Vec<&str> = Vec::new();
    for word in description.split(|c: char| !c.is_alphanumeric() && c != '+' && c != '#') {
        let stems = tok.tokenize(word);
        if !stems.is_empty() && stems.iter().any(|s| seen.insert(s.clone())) {
            out.push(word);
        }
    }
    out.join(" ")
}

fn matched_words(
    tok: &bm25::DefaultTokenizer,
    wanted: &HashSet<String>,
    doc: &DraftDoc,
) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    let text = format!("{} {}", doc.title, doc.text);
    for word in text.split(|c: char| !c.is_alphanumeric() && c != '+' && c != '#') {
        if word.is_empty() || !seen.insert(word.to_lowercase()) {
            continue;
        }
        if tok.tokenize(word).iter().any(|t| wanted.contains(t)) {
            out.push(word.to_string());
            if out.len() == 8 {
                break;
            }
        }
    }
    out
}

/// Up to [`SUGGESTIONS`] rateable nodes of non-archived frameworks for `description`,
/// leaving out those `position` already requires and those in `rejected`.
#[tracing::instrument(skip_all)]
pub async fn suggest(
    db: &Db,
    position: crate::domain::positions::PositionId,
    description: &str,
    rejected: &HashSet<NodeId>,
) -> Result<Vec<Suggestion>, AppError> {
    if description.chars().count() > MAX_JOB_DESCRIPTION {
        return Err(AppError::invalid(
            "description",
            format!("Paste at most {MAX_JOB_DESCRIPTION} characters of the job description."),
        ));
    }
    if description.trim().is_empty() {
        return Err(AppError::invalid(
            "description",
            "Paste the job description to draft requirements from.",
        ));
    }
    let mut skip: HashSet<NodeId> = super::positions::requirements(db, position)
        .await?
        .into_iter()
        .map(|r| r.node)
        .collect();
    skip.extend(rejected.iter().copied());
    let index = index(db).await?;
    let ranked = index.rank(description, &skip, SUGGESTIONS);
    let chosen: Vec<NodeId> = ranked.iter().map(|r| index.docs()[r.index].node).collect();
    let ids = super::positions::id_list(chosen.iter().map(|n| n.0));
    let rows: Vec<SuggestedRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select n.id, n.kind, n.title, f.name as framework_name from framework_node n \
         join framework f on f.id = n.framework_id where n.id in ({ids})"
    )))
    .fetch_all(&db.pool)
    .await?;
    let paths = super::positions::ancestor_paths(db, &chosen).await?;
    let by_id: HashMap<i64, &SuggestedRow> = rows.iter().map(|r| (r.id, r)).collect();
    Ok(ranked
        .into_iter()
        .filter_map(|r| {
            let node = index.docs()[r.index].node;
            let row = by_id.get(&node.0)?;
            Some(Suggestion {
                node,
                title: row.title.clone(),
                kind: NodeKind::parse(&row.kind).unwrap_or(NodeKind::Skill),
                framework_name: row.framework_name.clone(),
                path: paths.get(&node).cloned().unwrap_or_default(),
                score: r.score,
                words: r.words,
            })
        })
        .collect())
}

/// A suggested node with its framework's name.
#[derive(sqlx::FromRow)]
struct SuggestedRow {
    id: i64,
    kind: String,
    title: String,
    framework_name: String,
}

/// The text of a node the index searches.
#[derive(sqlx::FromRow)]
struct IndexedRow {
    id: i64,
    title: String,
    alt_labels: String,
    definition: String,
    key_behaviours: String,
}

/// What identifies the searched state of the frameworks: any added, removed or edited
/// node, and any framework archived or restored, changes it.
type Fingerprint = (i64, i64, i64, i64);

/// The last index built for a database, with the fingerprint it was built at.
pub type Cache = std::sync::Arc<std::sync::Mutex<Option<(Fingerprint, std::sync::Arc<Index>)>>>;

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Index({} documents)", self.docs.len())
    }
}

/// The index over every rateable node of non-archived frameworks, rebuilt only when the
/// frameworks changed since it was last built.
async fn index(db: &Db) -> Result<std::sync::Arc<Index>, AppError> {
    let fp: Fingerprint = sqlx::query_as(
        "select count(*), coalesce(max(n.updated_at), 0), cast(coalesce(sum(n.id), 0) as bigint), \
           (select cast(coalesce(sum(revision + id), 0) as bigint) from framework where status <> 'archived') \
         from framework_node n join framework f on f.id = n.framework_id \
         where f.status <> 'archived' and n.kind <> 'category'",
    )
    .fetch_one(&db.pool)
    .await?;
    if let Some((at, idx)) = db.draft_index.lock().ok().and_then(|c| c.clone()) {
        if at == fp {
            return Ok(idx);
        }
    }
    let rows: Vec<IndexedRow> = sqlx::query_as(
        "select n.id, n.title, n.alt_labels, n.definition, n.key_behaviours \
         from framework_node n join framework f on f.id = n.framework_id \
         where f.status <> 'archived' and n.kind <> 'category' order by n.id",
    )
    .fetch_all(&db.pool)
    .await?;
    let list = |json: &str| -> String {
        serde_json::from_str::<Vec<String>>(json)
            .unwrap_or_default()
            .join(". ")
    };
    let docs: Vec<DraftDoc> = rows
        .into_iter()
        .map(|r| DraftDoc {
            node: NodeId(r.id),
            text: format!(
                "{}. {}. {}",
                list(&r.alt_labels),
                r.definition,
                list(&r.key_behaviours)
            ),
            title: r.title,
        })
        .collect();
    // Indexing tens of thousands of nodes takes a moment; keep it off the async workers.
    let idx = tokio::task::spawn_blocking(move || std::sync::Arc::new(Index::new(docs)))
        .await
        .map_err(|_| AppError::Internal)?;
    if let Ok(mut c) = db.draft_index.lock() {
        *c = Some((fp, idx.clone()));
    }
    Ok(idx)
}
#[cfg(test)]
mod tests {
    use super::*;

    /// ESCO's skills as documents: `skills.csv` joins the label, alternative labels and
    /// definition, so the whole text is searched (with an empty title).
    fn esco() -> Vec<(String, DraftDoc)> {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/data/esco/skills.csv"
        );
        let mut reader =
            csv::Reader::from_path(path).expect("ESCO skills.csv is in ../shared/data");
        reader
            .records()
            .enumerate()
            .map(|(i, r)| {
                let r = r.expect("a valid CSV row");
                (
                    r[0].to_string(),
                    DraftDoc {
                        node: NodeId(i as i64),
                        title: String::new(),
                        text: r[1].to_string(),
                    },
                )
            })
            .collect()
    }

    const JOB: &str = "Backend software engineer (Java). You will design and build services in \
        Java, store data in PostgreSQL using SQL, write unit tests for your code (software unit \
        testing), debug software in production, and work in an agile team that uses Scrum. \
        Experience with object-oriented programming is essential.";

    #[test]
    fn a_java_job_description_finds_the_obvious_esco_skills() {
        let all = esco();
        assert_eq!(all.len(), 13_939);
        let docs: Vec<DraftDoc> = all.iter().map(|d| d.1.clone()).collect();
        let started = std::time::Instant::now();
        let top = rank(&docs, JOB, &HashSet::new(), SUGGESTIONS);
        eprintln!(
            "ranked {} ESCO skills in {:?}",
            docs.len(),
            started.elapsed()
        );
        assert_eq!(top.len(), SUGGESTIONS);
        let uris: Vec<&str> = top.iter().map(|r| all[r.index].0.as_str()).collect();
        for (uri, what) in [
            (
                "19a8293b-8e95-4de3-983f-77484079c389",
                "Java (computer programming)",
            ),
            ("a8d07b5a-c1a1-42c6-9d53-db9c7a2ca996", "PostgreSQL"),
            (
                "7961413f-61d0-4722-9cd9-20a050a29899",
                "perform software unit testing",
            ),
            ("2522a6ce-3202-4ac8-9f5b-b9cb5a3a83a1", "debug software"),
            (
                "5b9cde20-f1b9-4adc-bfb3-dbf70b14138d",
                "use object-oriented programming",
            ),
        ] {
            assert!(
                uris.iter().any(|u| u.ends_with(uri)),
                "{what} is not in the top {SUGGESTIONS}: {:#?}",
                top.iter()
                    .map(|r| &all[r.index].1.text[..60.min(all[r.index].1.text.len())])
                    .collect::<Vec<_>>()
            );
        }
        // The matched words come from the skill and occur in the description.
        let java = top
            .iter()
            .find(|r| {
                all[r.index]
                    .0
                    .ends_with("19a8293b-8e95-4de3-983f-77484079c389")
            })
            .unwrap();
        assert!(java.words.iter().any(|w| w == "Java"), "{:?}", java.words);
    }

    #[test]
    fn ranking_is_deterministic_and_honours_skips() {
        let docs: Vec<DraftDoc> = ["Testing", "Testing", "Automated testing", "Cooking"]
            .iter()
            .enumerate()
            .map(|(i, t)| DraftDoc {
                node: NodeId(i as i64 + 1),
                title: (*t).into(),
                text: String::new(),
            })
            .collect();
        let a = rank(&docs, "We value testing.", &HashSet::new(), 10);
        let b = rank(&docs, "We value testing.", &HashSet::new(), 10);
        assert_eq!(a, b);
        // Equal scores: lower node id first. Nothing unrelated is suggested.
        let ids: Vec<i64> = a.iter().map(|r| docs[r.index].node.0).collect();
        assert_eq!(&ids[..2], &[1, 2]);
        assert!(!ids.contains(&4));
        let skipped = rank(&docs, "We value testing.", &HashSet::from([NodeId(1)]), 10);
        assert!(skipped.iter().all(|r| docs[r.index].node != NodeId(1)));
        assert!(rank(&docs, "   ", &HashSet::new(), 10).is_empty());
        assert_eq!(a[0].words, vec!["Testing".to_string()]);
    }
}
