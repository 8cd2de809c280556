#!/usr/bin/env python3
"""Check the reference reading (policy_v2.assess) against every acceptance vignette.

    python3 tests/policy/check_vignettes_ref.py [VIGNETTE_DIR]

Every `expect` key is checked except `unanswered_include` (the reference does not model the
question list); `error: true` cases check policy_v2.validate. Exit 1 on any failure.
"""
import glob
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import policy_v2  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DIR = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "vignettes"))
if not os.path.isdir(DEFAULT_DIR):
    DEFAULT_DIR = "/work/shared/vignettes"


def check(v):
    exp = v["expect"]
    req = v["request"]
    problems = []
    err = policy_v2.validate(req)
    if exp.get("error"):
        if err is None:
            problems.append("expected an error, the reference validator accepts it")
        return problems
    if err is not None:
        return ["reference validator rejects it: %s: %s" % err]
    r = policy_v2.assess(req["findings"])
    if r["_open"]:
        opened = set(r["_open"])
    else:
        opened = set()
    for key, want in exp.items():
        if key == "disposition":
            if r["disposition"] != want:
                problems.append("disposition %s, expected %s (flags %s)" % (r["disposition"], want, sorted(r["flags"])))
        elif key == "flags_include":
            miss = [x for x in want if x not in r["flags"]]
            if miss:
                problems.append("flags missing %s (have %s)" % (miss, sorted(r["flags"])))
        elif key == "flags_exclude":
            extra = [x for x in want if x in r["flags"]]
            if extra:
                problems.append("flags present %s" % extra)
        elif key == "hydration_status":
            if r["hydration"]["status"] != want:
                problems.append("hydration status %s, expected %s" % (r["hydration"]["status"], want))
        elif key == "hydration_plan":
            if r["hydration"]["plan"] != want:
                problems.append("plan %s, expected %s" % (r["hydration"]["plan"], want))
        elif key == "ors_ml":
            if r["hydration"].get("ors_ml") != want:
                problems.append("ors_ml %s, expected %s" % (r["hydration"].get("ors_ml"), want))
        elif key == "fluid_limit":
            h = r["hydration"]
            if h.get("fluid_limit") != want or (want and (h.get("ors_ml") or h.get("ors_ml_range"))):
                problems.append("fluid_limit %s ors %s/%s, expected %s" % (h.get("fluid_limit"), h.get("ors_ml"),
                                                                           h.get("ors_ml_range"), want))
        elif key == "medicines":
            for mid, adv in want.items():
                m = r["medicines"].get(mid)
                got = m and m["advice"]
                if got != adv:
                    problems.append("medicine %s: %s, expected %s" % (mid, got, adv))
                if "med.%s.advice" % mid in opened:
                    problems.append("medicine %s advice is open in the reference" % mid)
        elif key == "paracetamol_mg_per_dose":
            d = r["medicines"]["paracetamol"].get("dose")
            got = d and d["mg_per_dose"]
            if got != want:
                problems.append("paracetamol mg_per_dose %s, expected %s" % (got, want))
        elif key == "mechanisms_include":
            miss = [x for x in want if x not in r["mechanisms"]]
            if miss:
                problems.append("mechanisms missing %s (have %s)" % (miss, sorted(r["mechanisms"])))
        elif key == "unanswered_include":
            continue
        elif key == "error":
            if want is False and err is not None:
                problems.append("unexpected error")
        else:
            problems.append("unknown expect key %s" % key)
    return problems


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_DIR
    files = sorted(glob.glob(os.path.join(d, "*.json")))
    failed = 0
    for fn in files:
        v = json.load(open(fn))
        probs = check(v)
        if probs:
            failed += 1
            print("FAIL %s %s" % (v.get("id"), v.get("title")))
            for p in probs:
                print("     " + p)
    print("%d vignettes, %d passed, %d failed" % (len(files), len(files) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
