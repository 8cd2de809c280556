"""An independent, executable reading of the clinical policy v2 (shared/spec/policy.md).

Written from request.md, policy.md, result.md and the vignettes only (never from the engine's
knowledge base or C++ code), so that it can be used as a differential oracle.

    assess(findings: dict) -> dict

Three-valued (Kleene) logic throughout: True / False / None (= unknown). An absent or null finding
is unknown, except where "Who a finding applies to" reads it as a fixed value.

Where policy.md leaves a detail open, the reading is computed under each plausible variant, and
every output key on which the variants disagree is put in the result's "_open" set (the
differential test then leaves it out of the comparison). Details the policy does not fix at all
(e.g. min_hours_between) are simply not produced. See OPEN_DETAILS.
"""

from fractions import Fraction
import itertools
import math

# --------------------------------------------------------------------------------------------
# Vocabulary (request.md, contract v2)
# --------------------------------------------------------------------------------------------

BOOL = "bool"
NUM = "number"
INT = "integer"

# id -> (type, lo, hi) for numbers, (type, choices) for choices, (BOOL,) for booleans
VOCAB = {
    # Patient
    "age_years": (NUM, 0, 120),
    "weight_kg": (NUM, 0.5, 350),
    "pre_illness_weight_kg": (NUM, 0.5, 350),
    "sex": ("choice", ("female", "male", "other")),
    "pregnancy_weeks": (NUM, 0, 45),
    # The stomach illness
    "days_since_onset": (NUM, 0, 365),
    "gi_ongoing": (BOOL,),
    "vomits_24h": (INT, 0, 100),
    "stools_24h": (INT, 0, 100),
    "keeps_fluids_down": (BOOL,),
    "blood_in_stool": (BOOL,),
    "green_vomit": (BOOL,),
    "temperature_c": (NUM, 30, 45),
    # Hydration
    "thirst": ("choice", ("normal", "thirsty", "unable_to_drink")),
    "dry_mouth": (BOOL,),
    "dark_urine": (BOOL,),
    "urinations_24h": (INT, 0, 50),
    "hours_since_urine": (NUM, 0, 240),
    "dizzy_on_standing": (BOOL,),
    "sunken_eyes": (BOOL,),
    "skin_pinch": ("choice", ("normal", "slow", "very_slow")),
    "alertness": ("choice", ("alert", "irritable", "lethargic", "confused", "unresponsive")),
    "tears_absent": (BOOL,),
    "cold_mottled_skin": (BOOL,),
    # Back
    "back_pain": (BOOL,),
    "back_pain_site": ("choice", ("lower", "middle", "upper", "flank")),
    "back_pain_days": (NUM, 0, 3650),
    "back_pain_score": (NUM, 0, 10),
    "back_pain_trend": ("choice", ("better", "same", "worse")),
    "back_pain_began_with_vomiting": (BOOL,),
    "back_pain_mechanical": (BOOL,),
    "back_pain_at_night": (BOOL,),
    "back_pain_limits_mobility": (BOOL,),
    "spinal_tenderness": (BOOL,),
    "sciatica": ("choice", ("none", "one_leg", "both_legs")),
    "leg_numbness": ("choice", ("none", "one_leg", "both_legs")),
    "leg_weakness": ("choice", ("none", "stable", "progressing")),
    "saddle_numbness": (BOOL,),
    "bladder_control_change": (BOOL,),
    "bowel_control_loss": (BOOL,),
    "urinary_symptoms": (BOOL,),
    "blood_in_urine": (BOOL,),
    "recent_trauma": (BOOL,),
    "cancer_history": (BOOL,),
    "unexplained_weight_loss": (BOOL,),
    "iv_drug_use": (BOOL,),
    "immunosuppressed": (BOOL,),
    # Legs and muscles
    "leg_aches": (BOOL,),
    "leg_aches_days": (NUM, 0, 3650),
    "leg_aches_score": (NUM, 0, 10),
    "leg_aches_trend": ("choice", ("better", "same", "worse")),
    "leg_cramps": (BOOL,),
    "one_leg_swollen": (BOOL,),
    "calf_tender_one_side": (BOOL,),
    "calf_red_warm_one_side": (BOOL,),
    "bedbound_days": (NUM, 0, 365),
    "recent_surgery": (BOOL,),
    "previous_clot": (BOOL,),
    "hormone_therapy": (BOOL,),
    "active_cancer": (BOOL,),
    "ascending_weakness": (BOOL,),
    "general_weakness": (BOOL,),
    "palpitations": (BOOL,),
    "cola_urine": (BOOL,),
    "joint_swelling": (BOOL,),
    "refuses_to_walk": (BOOL,),
    # Other warning signs
    "neck_stiffness": (BOOL,),
    "severe_headache": (BOOL,),
    "light_sensitivity": (BOOL,),
    "non_blanching_rash": (BOOL,),
    "breathlessness": (BOOL,),
    "chest_pain": (BOOL,),
    "coughing_blood": (BOOL,),
    "swallowing_difficulty": (BOOL,),
    "seizure": (BOOL,),
    # Medicines and long-term conditions
    "kidney_disease": (BOOL,),
    "liver_disease": (BOOL,),
    "heart_failure": (BOOL,),
    "ulcer_or_gi_bleed": (BOOL,),
    "asthma": (BOOL,),
    "asthma_worse_with_nsaids": (BOOL,),
    "anticoagulant": (BOOL,),
    "bp_or_water_tablets": (BOOL,),
    "metformin": (BOOL,),
    "heavy_alcohol": (BOOL,),
    # v2 findings
    "abdominal_pain": ("choice", ("none", "cramps", "constant", "severe")),
    "abdominal_pain_site": ("choice", ("top_middle", "around_navel", "lower_right", "lower_left", "all_over")),
    "abdominal_pain_worse_moving": (BOOL,),
    "abdominal_pain_to_back": (BOOL,),
    "swollen_tummy": (BOOL,),
    "sudden_severe_pain": (BOOL,),
    "fainted": (BOOL,),
    "vomit_blood": (BOOL,),
    "diabetes": ("choice", ("none", "insulin", "no_insulin")),
    "ketones_mmol": (NUM, 0, 10),
    "deep_fast_breathing": (BOOL,),
    "sglt2_inhibitor": (BOOL,),
    "could_be_pregnant": (BOOL,),
    "vaginal_bleeding": (BOOL,),
    "shoulder_tip_pain": (BOOL,),
    "testicle_pain": (BOOL,),
    "chemotherapy_recent": (BOOL,),
    "steroid_dependent": (BOOL,),
    "lithium": (BOOL,),
    "shaky_or_unsteady": (BOOL,),
    "pale_or_bruising": (BOOL,),
    "shivering_severe": (BOOL,),
    "regular_nsaid": (BOOL,),
}

