#!/usr/bin/env bash
# Checks that the evaluation path of fuzzy-core cannot panic on Cortex-M4F: builds the crate
# for thumbv7em-none-eabihf with --emit=asm and walks the call graph from the evaluation
# entry points (scripts/no_panic_calls.py). Exits non-zero if any panic symbol is reachable.
set -euo pipefail
cd "$(dirname "$0")/.."
target_dir=target/no-panic-check
RUSTFLAGS="--emit=asm" cargo build --quiet --release -p fuzzy-core --target thumbv7em-none-eabihf \
  --target-dir "$target_dir"
asm=$(ls -t "$target_dir"/thumbv7em-none-eabihf/release/deps/fuzzy_core-*.s | sed -n 1p)
# The checker first proves it sees what it must (hand-made assembly with hidden panics).
python3 scripts/no_panic_calls.py --self-test >/dev/null || {
  python3 scripts/no_panic_calls.py --self-test >&2
  echo "FAIL: scripts/no_panic_calls.py misjudges its self-test cases" >&2
  exit 1
}
python3 scripts/no_panic_calls.py "$asm"
