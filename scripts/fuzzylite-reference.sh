#!/usr/bin/env bash
# Regenerates the fuzzylite 6 reference outputs under tests/data/fuzzylite/.
#
# 1. `cargo run --example conformance_cases` writes every case (testkit/src/conformance.rs) as FLL
#    plus an input data set (.inputs.fld);
# 2. the fuzzylite CLI (Debian package `fuzzylite`, version 6.0) evaluates each engine on its
#    inputs with 9 decimals;
# 3. the result is stored as <case>.csv (header: inputs then outputs; `nan` where fuzzylite
#    has no output because no rule fired).
# The tests (tests/suite/conformance.rs) read the CSVs; they do not need fuzzylite.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v fuzzylite >/dev/null || { echo "fuzzylite not found: apt-get install -y fuzzylite" >&2; exit 1; }
dir=tests/data/fuzzylite
mkdir -p "$dir"
cargo run --quiet --release --example conformance_cases -- "$dir"
for fll in "$dir"/*.fll; do
  case=${fll%.fll}
  tmp=$(mktemp)
  fuzzylite -i "$fll" -of fld -o "$tmp" -d "$case.inputs.fld" -decimals 9 -dheader true -dinputs true >/dev/null
  tr -s ' ' ',' <"$tmp" >"$case.csv.tmp" && mv "$case.csv.tmp" "$case.csv"
  rm -f "$tmp"
  echo "$(basename "$case"): $(($(wc -l <"$case.csv") - 1)) rows"
done
