//! Input tables for `eval` and `bench`: CSV (read with the `csv` crate) or fuzzylite's FLD.

use std::path::Path;

use super::{CommandError, read_text, shown};

/// The input rows for `eval` and `bench`: a table file (CSV with a header naming the
/// inputs, in any order, or fuzzylite's FLD: the same separated by spaces), read with the
/// `csv` crate (quoting and a UTF-8 byte-order mark included). Extra or missing columns,
/// short rows and non-numbers are errors naming the line and column.
pub fn read_inputs(path: &Path, names: &[&str]) -> Result<Vec<Vec<f32>>, CommandError> {
    let text = read_text(path)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let table_error = |line: u64, message: String| CommandError::Table {
        path: shown(path),
        line,
        column: None,
        message,
    };
    let Some(header) = text.lines().find(|l| !l.trim().is_empty()) else {
        return Err(table_error(
            1,
            format!(
                "empty file (expected a header of input names: {})",
                names.join(",")
            ),
        ));
    };
    // CSV, or FLD (space-separated, runs of spaces allowed): the header says which.
    let records: Vec<(u64, Vec<String>)> = if header.contains(',') {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .trim(csv::Trim::All)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| {
                let line = e.position().map_or(0, |p| p.line());
                table_error(line, e.to_string())
            })?;
            let line = record.position().map_or(0, |p| p.line());
            if record.iter().all(str::is_empty) {
                continue;
            }
            rows.push((line, record.iter().map(str::to_string).collect()));
        }
        rows
    } else {
        text.lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(n, l)| (n as u64 + 1, l.split_whitespace().map(str::to_string).collect()))
            .collect()
    };
    let mut records = records.into_iter();
    let Some((header_line, columns)) = records.next() else {
        return Err(table_error(1, "no header".into()));
    };
    // Cells are trimmed, names are kept exactly (MATLAB's 'User ' has a trailing space):
    // a column matches a name equal up to the spaces around it.
    let same = |column: &str, name: &str| column.trim() == name.trim();
    let mut order = Vec::new();
    for name in names {
        let Some(index) = columns.iter().position(|c| same(c, name)) else {
            return Err(table_error(
                header_line,
                format!("no column `{name}` (columns: {})", columns.join(", ")),
            ));
        };
        order.push(index);
    }
    if let Some(extra) = columns.iter().find(|c| !names.iter().any(|n| same(c, n))) {
        return Err(table_error(
            header_line,
            format!("unknown column `{extra}` (inputs: {})", names.join(", ")),
        ));
    }
    records
        .map(|(line, cells)| {
            if cells.len() != columns.len() {
                return Err(table_error(
                    line,
                    format!("{} values, expected {}", cells.len(), columns.len()),
                ));
            }
            order
                .iter()
                .map(|&i| {
                    cells[i].parse::<f32>().map_err(|_| CommandError::Table {
                        path: shown(path),
                        line,
                        column: Some(columns[i].clone()),
                        message: format!("not a number: `{}`", cells[i]),
                    })
                })
                .collect()
        })
        .collect()
}
