#!/usr/bin/env python3
"""The tuner's benchmark: every job in examples/benchmarks/, tuned with the default budget.

For each plant it runs `fuzzyopt tune` (release build) and collects, from the run's
metrics.json: the tuned fuzzy controller, the PID tuned with the same budget, SIMC's PID and
the wall time. Linear plants are also compared with the ITAE-optimal PID computed outside
the project by scripts/itae-optimal-pid.py (python-control + SciPy; committed as
examples/benchmarks/itae-optimal-pid.csv), re-simulated here with `fuzzyopt simulate` so that
both sides run in the same simulation. Robustness: the tuned fuzzy controller and the tuned
PID (not re-tuned) are simulated on the plant with its gain and, for transfer functions, its
time constants (s -> a s) scaled by 0.8 and 1.2; the table shows the worst of those ITAEs.

Writes out/benchmark/benchmark.md (the README's table) and benchmark.json, and prints the
table. Needs only Python 3.11 (tomllib) and the Rust toolchain.

Usage: scripts/benchmark.py [--algorithm ga|pso|cmaes] [--polish F] [--structure S] [--rules R]
                            [--budget POPULATION ITERATIONS] [PLANT ...]
(default: every job in examples/benchmarks/ as written; the options override the jobs'
[optimizer] settings or [controller] structure, and the results then go to
out/benchmark-<algorithm>-polish<F>/, out/benchmark-<structure>/, out/benchmark-rules-<R>/ or
out/benchmark-budget-<P>x<I>/ (combined when several are given);
`--structure gain_scheduled` also frees the base derivative gain, bounds [1e-4, 100])
"""

import csv
import json
import math
import os
import re
import subprocess
import sys
import time
import tomllib

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
BENCH = os.path.join(ROOT, "examples", "benchmarks")
OUT = os.path.join(ROOT, "out", "benchmark")
FUZZYOPT = os.path.join(ROOT, "target", "release", "fuzzyopt")
FACTORS = [0.8, 1.2]


