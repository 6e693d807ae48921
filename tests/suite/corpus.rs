//! The compatibility corpus (`tests/data/corpus/`): controller files in the forms MATLAB,
//! Octave, fuzzylite, jFuzzyLogic and PLC tools write, each read by `fuzzyopt`'s reader
//! (MATLAB's lenient `.fis` reading, notes allowed) and evaluated on the inputs of its
//! expected-output file, which an independent evaluator wrote (`scripts/corpus-reference.sh`:
//! Octave's toolkit with MATLAB's formulas, or fuzzylite 6). An output agrees when it is
//! within 1e-3 of its output's range of the oracle's (or both are NaN: no rule fired and no
//! default). Each file's count of other outputs is recorded in `corpus.toml`
//! (`known_differences`, with `why`); the test fails when a count changes, either way, and
//! prints the README's table (`scripts/corpus-table.sh` puts it there).

use std::collections::BTreeMap;
use std::path::Path;

const TOLERANCE: f64 = 1e-3;

struct Entry {
    name: String,
    oracle: String,
    features: String,
    known: usize,
}

fn manifest(dir: &Path) -> Vec<Entry> {
    let text = std::fs::read_to_string(dir.join("corpus.toml")).unwrap();
    let value: toml::Table = toml::from_str(&text).unwrap();
    let files = value["file"].as_array().unwrap();
    files
        .iter()
        .map(|f| {
            let get = |k: &str| f.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
            Entry {
                name: get("name"),
                oracle: get("oracle"),
                features: get("features"),
                known: f
                    .get("known_differences")
                    .and_then(|v| v.as_integer())
                    .unwrap_or(0) as usize,
            }
        })
        .collect()
}

/// (rows of inputs, rows of expected outputs) from `expected/<file>.csv`.
fn expected(dir: &Path, name: &str) -> (Vec<Vec<f32>>, Vec<Vec<f64>>) {
    let path = dir.join("expected").join(format!("{name}.csv"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let inputs = header.split(',').filter(|h| h.starts_with('x')).count();
    let (mut xs, mut ys) = (Vec::new(), Vec::new());
    for line in lines {
        let values: Vec<f64> = line.split(',').map(|v| v.parse::<f64>().unwrap()).collect();
        xs.push(values[..inputs].iter().map(|&v| v as f32).collect());
        ys.push(values[inputs..].to_vec());
    }
    (xs, ys)
}

#[test]
fn every_corpus_file_imports_and_agrees_with_its_oracle() {
    let dir = Path::new(testkit::ROOT).join("tests/data/corpus");
    let entries = manifest(&dir);
    // CORPUS_VERBOSE=1 lists every output that differs.
    let verbose = std::env::var_os("CORPUS_VERBOSE").is_some();
    assert!(entries.len() >= 30, "{} files", entries.len());
    let mut problems = Vec::new();
    let mut table = Vec::new();
    let (mut total, mut agree_total) = (0usize, 0usize);
    let mut by_format: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    for entry in &entries {
        let path = dir.join(&entry.name);
        let spec = match fuzzy_files::load_with_notes(&path, None, false) {
            Ok((spec, _notes)) => spec,
            Err(e) => {
                problems.push(format!("{} does not import: {e}", entry.name));
                continue;
            }
        };
        let owned = spec.compile().unwrap();
        let c = owned.controller();
        let mut scratch = vec![0.0; c.scratch_len()];
        let mut out = vec![0.0; c.output_count()];
        let (xs, ys) = expected(&dir, &entry.name);
        assert_eq!(ys[0].len(), c.output_count(), "{}: outputs", entry.name);
        let (mut count, mut differ, mut worst) = (0usize, 0usize, 0.0f64);
        let mut first = None;
        for (x, y) in xs.iter().zip(&ys) {
            c.evaluate(x, &mut scratch, &mut out);
            for (j, (&ours, &theirs)) in out.iter().zip(y).enumerate() {
                count += 1;
                let span = f64::from(spec.outputs[j].max - spec.outputs[j].min);
                let ours = f64::from(ours);
                let error = if ours.is_nan() && theirs.is_nan() {
                    0.0
                } else {
                    (ours - theirs).abs() / span
                };
                let error = if error.is_nan() { f64::INFINITY } else { error };
                if error > TOLERANCE {
                    differ += 1;
                    if verbose {
                        println!(
                            "{}: {x:?} output {}: ours {ours}, oracle {theirs}",
                            entry.name,
                            j + 1
                        );
                    }
                    first.get_or_insert(format!("{x:?}: ours {ours}, oracle {theirs}"));
                } else {
                    worst = worst.max(error);
                }
            }
        }
        if differ != entry.known {
            problems.push(format!(
                "{}: {differ} outputs differ by more than {TOLERANCE} of the range (recorded: {}); first: {}",
                entry.name,
                entry.known,
                first.unwrap_or_default()
            ));
        }
        total += count;
        agree_total += count - differ;
        let format = Path::new(&entry.name)
            .extension()
            .unwrap()
            .to_string_lossy()
            .to_string();
        let f = by_format.entry(format).or_default();
        *f = (f.0 + 1, f.1 + count, f.2 + count - differ);
        table.push(format!(
            "| `{}` | {} | {} | {}/{} | {:.1e} |",
            entry.name,
            entry.features,
            entry.oracle,
            count - differ,
            count,
            worst
        ));
    }
    println!("| file | what it exercises | oracle | outputs agreeing | worst of those (of range) |");
    println!("| --- | --- | --- | --- | --- |");
    for row in &table {
        println!("{row}");
    }
    let formats: Vec<String> = by_format
        .iter()
        .map(|(f, (files, n, ok))| format!("{files} `.{f}` ({ok}/{n})"))
        .collect();
    println!(
        "corpus: {} files ({}); {agree_total} of {total} outputs agree within {TOLERANCE} of the range ({:.2} %)",
        entries.len(),
        formats.join(", "),
        100.0 * agree_total as f64 / total as f64
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(agree_total as f64 >= 0.95 * total as f64);
}
