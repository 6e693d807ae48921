#!/usr/bin/env bash
# Prints the README's compatibility-corpus table (section "Controller files") from the test
# that checks it (tests/suite/corpus.rs): per file what it exercises, its oracle, how many
# outputs agree within 1e-3 of the range, then the summary line and the differences with
# their reasons (from tests/data/corpus/corpus.toml).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --quiet -p testkit --test suite corpus::every -- --nocapture 2>/dev/null | grep -E '^\||^corpus:'
python3 - <<'PY'
import tomllib
with open("tests/data/corpus/corpus.toml", "rb") as f:
    files = tomllib.load(f)["file"]
print()
for e in files:
    if e.get("known_differences"):
        print(f"- `{e['name']}`, {e['known_differences']} outputs: {e['why']}.")
PY
