#!/usr/bin/env python3
"""Times rootguard and the tools a user would otherwise reach for, on one generated corpus.

Called by bench/run.sh (which builds, generates the corpus and installs the tools). Every tool
counts the records whose userIdentity.type is "Root"; all counts must equal the generator's
manifest, or the run fails. Tools run in rounds (one run of each tool per round, after a
warm-up round), so that load from elsewhere on the machine spreads over all of them, in an
order shuffled each round (seeded by the round's number): a run that follows one which has
just freed a lot of memory gets it back warm, which a fixed order would give to the same tool
every time. The figure kept is the median wall time. Peak RSS comes from GNU time (%M).
"""
import argparse
import datetime
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

BENCH_RULE_ID = "5b0d3c1e-8f2a-4e67-9c41-7a2d9e6b1f30"  # bench/rules/bench-any-root.yml
GNU_TIME = "/usr/bin/time"


def die(msg):
    print(f"bench: error: {msg}", file=sys.stderr)
    sys.exit(1)


def note(msg):
    print(f"bench: {msg}", file=sys.stderr, flush=True)


def gz_files(corpus):
    out = []
    for root, dirs, files in os.walk(corpus):
        dirs.sort()
        out.extend(os.path.join(root, f) for f in sorted(files) if f.endswith(".json.gz"))
    return out


