"""Step script: build the figure set (SVG, PNG, JSON sidecar per figure id).

Snakemake: ``input`` indicators, components, reference (named or in that order);
``output`` the files ``figures/<edition>/<fig-id>.{svg,png,json}`` (see
``integratiescan.figures.FIGURE_IDS``); ``log`` one file.

Command line::

    python scripts/make_figures.py --indicators results/2023/indicators.csv \
        --components results/2023/components.csv \
        --reference data/reference/components.csv --outdir figures/2023
"""

import argparse
import logging
import sys
from pathlib import Path

from integratiescan import figures

log = logging.getLogger("make_figures")


def _pick(inputs, name: str, index: int) -> str:
    return str(getattr(inputs, name, None) or inputs[index])


def run(
    indicators: str,
    components: str,
    reference: str,
    outdir: str,
    expected=None,
    processes: int = 1,
) -> int:
    written = figures.build_figures(indicators, components, reference, outdir, processes=processes)
    for path in written:
        log.info("wrote %s", path.as_posix())
    if expected:
        missing = sorted({Path(p).as_posix() for p in expected} - {p.as_posix() for p in written})
        if missing:
            log.error("declared outputs not produced: %s", missing)
            return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--indicators", required=True)
    parser.add_argument("--components", required=True)
    parser.add_argument("--reference", required=True)
    parser.add_argument("--outdir", required=True)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    return run(args.indicators, args.components, args.reference, args.outdir)


def _snakemake(smk) -> int:
    handlers = [logging.FileHandler(smk.log[0], mode="w", encoding="utf-8")] if smk.log else []
    logging.basicConfig(
        level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", handlers=handlers or None
    )
    outputs = [str(p) for p in smk.output]
    outdir = str(Path(outputs[0]).parent)
    try:
        return run(
            _pick(smk.input, "indicators", 0),
            _pick(smk.input, "components", 1),
            _pick(smk.input, "reference", 2),
            outdir,
            expected=outputs,
            processes=smk.threads,  # the rule's `threads`, as scaled down by --cores
        )
    except Exception:
        log.exception("figure step failed")
        raise


if __name__ == "__main__":
    if "snakemake" in globals():
        sys.exit(_snakemake(snakemake))  # noqa: F821
    sys.exit(main())