V2_FINDINGS = (
    "abdominal_pain abdominal_pain_site abdominal_pain_worse_moving abdominal_pain_to_back swollen_tummy "
    "sudden_severe_pain fainted vomit_blood diabetes ketones_mmol deep_fast_breathing sglt2_inhibitor "
    "could_be_pregnant vaginal_bleeding shoulder_tip_pain testicle_pain chemotherapy_recent "
    "steroid_dependent lithium shaky_or_unsteady pale_or_bruising shivering_severe regular_nsaid"
).split()

HYDRATION_FINDINGS = (
    "thirst dry_mouth dark_urine urinations_24h hours_since_urine dizzy_on_standing sunken_eyes "
    "skin_pinch alertness tears_absent cold_mottled_skin"
).split()

# Details: "a detail given while its parent is false is an error" (request.md's example,
# back_pain: false with back_pain_score). The parent-detail pairs named by their ids.
BACK_DETAILS = (
    "back_pain_site back_pain_days back_pain_score back_pain_trend back_pain_began_with_vomiting "
    "back_pain_mechanical back_pain_at_night back_pain_limits_mobility"
).split()
LEG_DETAILS = "leg_aches_days leg_aches_score leg_aches_trend".split()
ABDO_DETAILS = "abdominal_pain_site abdominal_pain_worse_moving abdominal_pain_to_back".split()

DISPOSITIONS = ["self_care", "routine", "urgent", "emergency"]
RANK = {d: i for i, d in enumerate(DISPOSITIONS)}

OPEN_DETAILS = [
    "min_hours_between / max_hours_between of every dose: policy gives 'every 4-6 h', 'at least 4 h "
    "apart', 'every 6-8 h' in prose but no field values: not compared.",
    "max_mg_per_24h of weight-based doses (60 mg/kg and 4 g paracetamol, 30 mg/kg ibuprofen): whether "
    "the cap is rounded (down to 10 mg? whole mg?) and whether the child ibuprofen cap is also limited "
    "to the adult 1200 mg: not compared.",
    "max_mg_per_24h of paracetamol with advice caution ('at most 3 g in 24 h'): whether the dose field "
    "changes or only the reason text: not compared.",
    "ors_ml_range under 1 year without a weight: the policy's WHO range table starts at 1 year: not "
    "compared. (Ranges 1-2, 2-4, 5-14, 15+ are read as WHO's [1,2), [2,5), [5,15), [15,...).)",
    "Tie-breaking of 'rounded to the nearest 10 ml' (e.g. 75 ml/kg x 12.2 kg = 915 ml): left out "
    "when the exact value ends in 5 ml.",
    "weight_loss_percent when weight_kg > pre_illness_weight_kg (negative loss): not compared; else "
    "compared to 0.1 with a tolerance of 0.05 (tie-breaking open).",
    "ors_ml / ors_ml_range / per_loose_stool_ml / over_hours outside the plan that defines them "
    "(plan C volumes are for clinicians, no result field named): compared only under their own plan.",
    "hydration.assessed when the only hydration information is a weight loss computed from weight_kg "
    "and pre_illness_weight_kg (not in the Hydration table): both readings computed; fields on which "
    "they differ (assessed, ibuprofen advice) are left out for that request.",
    "A weight-based dose that rounds down to 0 mg (weights under 1 kg, or under 2/3 kg for "
    "paracetamol): a [0, 0] dose or no dose: not compared.",
    "'vomits_24h + stools_24h >= 4' (fluid_loss) with one term unknown: strict Kleene (unknown) or "
    "monotone (true when the known term alone is >= 4): both computed, left out where they differ.",
]


