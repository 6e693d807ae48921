#!/usr/bin/env bash
# Speed side by side with fuzzylite 6: fuzzylite's own benchmark (`fuzzylite benchmark ENGINE.fll
# DATA.fld RUNS`) and `fuzzyopt bench` (release build) on the same FLL files and the same input
# data, in one run; prints nanoseconds per evaluation and the ratio.
#
# Controllers: the 7x7 PD Mamdani (centroid, resolution 100) and the 7x7 Sugeno of the
# conformance suite, and the larger `mixed` controller (3 inputs, 4 outputs, 26 terms of ten
# membership families, 11 rules, every maximum/bisector defuzzifier) — the committed files
# under tests/data/fuzzylite/. Data: ROWS rows (default 1000) drawn uniformly in each input
# range with a fixed seed.
# Usage: scripts/fuzzylite-speed.sh   (ROWS=… RUNS=… to change the defaults)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v fuzzylite >/dev/null || { echo "fuzzylite not found: apt-get install -y fuzzylite" >&2; exit 1; }
rows=${ROWS:-1000}
runs=${RUNS:-10}
cargo build --quiet --release -p optimizer
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '%-12s %8s %18s %16s %8s\n' controller rows fuzzylite_ns/eval fuzzyopt_ns/eval speedup
for case in pd_mamdani pd_sugeno mixed; do
  fll=tests/data/fuzzylite/$case.fll
  data=$work/$case.fld
  # Input names and ranges from the FLL, then ROWS rows from a fixed linear congruential
  # sequence (portable awk, no random state).
  awk -v rows="$rows" '
    /^InputVariable:/ { n++; name[n] = $2 }
    /^OutputVariable:/ { out = 1 }
    /^  range:/ && !out && n > 0 && !(n in lo) { lo[n] = $2; hi[n] = $3 }
    END {
      line = name[1]; for (i = 2; i <= n; i++) line = line " " name[i]; print line
      s = 12345
      for (r = 0; r < rows; r++) {
        line = ""
        for (i = 1; i <= n; i++) {
          s = (s * 1103515245 + 12345) % 2147483648
          x = lo[i] + (hi[i] - lo[i]) * s / 2147483648
          line = line (i > 1 ? " " : "") sprintf("%.6f", x)
        }
        print line
      }
    }' "$fll" >"$data"
  fuzzylite benchmark "$fll" "$data" "$runs" >"$work/$case.tsv"
  # fuzzylite 6 prints a header with more columns than its data row (the error columns are
  # left out when no expected outputs are given): the row reads library, name, inputs,
  # outputs, ruleBlocks, rules, runs, evaluations, units, sum(t), mean(t), sd(t), t1 … —
  # mean(t) is the time of one run over all rows.
  theirs=$(awk -F'\t' '
    NR == 2 {
      for (i = 1; i <= NF; i++) if ($i == "nanoseconds") u = i
      if (!u) { print "fuzzylite benchmark: no nanoseconds column: " $0 > "/dev/stderr"; exit 1 }
      printf "%.1f", $(u + 2) / $8
    }' "$work/$case.tsv")
  ours=$(target/release/fuzzyopt bench "$fll" --inputs "$data" --evaluations 200000 |
    sed -E 's/.*: ([0-9.]+) ns per evaluation.*/\1/')
  awk -v c="$case" -v r="$rows" -v a="$theirs" -v b="$ours" \
    'BEGIN { printf "%-12s %8d %18.1f %16.1f %7.0fx\n", c, r, a, b, a / b }'
done
