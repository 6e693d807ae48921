#!/usr/bin/env bash
# Runs every job in examples/jobs/ and prints the README's "Example jobs" table (mean ITAE of
# the initial, PID-equivalent and tuned fuzzy controllers and of both PIDs, from each run's
# metrics.json), so the table is regenerated, never copied by hand.
# Usage: scripts/example-jobs.sh [OUT_DIR]   (default target/example-jobs)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-target/example-jobs}
cargo build --release -q -p optimizer --bin fuzzyopt
mkdir -p "$out"
echo "| job | initial fuzzy | PID-equivalent fuzzy | tuned fuzzy | SIMC PID | tuned PID | tuned fuzzy / tuned PID | wall time |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for job in examples/jobs/*.toml; do
  name=$(basename "$job" .toml)
  start=$(date +%s.%N)
  target/release/fuzzyopt tune "$job" -o "$out/$name" --quiet >/dev/null
  end=$(date +%s.%N)
  python3 - "$out/$name/metrics.json" "$name" "$start" "$end" <<'PY'
import json, sys
rows = {c["controller"]: c["mean_itae"] for c in json.load(open(sys.argv[1]))}
fmt = lambda v: "—" if v is None else f"{v:.4g}"
labels = ["initial fuzzy", "PID-equivalent fuzzy", "tuned fuzzy", "PID (SIMC)", "PID (tuned)"]
tuned, pid = rows.get("tuned fuzzy"), rows.get("PID (tuned)")
ratio = "—" if tuned is None or not pid else f"{tuned / pid:.2f}"
cells = " | ".join(fmt(rows.get(l)) for l in labels)
print(f"| `{sys.argv[2]}` | {cells} | {ratio} | {float(sys.argv[4]) - float(sys.argv[3]):.1f} s |")
PY
done