# --------------------------------------------------------------------------------------------
# Kleene logic
# --------------------------------------------------------------------------------------------

def AND(*xs):
    r = True
    for x in xs:
        if x is False:
            return False
        if x is None:
            r = None
    return r


def OR(*xs):
    r = False
    for x in xs:
        if x is True:
            return True
        if x is None:
            r = None
    return r


def NOT(x):
    return None if x is None else (not x)


def NOT_TRUE(x):
    """`X is not true`: true when X is false or unknown; never unknown."""
    return x is not True


def ge(v, c):
    return None if v is None else v >= c


def gt(v, c):
    return None if v is None else v > c


def lt(v, c):
    return None if v is None else v < c


def le(v, c):
    return None if v is None else v <= c


def eq(v, c):
    return None if v is None else v == c


def ne(v, c):
    return None if v is None else v != c


def isin(v, s):
    return None if v is None else v in s


def exact(x):
    """Exact decimal value of a JSON number (Python's repr is the shortest round-trip form)."""
    if x is None:
        return None
    if isinstance(x, bool):
        raise TypeError("bool is not a number")
    if isinstance(x, int):
        return Fraction(x)
    return Fraction(repr(float(x)))


def floor10(x):
    return int(math.floor(Fraction(x) / 10)) * 10


def round10(x):
    """Nearest 10; returns (value, is_tie)."""
    x = Fraction(x)
    q = x / 10
    lo = math.floor(q)
    frac = q - lo
    tie = frac == Fraction(1, 2)
    v = (lo + 1) * 10 if frac > Fraction(1, 2) else lo * 10
    return v, tie


# --------------------------------------------------------------------------------------------
# Validation (request.md)
# --------------------------------------------------------------------------------------------

def validate(request):
    """Return None if the request is valid, else a (path, message) pair."""
    if not isinstance(request, dict):
        return ("$", "not an object")
    for k in request:
        if k not in ("ref", "findings"):
            return ("$." + k, "unknown key")
    if "ref" in request and not isinstance(request["ref"], str):
        return ("$.ref", "not a string")
    f = request.get("findings")
    if not isinstance(f, dict):
        return ("$.findings", "missing or not an object")
    for k, v in f.items():
        p = "$.findings." + k
        if k not in VOCAB:
            return (p, "unknown finding")
        if v is None:
            continue
        spec = VOCAB[k]
        t = spec[0]
        if t == BOOL:
            if not isinstance(v, bool):
                return (p, "not a boolean")
        elif t in (NUM, INT):
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                return (p, "not a number")
            if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
                return (p, "not finite")
            if t == INT and v != int(v):
                return (p, "not an integer")
            if v < spec[1] or v > spec[2]:
                return (p, "out of range")
        else:
            if not isinstance(v, str) or v not in spec[1]:
                return (p, "not one of the choices")
    if f.get("age_years") is None:
        return ("$.findings.age_years", "required")

    def given(k):
        return f.get(k) is not None

    if f.get("back_pain") is False:
        for d in BACK_DETAILS:
            if given(d):
                return ("$.findings." + d, "given with back_pain: false")
    if f.get("leg_aches") is False:
        for d in LEG_DETAILS:
            if given(d):
                return ("$.findings." + d, "given with leg_aches: false")
    if f.get("sex") == "male" and given("pregnancy_weeks") and f["pregnancy_weeks"] > 0:
        return ("$.findings.pregnancy_weeks", "above 0 with sex: male")
    if f.get("abdominal_pain") == "none":
        for d in ABDO_DETAILS:
            if given(d):
                return ("$.findings." + d, "given with abdominal_pain: none")
    if given("ketones_mmol") and f.get("diabetes") == "none" and f.get("sglt2_inhibitor") is False:
        return ("$.findings.ketones_mmol", "given with diabetes: none and sglt2_inhibitor: false")
    if f.get("sex") == "male":
        for d in ("could_be_pregnant", "vaginal_bleeding", "shoulder_tip_pain"):
            if f.get(d) is True:
                return ("$.findings." + d, "true with sex: male")
    if f.get("sex") == "female" and f.get("testicle_pain") is True:
        return ("$.findings.testicle_pain", "true with sex: female")
    return None


# --------------------------------------------------------------------------------------------
# Who a finding applies to
# --------------------------------------------------------------------------------------------

