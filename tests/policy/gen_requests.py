#!/usr/bin/env python3
"""Seeded generator of random assessment requests over every finding of request.md (v1 and v2).

    python3 tests/policy/gen_requests.py [--n N] [--seed S] [--invalid]   # one JSON per line

valid_requests(n, seed) gives valid requests: age always given, each other finding absent
(unknown) with some probability, else a random value in range with boundary values often; then
the details that would contradict request.md's consistency rules are dropped.
invalid_requests(seed) gives requests that must be rejected, each with a note of why.
"""
import argparse
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from policy_v2 import (VOCAB, BOOL, NUM, INT, BACK_DETAILS, LEG_DETAILS, ABDO_DETAILS,  # noqa: E402
                       validate)

# boundary values per numeric finding (policy thresholds, their neighbours, range ends)
BOUNDARIES = {
    "age_years": [0, 0.05, 0.1, 0.1666, 0.1667, 0.2, 0.2499, 0.25, 0.2501, 0.5, 0.99, 1, 1.5, 1.99, 2,
                  4, 4.99, 5, 9.99, 10, 11.99, 12, 14.99, 15, 15.99, 16, 49.99, 50, 55.99, 56, 64.99, 65,
                  74.99, 75, 120],
    "weight_kg": [0.5, 4.9, 5, 5.1, 9.9, 10, 10.1, 19.9, 20, 20.1, 26.6, 40, 49.9, 50, 53.4, 53.3, 53.5,
                  350],
    "pre_illness_weight_kg": [0.5, 350],
    "pregnancy_weeks": [0, 0.1, 13.9, 14, 14.1, 20, 27.9, 28, 28.1, 45],
    "days_since_onset": [0, 0.9, 1, 2, 2.1, 3, 3.1, 7, 7.1, 365],
    "vomits_24h": [0, 1, 2, 3, 4, 100],
    "stools_24h": [0, 1, 2, 3, 4, 100],
    "temperature_c": [30, 35.9, 36.0, 36.1, 37.9, 38.0, 38.1, 38.9, 39.0, 39.1, 45],
    "urinations_24h": [0, 1, 2, 3, 4, 5, 50],
    "hours_since_urine": [0, 7.9, 8, 8.1, 11.9, 12, 12.1, 240],
    "back_pain_days": [0, 2.9, 3, 6.9, 7, 7.1, 20.9, 21, 21.1, 3650],
    "back_pain_score": [0, 7.9, 8, 8.1, 10],
    "leg_aches_days": [0, 2.9, 3, 4.9, 5, 6.9, 7, 7.1, 3650],
    "leg_aches_score": [0, 7.9, 8, 8.1, 10],
    "bedbound_days": [0, 1.9, 2, 2.9, 3, 365],
    "ketones_mmol": [0, 1.5, 1.6, 1.7, 2.9, 3.0, 3.1, 10],
}

# typical ranges (most random values are drawn here rather than across the whole legal range)
TYPICAL = {
    "pregnancy_weeks": (0, 42),
    "days_since_onset": (0, 12),
    "vomits_24h": (0, 12),
    "stools_24h": (0, 12),
    "temperature_c": (35, 40.5),
    "urinations_24h": (0, 10),
    "hours_since_urine": (0, 20),
    "back_pain_days": (0, 30),
    "leg_aches_days": (0, 14),
    "bedbound_days": (0, 6),
    "ketones_mmol": (0, 5),
}


def rand_age(rng):
    r = rng.random()
    if r < 0.12:
        return rng.choice(BOUNDARIES["age_years"])
    if r < 0.27:
        return round(rng.uniform(0, 1), rng.choice([1, 2, 4]))  # babies
    if r < 0.45:
        return round(rng.uniform(1, 16), rng.choice([0, 1, 2]))  # children
    if r < 0.65:
        return round(rng.uniform(16, 50), rng.choice([0, 1]))  # adults
    if r < 0.78:
        return round(rng.uniform(50, 65), rng.choice([0, 1]))  # 50+
    if r < 0.9:
        return round(rng.uniform(65, 75), rng.choice([0, 1]))  # 65+
    return round(rng.uniform(75, 105), rng.choice([0, 1]))  # 75+


def typical_weight(rng, age):
    """A weight roughly fitting the age (kg)."""
    if age < 1:
        base = 3.5 + 7 * age
    elif age < 16:
        base = 9 + 3.2 * age
    else:
        base = 72
    w = base * rng.uniform(0.6, 1.6)
    return max(0.5, min(350, round(w, rng.choice([0, 1, 1, 2]))))


def rand_number(rng, k, lo, hi, integer):
    r = rng.random()
    if r < 0.35 and k in BOUNDARIES:
        return rng.choice(BOUNDARIES[k])
    a, b = TYPICAL.get(k, (lo, hi))
    if r > 0.95:
        a, b = lo, hi
    if integer:
        return rng.randint(int(a), int(b))
    v = round(rng.uniform(a, b), rng.choice([0, 1, 1, 2]))
    if v == int(v) and rng.random() < 0.5:
        v = int(v)
    return v


