#!/usr/bin/env bash
# Prints the README's lookup-table table (section "Exports") from real runs of
# `fuzzyopt export --format lut`: node counts, table bytes and the measured error.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet --release -p optimizer --bin fuzzyopt
bin=target/release/fuzzyopt
out=$(mktemp)
trap 'rm -f "$out"' EXIT
row() { # label, file, max error
  local note
  if note=$("$bin" export "$2" --format lut --max-error "$3" -o "$out" 2>&1); then
    echo "$note" | sed -E "s#.*: ([0-9]+) x ([0-9]+) nodes, ([0-9]+) bytes.*error ([0-9.e+-]+) of.*#| $1 | $3 | \1 × \2 | \3 | \4 |#"
  else
    echo "$note" | sed -E "s#.*\(best: ([0-9.e+-]+)\).*#| $1 | $3 | refused: best \1 | | |#"
  fi
}
echo "| controller | \`--max-error\` | nodes | bytes | measured error |"
echo "| --- | --- | --- | --- | --- |"
row "7×7 PD Sugeno (\`tests/data/fuzzylite/pd_sugeno.fll\`)" tests/data/fuzzylite/pd_sugeno.fll 1e-3
row "7×7 PD Mamdani, centroid (\`pd_mamdani.fll\`)" tests/data/fuzzylite/pd_mamdani.fll 1e-2
row "same" tests/data/fuzzylite/pd_mamdani.fll 1e-3
row "MATLAB's tipper (\`tests/data/interop/tipper.fis\`)" tests/data/interop/tipper.fis 1e-2