def applicability(raw):
    """Map finding -> (asked_when: Kleene, otherwise_value)."""
    age = raw.get("age_years")
    sex = raw.get("sex")
    could_conceive = AND(ne(sex, "male"), ge(age, 10), lt(age, 56))
    return {
        "tears_absent": (lt(age, 5), False),
        "skin_pinch": (lt(age, 16), "normal"),
        "could_be_pregnant": (could_conceive, False),
        "vaginal_bleeding": (could_conceive, False),
        "shoulder_tip_pain": (could_conceive, False),
        "pregnancy_weeks": (ne(sex, "male"), 0),
        "testicle_pain": (ne(sex, "female"), False),
        "refuses_to_walk": (lt(age, 16), False),
    }


def not_applicable(raw):
    """Findings that do not apply to this person (asked-when false, not given)."""
    out = set()
    for k, (cond, _) in applicability(raw).items():
        if cond is False and raw.get(k) is None:
            out.add(k)
    return out


# --------------------------------------------------------------------------------------------
# The policy
# --------------------------------------------------------------------------------------------

VARIANTS = {
    # does a weight loss computable from weight_kg + pre_illness_weight_kg count as a hydration
    # finding given (for hydration.assessed)?
    "weights_assessed": (False, True),
    # vomits_24h + stools_24h >= 4 with one term unknown
    "sum_monotone": (False, True),
}


