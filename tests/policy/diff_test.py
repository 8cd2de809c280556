#!/usr/bin/env python3
"""Random differential test: the engine's batch mode against the reference reading of policy.md.

    python3 tests/policy/diff_test.py BINARY [--n 20000] [--seed S] [--threads T] [--v1-only]
                                             [--show 20] [--keep DIR]

Writes N random valid requests (gen_requests.py) one JSON per line, runs
`BINARY batch IN -o OUT`, and compares every result with policy_v2.assess() field by field:
disposition, each policy flag id, hydration (status, assessed, plan, ors_ml, ors_ml_range,
over_hours, fluid_limit, per_loose_stool_ml, maintenance_ml_per_day, weight_loss_percent), each
medicine id's presence, advice and dose (mg_per_dose, max_mg_per_24h), each mechanism; and that no
finding that does not apply ("Who a finding applies to") nor any given finding is in `unanswered`.
Fields the policy leaves open for a request (policy_v2.OPEN_DETAILS, result["_open"]) are skipped.
Then a set of invalid requests must all be rejected (batch error lines; `assess` exits 65).

Prints counts per field and the first mismatches (request, expected, actual); exit 1 on any.
"""
import argparse
import collections
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import policy_v2  # noqa: E402
import gen_requests  # noqa: E402


def engine_view(res):
    """The engine's result in the reference's shape (for policy_v2.flatten)."""
    h = res.get("hydration") or {}
    meds = {}
    for m in res.get("medicines") or []:
        meds[m.get("id")] = {"advice": m.get("advice"), "dose": m.get("dose")}
    hyd = dict(h)
    hyd["fluid_limit"] = bool(h.get("fluid_limit", False))
    return {
        "disposition": res.get("disposition"),
        "flags": {x.get("id") for x in res.get("flags") or []},
        "hydration": hyd,
        "medicines": meds,
        "mechanisms": {x.get("id") for x in res.get("mechanisms") or []},
    }


def field_of(key):
    """Group keys for the summary: flags by id, the rest as they are."""
    return key


def compare(req, res):
    """List of (key, expected, actual) mismatches for one request."""
    f = req["findings"]
    ref = policy_v2.assess(f)
    exp = policy_v2.flatten(ref)
    act = policy_v2.flatten(engine_view(res))
    open_keys = ref["_open"]
    out = []
    for k in exp:
        if k in open_keys:
            continue
        e, a = exp[k], act.get(k)
        if k == "hydration.weight_loss_percent":
            if e is None:
                continue  # not computable: the engine may leave it out
            ex = ref["hydration"]["_weight_loss_exact"]  # any rounding to 0.1 (ties either way)
            if a is None or abs(float(a) - ex) > 0.05 + 1e-9:
                out.append((k, e, a))
            continue
        if k == "hydration.maintenance_ml_per_day" and e is None:
            continue
        if e != a:
            out.append((k, e, a))
    # presence keys the engine has and the reference does not (e.g. a gel with no pain)
    for k in act:
        if k not in exp and k.startswith("med.") and k.endswith(".present") and act[k]:
            out.append((k, False, True))
    un = [u.get("finding") for u in res.get("unanswered") or []]
    bad = sorted(set(un) & ref["not_applicable"])
    if bad:
        out.append(("unanswered.not_applicable", [], bad))
    given = sorted({u for u in un if f.get(u) is not None})
    if given:
        out.append(("unanswered.given", [], given))
    return out, ref


def short_expected(ref):
    return {
        "disposition": ref["disposition"],
        "flags": sorted(ref["flags"]),
        "hydration": ref["hydration"],
        "medicines": ref["medicines"],
        "mechanisms": sorted(ref["mechanisms"]),
        "open": sorted(ref["_open"]),
    }