def fuzzyopt(*args):
    result = subprocess.run([FUZZYOPT, *args], cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"fuzzyopt {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def mean_itae(records):
    return sum(r["metrics"]["itae"] for r in records) / len(records)


def simulate(controller_json, job_path):
    """Mean ITAE of a controller file (engine or PID JSON) over the job's scenarios."""
    return mean_itae(json.loads(fuzzyopt("simulate", controller_json, "--job", job_path, "--json")))


def scaled_coefficients(coefficients, factor):
    """Coefficients (descending powers of s) of p(factor * s)."""
    degree = len(coefficients) - 1
    return [c * factor ** (degree - i) for i, c in enumerate(coefficients)]


def variants(job_path, text, job):
    """Variant job files (path, label): plant gain x0.8 and x1.2, and for transfer functions
    the time constants x0.8 and x1.2."""
    out = []
    plant = job["plant"]
    base = os.path.join(OUT, "variants", os.path.basename(job_path)[:-5])
    os.makedirs(base, exist_ok=True)

    def write(label, new_text):
        path = os.path.join(base, label + ".toml")
        with open(path, "w") as f:
            f.write(new_text)
        out.append((path, label))

    def replace(key, values, source):
        return re.sub(rf"(?m)^{key} = \[.*\]$", f"{key} = {json.dumps(values)}", source, count=1)

    if plant["type"] == "transfer_function":
        for f in FACTORS:
            write(f"gain-x{f}", replace("numerator", [c * f for c in plant["numerator"]], text))
            num, den = plant["numerator"], plant["denominator"]
            scaled = replace("numerator", scaled_coefficients(num, f), text)
            write(f"time-constants-x{f}", replace("denominator", scaled_coefficients(den, f), scaled))
    else:
        # Built-ins: every gain-like parameter scaled through the scenarios' variations.
        for f in FACTORS:
            write(f"gain-x{f}", text.replace("[[scenario]]\n", f"[[scenario]]\nplant_gain_factors = [{f}]\n"))
    return out


def itae_optimal():
    path = os.path.join(BENCH, "itae-optimal-pid.csv")
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        return {row["name"]: row for row in csv.DictReader(f)}


def overrides(text, algorithm, polish, structure=None, rules=None, budget=None):
    """The job text with the command line's [optimizer] settings, structure and rule tuning."""
    if budget is not None:
        text = re.sub(r"(?m)^(population|iterations) = .*\n", "", text)
        text = text.replace("[optimizer]\n", f"[optimizer]\npopulation = {budget[0]}\niterations = {budget[1]}\n", 1)
    if rules is not None:
        text = re.sub(r"(?m)^rules = .*\n", "", text)
        text = text.replace("[tune]\n", f'[tune]\nrules = "{rules}"\n', 1)
    if structure is not None:
        text = re.sub(r'(?m)^structure = "[a-z_]+"', f'structure = "{structure}"', text)
        if structure == "gain_scheduled":
            text = text.replace("[controller]\n", "[controller]\nderivative_gain = 0.1\n", 1)
            text = text.replace("[tune]\n", "[tune]\nderivative_gain = [0.0001, 100.0]\n", 1)
    if algorithm is not None:
        text = re.sub(r'(?m)^algorithm = "[a-z]+"', f'algorithm = "{algorithm}"', text)
    if polish is not None:
        text = re.sub(r"(?m)^polish = .*\n", "", text)
        text = text.replace("[optimizer]\n", f"[optimizer]\npolish = {polish}\n", 1)
    return text


def main():
    global OUT
    args = sys.argv[1:]
    algorithm = polish = structure = rules = budget = None
    while args and args[0].startswith("--"):
        if args[0] == "--budget":
            budget, args = (int(args[1]), int(args[2])), args[3:]
            continue
        option, value, args = args[0], args[1], args[2:]
        if option == "--algorithm":
            algorithm = value
        elif option == "--polish":
            polish = float(value)
        elif option == "--structure":
            structure = value
        elif option == "--rules":
            rules = value
        else:
            sys.exit(f"unknown option {option}")
    if algorithm is not None or polish is not None:
        OUT = f"{OUT}-{algorithm or 'job'}-polish{polish if polish is not None else 'job'}"
    if structure is not None:
        OUT = f"{OUT}-{structure}"
    if rules is not None:
        OUT = f"{OUT}-rules-{rules}"
    if budget is not None:
        OUT = f"{OUT}-budget-{budget[0]}x{budget[1]}"
    names = args or sorted(f[:-5] for f in os.listdir(BENCH) if f.endswith(".toml"))
    subprocess.run(["cargo", "build", "--quiet", "--release", "-p", "optimizer", "--bin", "fuzzyopt"], cwd=ROOT, check=True)
    optimal = itae_optimal()
    rows = []
    for name in names:
        with open(os.path.join(BENCH, name + ".toml")) as f:
            text = overrides(f.read(), algorithm, polish, structure, rules, budget)
        os.makedirs(OUT, exist_ok=True)
        job_path = os.path.join(OUT, name + ".toml")
        with open(job_path, "w") as f:
            f.write(text)
        job = tomllib.loads(text)
        folder = os.path.join(OUT, name)
        start = time.time()
        fuzzyopt("tune", job_path, "--quiet", "-o", folder)
        wall = time.time() - start
        with open(os.path.join(folder, "metrics.json")) as f:
            contenders = {c["controller"]: c for c in json.load(f)}
        row = {
            "plant": name,
            "linear": job["plant"]["type"] == "transfer_function",
            "fuzzy": contenders["tuned fuzzy"]["mean_itae"],
            "pid": contenders.get("PID (tuned)", {}).get("mean_itae"),
            "simc": contenders.get("PID (SIMC)", {}).get("mean_itae"),
            "wall_s": wall,
        }
        pid_file = None
        if "PID (tuned)" in contenders:
            kp, ki, kd, tf = contenders["PID (tuned)"]["pid_gains"]
            pid_file = os.path.join(folder, "tuned-pid.json")
            with open(pid_file, "w") as f:
                json.dump(pid_json(job, kp, ki, kd, tf), f)
        if name in optimal:
            o = optimal[name]
            optimal_file = os.path.join(folder, "itae-optimal-pid.json")
            with open(optimal_file, "w") as f:
                json.dump(pid_json(job, *(float(o[k]) for k in ("kp", "ki", "kd", "derivative_filter_s"))), f)
            row["optimal"] = simulate(optimal_file, job_path)
            row["optimal_python"] = float(o["itae"])
        worst_fuzzy, worst_pid = 0.0, 0.0
        for variant, _ in variants(job_path, text, job):
            worst_fuzzy = max(worst_fuzzy, simulate(os.path.join(folder, "controller.json"), variant))
            if pid_file:
                worst_pid = max(worst_pid, simulate(pid_file, variant))
        row["fuzzy_worst"] = worst_fuzzy
        row["pid_worst"] = worst_pid if pid_file else None
        rows.append(row)
        print(f"{name}: done in {wall:.1f} s", file=sys.stderr, flush=True)
    table = render(rows)
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "benchmark.md"), "w") as f:
        f.write(table)
    with open(os.path.join(OUT, "benchmark.json"), "w") as f:
        json.dump(rows, f, indent=1)
    print(table)