class Tool:
    """One contender: a command, how to read its root count, and its measurements."""

    def __init__(self, key, label, argv, count, slow=False, discard_stdout=False):
        self.key, self.label, self.argv, self.count_fn = key, label, argv, count
        self.slow, self.discard_stdout = slow, discard_stdout
        self.times, self.cpu, self.rss_kb, self.counts = [], [], [], []

    def run(self, workdir):
        out_path = os.path.join(workdir, f"{self.key}.out")
        rss_path = os.path.join(workdir, f"{self.key}.rss")
        err_path = os.path.join(workdir, f"{self.key}.err")
        argv = [GNU_TIME, "-f", "%U %S %M", "-o", rss_path] + self.argv
        with open(os.devnull if self.discard_stdout else out_path, "wb") as out, open(err_path, "wb") as err:
            t0 = time.perf_counter()
            proc = subprocess.run(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
            elapsed = time.perf_counter() - t0
        ok_status = (0, 1) if "rootguard" in self.key else (0,)  # rootguard: 1 = findings
        if proc.returncode not in ok_status:
            with open(err_path, "r", errors="replace") as f:
                tail = f.read()[-2000:]
            die(f"{self.label} exited with status {proc.returncode}:\n{tail}")
        with open(rss_path) as f:  # the last line: "user sys maxrss_kb"
            last = f.read().strip().splitlines()[-1].split()
        try:
            cpu, rss = float(last[0]) + float(last[1]), int(last[2])
        except (ValueError, IndexError):
            die(f"cannot read GNU time's output for {self.label}: {last!r}")
        n = self.count_fn(out_path)
        return elapsed, cpu, rss, n

    def median(self):
        return statistics.median(self.times) if self.times else None


def count_stdout_int(path):
    with open(path) as f:
        text = f.read().strip()
    try:
        return int(text.splitlines()[-1])
    except (ValueError, IndexError):
        die(f"expected a number on stdout, got: {text[:200]!r}")


def count_lines(path):
    n = 0
    with open(path, "rb") as f:
        for line in f:
            if line.strip():
                n += 1
    return n


def count_timeline_root(path):
    """Root events in `rootguard timeline --root --format jsonl` (the AssumeRoot calls it brings in are not)."""
    n = 0
    with open(path, "rb") as f:
        for line in f:
            if b'"identity_type":"Root"' in line:
                n += 1
    return n


def count_bench_rule(path):
    """Findings of the benchmark rule in rootguard's jsonl output (other rules' lines are skipped)."""
    n = 0
    needle = BENCH_RULE_ID.encode()
    with open(path, "rb") as f:
        for line in f:
            if needle in line:
                n += 1
    return n


def machine():
    cpu, flags = platform.processor() or "unknown", []
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                elif line.startswith("flags"):
                    have = set(line.split(":", 1)[1].split())
                    flags = [x for x in ("sse4_2", "avx2", "avx512f", "avx512bw", "vpclmulqdq") if x in have]
                    break
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": cpu, "flags": flags, "kernel": platform.release()}


def one_file(corpus, files):
    """Every record of the corpus in one gzip file of JSON lines (made once, kept with the corpus):
    what an Athena or CloudTrail Lake export looks like, and one stream to inflate."""
    path = os.path.join(corpus, "one-file.jsonl.gz")
    if not os.path.exists(path):
        note(f"writing {path} (once)")
        import gzip
        part = path + ".part"
        with gzip.open(part, "wt", compresslevel=6) as out:
            for name in files:
                with gzip.open(name, "rt") as f:
                    for rec in json.load(f)["Records"]:
                        out.write(json.dumps(rec, separators=(",", ":")) + "\n")
        os.replace(part, path)
    return path


def measure(tools, args, expected, work):
    """Runs the tools in rounds (a warm-up round first); checks each count of Root records."""
    rounds = max(args.reps, args.slow_reps)
    for rnd in range(rounds + 1):
        label = "warm-up" if rnd == 0 else f"round {rnd}/{rounds}"
        order = list(tools)
        random.Random(rnd).shuffle(order)
        for t in order:
            if rnd > 0 and t.slow and rnd > args.slow_reps:
                continue
            if rnd > 0 and not t.slow and rnd > args.reps:
                continue
            elapsed, cpu, rss, n = t.run(work)
            note(f"{label}: {t.label}: {elapsed:.3f} s, {cpu:.2f} s CPU, {rss / 1024:.0f} MB peak RSS" +
                 ("" if n is None else f", {n} Root"))
            if n is not None and n != expected:
                os.makedirs(args.out, exist_ok=True)
                kept = os.path.join(args.out, f"{t.key}.mismatch")
                shutil.copyfile(os.path.join(work, f"{t.key}.out"), kept)
                die(f"{t.label} counted {n} Root records; the generator wrote {expected}. Its output: {kept}")
            if rnd > 0:
                t.times.append(elapsed)
                t.cpu.append(cpu)
                t.rss_kb.append(rss)
                t.counts.append(n)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True, help="directory written by ctgen (holds manifest.json)")
    ap.add_argument("--rootguard", help="rootguard binary (omit to skip rootguard)")
    ap.add_argument("--rules", required=True, help="directory holding the benchmark's root-count rule")
    ap.add_argument("--node-dir", required=True, help="bench/node (with node_modules installed)")
    ap.add_argument("--reps", type=int, default=9, help="timed rounds for the fast tools")
    ap.add_argument("--slow-reps", type=int, default=3, help="timed rounds for jq, python and DuckDB")
    ap.add_argument("--out", required=True, help="directory for results.json and results.md")
    ap.add_argument("--command", default="make bench", help="the command line, for the record")
    args = ap.parse_args()

    with open(os.path.join(args.corpus, "manifest.json")) as f:
        manifest = json.load(f)
    expected = manifest["root_records"]
    mb = manifest["bytes_uncompressed"] / 1e6
    files = gz_files(os.path.join(args.corpus, "AWSLogs"))
    if len(files) != manifest["files"]:
        die(f"{args.corpus}: manifest says {manifest['files']} files, found {len(files)}; delete the corpus and run again")
    logs = os.path.join(args.corpus, "AWSLogs")
    here = os.path.dirname(os.path.abspath(__file__))

    # decompression alone: the output goes to /dev/null, so no time is spent writing it
    tools = [Tool("igzip", "igzip -dc", ["igzip", "-dc"] + files, lambda p: None, discard_stdout=True)]
    skipped = []
    if args.rootguard:
        rg = args.rootguard
        base = [rg, "scan", "--format", "jsonl", "--rules", args.rules]
        tools += [
            Tool("rootguard-j1", "rootguard scan -j1", base[:2] + ["-j1"] + base[2:] + [logs], count_bench_rule),
            Tool("rootguard-j2", "rootguard scan -j2", base[:2] + ["-j2"] + base[2:] + [logs], count_bench_rule),
        ]
        help_text = subprocess.run([rg, "scan", "--help"], capture_output=True, text=True).stdout
        if "--no-builtin" in help_text:
            only = [rg, "scan", "--format", "jsonl", "--no-builtin", "--rules", args.rules]
            tools += [Tool("rootguard-j1-rootrule", "rootguard scan -j1, root rule only",
                           only[:2] + ["-j1"] + only[2:] + [logs], count_bench_rule)]
        if "--jobs" in subprocess.run([rg, "timeline", "--help"], capture_output=True, text=True).stdout:
            # the forensic timeline of every root event, as jq's select builds it
            tools += [Tool(f"rootguard-timeline-j{j}", f"rootguard timeline --root -j{j}",
                           [rg, "timeline", "--root", f"-j{j}", "--format", "jsonl", logs], count_timeline_root)
                      for j in (1, 2)]
    else:
        skipped.append("rootguard (scan engine not available)")
    jq_filter = '.Records[] | select(.userIdentity.type=="Root")'
    tools += [
        Tool("jq", "jq (input from zcat)", ["bash", "-c", 'gzip -dc -- "$@" | jq -c \'' + jq_filter + '\' | wc -l', "jq"] + files,
             count_stdout_int, slow=True),
        Tool("python", "python3 json+gzip", [sys.executable, os.path.join(here, "count_root.py"), logs],
             count_stdout_int, slow=True),
        Tool("duckdb1", "DuckDB read_json, 1 thread", ["node", os.path.join(args.node_dir, "count-root.mjs"), "1", logs],
             count_stdout_int, slow=True),
        Tool("duckdb2", "DuckDB read_json, 2 threads", ["node", os.path.join(args.node_dir, "count-root.mjs"), "2", logs],
             count_stdout_int, slow=True),
    ]

    started = datetime.datetime.now(datetime.timezone.utc)
    load_before = os.getloadavg()
    if load_before[0] > (os.cpu_count() or 1) * 0.5:
        note(f"warning: load average is {load_before[0]:.1f} on {os.cpu_count()} CPUs: "
             "other work competes for the CPUs and the figures will be noisy")
    note(f"corpus: {len(files)} files, {mb:.1f} MB uncompressed, {manifest['bytes_compressed'] / 1e6:.1f} MB gzip, "
         f"{manifest['records']} records, {expected} Root")
    one = one_file(args.corpus, files) if args.rootguard else None
    one_tools = []
    if one:
        base = [args.rootguard, "scan", "--format", "jsonl", "--rules", args.rules]
        one_tools = [
            Tool("one-igzip", "igzip -dc", ["igzip", "-dc", one], lambda p: None, discard_stdout=True),
            Tool("one-rootguard-j1", "rootguard scan -j1", base[:2] + ["-j1"] + base[2:] + [one], count_bench_rule),
            Tool("one-rootguard-j2", "rootguard scan -j2", base[:2] + ["-j2"] + base[2:] + [one], count_bench_rule),
        ]
    with tempfile.TemporaryDirectory(prefix="rg-bench-") as work:
        measure(tools, args, expected, work)
        if one_tools:
            note(f"one file: {one} ({os.path.getsize(one) / 1e6:.1f} MB gzip), every record of the corpus as JSON lines")
            measure(one_tools, args, expected, work)
    load_after = os.getloadavg()

    def table(tools, ref):
        rows = []
        for t in tools:
            m = t.median()
            rows.append({
                "key": t.key, "tool": t.label, "median_s": round(m, 3), "min_s": round(min(t.times), 3),
                "runs": len(t.times), "mb_per_s": round(mb / m, 1), "cpu_s": round(statistics.median(t.cpu), 3),
                "vs_rootguard_j1": round(m / ref.median(), 2) if ref else None,
                "root": t.counts[-1], "peak_rss_mb": round(max(t.rss_kb) / 1024, 1),
            })
        return rows

    by = {t.key: t for t in tools + one_tools}
    ref = by.get("rootguard-j1")
    rows = table(tools, ref)
    one_rows = table(one_tools, by.get("one-rootguard-j1")) if one_tools else []

    targets = []

    def target(name, value, op, limit, cpu_value=None):
        def ok(v):
            return v <= limit if op == "<=" else v >= limit
        targets.append({"target": name, "value": round(value, 2), "op": op, "limit": limit, "pass": ok(value),
                        "cpu_value": None if cpu_value is None else round(cpu_value, 2),
                        "cpu_pass": None if cpu_value is None else ok(cpu_value)})

    def cpu(key):
        return statistics.median(by[key].cpu)

    if ref:
        j2 = by["rootguard-j2"]
        target("rootguard -j1 / igzip -dc", ref.median() / by["igzip"].median(), "<=", 1.0,
               cpu("rootguard-j1") / cpu("igzip"))
        target("jq / rootguard -j1", by["jq"].median() / ref.median(), ">=", 50, cpu("jq") / cpu("rootguard-j1"))
        target("python / rootguard -j1", by["python"].median() / ref.median(), ">=", 25,
               cpu("python") / cpu("rootguard-j1"))
        target("DuckDB 1 thread / rootguard -j1", by["duckdb1"].median() / ref.median(), ">=", 10,
               cpu("duckdb1") / cpu("rootguard-j1"))
        target("rootguard -j1 / -j2", ref.median() / j2.median(), ">=", 1.8)
        target("peak RSS rootguard -j1 (MB)", max(ref.rss_kb) / 1024, "<=", 100)
        target("peak RSS rootguard -j2 (MB)", max(j2.rss_kb) / 1024, "<=", 100)

    result = {
        "date": started.strftime("%Y-%m-%d %H:%M UTC"), "command": args.command, "machine": machine(),
        "load_average_before": [round(x, 2) for x in load_before], "load_average_after": [round(x, 2) for x in load_after],
        "corpus": {k: manifest[k] for k in ("params", "files", "bytes_uncompressed", "bytes_compressed", "records",
                                             "root_records", "root_records_not_service_event")},
        "reps": args.reps, "slow_reps": args.slow_reps, "rows": rows, "targets": targets, "skipped": skipped,
        "one_file": None if not one else {"path": os.path.basename(one), "bytes_compressed": os.path.getsize(one),
                                          "rows": one_rows},
    }
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(result, f, indent=2)
    md = render(result)
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write(md)
    print(md)
    return 0


