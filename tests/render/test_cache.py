"""The execution cache: replay only when nothing the cells see has changed, and then
produce exactly what a fresh execution produces."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from integratiescan.render import render
from integratiescan.render.cache import KEEP_ENTRIES, ExecutionCache

DOC = """---
title: Cachetest
lang: nl
---

```{python}
#| tags: [parameters]
edition = 2023
```

```{python}
import json
from pathlib import Path

data = json.loads(Path("data/cijfers.json").read_text())
jaren = sorted(p.name for p in Path("data/extra").iterdir())
```

Dit is editie `{python} edition`: het aandeel is `{python} data["aandeel"]` procent.

```{python}
#| output: asis
print(f"Extra mappen: {', '.join(jaren) or 'geen'}.")
```
"""


def _project(root: Path) -> Path:
    (root / "data" / "extra").mkdir(parents=True)
    (root / "data" / "cijfers.json").write_text('{"aandeel": 42}', encoding="utf-8")
    qmd = root / "doc.qmd"
    qmd.write_text(DOC, encoding="utf-8")
    return qmd


def _html(qmd: Path, out: Path, cache: Path | None, **kwargs) -> tuple[str, str]:
    result = render(qmd, to="html", output_dir=out, engine="embedded", cache_dir=cache, **kwargs)
    return result.execution, (out / "doc.html").read_text(encoding="utf-8")


@pytest.fixture
def project(tmp_path):
    return _project(tmp_path / "proj"), tmp_path / "cache", tmp_path / "out"


def test_prose_edit_replays_and_output_equals_a_fresh_execution(project, tmp_path):
    qmd, cache, out = project
    status, first = _html(qmd, out, cache)
    assert status == "miss"
    assert "het aandeel is 42 procent" in first

    qmd.write_text(DOC.replace("Dit is editie", "Dit is de editie"), encoding="utf-8")
    status, replayed = _html(qmd, out, cache)
    assert status == "hit"
    assert "Dit is de editie 2023: het aandeel is 42 procent." in replayed
    assert "Extra mappen: geen." in replayed

    status, fresh = _html(qmd, tmp_path / "fresh", None)
    assert status == "off"
    assert replayed == fresh  # byte-identical to executing the cells


def test_changed_input_file_is_executed_again(project):
    qmd, cache, out = project
    assert _html(qmd, out, cache)[0] == "miss"
    (qmd.parent / "data" / "cijfers.json").write_text('{"aandeel": 43}', encoding="utf-8")
    status, text = _html(qmd, out, cache)
    assert status == "miss"
    assert "het aandeel is 43 procent" in text


def test_new_file_in_a_listed_folder_is_executed_again(project):
    qmd, cache, out = project
    assert _html(qmd, out, cache)[0] == "miss"
    (qmd.parent / "data" / "extra" / "2024").mkdir()
    status, text = _html(qmd, out, cache)
    assert status == "miss"
    assert "Extra mappen: 2024." in text


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('data["aandeel"]` procent', 'data["aandeel"] + 1` procent'),  # inline expression
        ("jaren = sorted(", "jaren = sorted(set("),  # code cell (made invalid below)
    ],
    ids=["inline-expression", "code-cell"],
)
def test_changed_code_is_executed_again(project, old, new):
    qmd, cache, out = project
    assert _html(qmd, out, cache)[0] == "miss"
    text = DOC.replace(old, new)
    if "set(" in new:
        text = text.replace('Path("data/extra").iterdir())', 'Path("data/extra").iterdir()))')
    qmd.write_text(text, encoding="utf-8")
    status, html = _html(qmd, out, cache)
    assert status == "miss"
    if "+ 1" in new:
        assert "het aandeel is 43 procent" in html


def test_changed_parameters_are_executed_again(project):
    qmd, cache, out = project
    assert _html(qmd, out, cache, params={"edition": 2023})[0] == "miss"
    status, text = _html(qmd, out, cache, params={"edition": 2024})
    assert status == "miss"
    assert "Dit is editie 2024" in text
    assert _html(qmd, out, cache, params={"edition": 2024})[0] == "hit"


def test_corrupt_entry_is_ignored(project):
    qmd, cache, out = project
    _, first = _html(qmd, out, cache)
    (entry,) = cache.glob("*.json")
    entry.write_text("{not json", encoding="utf-8")
    status, again = _html(qmd, out, cache)
    assert status == "miss"
    assert again == first
    json.loads(entry.read_text(encoding="utf-8"))  # rewritten whole


def test_entry_records_what_the_cells_read(project):
    qmd, cache, out = project
    _html(qmd, out, cache)
    (entry,) = cache.glob("*.json")
    data = json.loads(entry.read_text(encoding="utf-8"))
    root = qmd.parent.resolve()
    assert str(root / "data" / "cijfers.json") in data["reads"]
    assert str(root / "data" / "extra") in data["listings"]
    # the Python installation is covered by the key, not tracked file by file
    assert not any("site-packages" in name for name in data["reads"])


def test_old_entries_are_pruned(tmp_path):
    cache = ExecutionCache(tmp_path)
    for i in range(KEEP_ENTRIES + 3):
        cache.store(f"{i:064x}", [], {"reads": [], "listings": []})
    assert len(list(tmp_path.glob("*.json"))) == KEEP_ENTRIES
