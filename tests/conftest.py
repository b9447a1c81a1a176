"""Shared test set-up: make tests/ importable for helper modules such as rawdata."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import pytest  # noqa: E402

# The session builds (the 2023, 2024 and small editions, built once per run in the
# background) and the follow-ups: fixtures and hooks for every test, not only tests/quality/;
# and the two workers that share the run (pytest-xdist), the builds in one of them.
pytest_plugins = ("sessionbuilds", "workers")


def _indicator_tables(raw: Path, edition: int, out: Path, previous=None):
    """Clean *raw* and write the indicator and component tables of *edition* into *out*.

    The same functions the workflow's clean and indicators steps call, in-process (cheap).
    Returns the indicator table, the ``previous`` of the next edition.
    """
    import pandas as pd
    import yaml

    from integratiescan import indicators
    from integratiescan.config import with_edition_defaults
    from integratiescan.indicators import step as indicator_step
    from integratiescan.intake import clean

    root = Path(__file__).parents[1]
    reference = pd.read_csv(root / "data" / "reference" / "components.csv")
    cfg = yaml.safe_load((root / "config" / "config.yaml").read_text(encoding="utf-8"))
    s = indicators.Settings.from_config(with_edition_defaults({**cfg, "edition": edition}, root))
    tables = {
        t: r.frame
        for t, r in clean.clean_edition(
            {t: raw / f"{t}.csv" for t in indicator_step.TABLES}, edition, s.peildatum
        ).items()
    }
    table, assessment, _ = indicators.build(tables, reference, s, previous)
    indicator_step.write_csv(table, out / "indicators.csv")
    indicator_step.write_csv(assessment, out / "components.csv")
    return table


@pytest.fixture(scope="session")
def real_results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Indicator and component tables of the shipped 2023 and 2024 data, built in-process.

    Laid out as the workflow's results/<edition>/ folder, so tests that need the real
    tables do not depend on a previous `snakemake` run.
    """
    root = Path(__file__).parents[1]
    base = tmp_path_factory.mktemp("results")
    previous = None
    for edition in (2023, 2024):
        raw = root / "data" / "raw" / str(edition)
        previous = _indicator_tables(raw, edition, base / str(edition), previous)
    return base


@pytest.fixture(scope="session")
def small_results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Tables of the small single-cohort edition (tests/editions.py), as results/2023/."""
    from editions import write_small_edition

    base = tmp_path_factory.mktemp("results-small")
    raw = write_small_edition(base / "raw")
    _indicator_tables(raw, 2023, base / "2023")
    return base


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """List the checks that did not run and why (a tool beyond pip missing, as a rule).

    The README says next to the test command what the suite needs besides pip (Chromium,
    git, optionally Quarto); this names what was missing in this run, so a green run that
    skipped the browser checks says so at the end instead of only in a count.
    """
    from collections import Counter

    reasons: Counter[str] = Counter()
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        reasons[reason.removeprefix("Skipped: ")] += 1
    if not reasons:
        return
    terminalreporter.section("checks skipped in this run, and what they need")
    for reason, count in sorted(reasons.items()):
        terminalreporter.write_line(f"{count:4d} skipped: {reason}")
