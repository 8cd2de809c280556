#!/usr/bin/env python3
"""Writes docs/performance.md from the raw results of scripts/bench.sh.

    bench/report.py --dir build/bench --doc docs/performance.md [--lines N] [--repeat R]

The document has three parts: the results of this run (regenerated), the notes
between the <!-- notes --> markers (kept as they are, written by hand), and a
log with one row per run (kept, and this run's row appended).
"""
import argparse
import json
import os
import re
import sys

NOTES_BEGIN = "<!-- notes: kept across runs -->"
NOTES_END = "<!-- /notes -->"
LOG_HEADER = ("| date | commit | engine evals/s | compact 1t rec/s | compact 2t rec/s | parse-only rec/s "
              "| json-rules-engine req/s | HTTP req/s (p99 ms) | nginx req/s | start-up mean ms | load |")
LOG_RULE = "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|"


def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def skipped(d, name):
    try:
        with open(os.path.join(d, name + ".skipped")) as f:
            return f.read().strip()
    except OSError:
        return None


def best_rate(d, prefix, repeat):
    """The highest records/s over the repeats of one measurement, and all of them."""
    rates = []
    for r in range(1, repeat + 1):
        try:
            with open(os.path.join(d, f"{prefix}-{r}.txt")) as f:
                m = re.search(r"([0-9.]+) records/s", f.read())
        except OSError:
            m = None
        if m:
            rates.append(float(m.group(1)))
    return (max(rates), rates) if rates else (None, [])


def engine_rates(d):
    """items_per_second by benchmark name: the best repetition (a shared machine only slows runs down)."""
    doc = load_json(os.path.join(d, "engine.json"))
    out = {}
    if not doc:
        return out
    for b in doc.get("benchmarks", []):
        if b.get("run_type", "iteration") != "iteration" or "items_per_second" not in b:
            continue
        name = b.get("run_name", b.get("name"))
        out[name] = max(out.get(name, 0), b["items_per_second"])
    return out


def n(x, digits=0):
    if x is None:
        return "—"
    return f"{x:,.{digits}f}"


def ratio(a, b):
    return a / b if a is not None and b else None


