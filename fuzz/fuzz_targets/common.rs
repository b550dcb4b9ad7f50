// Shared by the CSV targets: the records of a CSV text with their lines, as the server's
// `read_csv` gives them (header first).
pub fn records(text: &str) -> Option<(Vec<String>, Vec<(usize, Vec<String>)>)> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut header = None;
    let mut rows = Vec::new();
    for r in reader.records() {
        let r = r.ok()?;
        let line = r.position().map_or(0, |p| p.line()) as usize;
        let fields: Vec<String> = r.iter().map(str::to_string).collect();
        if header.is_none() {
            header = Some(fields);
        } else {
            rows.push((line, fields));
        }
    }
    Some((header?, rows))
}