# the benign answer to each choice (a "calm" request mostly gives these)
BENIGN = {"thirst": "normal", "skin_pinch": "normal", "alertness": "alert", "sciatica": "none",
          "leg_numbness": "none", "leg_weakness": "none", "abdominal_pain": "none", "diabetes": "none",
          "back_pain_site": "lower", "back_pain_trend": "better", "leg_aches_trend": "better"}
# calm requests: numbers drawn from a benign range most of the time
CALM = {"temperature_c": (36.0, 38.4), "hours_since_urine": (0, 9), "urinations_24h": (3, 8),
        "days_since_onset": (0, 4), "back_pain_days": (0, 10), "leg_aches_days": (0, 6),
        "back_pain_score": (0, 8), "leg_aches_score": (0, 8), "vomits_24h": (0, 4), "stools_24h": (0, 5),
        "bedbound_days": (0, 3), "ketones_mmol": (0, 2), "pregnancy_weeks": (0, 0)}
GOOD_TRUE = {"keeps_fluids_down", "back_pain", "leg_aches", "leg_cramps",
             "back_pain_mechanical", "back_pain_began_with_vomiting"}


def rand_value(rng, k, age, calm=False):
    spec = VOCAB[k]
    t = spec[0]
    if calm:
        r = rng.random()
        if t == BOOL:
            return r < (0.7 if k in GOOD_TRUE else 0.3 if k == "gi_ongoing" else 0.04)
        if k in BENIGN and r < 0.85:
            return BENIGN[k]
        if k in CALM and r < 0.8:
            a, b = CALM[k]
            return rng.randint(int(a), int(b)) if t == INT else round(rng.uniform(a, b), rng.choice([0, 1]))
    if t == BOOL:
        return rng.random() < 0.35
    if t in (NUM, INT):
        if k == "weight_kg" and rng.random() < 0.6:
            return typical_weight(rng, age)
        return rand_number(rng, k, spec[1], spec[2], t == INT)
    return rng.choice(spec[1])


def make_consistent(rng, f):
    """Drop (or switch off) whatever would contradict request.md's consistency rules."""
    if f.get("back_pain") is False:
        for d in BACK_DETAILS:
            f.pop(d, None)
    if f.get("leg_aches") is False:
        for d in LEG_DETAILS:
            f.pop(d, None)
    if f.get("abdominal_pain") == "none":
        for d in ABDO_DETAILS:
            f.pop(d, None)
    if "ketones_mmol" in f and f.get("diabetes") == "none" and f.get("sglt2_inhibitor") is False:
        f.pop("ketones_mmol")
    if f.get("sex") == "male":
        if (f.get("pregnancy_weeks") or 0) > 0:
            if rng.random() < 0.5:
                f["pregnancy_weeks"] = 0
            else:
                f.pop("pregnancy_weeks")
        for d in ("could_be_pregnant", "vaginal_bleeding", "shoulder_tip_pain"):
            if f.get(d) is True:
                if rng.random() < 0.5:
                    f[d] = False
                else:
                    f.pop(d)
    if f.get("sex") == "female" and f.get("testicle_pain") is True:
        if rng.random() < 0.5:
            f["testicle_pain"] = False
        else:
            f.pop("testicle_pain")
    return f


def one_request(rng, i):
    age = rand_age(rng)
    f = {"age_years": age}
    # per request: how sparse (from nearly empty to nearly complete)
    # a "calm" request mostly answers no to the warning signs and risks (reaches self_care / ok)
    calm = rng.random() < 0.45
    p_given = rng.choice([0.03, 0.1, 0.2, 0.35, 0.5, 0.7, 0.9] + ([0.95, 1.0, 1.0] if calm else []))
    for k in VOCAB:
        if k == "age_years":
            continue
        if rng.random() < p_given:
            f[k] = rand_value(rng, k, age, calm)
    if calm and rng.random() < 0.3:
        # a healthy person's history, all answered: ibuprofen can be ok
        for k in ("kidney_disease", "liver_disease", "heart_failure", "ulcer_or_gi_bleed", "asthma",
                  "asthma_worse_with_nsaids", "anticoagulant", "bp_or_water_tablets", "metformin", "heavy_alcohol",
                  "lithium", "regular_nsaid", "steroid_dependent", "could_be_pregnant", "sglt2_inhibitor",
                  "chemotherapy_recent"):
            f[k] = False
        f["keeps_fluids_down"] = True
        if rng.random() < 0.7:
            f["pregnancy_weeks"] = 0
    # pain present more often than a plain coin: the medicines and mechanisms need it
    for k in ("back_pain", "leg_aches", "leg_cramps", "gi_ongoing"):
        if k in f and rng.random() < 0.5:
            f[k] = True
    if "pre_illness_weight_kg" in f and "weight_kg" in f and rng.random() < 0.7:
        # a realistic loss, often near the 5 % and 10 % thresholds
        loss = rng.choice([0, 0.02, 0.049, 0.05, 0.051, 0.07, 0.099, 0.1, 0.101, 0.15, -0.02])
        f["pre_illness_weight_kg"] = round(f["weight_kg"] / (1 - loss), rng.choice([1, 2, 3]))
        if not 0.5 <= f["pre_illness_weight_kg"] <= 350:
            f.pop("pre_illness_weight_kg")
    if rng.random() < 0.03:
        # explicit nulls are unknown too
        k = rng.choice(list(VOCAB))
        if k != "age_years":
            f[k] = None
    make_consistent(rng, f)
    req = {"findings": f}
    if rng.random() < 0.1:
        req["ref"] = "r%d" % i
    return req