def short_actual(res):
    v = engine_view(res)
    h = {k: v["hydration"].get(k) for k in ("status", "assessed", "plan", "ors_ml", "ors_ml_range", "over_hours",
                                            "fluid_limit", "per_loose_stool_ml", "maintenance_ml_per_day",
                                            "weight_loss_percent") if k in v["hydration"]}
    return {
        "disposition": v["disposition"],
        "flags": sorted(v["flags"]),
        "hydration": h,
        "medicines": v["medicines"],
        "mechanisms": sorted(v["mechanisms"]),
        "unanswered": [u.get("finding") for u in res.get("unanswered") or []],
    }


def run_batch(binary, lines, tmpdir, name, threads):
    inp = os.path.join(tmpdir, name + ".in.jsonl")
    outp = os.path.join(tmpdir, name + ".out.jsonl")
    with open(inp, "w") as fh:
        for req in lines:
            fh.write(json.dumps(req) + "\n")
    cmd = [binary, "batch", inp, "-o", outp]
    if threads:
        cmd += ["--threads", str(threads)]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if not os.path.exists(outp):
        sys.exit("batch wrote no output (exit %d): %s" % (p.returncode, p.stderr.decode()[-2000:]))
    with open(outp) as fh:
        results = [line for line in fh if line.strip()]
    return p.returncode, results, p.stderr.decode()


def check_chunk(chunk):
    """Worker: [(index, request, result line)] -> the mismatching ones, ready to print."""
    out = []
    for i, req, line in chunk:
        res = json.loads(line)
        if is_error(res):
            out.append((i, "error", res["error"], None, None))
            continue
        mm, ref = compare(req, res)
        if res.get("ref") != req.get("ref"):
            mm.append(("ref", req.get("ref"), res.get("ref")))
        if mm:
            out.append((i, "mismatch", mm, short_expected(ref), short_actual(res)))
    return out


def is_error(res):
    return isinstance(res.get("error"), dict)