def _assess_one(raw, variant):
    f = dict(raw)
    # absent / null -> unknown
    f = {k: v for k, v in f.items() if v is not None}
    na = not_applicable(raw)
    app = applicability(raw)
    for k in na:
        f[k] = app[k][1]

    # numbers stay as parsed (JSON decimal -> double, as are the thresholds written below, so a
    # comparison with a threshold is exact); arithmetic (weight loss, doses, volumes) uses exact()
    g = f.get

    age = g("age_years")
    age_exact = exact(age)
    sex = g("sex")
    temp = g("temperature_c")
    fever = ge(temp, 38)
    pw = g("pregnancy_weeks")
    pregnant = False if sex == "male" else gt(pw, 0)
    diabetes = g("diabetes")
    has_diabetes = isin(diabetes, {"insulin", "no_insulin"})
    could_conceive = AND(ne(sex, "male"), ge(age, 10), lt(age, 56))
    early_pregnancy_possible = AND(could_conceive,
                                   OR(g("could_be_pregnant"), AND(gt(pw, 0), lt(pw, 14))))
    vomits = g("vomits_24h")
    stools = g("stools_24h")
    kfd = g("keeps_fluids_down")
    vomiting_now = OR(ge(vomits, 1), eq(kfd, False))
    gi_ongoing = g("gi_ongoing")
    gut_upset = OR(gi_ongoing, ge(vomits, 1), ge(stools, 1))
    alert = g("alertness")
    back_pain = g("back_pain")
    leg_aches = g("leg_aches")
    leg_cramps = g("leg_cramps")
    abdo = g("abdominal_pain")
    abdo_site = g("abdominal_pain_site")
    days = g("days_since_onset")
    hsu = g("hours_since_urine")
    u24 = g("urinations_24h")
    bp_site = g("back_pain_site")
    sciatica = g("sciatica")
    numb = g("leg_numbness")
    weak = g("leg_weakness")
    B = g  # booleans read as-is (None = unknown)

    # ---------------- hydration ----------------
    w = exact(g("weight_kg"))
    pre = exact(g("pre_illness_weight_kg"))
    wl = None
    if w is not None and pre is not None:
        wl = 100 * (pre - w) / pre

    def known_true(x):
        return x is True

    severe_pairs = [eq(alert, "lethargic"), B("sunken_eyes"), eq(g("thirst"), "unable_to_drink"),
                    eq(g("skin_pinch"), "very_slow")]
    severe = (known_true(isin(alert, {"confused", "unresponsive"})) or known_true(B("cold_mottled_skin"))
              or known_true(ge(hsu, 12)) or known_true(ge(wl, 10))
              or sum(1 for x in severe_pairs if x is True) >= 2)
    some_signs = [isin(alert, {"irritable", "lethargic"}), B("sunken_eyes"),
                  isin(g("thirst"), {"thirsty", "unable_to_drink"}), isin(g("skin_pinch"), {"slow", "very_slow"}),
                  B("dry_mouth"), B("dark_urine"), B("dizzy_on_standing"), lt(u24, 4), ge(hsu, 8),
                  B("tears_absent")]
    some = known_true(ge(wl, 5)) or sum(1 for x in some_signs if x is True) >= 2
    status = "severe" if severe else ("some" if some else "none")
    assessed = any(raw.get(k) is not None for k in HYDRATION_FINDINGS)
    if variant["weights_assessed"] and wl is not None:
        assessed = True
    plan = {"none": "A", "some": "B", "severe": "C"}[status]
    H_not_none = status != "none"  # the reported status, as the rules read it (vignettes v20, v21, v59)

    hyd = {"status": status, "assessed": assessed, "plan": plan}
    open_keys = set()
    if plan == "A":
        if age < 2:
            hyd["per_loose_stool_ml"] = [50, 100]
        elif age < 10:
            hyd["per_loose_stool_ml"] = [100, 200]
        else:
            hyd["per_loose_stool_ml"] = [200, 400]
    fluid_limit = plan == "B" and OR(B("heart_failure"), B("kidney_disease")) is True
    hyd["fluid_limit"] = fluid_limit
    if plan == "B":
        hyd["over_hours"] = 4
        if fluid_limit:
            hyd["ors_ml"] = None
            hyd["ors_ml_range"] = None
        elif w is not None:
            v, tie = round10(min(75 * w, 4000))
            hyd["ors_ml"] = v
            hyd["ors_ml_range"] = None
            if tie:
                open_keys.add("hydration.ors_ml")
        else:
            hyd["ors_ml"] = None
            if age < 1:
                open_keys.add("hydration.ors_ml_range")
                hyd["ors_ml_range"] = None
            elif age < 2:
                hyd["ors_ml_range"] = [600, 800]
            elif age < 5:
                hyd["ors_ml_range"] = [800, 1200]
            elif age < 15:
                hyd["ors_ml_range"] = [1200, 2200]
            else:
                hyd["ors_ml_range"] = [2200, 4000]
    if w is not None:
        if age < 16:
            if w <= 10:
                m = 100 * w
            elif w <= 20:
                m = 1000 + 50 * (w - 10)
            else:
                m = 1500 + 20 * (w - 20)
        else:
            m = 30 * w
        v, tie = round10(m)
        hyd["maintenance_ml_per_day"] = v
        if tie:
            open_keys.add("hydration.maintenance_ml_per_day")
    else:
        hyd["maintenance_ml_per_day"] = None
    if wl is not None and wl >= 0:
        hyd["weight_loss_percent"] = math.floor(wl * 10 + Fraction(1, 2)) / 10  # to 0.1 (ties open)
        hyd["_weight_loss_exact"] = float(wl)
    else:
        open_keys.add("hydration.weight_loss_percent")
        hyd["weight_loss_percent"] = None

    # ---------------- flags ----------------
    confused_or_worse = isin(alert, {"confused", "unresponsive"})
    lethargic_or_worse = isin(alert, {"lethargic", "confused", "unresponsive"})
    abdo_cs = isin(abdo, {"constant", "severe"})
    sudden = B("sudden_severe_pain")
    fainted = B("fainted")
    sglt2 = B("sglt2_inhibitor")
    ketones = g("ketones_mmol")
    chemo = B("chemotherapy_recent")
    steroid = B("steroid_dependent")
    lithium = B("lithium")
    immuno = B("immunosuppressed")
    bp_days = g("back_pain_days")
    la_days = g("leg_aches_days")
    bp_score = g("back_pain_score")
    la_score = g("leg_aches_score")
    calf_tender = B("calf_tender_one_side")
    shiver = B("shivering_severe")
    urinary = B("urinary_symptoms")
    bedbound = g("bedbound_days")

    E, U, R = "emergency", "urgent", "routine"
    rules = [
        ("cauda_equina", E, AND(back_pain, OR(B("saddle_numbness"), B("bladder_control_change"),
                                              B("bowel_control_loss"), eq(sciatica, "both_legs"),
                                              eq(numb, "both_legs")))),
        ("progressive_weakness", E, eq(weak, "progressing")),
        ("meningitis_or_sepsis", E, OR(B("non_blanching_rash"),
                                       AND(fever, OR(B("neck_stiffness"),
                                                     AND(B("severe_headache"), B("light_sensitivity")),
                                                     confused_or_worse, B("cold_mottled_skin"))))),
        ("severe_dehydration", E, status == "severe"),
        ("chest_or_breathing", E, OR(B("chest_pain"), B("breathlessness"), B("coughing_blood"))),
        ("swallowing_weakness", E, B("swallowing_difficulty")),
        ("seizure", E, B("seizure")),
        ("severe_abdominal_pain", E, OR(eq(abdo, "severe"),
                                        AND(eq(abdo, "constant"), OR(B("abdominal_pain_worse_moving"),
                                                                     eq(abdo_site, "all_over"))))),
        ("aortic_emergency", E, AND(sudden, OR(ge(age, 50), fainted))),
        ("pancreatitis", E, AND(abdo_cs, eq(abdo_site, "top_middle"),
                                OR(B("abdominal_pain_to_back"), eq(bp_site, "middle")))),
        ("gut_bleed", E, AND(B("vomit_blood"), OR(B("blood_in_stool"), B("dizzy_on_standing"), fainted,
                                                  B("cold_mottled_skin"), abdo_cs, confused_or_worse))),
        ("bowel_obstruction", E, AND(B("green_vomit"), OR(lt(age, 1), B("swollen_tummy"), abdo_cs))),
        ("dka", E, AND(OR(has_diabetes, sglt2),
                       OR(gt(ketones, 3), AND(vomiting_now, OR(B("deep_fast_breathing"), lethargic_or_worse,
                                                               abdo_cs))))),
        ("hus_signs", E, AND(B("blood_in_stool"), OR(B("pale_or_bruising"), ge(hsu, 12), le(u24, 1),
                                                     lethargic_or_worse))),
        ("ectopic_rupture", E, AND(early_pregnancy_possible, OR(sudden, fainted, eq(abdo, "severe")))),
        ("neutropenic_sepsis", E, AND(chemo, OR(fever, lt(temp, 36), shiver))),
        ("adrenal_crisis", E, AND(steroid, OR(eq(kfd, False), ge(vomits, 2), lethargic_or_worse))),
        ("lithium_toxicity", E, AND(lithium, OR(B("shaky_or_unsteady"), lethargic_or_worse))),
        ("young_baby_fever", E, AND(lt(age, 0.25), fever)),
        ("testicular_torsion", E, B("testicle_pain")),
        # urgent
        ("spinal_infection", U, AND(back_pain, fever, OR(B("spinal_tenderness"), B("iv_drug_use"), immuno,
                                                         has_diabetes))),
        ("kidney_infection", U, AND(eq(bp_site, "flank"), fever)),
        ("kidney_stone", U, AND(eq(bp_site, "flank"), B("blood_in_urine"))),
        ("spinal_injury", U, AND(back_pain, B("recent_trauma"))),
        ("cancer_concern", U, AND(back_pain, OR(B("cancer_history"), B("unexplained_weight_loss")))),
        ("new_leg_weakness", U, eq(weak, "stable")),
        ("guillain_barre", U, B("ascending_weakness")),
        ("bilateral_leg_symptoms", U, OR(eq(numb, "both_legs"), eq(sciatica, "both_legs"))),
        ("dvt", U, OR(B("one_leg_swollen"), AND(calf_tender, B("calf_red_warm_one_side")),
                      AND(calf_tender, OR(ge(bedbound, 3), B("recent_surgery"), B("previous_clot"),
                                          B("active_cancer"), B("hormone_therapy"))))),
        ("rhabdomyolysis", U, AND(B("cola_urine"), OR(leg_aches, B("general_weakness"), back_pain))),
        ("electrolyte_imbalance", U, OR(B("palpitations"), AND(B("general_weakness"), leg_cramps))),
        ("cannot_keep_fluids_down", U, eq(kfd, False)),
        ("dehydration_high_risk", U, AND(status == "some",
                                         OR(lt(age, 5), ge(age, 75), B("kidney_disease"), B("heart_failure"),
                                            immuno, pregnant, has_diabetes))),
        ("no_urine_8h", U, AND(ge(hsu, 8), lt(hsu, 12))),
        ("blood_in_stool", U, B("blood_in_stool")),
        ("green_vomit", U, B("green_vomit")),
        ("high_fever", U, ge(temp, 39)),
        ("prolonged_vomiting", U, AND(ge(vomits, 1), gt(days, 2))),
        ("infant", U, lt(age, 1)),
        ("child_refuses_to_walk", U, AND(lt(age, 16), B("refuses_to_walk"))),
        ("hot_swollen_joint", U, AND(B("joint_swelling"), fever)),
        ("constant_abdominal_pain", U, eq(abdo, "constant")),
        ("appendicitis", U, AND(abdo_cs, eq(abdo_site, "lower_right"))),
        ("sudden_severe_pain", U, sudden),
        ("vomiting_blood", U, B("vomit_blood")),
        ("fainted", U, fainted),
        ("possible_ectopic", U, AND(early_pregnancy_possible,
                                    OR(isin(abdo_site, {"lower_left", "lower_right"}), B("vaginal_bleeding"),
                                       B("shoulder_tip_pain")))),
        ("upper_uti", U, AND(urinary, OR(fever, lt(temp, 36), shiver))),
        ("uti_in_pregnancy", U, AND(urinary, pregnant)),
        ("insulin_and_vomiting", U, AND(eq(diabetes, "insulin"), vomiting_now)),
        ("sglt2_and_vomiting", U, AND(sglt2, vomiting_now)),
        ("ketones_rising", U, AND(OR(has_diabetes, sglt2), ge(ketones, 1.6))),
        ("steroid_sick_day", U, AND(steroid, OR(gut_upset, fever))),
        ("chemo_and_gut_upset", U, AND(chemo, gut_upset)),
        ("lithium_and_gut_upset", U, AND(lithium, gut_upset, ge(days, 1))),
        ("low_temperature", U, lt(temp, 36)),
        ("immunosuppressed_fever", U, AND(immuno, fever)),
        ("severe_pain_with_fever", U, AND(fever, OR(ge(bp_score, 8), ge(la_score, 8), shiver))),
        ("upper_back_pain", U, AND(back_pain, eq(bp_site, "upper"))),
        ("night_pain_with_risk", U, AND(B("back_pain_at_night"), OR(ge(age, 50), fever))),
        ("back_pain_fever_after_bug", U, AND(back_pain, fever, OR(eq(gi_ongoing, False), gt(days, 3)))),
        # routine
        ("persistent_back_pain", R, gt(bp_days, 21)),
        ("persistent_leg_pain", R, gt(la_days, 7)),
        ("worsening_back_pain", R, AND(eq(g("back_pain_trend"), "worse"), ge(bp_days, 7))),
        ("worsening_leg_pain", R, AND(eq(g("leg_aches_trend"), "worse"), ge(la_days, 5))),
        ("back_pain_limits_mobility", R, AND(B("back_pain_limits_mobility"), gt(bp_days, 7))),
        ("nerve_root_pain", R, OR(eq(sciatica, "one_leg"), eq(numb, "one_leg"))),
        ("non_mechanical_back_pain", R, B("back_pain_at_night")),
        ("prolonged_diarrhoea", R, AND(ge(stools, 1), gt(days, 7))),
        ("possible_reactive_arthritis", R, AND(B("joint_swelling"), NOT_TRUE(fever))),
        ("urinary_infection", R, AND(urinary, NOT_TRUE(fever))),
        ("severe_pain_persisting", R, OR(AND(ge(bp_score, 8), ge(bp_days, 3)),
                                         AND(ge(la_score, 8), ge(la_days, 3)))),
    ]
    flags = {fid for fid, _, c in rules if c is True}
    levels = {fid: lvl for fid, lvl, _ in rules}
    disposition = "self_care"
    for fid in flags:
        if RANK[levels[fid]] > RANK[disposition]:
            disposition = levels[fid]

    # ---------------- medicines ----------------
    meds = {}
    H_ibu = H_not_none if assessed else None  # "hydration counts as unknown only when not assessed"
    ibu_avoid = OR(H_ibu, eq(kfd, False), B("kidney_disease"), B("ulcer_or_gi_bleed"), B("anticoagulant"),
                   B("heart_failure"), pregnant, B("asthma_worse_with_nsaids"),
                   AND(B("bp_or_water_tablets"), OR(gi_ongoing, H_ibu)),
                   lithium, B("regular_nsaid"), lt(age, 0.25), AND(lt(age, 16), lt(w, 5)))
    if ibu_avoid is True:
        ibu = "avoid"
    elif ibu_avoid is None or OR(gi_ongoing, B("asthma"), ge(age, 65), B("heavy_alcohol"),
                                 B("bp_or_water_tablets"), steroid, B("could_be_pregnant")) is True:
        ibu = "caution"
    else:
        ibu = "ok"
    ibu_dose = None
    if ibu != "avoid":
        if age >= 16:
            ibu_dose = {"mg_per_dose": [200, 400], "max_mg_per_24h": 1200}
        elif w is not None:
            d = floor10(min(10 * w, 400))
            ibu_dose = {"mg_per_dose": [d, d], "max_mg_per_24h": None}
            open_keys.add("med.ibuprofen.max_mg_per_24h")
            if d == 0:  # under 1 kg: a dose that rounds down to 0 mg, or no dose? (open)
                open_keys.update(("med.ibuprofen.dose", "med.ibuprofen.mg_per_dose"))
    meds["ibuprofen"] = {"advice": ibu, "dose": ibu_dose}

    if age_exact < Fraction(2, 12):  # exact: 0.16666666666666666 is under 2/12
        para = "avoid"
    elif OR(B("liver_disease"), B("heavy_alcohol")) is True:
        para = "caution"
    else:
        para = "ok"
    para_dose = None
    if para != "avoid":
        if age >= 16 and (w is None or w >= 50):
            para_dose = {"mg_per_dose": [500, 1000], "max_mg_per_24h": 4000}
        elif w is not None:
            d = floor10(min(15 * w, 1000))
            para_dose = {"mg_per_dose": [d, d], "max_mg_per_24h": None}
            open_keys.add("med.paracetamol.max_mg_per_24h")
            if d == 0:  # under 2/3 kg: a dose that rounds down to 0 mg, or no dose? (open)
                open_keys.update(("med.paracetamol.dose", "med.paracetamol.mg_per_dose"))
        if para == "caution":
            open_keys.add("med.paracetamol.max_mg_per_24h")
    meds["paracetamol"] = {"advice": para, "dose": para_dose}

    if OR(back_pain, leg_aches, leg_cramps) is True:
        gel_avoid = OR(ge(pw, 28), B("asthma_worse_with_nsaids"), lt(age, 12))
        if gel_avoid is True:
            gel = "avoid"
        elif gel_avoid is None or OR(pregnant, B("could_be_pregnant"), B("asthma"), B("kidney_disease")) is True:
            gel = "caution"
        else:
            gel = "ok"
        meds["ibuprofen_gel"] = {"advice": gel}
        rub = "caution" if OR(lt(age, 16), pregnant, B("anticoagulant")) is True else "ok"
        meds["menthol_rub"] = {"advice": rub}

    cards = {
        "sick_day_rules": AND(OR(B("bp_or_water_tablets"), B("metformin"), sglt2), OR(gi_ongoing, H_not_none)),
        "insulin_sick_day": AND(eq(diabetes, "insulin"), gut_upset),
        "steroid_sick_day": AND(steroid, OR(gut_upset, fever)),
        "lithium_sick_day": AND(lithium, gut_upset),
    }
    for cid, c in cards.items():
        if c is True:
            meds[cid] = {"advice": "review"}

    # ---------------- mechanisms ----------------
    if vomits is not None and stools is not None:
        many = (vomits + stools) >= 4
    elif variant["sum_monotone"] and ((vomits is not None and vomits >= 4) or (stools is not None and stools >= 4)):
        many = True
    else:
        many = None
    pains = OR(back_pain, leg_aches, leg_cramps)
    mech = {
        "fluid_loss": AND(pains, OR(H_not_none, many, leg_cramps)),
        "retching_strain": AND(back_pain, OR(B("back_pain_began_with_vomiting"), ge(vomits, 3))),
        "inflammation": AND(OR(back_pain, leg_aches), OR(fever, AND(gi_ongoing, le(days, 3)))),
        "immobility": AND(leg_aches, ge(bedbound, 2)),
        "posture": AND(back_pain, ge(bedbound, 2)),
    }
    mechanisms = {m for m, c in mech.items() if c is True}
    # Issue 16, "one story": a mechanism is not shown when a flag that fired says the pain is
    # something else. Strain from retching and a stiff back from lying curled up are muscle
    # stories; these flags say the back pain is a nerve, an infection, a kidney, a blood vessel,
    # the pancreas, an injury, cancer or pain that is not like a sore muscle.
    not_a_strain = {"aortic_emergency", "pancreatitis", "cauda_equina", "spinal_infection",
                    "back_pain_fever_after_bug", "kidney_infection", "kidney_stone", "cancer_concern",
                    "night_pain_with_risk", "non_mechanical_back_pain", "spinal_injury"}
    if flags & not_a_strain:
        mechanisms -= {"retching_strain", "posture"}

    return {
        "disposition": disposition,
        "flags": flags,
        "hydration": hyd,
        "medicines": meds,
        "mechanisms": mechanisms,
        "not_applicable": na,
        "_open": open_keys,
    }