def valid_requests(n, seed):
    rng = random.Random(seed)
    out = []
    for i in range(n):
        req = one_request(rng, i)
        err = validate(req)
        assert err is None, (err, req)
        out.append(req)
    return out


def invalid_requests(seed):
    """(request, why) pairs: each must be rejected (request.md, "Bad input ...")."""
    rng = random.Random(seed)
    base = lambda **kw: {"findings": dict({"age_years": 30}, **kw)}  # noqa: E731
    cases = [
        ({"findings": {"back_pain": True}}, "no age"),
        ({"findings": {"age_years": None}}, "age null"),
        (base(back_pian=True), "unknown id"),
        (base(fever=True), "unknown id"),
        (base(back_pain="yes"), "bool as string"),
        (base(back_pain=1), "bool as number"),
        (base(temperature_c="38"), "number as string"),
        (base(temperature_c=True), "number as bool"),
        (base(vomits_24h=2.5), "integer with a fraction"),
        (base(age_years=121), "age above range"),
        (base(age_years=-1), "age below range"),
        (base(weight_kg=0.4), "weight below range"),
        (base(temperature_c=45.1), "temperature above range"),
        (base(temperature_c=29.9), "temperature below range"),
        (base(back_pain=True, back_pain_score=14), "score above range"),
        (base(ketones_mmol=10.5, diabetes="insulin"), "ketones above range"),
        (base(pregnancy_weeks=46, sex="female"), "pregnancy weeks above range"),
        (base(urinations_24h=51), "urinations above range"),
        (base(thirst="very"), "choice not in list"),
        (base(sex="f"), "choice not in list"),
        (base(abdominal_pain="mild"), "v2 choice not in list"),
        (base(diabetes=True), "choice as bool"),
        (base(back_pain=False, back_pain_score=6), "detail with parent false"),
        (base(back_pain=False, back_pain_days=3), "detail with parent false"),
        (base(leg_aches=False, leg_aches_days=3), "detail with parent false"),
        (base(abdominal_pain="none", abdominal_pain_site="lower_right"), "v2: site with no tummy pain"),
        (base(abdominal_pain="none", abdominal_pain_worse_moving=False), "v2: detail with no tummy pain"),
        (base(abdominal_pain="none", abdominal_pain_to_back=True), "v2: detail with no tummy pain"),
        (base(diabetes="none", sglt2_inhibitor=False, ketones_mmol=2.0), "v2: ketones without diabetes or SGLT2"),
        (base(sex="male", could_be_pregnant=True), "v2: could be pregnant, male"),
        (base(sex="male", vaginal_bleeding=True), "v2: vaginal bleeding, male"),
        (base(sex="male", shoulder_tip_pain=True), "v2: shoulder tip pain with sex male"),
        (base(sex="female", testicle_pain=True), "v2: testicle pain, female"),
        ({"findings": [1, 2]}, "findings not an object"),
        ({"ref": "x"}, "no findings"),
    ]
    for req, why in cases:
        assert validate(req) is not None, (why, req)
    # some random valid requests made invalid by one bad value
    valid = valid_requests(30, seed + 1)
    for req in valid:
        f = req["findings"]
        k = rng.choice([k for k in VOCAB if k != "age_years"])
        spec = VOCAB[k]
        if spec[0] in (NUM, INT):
            f[k] = spec[2] + rng.choice([0.5, 1, 100])
            why = "%s above range" % k
        elif spec[0] == BOOL:
            f[k] = rng.choice(["true", 0, 1, [True]])
            why = "%s wrong type" % k
        else:
            f[k] = rng.choice(["", "other_value", 3])
            why = "%s not a choice" % k
        if validate(req) is not None:
            cases.append((req, why))
    return cases


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--invalid", action="store_true", help="print the invalid requests instead")
    a = ap.parse_args()
    if a.invalid:
        for req, why in invalid_requests(a.seed):
            print(json.dumps(req), "#", why)
    else:
        for req in valid_requests(a.n, a.seed):
            print(json.dumps(req))


if __name__ == "__main__":
    main()