def verdict(ok):
    if ok is None:
        return "—"
    return "met" if ok else "**missed**"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--doc", required=True)
    ap.add_argument("--lines", type=int, default=1000000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--full-repeat", type=int, default=1)
    a = ap.parse_args()
    d = a.dir
    meta = load_json(os.path.join(d, "meta.json")) or {}

    eng = engine_rates(d)
    e_fixed = eng.get("BM_EvaluateFlagsHydrationMedicines")
    e_gen = eng.get("BM_EvaluateGenerated")
    e_flags = eng.get("BM_FlagsGenerated")
    e_full = eng.get("BM_AssessFull")
    e_json = eng.get("BM_ParseAssessJson")

    po, po_all = best_rate(d, "parse-only", a.repeat)
    b = {}
    for mode in ("compact", "full"):
        for t in (1, 2):
            b[mode, t] = best_rate(d, f"batch-{mode}-t{t}", a.repeat if mode == "compact" else a.full_repeat)
    c1, c2 = b["compact", 1][0], b["compact", 2][0]
    f1, f2 = b["full", 1][0], b["full", 2][0]

    peer = load_json(os.path.join(d, "peer.json"))
    jre = peer["requests_per_second"] if peer else None
    engine_for_peer = e_gen or e_fixed

    hn = load_json(os.path.join(d, "http-norotriage.json"))
    hx = load_json(os.path.join(d, "http-nginx.json"))
    hnd = load_json(os.path.join(d, "http-norotriage-doc.json"))
    hxd = load_json(os.path.join(d, "http-nginx-doc.json"))
    hhb = load_json(os.path.join(d, "http-healthz-base.json"))
    hhi = load_json(os.path.join(d, "http-healthz-idle.json"))
    idle = load_json(os.path.join(d, "http-idle.json"))
    try:
        with open(os.path.join(d, "http-doc-bytes.txt")) as f:
            doc_bytes = int(f.read().strip())
    except (OSError, ValueError):
        doc_bytes = None
    try:
        with open(os.path.join(d, "http-body-bytes.txt")) as f:
            body_bytes = int(f.read().strip())
    except (OSError, ValueError):
        body_bytes = None
    st = load_json(os.path.join(d, "startup.json"))
    st_mean = st["results"][0]["mean"] * 1000 if st else None
    st_min = st["results"][0]["min"] * 1000 if st else None

    rows = []

    def row(what, result, target="", ok=None):
        rows.append(f"| {what} | {result} | {target} | {verdict(ok) if target else ''} |")

    def ms(us):
        return us / 1000 if us is not None else None

    row("Engine: flags, hydration, medicines on pre-parsed findings (8 fixed requests), 1 core",
        f"{n(e_fixed)} evaluations/s", "≥ 1,000,000 /s per core", e_fixed >= 1e6 if e_fixed else None)
    row("Engine: the same on 10,000 generated requests, 1 core",
        f"{n(e_gen)} evaluations/s", "≥ 1,000,000 /s per core", e_gen >= 1e6 if e_gen else None)
    row("Engine: full assessment with explanations (8 fixed requests)", f"{n(e_full)} /s")
    row("Engine: parse + full assessment + JSON (8 fixed requests)", f"{n(e_json)} /s")
    lines = f"{a.lines:,}"
    row(f"Parse-only limit: simdjson on-demand, every value touched, 1 thread ({lines} lines)",
        f"{n(po)} records/s")
    row("`batch --compact`, 1 thread", f"{n(c1)} records/s")
    row("`batch --compact`, 2 threads", f"{n(c2)} records/s")
    row("`batch` (full result), 1 thread", f"{n(f1)} records/s")
    row("`batch` (full result), 2 threads", f"{n(f2)} records/s")
    r = ratio(c1, po)
    row("compact (1 thread) / parse-only", n(r, 2), "≥ 0.50", r >= 0.5 if r else None)
    r = ratio(c2, c1)
    row("compact scaling, 2 threads / 1 thread", f"{n(r, 2)}×", "≥ 1.8×", r >= 1.8 if r else None)
    r = ratio(f2, f1)
    row("full scaling, 2 threads / 1 thread", f"{n(r, 2)}×")
    if peer:
        row(f"Peer: npm {peer['engine']} on node {peer['node']}, {peer['requests']:,} of the requests "
            f"(agreed on every one)", f"{n(jre)} requests/s")
    else:
        row("Peer: npm json-rules-engine", "not run")
    row("Engine: only what the peer computes (derived values, every flag, disposition), generated requests",
        f"{n(e_flags)} /s")
    r = ratio(e_flags, jre)
    row("norotriage engine / json-rules-engine, the same work (flags and disposition, parsed input)",
        f"{n(r)}×", "≥ 1000×", r >= 1000 if r else None)
    r = ratio(engine_for_peer, jre)
    row("norotriage engine with medicine advice too (`AssessCompact`) / json-rules-engine", f"{n(r)}×")
    r = ratio(c1, jre)
    row("norotriage `batch --compact` 1 thread (with JSON parsing and output) / json-rules-engine", f"{n(r)}×")
    http_skip = skipped(d, "http")
    if hn and hx:
        body = f"{body_bytes:,}-byte answer" if body_bytes else "same answer"
        row(f"HTTP: `norotriage serve` (defaults: one I/O thread per core), POST /v1/assess ({body}), "
            "wrk 2 threads × 64 connections",
            f"{n(hn['requests_per_second'])} requests/s; p50 {n(ms(hn['p50_us']), 2)} ms, "
            f"p99 {n(ms(hn['p99_us']), 2)} ms; errors {sum(hn['errors'].values())}",
            "p99 ≤ 5 ms", hn["p99_us"] <= 5000)
        row("HTTP: nginx, same body from a static file, same wrk",
            f"{n(hx['requests_per_second'])} requests/s; p50 {n(ms(hx['p50_us']), 2)} ms, "
            f"p99 {n(ms(hx['p99_us']), 2)} ms")
        r = ratio(hn["requests_per_second"], hx["requests_per_second"])
        row("HTTP: norotriage / nginx requests/s, POST /v1/assess", n(r, 2), "≥ 0.60", r >= 0.6 if r else None)
    else:
        row("HTTP: `norotriage serve` vs nginx", f"not run: {http_skip or 'no results'}")
    if hnd and hxd:
        size = f"{doc_bytes:,}-byte" if doc_bytes else "fixed"
        r = ratio(hnd["requests_per_second"], hxd["requests_per_second"])
        row(f"HTTP layer alone: GET /v1/openapi.json ({size} document, no assessment), norotriage / nginx",
            f"{n(hnd['requests_per_second'])} / {n(hxd['requests_per_second'])} requests/s = {n(r, 2)}; "
            f"p99 {n(ms(hnd['p99_us']), 2)} / {n(ms(hxd['p99_us']), 2)} ms", "≥ 0.80", r >= 0.8 if r else None)
    if idle and hhi:
        extra = idle["extra_rss_kib"] / 1024
        row(f"HTTP: {idle['idle']:,} idle connections held open (serve `--idle-timeout "
            f"{idle['idle_timeout_s']} --max-connections {idle['idle'] + 1000}`; {n(idle['open_at_end'])} "
            "still open at the end): the server's extra VmRSS",
            f"{n(idle['rss_before_kib'] / 1024, 1)} → {n((idle['rss_before_kib'] + idle['extra_rss_kib']) / 1024, 1)} "
            f"MiB: +{n(extra, 1)} MiB", "< 200 MiB", extra < 200 and idle["open_at_end"] == idle["idle"])
        base = f"; without them {n(ms(hhb['p99_us']), 2)} ms, {n(hhb['requests_per_second'])} requests/s" if hhb else ""
        row(f"HTTP: GET /healthz (store pool) while they are held, wrk 2 threads × 64 connections",
            f"p99 {n(ms(hhi['p99_us']), 2)} ms, {n(hhi['requests_per_second'])} requests/s, errors "
            f"{sum(hhi['errors'].values())}{base}", "p99 < 10 ms", hhi["p99_us"] < 10000)
    if st:
        row("Start-up: `norotriage assess examples/back-pain-day1.json` (hyperfine, 200 runs)",
            f"mean {n(st_mean, 2)} ms, min {n(st_min, 2)} ms", "< 20 ms", st_mean < 20)
    else:
        row("Start-up", f"not run: {skipped(d, 'startup') or 'no results'}")

    # What was kept from the previous document.
    notes, log = "", []
    try:
        with open(a.doc) as f:
            old = f.read()
        if NOTES_BEGIN in old and NOTES_END in old:
            notes = old.split(NOTES_BEGIN, 1)[1].split(NOTES_END, 1)[0].strip("\n")
        if "\n## Log\n" in old:
            log = [l for l in old.split("\n## Log\n", 1)[1].splitlines()
                   if l.startswith("| ") and not l.startswith("| date ")]
    except OSError:
        pass
    if not notes:
        notes = "(Notes written by hand go here; bench/report.py keeps them.)"

    load = "/".join(meta.get("load_before", [])) + " → " + "/".join(meta.get("load_after", []))
    http_cell = (f"{n(hn['requests_per_second'])} ({n(ms(hn['p99_us']), 1)})" if hn else "—")
    log.append(f"| {meta.get('date', '?')} | {meta.get('commit', '?')[:10]} | {n(e_gen or e_fixed)} | {n(c1)} "
               f"| {n(c2)} | {n(po)} | {n(jre)} | {http_cell} | {n(hx['requests_per_second']) if hx else '—'} "
               f"| {n(st_mean, 2)} | {load} |")

    out = []
    out.append("# Performance\n")
    out.append("Written by `make bench` (scripts/bench.sh, then bench/report.py): the results are regenerated "
               "on every run, the notes are kept, and the log gets one row per run. Raw results of this run: "
               f"`{os.path.normpath(d)}/`.\n")
    out.append(f"- Date: {meta.get('date', '?')}; commit `{meta.get('commit', '?')}` (the working tree may "
               "have had changes on top)")
    out.append(f"- Machine: {meta.get('nproc', '?')} × {meta.get('cpu', '?')}, Linux {meta.get('kernel', '?')}")
    out.append(f"- Compiler: {meta.get('compiler', '?')}, {meta.get('build_type', '?')}")
    out.append(f"- Load average (1/5/15 min) before → after: {load}. The machine may be shared: a load "
               f"above 0 before the run means other work competed with the benchmarks.")
    out.append("- Engine: Google Benchmark, best of 5 repetitions (items/s by CPU time).")
    out.append(f"- Batch: parse-only and `--compact` best of {a.repeat} runs, full results best of "
               f"{a.full_repeat}, on {a.lines:,} generated requests (`norotriage_gen --seed 1`), output to "
               "/dev/null, input in the page cache.\n")
    out.append("## Results\n")
    out.append("| Benchmark | Result | Target | |")
    out.append("|---|---|---|---|")
    out.extend(rows)
    out.append("")
    out.append("## Notes\n")
    out.append(NOTES_BEGIN)
    out.append(notes)
    out.append(NOTES_END)
    out.append("")
    out.append("## Log\n")
    out.append(LOG_HEADER)
    out.append(LOG_RULE)
    out.extend(log)
    out.append("")
    os.makedirs(os.path.dirname(a.doc) or ".", exist_ok=True)
    with open(a.doc, "w") as f:
        f.write("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
