#!/usr/bin/env python3
"""Writes the seed corpus of the HTTP fuzzer (fuzz/corpus/http/*.http):
small raw HTTP/1.1 requests over every route family, the refusals, and
connection handling. Run from anywhere; rewrites the directory's .http files.
The episode id and token are the ones fuzz/http_target.h stores per input."""
import json
import pathlib

OUT = pathlib.Path(__file__).resolve().parent / "corpus" / "http"
EPISODE = "0123456789abcdef0123456789abcdef"
TOKEN = "f00d" * 16


def req(method, path, body=None, headers=(), length=True, content_type="application/json"):
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1:8080"]
    if body is not None and content_type:
        lines.append(f"Content-Type: {content_type}")
    lines += list(headers)
    data = b"" if body is None else (body if isinstance(body, bytes) else body.encode())
    if body is not None and length:
        lines.append(f"Content-Length: {len(data)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + data


def js(value):
    return json.dumps(value, separators=(",", ":"))


SELF_CARE = {"ref": "seed-1", "findings": {
    "age_years": 34, "weight_kg": 70, "days_since_onset": 1, "gi_ongoing": True, "vomits_24h": 5,
    "keeps_fluids_down": True, "back_pain": True, "back_pain_site": "lower", "back_pain_days": 1,
    "back_pain_began_with_vomiting": True, "saddle_numbness": False}}
EMERGENCY = {"findings": {"age_years": 45, "back_pain": True, "saddle_numbness": True,
                          "bladder_control_change": True}}
QR = {"resourceType": "QuestionnaireResponse", "status": "completed", "item": [
    {"linkId": "group-patient", "item": [{"linkId": "age_years", "answer": [{"valueDecimal": 45}]}]},
    {"linkId": "group-back", "item": [
        {"linkId": "back_pain", "answer": [{"valueBoolean": True}]},
        {"linkId": "saddle_numbness", "answer": [{"valueBoolean": True}]},
        {"linkId": "sciatica", "answer": [{"valueCoding": {"system": "urn:norotriage:choice:sciatica",
                                                           "code": "one_leg"}}]}]}]}
BAD_QR = {"resourceType": "QuestionnaireResponse", "status": "completed", "item": [
    {"linkId": "group-back", "item": [{"linkId": "back_pian", "answer": [{"valueBoolean": True}]}]}]}
CDS = {"hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "hook": "patient-view",
       "context": {"userId": "Practitioner/1", "patientId": "p1"}, "prefetch": {"questionnaireResponse": QR}}
BEARER = f"Authorization: Bearer {TOKEN}"
EP = f"/v1/episodes/{EPISODE}"

SEEDS = {
    "assess": req("POST", "/v1/assess", js(SELF_CARE)),
    "assess_emergency": req("POST", "/v1/assess", js(EMERGENCY)),
    "assess_bad_json": req("POST", "/v1/assess", '{"findings": {"age_years": 3'),
    "assess_unknown_finding": req("POST", "/v1/assess", '{"findings": {"age_yeers": 3}}'),
    "interview": req("POST", "/v1/interview", '{"findings": {"gi_ongoing": true}}'),
    "episode_create": req("POST", "/v1/episodes", js({"onset_date": "2025-03-02", "findings": {"age_years": 40}})),
    "episode_create_empty": req("POST", "/v1/episodes", None, ["Content-Length: 0"]),
    "episode_checkin": req("POST", EP + "/checkins", js({"date": "2025-03-03", "findings": SELF_CARE["findings"]}),
                           [BEARER]),
    "episode_show": req("GET", EP, None, [BEARER]),
    "episode_chart": req("GET", EP + "/chart.svg", None, [BEARER]),
    "episode_delete": req("DELETE", EP, None, [BEARER]),
    "episode_wrong_token": req("GET", EP, None, ["Authorization: Bearer " + "0" * 64]),
    "knowledge": req("GET", "/v1/knowledge"),
    "knowledge_etag": req("GET", "/v1/knowledge", None, ['If-None-Match: "x", *']),
    "healthz": req("GET", "/healthz"),
    "openapi": req("GET", "/v1/openapi.json"),
    "web_index": req("GET", "/"),
    "web_asset": req("GET", "/app/app.js", None, ["Accept-Encoding: gzip"]),
    "fhir_questionnaire": req("GET", "/fhir/Questionnaire/norotriage", None, ["Accept: application/fhir+json"]),
    "fhir_assess": req("POST", "/fhir/QuestionnaireResponse/$assess", js(QR), content_type="application/fhir+json"),
    "fhir_assess_bad": req("POST", "/fhir/QuestionnaireResponse/$assess", js(BAD_QR),
                           ["Accept: application/json"], content_type="application/fhir+json"),
    "cds_discovery": req("GET", "/cds-services"),
    "cds_call": req("POST", "/cds-services/norotriage", js(CDS)),
    "cds_no_findings": req("POST", "/cds-services/norotriage", js({"hook": "patient-view", "context": {}})),
    "not_found": req("GET", "/v1/nothing?x=1"),
    "method_not_allowed": req("PUT", "/v1/assess", "{}"),
    "unknown_method": req("BREW", "/", "{}"),
    "chunked_411": req("POST", "/v1/assess", None, ["Transfer-Encoding: chunked"], length=False)
    + b"5\r\n{\"a\":\r\n0\r\n\r\n",
    "too_large_413": req("POST", "/v1/assess", None, ["Content-Length: 70000"], length=False) + b"{" * 64,
    "gzip_415": req("POST", "/v1/assess", "\x1f\x8b\x08\x00", ["Content-Encoding: gzip"]),
    "options": req("OPTIONS", "/v1/assess", None, ["Origin: http://example.org",
                                                   "Access-Control-Request-Method: POST"]),
    "head": req("HEAD", "/v1/knowledge"),
    "pipelined": req("GET", "/healthz") + req("POST", "/v1/assess", js(EMERGENCY))
    + req("GET", "/cds-services", None, ["Connection: close"]),
    "expect_continue": req("POST", "/v1/interview", '{"findings": {}}', ["Expect: 100-continue"]),
    "expect_continue_413": req("POST", "/v1/assess", None, ["Expect: 100-continue", "Content-Length: 999999"],
                               length=False),
    "http10": b"GET /healthz HTTP/1.0\r\n\r\n",
    "bad_request_line": b"GET\r\n\r\n",
    "range": req("GET", "/app/app.css", None, ["Range: bytes=0-10,20-30"]),
}


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.http"):
        old.unlink()
    for name, data in SEEDS.items():
        (OUT / f"{name}.http").write_bytes(data)
    print(f"{len(SEEDS)} seeds in {OUT}")


if __name__ == "__main__":
    main()