def render(r):
    c = r["corpus"]
    p = c["params"]
    lines = [
        f"Date: {r['date']}. Machine: {r['machine']['nproc']} CPUs, {r['machine']['cpu']} "
        f"({' '.join(r['machine'].get('flags', []))}), Linux {r['machine']['kernel']}; "
        f"load average {r['load_average_before'][0]} before, {r['load_average_after'][0]} after.",
        f"Corpus: {c['files']} files, {c['bytes_uncompressed'] / 1e6:.1f} MB uncompressed ({c['bytes_compressed'] / 1e6:.1f} MB gzip), "
        f"{c['records']} records, {c['root_records']} with userIdentity.type Root "
        f"(ctgen --size {p['size_mb']} --accounts {p['accounts']} --days {p['days']} --root-rate {p['root_rate']} "
        f"--s3-data {p['s3_data']} --seed {p['seed']}).",
        f"Median of {r['reps']} timed runs ({r['slow_reps']} for jq, python and DuckDB) after one warm-up run; "
        "the files are in the page cache.",
        "",
        "| tool | median s | min s | MB/s | x rootguard -j1 | CPU s (user+sys) | Root records | peak RSS MB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    header = lines[-2:]

    def add_rows(rows):
        for row in rows:
            ratio = "" if row["vs_rootguard_j1"] is None else f"{row['vs_rootguard_j1']:.2f}"
            root = "" if row["root"] is None else str(row["root"])
            lines.append(f"| {row['tool']} | {row['median_s']:.3f} | {row['min_s']:.3f} | {row['mb_per_s']:.0f} | {ratio} | "
                         f"{row['cpu_s']:.2f} | {root} | {row['peak_rss_mb']:.0f} |")

    add_rows(r["rows"])
    one = r.get("one_file")
    if one:
        lines += ["", f"The same records in one file, `{one['path']}` ({one['bytes_compressed'] / 1e6:.1f} MB gzip, "
                  "one event per line, as an Athena or CloudTrail Lake export): one stream to inflate, which -j2 "
                  "inflates on a thread of its own while the other frames and matches.", ""] + header
        add_rows(one["rows"])
    if r["targets"]:
        lines += ["", "Targets on median wall time (and, for the single-threaded comparisons, on median CPU time, "
                  "which other load on the machine distorts less):", "",
                  "| target | goal | wall | result | CPU | result |", "|---|---:|---:|---|---:|---|"]
        for t in r["targets"]:
            verdict = "PASS" if t["pass"] else "FAIL"
            if t["cpu_value"] is None:
                cpu_cols = "| |"
            else:
                cpu_cols = f"{t['cpu_value']:.2f} | {'PASS' if t['cpu_pass'] else 'FAIL'} |"
            lines.append(f"| {t['target']} | {t['op']} {t['limit']} | {t['value']:.2f} | {verdict} | {cpu_cols}")
    for s in r["skipped"]:
        lines.append(f"\nSkipped: {s}.")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