def flatten(res):
    """Comparison keys -> values for a reference result (also used on the engine's, see diff_test)."""
    out = {"disposition": res["disposition"]}
    for fid in FLAG_IDS:
        out["flag." + fid] = fid in res["flags"]
    h = res["hydration"]
    for k in ("status", "assessed", "plan", "fluid_limit", "maintenance_ml_per_day", "weight_loss_percent"):
        out["hydration." + k] = h.get(k)
    plan = h.get("plan")
    if plan == "A":
        out["hydration.per_loose_stool_ml"] = h.get("per_loose_stool_ml")
    if plan == "B":
        out["hydration.ors_ml"] = h.get("ors_ml")
        out["hydration.ors_ml_range"] = h.get("ors_ml_range")
        if not h.get("fluid_limit"):
            out["hydration.over_hours"] = h.get("over_hours")
    for mid in MEDICINE_IDS:
        m = res["medicines"].get(mid)
        out["med.%s.present" % mid] = m is not None
        if m is None:
            continue
        out["med.%s.advice" % mid] = m.get("advice")
        if mid in ("paracetamol", "ibuprofen"):
            d = m.get("dose")
            out["med.%s.dose" % mid] = d is not None
            if d is not None:
                out["med.%s.mg_per_dose" % mid] = d.get("mg_per_dose")
                out["med.%s.max_mg_per_24h" % mid] = d.get("max_mg_per_24h")
    for mech in MECHANISM_IDS:
        out["mech." + mech] = mech in res["mechanisms"]
    return out


