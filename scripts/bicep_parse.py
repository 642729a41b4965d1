#!/usr/bin/env python3
"""Syntax check of Bicep files with pycep-parser (a Lark grammar; no semantic checks).

usage: bicep_parse.py [--quiet] FILE.bicep...

Prints one line per file: "ok  FILE" (left out with --quiet) or
"FILE:LINE:COL: error: MESSAGE" followed by the offending source line and a caret. Exits 1 if any file fails to parse, 2 on bad
usage. Run it with the validators venv's python (scripts/install-tools).
"""

import sys
from pathlib import Path

from lark.exceptions import UnexpectedInput, VisitError
from pycep import BicepParser

MAX_EXPECTED = 8  # Lark lists every acceptable token; keep the report readable


def position(exc):
    """(line, column) of a parse error, or (None, None) if Lark does not know it."""
    if isinstance(exc, UnexpectedInput):
        return exc.line, exc.column
    if isinstance(exc, VisitError):
        # A transformer failed on a tree node; its position is on the node or token.
        node = exc.obj
        meta = getattr(node, "meta", None)
        if meta is not None and not getattr(meta, "empty", True):
            return meta.line, meta.column
        if getattr(node, "line", None) is not None:
            return node.line, node.column
    return None, None


def summary(exc):
    """First line of the error plus a short list of expected tokens."""
    if isinstance(exc, VisitError):
        inner = exc.orig_exc
        return f"{type(inner).__name__} in rule '{exc.rule}': {inner}".splitlines()[0]
    lines = [l.strip() for l in str(exc).strip().splitlines() if l.strip()]
    head = f"{type(exc).__name__}: {lines[0] if lines else ''}"
    expected = sorted(l[2:] for l in lines if l.startswith("* "))
    if expected:
        more = f", ... ({len(expected) - MAX_EXPECTED} more)" if len(expected) > MAX_EXPECTED else ""
        head += f" (expected one of: {', '.join(expected[:MAX_EXPECTED])}{more})"
    return head


def source_context(path, line, column):
    try:
        text = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    if line is None or not 1 <= line <= len(text):
        return []
    src = text[line - 1].expandtabs(1)
    caret = " " * (max(column or 1, 1) - 1) + "^"
    return [f"    {src}", f"    {caret}"]


def main(argv):
    quiet = bool(argv) and argv[0] == "--quiet"
    if quiet:
        argv = argv[1:]
    if not argv:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    parser = BicepParser(add_line_numbers=True)
    failed = 0
    for f in argv:
        try:
            parser.parse(file_path=Path(f))
        except Exception as exc:  # any failure to parse is a finding, not a crash
            failed += 1
            line, column = position(exc)
            where = f"{f}:{line}:{column}" if line is not None else f"{f}:?:?"
            print(f"{where}: error: {summary(exc)}")
            for l in source_context(f, line, column):
                print(l)
        else:
            if not quiet:
                print(f"ok  {f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
