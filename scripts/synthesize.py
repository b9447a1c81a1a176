"""Write calibrated synthetic raw data: ``python scripts/synthesize.py --edition 2023``.

Default output is ``data/raw/<edition>/``. ``--all`` writes every edition. Scale mode
(``--respondents N``) needs ``--out`` and never writes to ``data/raw`` by default.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from integratiescan.config import with_edition_defaults
from integratiescan.intake import synthetic

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments and write the requested edition(s)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    which = ap.add_mutually_exclusive_group(required=True)
    which.add_argument("--edition", type=int, choices=synthetic.EDITIONS)
    which.add_argument("--all", action="store_true", help="write every edition")
    ap.add_argument("--respondents", type=int, default=None, help="scale mode: N rows at T0/T1")
    ap.add_argument(
        "--projects", type=int, default=None, help="scale mode: N integration projects in scope"
    )
    ap.add_argument("--out", type=Path, default=None, help="output folder")
    ap.add_argument("--seed", type=int, default=synthetic.DEFAULT_SEED)
    args = ap.parse_args(argv)
    if (args.respondents is not None or args.projects is not None) and args.out is None:
        ap.error("--respondents/--projects need --out (scale data never goes to data/raw)")
    if args.projects is not None and args.projects < 1:
        ap.error("--projects must be >= 1")
    if args.respondents is not None and args.respondents < 1:
        ap.error("--respondents must be >= 1")
    editions = synthetic.EDITIONS if args.all else (args.edition,)
    for edition in editions:
        if args.out is None:
            out = ROOT / "data" / "raw" / str(edition)
        elif args.all:
            out = args.out / str(edition)
        else:
            out = args.out
        scope = with_edition_defaults({"edition": edition}, ROOT).get("scope_rounds", ())
        paths = synthetic.write_edition(
            edition, out, args.seed, args.respondents, args.projects, scope
        )
        for p in paths:
            print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
