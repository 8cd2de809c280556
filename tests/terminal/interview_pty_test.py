#!/usr/bin/env python3
"""The terminal interview in a pseudo-terminal of 100x40 (ctest: interview_pty).

Runs `norotriage interview` on a real pty (colour on, as a person gets it),
answers each prompt as a person who knows little would (checklists: none;
other questions: "u", or the first choice when "u" is refused), and reads the
screen the way the person sees it at the end: the last 40 lines.

Checks, for a well adult with back pain and for an emergency (cauda equina):
  - the intro comes first and says it is not a diagnosis;
  - the result's sections come in the order of issue 16: the disposition,
    why (warning signs), what to do now, fluids, pain relief, why it hurts,
    what to expect, when to get help;
  - the last 40 lines hold the one-screen summary: the disposition label
    (the one `assess --json` gives for the saved answers), the numbers to
    call, "Get help if" and "not a diagnosis";
  - no line is wider than the 100-column terminal.

Usage: interview_pty_test.py BINARY
"""
import fcntl
import json
import os
import pty
import re
import select
import struct
import subprocess
import sys
import tempfile
import termios
import time

ROWS, COLS = 40, 100
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
SECTIONS = ["Warning signs found", "What to do now", "Fluids", "Pain relief", "Why it hurts",
            "What to expect", "Get help if"]


def run_interview(binary, start, workdir):
    """Runs the interview from the answers in `start`; returns (transcript, saved request)."""
    start_file = os.path.join(workdir, "start.json")
    save_file = os.path.join(workdir, "saved.json")
    with open(start_file, "w") as f:
        json.dump({"findings": start}, f)
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    env = dict(os.environ, TERM="xterm-256color", COLUMNS=str(COLS), LINES=str(ROWS))
    proc = subprocess.Popen([binary, "interview", "--from", start_file, "--save", save_file],
                            stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True)
    os.close(slave)
    out = b""
    answered_at = 0      # length of `out` when the last answer was sent
    refused = 0          # answers refused in a row ("Please type ...")
    deadline = time.time() + 120
    while True:
        assert time.time() < deadline, "the interview did not end within 120 s:\n" + out.decode(errors="replace")[-3000:]
        ready, _, _ = select.select([master], [], [], 1.0)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            out += chunk
        if proc.poll() is not None and not ready:
            break
        text = ANSI.sub("", out[answered_at:].decode(errors="replace"))
        if not text.endswith("> "):
            continue
        # A prompt: answer it.
        if "Please type" in text:
            refused += 1
        else:
            refused = 0
        assert refused < 3, "three answers refused in a row:\n" + text[-2000:]
        if "Type the numbers of all that apply" in text or (refused == 0 and "0) " in text):
            answer = "0"
        elif refused == 0:
            answer = "u"
        else:
            answer = "1"
        os.write(master, (answer + "\n").encode())
        answered_at = len(out)
    proc.wait(timeout=30)
    os.close(master)
    assert proc.returncode == 0, f"interview exited {proc.returncode}:\n" + out.decode(errors="replace")[-3000:]
    with open(save_file) as f:
        saved = f.read()
    return ANSI.sub("", out.decode("utf-8", errors="replace")).replace("\r", ""), saved


def check(binary, name, start, workdir):
    transcript, saved = run_interview(binary, start, workdir)
    lines = transcript.rstrip("\n").split("\n")
    problems = []
    wide = [l for l in lines if len(l) > COLS]
    if wide:
        problems.append(f"{len(wide)} lines wider than {COLS} columns, e.g. {wide[0]!r}")
    if "This is not a diagnosis" not in "\n".join(lines[:8]):
        problems.append("the intro (first 8 lines) does not say it is not a diagnosis")

    req = os.path.join(workdir, "saved.json")
    with open(req, "w") as f:
        f.write(saved)
    result = json.loads(subprocess.run([binary, "assess", "--json", req], capture_output=True, text=True,
                                       check=True).stdout)
    label = result["disposition_label"]

    # The full result: sections in order, after the disposition banner.
    result_start = transcript.find(label.upper() if result["disposition"] == "emergency" else label)
    if result_start < 0:
        problems.append(f"the result does not show its disposition {label!r}")
    last = result_start
    for s in SECTIONS:
        at = transcript.find("\n" + s + "\n", max(result_start, 0))
        if at < 0:
            continue
        if at < last:
            problems.append(f"section {s!r} is out of order")
        last = at

    # The last 40 lines: the summary says what matters.
    screen = "\n".join(lines[-ROWS:])
    for want in [label, "Get help if", "not a diagnosis"]:
        if want not in screen:
            problems.append(f"the last {ROWS} lines do not show {want!r}")
    if result["disposition"] == "emergency" and "Call 999 now" not in screen:
        problems.append("the last 40 lines of an emergency do not say to call 999")
    print(f"--- {name}: the last {ROWS} lines of a {COLS}x{ROWS} terminal ---")
    print(screen)
    return problems


def main():
    binary = sys.argv[1]
    problems = []
    with tempfile.TemporaryDirectory(prefix="norotriage-pty-") as workdir:
        well = {"age_years": 34, "sex": "female", "weight_kg": 70, "back_pain": True, "leg_aches": False,
                "temperature_c": 37, "days_since_onset": 2, "back_pain_days": 2, "back_pain_score": 4}
        problems += [f"well adult: {p}" for p in check(binary, "well adult", well, workdir)]
        emergency = dict(well, saddle_numbness=True)
        problems += [f"emergency: {p}" for p in check(binary, "emergency", emergency, workdir)]
    if problems:
        print("\nFAILED:\n  " + "\n  ".join(problems))
        return 1
    print("\nOK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
