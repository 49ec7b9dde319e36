"""End-to-end comparison for issue 7: `coo-dashboard report --format json` against the DuckDB and
pandas peers on the same folder, alternating A/B/C in each round so that machine noise hits all
alike. Prints the median wall time and peak RSS of each and the ratio to DuckDB.

    cargo build --release
    cargo run --release --bin gen-data -- --scale 1000000 --out /tmp/ref
    python3 benches/peers/compare.py /tmp/ref [--rounds 5] [--binary target/release/coo-dashboard]

`ours (first open)` deletes the reading cache before each run; `ours (cached)` keeps it.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

here = Path(__file__).resolve().parent
parser = argparse.ArgumentParser()
parser.add_argument("data")
parser.add_argument("--rounds", type=int, default=5)
parser.add_argument("--binary", default=None)
parser.add_argument("--no-pandas", action="store_true")
args = parser.parse_args()

target = Path(os.environ.get("CARGO_TARGET_DIR", here.parent.parent / "target"))
binary = args.binary or str(target / "release" / "coo-dashboard")
out = Path(tempfile.mkdtemp())
cache = Path(args.data) / ".coo-dashboard" / "cache"

programs = {
    "ours (first open)": [binary, "report", args.data, "--format", "json", "--out", str(out / "ours.json")],
    "ours (cached)": [binary, "report", args.data, "--format", "json", "--out", str(out / "ours.json")],
    "duckdb": [sys.executable, str(here / "duckdb_peer.py"), args.data, str(out / "duckdb.json")],
}
if not args.no_pandas:
    programs["pandas"] = [sys.executable, str(here / "pandas_peer.py"), args.data, str(out / "pandas.json")]


def run(name, command):
    if name == "ours (first open)":
        shutil.rmtree(cache, ignore_errors=True)
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        sys.exit(f"{name} failed with status {status}")
    return wall, usage.ru_maxrss / 1024  # MiB


# One warm-up each (page cache, Python imports), then the measured rounds.
for name, command in programs.items():
    run(name, command)
walls = {name: [] for name in programs}
rss = {name: [] for name in programs}
for _ in range(args.rounds):
    for name, command in programs.items():
        wall, peak = run(name, command)
        walls[name].append(wall)
        rss[name].append(peak)

input_bytes = sum(p.stat().st_size for p in Path(args.data).glob("*.csv"))
duck = statistics.median(walls["duckdb"])
print(f"input: {input_bytes / 2**20:.1f} MiB in {args.data}; {args.rounds} rounds, A/B alternating")
print(f"{'program':<20} {'median s':>9} {'min s':>7} {'max s':>7} {'peak RSS MiB':>13} {'vs duckdb':>10}")
for name in programs:
    median = statistics.median(walls[name])
    print(f"{name:<20} {median:>9.3f} {min(walls[name]):>7.3f} {max(walls[name]):>7.3f} "
          f"{max(rss[name]):>13.1f} {median / duck:>9.2f}x")
print(f"RSS limit (2x input): {2 * input_bytes / 2**20:.1f} MiB")