def check_invalid(binary, tmpdir, seed, threads):
    cases = gen_requests.invalid_requests(seed)
    rc, results, _ = run_batch(binary, [c[0] for c in cases], tmpdir, "invalid", threads)
    results = [json.loads(line) for line in results]
    problems = []
    if len(results) != len(cases):
        problems.append("batch gave %d lines for %d invalid requests" % (len(results), len(cases)))
    for (req, why), res in zip(cases, results):
        if not is_error(res):
            problems.append("accepted (%s): %s -> disposition %s" % (why, json.dumps(req), res.get("disposition")))
        elif not str(res["error"].get("path", "")).startswith("$"):
            problems.append("error without a JSON path (%s): %s" % (why, json.dumps(res["error"])))
    if rc == 0 and cases:
        problems.append("batch exit status 0 with invalid lines")
    # the single-request CLI: exit 65, an error naming a JSON path, no result on stdout
    for req, why in cases[:40]:
        p = subprocess.run([binary, "assess", "--json", "-"], input=json.dumps(req).encode(),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        err = p.stderr.decode()
        if p.returncode != 65 or p.stdout.strip() or "error: $" not in err:
            problems.append("assess (%s): exit %d, stdout %r, stderr %r" % (why, p.returncode,
                                                                           p.stdout[:80], err[:160]))
    return len(cases), problems


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binary")
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--threads", type=int, default=min(8, os.cpu_count() or 1), help="engine batch threads")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="comparison processes")
    ap.add_argument("--show", type=int, default=20, help="mismatching requests to print")
    ap.add_argument("--v1-only", action="store_true", help="generate only v1 findings (for a v1 engine)")
    ap.add_argument("--keep", help="keep the batch input and output in this directory")
    ap.add_argument("--by-field-examples", action="store_true",
                    help="also print one example request per mismatching field")
    a = ap.parse_args()

    t0 = time.time()
    reqs = gen_requests.valid_requests(a.n, a.seed)
    if a.v1_only:
        for r in reqs:
            for k in policy_v2.V2_FINDINGS:
                r["findings"].pop(k, None)
    tmpdir = a.keep or tempfile.mkdtemp(prefix="norotriage-diff-")
    os.makedirs(tmpdir, exist_ok=True)
    t1 = time.time()
    rc, results, stderr = run_batch(a.binary, reqs, tmpdir, "valid", a.threads)
    t2 = time.time()

    failures = 0
    if len(results) != len(reqs):
        print("FAIL: batch gave %d result lines for %d requests (exit %d)" % (len(results), len(reqs), rc))
        failures += 1
    field_counts = collections.Counter()
    field_example = {}
    field_pairs = collections.defaultdict(collections.Counter)
    rejected = collections.Counter()
    rejected_example = {}
    shown = 0
    mismatching = 0
    items = [(i, req, line) for i, (req, line) in enumerate(zip(reqs, results))]
    size = max(200, len(items) // (4 * a.jobs) + 1)
    chunks = [items[k:k + size] for k in range(0, len(items), size)]
    if a.jobs > 1 and len(chunks) > 1:
        with multiprocessing.Pool(a.jobs) as pool:
            found = [x for part in pool.map(check_chunk, chunks) for x in part]
    else:
        found = [x for c in chunks for x in check_chunk(c)]
    for i, kind, what, exp_short, act_short in found:
        req = reqs[i]
        mismatching += 1
        if kind == "error":
            key = "%s: %s" % (what.get("path", "").split(".")[-1], what.get("message", "").split("'")[0].strip())
            rejected[key] += 1
            rejected_example.setdefault(key, req)
            continue
        for k, e, act in what:
            field_counts[k] += 1
            field_example.setdefault(k, (i, req, e, act))
            field_pairs[k][(json.dumps(e), json.dumps(act))] += 1
        if shown < a.show:
            shown += 1
            print("--- mismatch #%d (request %d)" % (shown, i + 1))
            print("request : " + json.dumps(req))
            for k, e, act in what:
                print("  %-40s expected %s, actual %s" % (k, json.dumps(e), json.dumps(act)))
            print("expected: " + json.dumps(exp_short, default=sorted))
            print("actual  : " + json.dumps(act_short))
    t3 = time.time()

    n_invalid, inv_problems = check_invalid(a.binary, tmpdir, a.seed, a.threads)
    t4 = time.time()

    print()
    print("=== %d valid requests (seed %d%s): %d match, %d mismatch" % (
        len(reqs), a.seed, ", v1 findings only" if a.v1_only else "", len(reqs) - mismatching, mismatching))
    if rejected:
        print("valid requests rejected by the engine: %d" % sum(rejected.values()))
        for k, c in rejected.most_common():
            print("  %6d  %s   e.g. %s" % (c, k, json.dumps(rejected_example[k])[:300]))
    if field_counts:
        print("mismatches per field:")
        for k, c in sorted(field_counts.items(), key=lambda kv: (-kv[1], kv[0])):
            pairs = ", ".join("%s->%s x%d" % (e[:30], act[:30], n) for (e, act), n in field_pairs[k].most_common(3))
            print("  %6d  %-36s %s" % (c, k, pairs))
    if a.by_field_examples and field_example:
        print("one example per field:")
        for k in sorted(field_example):
            i, req, e, act = field_example[k]
            print("  %s: request %d expected %s actual %s\n      %s" % (k, i + 1, json.dumps(e), json.dumps(act),
                                                                    json.dumps(req)))
    print("=== %d invalid requests: %d problems" % (n_invalid, len(inv_problems)))
    for p in inv_problems[:30]:
        print("  " + p)
    print("time: generate %.1fs, engine %.1fs, compare %.1fs, invalid %.1fs" % (t1 - t0, t2 - t1, t3 - t2, t4 - t3))
    if not a.keep:
        for fn in os.listdir(tmpdir):
            os.unlink(os.path.join(tmpdir, fn))
        os.rmdir(tmpdir)
    failures += mismatching + len(inv_problems)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