def pid_json(job, kp, ki, kd, tf):
    actuator = job["simulation"].get("actuator", {})
    return {
        "kp": kp, "ki": ki, "kd": kd, "derivative_filter_s": tf,
        "derivative_on": job["controller"].get("derivative_on", "measurement"),
        "output_min": actuator.get("min", -1e300), "output_max": actuator.get("max", 1e300),
    }


def fmt(v, digits=4):
    if v is None:
        return "—"
    return f"{v:.{digits}g}"


def ratio(a, b):
    if a is None or b is None or b == 0:
        return "—"
    return f"{a / b:.2f}"


def render(rows):
    lines = [
        "| plant | tuned fuzzy | tuned PID | SIMC PID | ITAE-optimal PID | fuzzy / tuned PID | fuzzy / optimal PID | fuzzy / SIMC | worst ±20 %: fuzzy | worst ±20 %: tuned PID | wall time |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(
            f"| {r['plant']} | {fmt(r['fuzzy'])} | {fmt(r['pid'])} | {fmt(r['simc'])} | {fmt(r.get('optimal'))} | "
            f"{ratio(r['fuzzy'], r['pid'])} | {ratio(r['fuzzy'], r.get('optimal'))} | {ratio(r['fuzzy'], r['simc'])} | "
            f"{fmt(r['fuzzy_worst'])} | {fmt(r['pid_worst'])} | {r['wall_s']:.1f} s |"
        )
    linear = [r for r in rows if r["linear"] and r.get("optimal")]
    below = sum(1 for r in linear if r["fuzzy"] <= 0.9 * r["optimal"])
    geometric = math.exp(sum(math.log(r["fuzzy"] / r["optimal"]) for r in linear) / len(linear)) if linear else float("nan")
    lines.append("")
    lines.append(
        f"Mean ITAE over each job's scenarios. Tuned fuzzy ≤ 0.9× the ITAE-optimal PID on {below} of "
        f"{len(linear)} linear plants; ≤ the tuned PID on "
        f"{sum(1 for r in rows if r['pid'] is not None and r['fuzzy'] <= r['pid'])} of "
        f"{sum(1 for r in rows if r['pid'] is not None)} plants; geometric mean of fuzzy / optimal PID "
        f"{geometric:.3f}; total wall time {sum(r['wall_s'] for r in rows):.0f} s."
    )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
