#!/usr/bin/env python3
"""Run checkov's Bicep policies over some files and report per file (used by scripts/validate).

usage: checkov_check.py --checkov PATH --skip-file FILE BICEP_FILE...

One checkov run covers all files (its start-up alone takes seconds). Output, one block
per file in the order given:

    ok<TAB>FILE
    FAIL<TAB>FILE
    <TAB>detail line (any number)

A file fails when a check that is not in the skip file fails on it, or when checkov
could not parse it (checkov exits 0 on broken Bicep and only counts it in
summary.parsing_errors). Every file fails when checkov itself fails, its output is not
the expected JSON, or the skip file is malformed. Exit status: 1 if any file failed.
"""

import argparse
import json
import os
import re
import subprocess
import sys

CHECK_ID = re.compile(r"^CKV2?_[A-Z0-9]+(_[A-Z0-9]+)*$")


def read_skip_file(path):
    """Check IDs from the skip file; raises ValueError naming the bad line."""
    ids = []
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            check, sep, reason = line.partition("#")
            check = check.strip()
            if not CHECK_ID.match(check):
                raise ValueError(f"{path}:{n}: '{check}' is not a checkov check ID (CKV_... or CKV2_...)")
            if not sep or not reason.strip():
                raise ValueError(f"{path}:{n}: {check} has no reason; write `{check}  # why it does not apply`")
            ids.append(check)
    return ids


def json_documents(text):
    """checkov prints one JSON document per framework; decode them all."""
    dec, i, docs = json.JSONDecoder(), 0, []
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            return docs
        doc, i = dec.raw_decode(text, i)
        docs.extend(doc if isinstance(doc, list) else [doc])


def emit(files, details):
    """Print the per-file blocks; details maps realpath -> list of lines (empty = ok)."""
    failed = False
    for f in files:
        lines = details.get(os.path.realpath(f), [])
        failed |= bool(lines)
        print(f"{'FAIL' if lines else 'ok'}\t{f}")
        for line in lines:
            print(f"\t{line}")
    return 1 if failed else 0


def fail_all(files, lines):
    return emit(files, {os.path.realpath(f): lines for f in files})


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--checkov", required=True)
    ap.add_argument("--skip-file", required=True)
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    files = args.files

    try:
        skip = read_skip_file(args.skip_file)
    except (OSError, ValueError) as e:
        return fail_all(files, [f"bad skip file: {e}"])

    cmd = [args.checkov, "--framework", "bicep", "--skip-download", "--compact", "-o", "json"]
    if skip:
        cmd += ["--skip-check", ",".join(skip)]
    cmd += ["-f", *files]
    proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    stderr_tail = proc.stderr.strip().splitlines()[-20:]
    if proc.returncode not in (0, 1):
        return fail_all(files, [f"checkov exited {proc.returncode}", *stderr_tail])
    try:
        docs = json_documents(proc.stdout)
    except json.JSONDecodeError as e:
        return fail_all(files, [f"checkov output is not JSON: {e}", *stderr_tail])

    details = {}
    summary_parse_errors = 0
    attributed_parse_errors = 0
    for doc in docs:
        if not isinstance(doc, dict):
            return fail_all(files, [f"unexpected checkov output: {str(doc)[:200]}"])
        # No Bicep resource at all: checkov prints the bare summary.
        summary = doc.get("summary", doc)
        summary_parse_errors += int(summary.get("parsing_errors", 0) or 0)
        results = doc.get("results", {})
        for path in results.get("parsing_errors", []):
            attributed_parse_errors += 1
            details.setdefault(os.path.realpath(path), []).append(
                "checkov could not parse this file (see bicep-parse; checkov bundles pycep-parser 0.5.1, "
                "which knows less Bicep syntax than the 0.7.1 bicep-parse uses)")
        for c in results.get("failed_checks", []):
            path = c.get("file_abs_path") or c.get("file_path", "?")
            lo, hi = (c.get("file_line_range") or [0, 0])[:2]
            details.setdefault(os.path.realpath(path), []).append(
                f"{c.get('check_id')} lines {lo}-{hi} {c.get('resource')}: {c.get('check_name')}")
    if proc.returncode == 1 and not details:
        return fail_all(files, ["checkov exited 1 but reported no failed check", *stderr_tail])
    if summary_parse_errors > attributed_parse_errors:
        return fail_all(files, [f"checkov summary.parsing_errors = {summary_parse_errors}", *stderr_tail])
    known = {os.path.realpath(f) for f in files}
    stray = [f"{path}: {line}" for path, lines in details.items() if path not in known for line in lines]
    if stray:
        return fail_all(files, ["checkov reported on files it was not given:", *stray])
    for lines in details.values():
        if any(l.split(" ", 1)[0].startswith("CKV") for l in lines):
            lines.append(f"(skip a check only with a reason, in {os.path.basename(args.skip_file)})")
    return emit(files, details)


if __name__ == "__main__":
    sys.exit(main())