FLAG_IDS = []
MECHANISM_IDS = ["fluid_loss", "retching_strain", "inflammation", "immobility", "posture"]
MEDICINE_IDS = ["paracetamol", "ibuprofen", "ibuprofen_gel", "menthol_rub", "sick_day_rules",
                "insulin_sick_day", "steroid_sick_day", "lithium_sick_day"]


def assess(findings):
    """The policy's conclusion for one request's findings (assumed valid)."""
    names = []
    has = lambda k: findings.get(k) is not None  # noqa: E731
    if has("weight_kg") and has("pre_illness_weight_kg") and not any(has(k) for k in HYDRATION_FINDINGS):
        names.append("weights_assessed")
    if has("vomits_24h") != has("stools_24h"):
        names.append("sum_monotone")
    fixed = {n: VARIANTS[n][0] for n in VARIANTS if n not in names}
    results = []
    for combo in itertools.product(*(VARIANTS[n] for n in names)):
        combo = dict(zip(names, combo), **fixed)
        results.append(_assess_one(findings, combo))
    base = results[0]
    open_keys = set(base["_open"])
    fb = flatten(base)
    for r in results[1:]:
        open_keys |= r["_open"]
        fr = flatten(r)
        for k in set(fb) | set(fr):
            if fb.get(k) != fr.get(k):
                open_keys.add(k)
    base["_open"] = open_keys
    return base


def _init_flag_ids():
    # the flag table, in policy order, read off a throwaway evaluation
    import re
    src = open(__file__).read()
    seen = []
    for m in re.finditer(r'\("([a-z0-9_]+)", [EUR], ', src):
        if m.group(1) not in seen:
            seen.append(m.group(1))
    FLAG_IDS.extend(seen)


_init_flag_ids()
