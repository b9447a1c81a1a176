"""The ``integratiescan`` command: parses the arguments and calls the stage that does the work.

``integratiescan trace <id>``    the chain from a published value back to the raw files;
``integratiescan verify <file>`` do the data and code in this tree still produce a report;
``integratiescan diff <a> <b>``  the indicator values that differ between two editions;
``integratiescan check``         will an edition's raw exports build (before building).

Run from the project root (or pass ``--root``). Exit codes: 0 ok, 1 verify found differences
or check found problems, 2 usage errors (unknown id, missing file).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path

from integratiescan import __version__
from integratiescan.audit.diff import diff
from integratiescan.audit.edition import UsageError
from integratiescan.audit.trace import trace
from integratiescan.audit.verify import verify


def cmd_trace(args: argparse.Namespace) -> int:
    print("\n".join(trace(Path(args.root), args.edition, args.id)))
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    result = verify(Path(args.report), Path(args.root))
    print("\n".join(result.lines))
    return 0 if result.ok else 1


def cmd_diff(args: argparse.Namespace) -> int:
    sys.stdout.write(diff(Path(args.root), args.old, args.new, args.format))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """``check`` lives in integratiescan.intake.check (imported here: it loads the contract)."""
    from integratiescan.intake.check import cmd_check as run

    return run(args)


def cmd_preview(args: argparse.Namespace) -> int:
    from integratiescan.render.preview import serve  # the server's imports only when asked for

    return serve(Path(args.root), args.port, args.edition)


# --------------------------------------------------------------------------- main


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="integratiescan", description="Audit tools for the integratiescan reports."
    )
    ap.add_argument("--version", action="version", version=f"integratiescan {__version__}")
    ap.add_argument("--root", default=".", help="project root (default: current folder)")
    sub = ap.add_subparsers(dest="command", required=True)
    t = sub.add_parser("trace", help="trace a published value or figure back to the raw files")
    t.add_argument("id", help="indicator id (e.g. vl-afkomst-c2021-nkja) or figure id")
    t.add_argument("--edition", type=int, default=None, help="edition (default: configured)")
    t.set_defaults(func=cmd_trace)
    v = sub.add_parser("verify", help="check a report against the data and code in this tree")
    v.add_argument("report", help="report .html or .pdf")
    v.set_defaults(func=cmd_verify)
    d = sub.add_parser("diff", help="indicator values that differ between two editions")
    d.add_argument("old", help="edition (2023), version (2023.1) or indicators.csv path")
    d.add_argument("new", help="edition (2024), version (2024.1) or indicators.csv path")
    d.add_argument("--format", choices=("text", "csv", "md"), default="text")
    d.set_defaults(func=cmd_diff)
    c = sub.add_parser("check", help="check an edition's raw exports before building it")
    c.add_argument("--edition", type=int, default=None, help="edition (default: configured)")
    c.add_argument("--raw-dir", default=None, help="raw folder (default: data/raw/<edition>)")
    c.set_defaults(func=cmd_check)
    p = sub.add_parser(
        "preview", help="serve the report's HTML on 127.0.0.1, re-rendered on every save"
    )
    p.add_argument("--port", type=int, default=4848, help="port (0: any free port)")
    p.add_argument("--edition", type=int, default=None, help="edition (default: configured)")
    p.set_defaults(func=cmd_preview)
    return ap


def main(argv: Iterable[str] | None = None) -> int:
    args = parser().parse_args(None if argv is None else list(argv))
    try:
        return int(args.func(args))
    except UsageError as exc:
        print(f"integratiescan {args.command}: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into head & co.
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
