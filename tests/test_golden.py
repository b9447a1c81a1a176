"""Golden comparison: the indicator step reproduces the published bytes of 2023 and 2024.

The files under tests/golden/ were written by the workflow (``snakemake --cores 2``, with and
without ``--config edition=2024``) before the indicator definitions became a registry. A
refactoring of the indicator code must leave every byte of them unchanged; a deliberate change
of an indicator regenerates them (and says so in its commit).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from integratiescan.indicators import step as indicator_step

ROOT = Path(__file__).parents[1]
GOLDEN = Path(__file__).parent / "golden"
FILES = ("indicators.csv", "indicators.json", "components.csv", "disclosure-log.csv")


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Both editions through the same functions the workflow's steps call, in-process."""
    import yaml

    from integratiescan.config import peildatum, with_edition_defaults
    from integratiescan.intake import clean, contract

    base = tmp_path_factory.mktemp("golden")
    cfg = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
    for edition in (2023, 2024):
        ed_cfg = with_edition_defaults({**cfg, "edition": edition}, ROOT)
        raw = ROOT / "data" / "raw" / str(edition)
        processed = base / "processed" / str(edition)
        status, message = clean.run_step(
            {t: raw / f"{t}.csv" for t in contract.TABLES},
            edition,
            peildatum(ed_cfg),
            processed,
            base / "validation.csv",
        )
        assert status == 0, message
        out = base / str(edition)
        previous = GOLDEN / str(edition - 1) / "indicators.csv"
        indicator_step.run(
            {t: processed / f"{t}.parquet" for t in indicator_step.TABLES},
            ROOT / "data" / "reference" / "components.csv",
            ed_cfg,
            {
                "csv": out / "indicators.csv",
                "json": out / "indicators.json",
                "components": out / "components.csv",
                "disclosure": out / "disclosure-log.csv",
            },
            previous=previous if previous.exists() else None,
        )
    return base


@pytest.mark.parametrize("edition", [2023, 2024])
@pytest.mark.parametrize("name", FILES)
def test_outputs_match_the_golden_bytes(rebuilt: Path, edition: int, name: str) -> None:
    new = (rebuilt / str(edition) / name).read_bytes()
    old = (GOLDEN / str(edition) / name).read_bytes()
    if new != old:  # show the first differing line, not a byte blob
        pairs = zip(old.decode().splitlines(), new.decode().splitlines(), strict=False)
        first = next(((i, a, b) for i, (a, b) in enumerate(pairs, 1) if a != b), None)
        pytest.fail(f"{edition}/{name} differs from the golden file; first difference: {first}")
