"""`python -m integratiescan.render doc.qmd --to html --to pdf -P key:value ...`"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import FORMATS, RenderError, render
from .meta import parse_key_value


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m integratiescan.render",
        description="Render a .qmd to HTML and/or PDF (Quarto when installed, else embedded).",
    )
    p.add_argument("input", type=Path, help="the .qmd document")
    p.add_argument(
        "--to",
        "-t",
        action="append",
        default=None,
        help="output format: html, pdf (repeatable or comma-separated; default both)",
    )
    p.add_argument("-P", "--execute-param", action="append", default=[], metavar="KEY:VALUE")
    p.add_argument("-M", "--metadata", action="append", default=[], metavar="KEY:VALUE")
    p.add_argument("--output", "-o", default=None, metavar="NAME", help="output file name")
    p.add_argument("--output-dir", type=Path, default=None, metavar="DIR")
    p.add_argument("--engine", choices=("auto", "quarto", "embedded"), default="auto")
    p.add_argument("--quiet", "-q", action="store_true", help="no timings/warnings on stderr")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    formats: list[str] = []
    for item in args.to or list(FORMATS):
        formats.extend(f.strip() for f in item.split(",") if f.strip())
    try:
        params = dict(parse_key_value(x) for x in args.execute_param)
        metadata = dict(parse_key_value(x) for x in args.metadata)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    stem = None
    if args.output:
        if "/" in args.output or "\\" in args.output:
            print(
                "error: --output must be a file name, use --output-dir for the folder",
                file=sys.stderr,
            )
            return 2
        name = Path(args.output)
        stem = name.stem if name.suffix.lstrip(".") in FORMATS else name.name
    try:
        result = render(
            args.input,
            to=formats,
            params=params,
            metadata=metadata,
            output_dir=args.output_dir,
            output_stem=stem,
            engine=args.engine,
        )
    except (RenderError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if not args.quiet:
        for w in result.warnings:
            print(f"WARNING: {w}", file=sys.stderr)
        times = ", ".join(f"{k} {v:.2f}s" for k, v in result.timings.items())
        print(f"[{result.engine}] {times}", file=sys.stderr)
    for path in result.outputs.values():
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
