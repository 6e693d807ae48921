#!/usr/bin/env bash
# Regenerates the expected outputs of the compatibility corpus (tests/data/corpus/expected/).
#
# For every file of tests/data/corpus/corpus.toml:
#   1. the inputs: per input, 8 evenly spaced values over its `sample` interval (4 for three
#      inputs, 17 for one), every combination, plus 16 random rows (seeded by the file name);
#      each value rounded to f32, so both sides evaluate the same numbers;
#   2. the oracle evaluates them:
#      - octave: Octave's fuzzy-logic-toolkit (Debian octave-fuzzy-logic-toolkit) with MATLAB's
#        formulas put over it (scripts/octave-matlab/, see its README), reading the file or its
#        oracle form, evalfis at 101 points, 17 significant digits;
#      - fuzzylite: the fuzzylite 6 tool (Debian fuzzylite), 9 decimals;
#   3. expected/<file>.csv: a header (input names x1.., outputs y1..), then one row per input.
# The test (tests/suite/corpus.rs) reads the CSVs; it needs neither Octave nor fuzzylite.
#
# Needs: apt-get install -y --no-install-recommends octave-fuzzy-logic-toolkit fuzzylite
set -euo pipefail
cd "$(dirname "$0")/.."
command -v octave >/dev/null || { echo "octave not found: apt-get install -y --no-install-recommends octave-fuzzy-logic-toolkit" >&2; exit 1; }
command -v fuzzylite >/dev/null || { echo "fuzzylite not found: apt-get install -y fuzzylite" >&2; exit 1; }
toolkit=$(ls -d /usr/share/octave/packages/fuzzy-logic-toolkit-* | sort -V | tail -1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The toolkit with MATLAB's formulas over it (private functions can only be replaced in place).
cp -r "$toolkit" "$work/toolkit"
cp -r scripts/octave-matlab/. "$work/toolkit/"
python3 - "$work" <<'PY'
import math, os, random, struct, subprocess, sys, tomllib

work = sys.argv[1]
corpus = "tests/data/corpus"
expected = os.path.join(corpus, "expected")
os.makedirs(expected, exist_ok=True)
with open(os.path.join(corpus, "corpus.toml"), "rb") as f:
    files = tomllib.load(f)["file"]

def f32(x):
    return struct.unpack("f", struct.pack("f", x))[0]

def inputs_of(entry):
    sample = entry["sample"]
    n = len(sample)
    k = {1: 17, 2: 8, 3: 4}[n]
    axes = [[f32(lo + (hi - lo) * i / (k - 1)) for i in range(k)] for lo, hi in sample]
    rows = [[]]
    for axis in axes:
        rows = [r + [x] for r in rows for x in axis]
    rng = random.Random(entry["name"])
    rows += [[f32(rng.uniform(lo, hi)) for lo, hi in sample] for _ in range(16)]
    return rows

def number(text):
    return float(text)

for entry in files:
    name = entry["name"]
    rows = inputs_of(entry)
    n = len(rows[0])
    source = os.path.join(corpus, entry.get("oracle_form", name))
    if entry["oracle"] == "octave":
        inputs = os.path.join(work, "inputs.csv")
        result = os.path.join(work, "result.csv")
        with open(inputs, "w") as f:
            f.writelines(",".join(repr(x) for x in r) + "\n" for r in rows)
        script = (f"addpath('{work}/toolkit'); "
                  f"evaluate_corpus('{os.path.abspath(source)}', '{inputs}', '{result}');")
        # Octave's own warnings (deprecated operators in the toolkit) are noise: shown on failure.
        run = subprocess.run(["octave", "--no-gui", "--quiet", "--no-window-system", "--eval", script],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if run.returncode != 0 or not os.path.exists(result):
            sys.exit(f"{name}: octave failed:\n{run.stderr}")
        with open(result) as f:
            out = [[number(v) for v in line.split(",")] for line in f if line.strip()]
        os.remove(result)
    else:
        fld = os.path.join(work, "inputs.fld")
        result = os.path.join(work, "result.fld")
        with open(fld, "w") as f:
            f.write(" ".join(f"x{i + 1}" for i in range(n)) + "\n")
            f.writelines(" ".join(repr(x) for x in r) + "\n" for r in rows)
        fmt = os.path.splitext(source)[1][1:]
        subprocess.run(["fuzzylite", "-i", source, "-if", fmt, "-of", "fld", "-o", result, "-d", fld,
                        "-decimals", "9", "-dheader", "false", "-dinputs", "true"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(result) as f:
            out = [[number(v) for v in line.split()] for line in f if line.strip()]
    if len(out) != len(rows):
        sys.exit(f"{name}: {len(out)} results for {len(rows)} inputs")
    m = len(out[0]) - n
    path = os.path.join(expected, name + ".csv")
    with open(path + ".tmp", "w") as f:
        f.write(",".join([f"x{i + 1}" for i in range(n)] + [f"y{j + 1}" for j in range(m)]) + "\n")
        for r, o in zip(rows, out):
            # The inputs as generated (f32 values); the oracle's outputs as it printed them.
            f.write(",".join([repr(x) for x in r] + [repr(y) for y in o[n:]]) + "\n")
    os.replace(path + ".tmp", path)
    print(f"{name}: {len(rows)} rows, {m} output(s), oracle {entry['oracle']}")
PY
