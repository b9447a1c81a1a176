"""The figure set: files, sidecars, alt text, suppression, determinism, captions."""

from __future__ import annotations

import hashlib
import json
import re
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from integratiescan import figures
from integratiescan.figures import style

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
INDICATORS = FIXTURES / "indicators_2023_sample.csv"
COMPONENTS = FIXTURES / "components_2023_sample.csv"
REFERENCE = REPO / "data" / "reference" / "components.csv"
SVG_NS = "{http://www.w3.org/2000/svg}"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:8] == PNG_SIGNATURE
    chunks, pos = [], 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        chunks.append((kind, data[pos + 8 : pos + 8 + length]))
        pos += 12 + length
    return chunks


def _svg_text(path: Path) -> str:
    """All text drawn in the SVG (text elements only, not the metadata)."""
    root = ET.parse(path).getroot()
    text = "\n".join("".join(el.itertext()) for el in root.iter(f"{SVG_NS}text"))
    return text.replace("\u00a0", " ")  # no-break spaces only steer the wrapping


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("figures-a")
    figures.build_figures(INDICATORS, COMPONENTS, REFERENCE, out, root=REPO)
    return out


@pytest.fixture(scope="module")
def meta(built) -> dict[str, dict]:
    return {
        fid: json.loads((built / f"{fid}.json").read_text("utf-8")) for fid in figures.FIGURE_IDS
    }


def test_catalog_lists_every_figure():
    cat = figures.figure_catalog()
    assert tuple(cat) == figures.FIGURE_IDS
    for fid, entry in cat.items():
        assert entry["title"] and entry["description"], fid
        assert isinstance(entry["indicators"], list)
    assert cat["fig-model"]["indicators"] == []
    assert "vl-afkomst-<c>-<g>" in cat["fig-ontmoetingen"]["indicators"]


def test_workflow_uses_the_same_figure_ids():
    workflow = pytest.importorskip("integratiescan.workflow")
    assert tuple(workflow.FIGURE_IDS) == figures.FIGURE_IDS


def test_caption_files_match_catalog():
    folder = REPO / "src" / "integratiescan" / "report_captions"
    for fid in figures.FIGURE_IDS:
        path = folder / f"{fid}.rst"
        assert path.read_text("utf-8") == figures.caption_rst(fid), (
            f"{path} is stale: run figures.write_caption_files({str(folder)!r})"
        )


def test_dutch_number_formatting():
    assert style.fmt_pct(71.04) == "71,0%"
    assert style.fmt_count(1327) == "1.327"
    assert style.fmt_pp(6.0) == "+6,0"
    assert style.fmt_ci(3.4, 8.6, "pp") == "95%-BI 3,4 tot 8,6"


def test_every_file_exists(built):
    for path in figures.figure_outputs(built):
        assert path.is_file() and path.stat().st_size > 0, path
    assert sorted(p.name for p in built.iterdir()) == sorted(
        p.name for p in figures.figure_outputs(built)
    )


@pytest.mark.parametrize("fid", figures.FIGURE_IDS)
def test_svg_is_svg_with_searchable_text(built, fid):
    root = ET.parse(built / f"{fid}.svg").getroot()
    assert root.tag == f"{SVG_NS}svg"
    assert root.get("id") == fid
    text = _svg_text(built / f"{fid}.svg")
    assert figures.CATALOG[fid].title.split()[0] in text  # the title is drawn as text
    raw = (built / f"{fid}.svg").read_text("utf-8")
    assert "<dc:date>" not in raw and "Matplotlib" not in raw


@pytest.mark.parametrize("fid", figures.FIGURE_IDS)
def test_png_signature_size_and_dpi(built, fid):
    data = (built / f"{fid}.png").read_bytes()
    chunks = dict(_png_chunks(data))
    width, height = struct.unpack(">II", chunks[b"IHDR"][:8])
    assert width >= style.FIG_WIDTH * 200 and height >= 2.5 * 200
    ppm_x, ppm_y, unit = struct.unpack(">IIB", chunks[b"pHYs"])
    assert unit == 1 and min(ppm_x, ppm_y) * 0.0254 >= 199.5
    assert b"tIME" not in chunks
    for kind in (b"tEXt", b"iTXt"):
        if kind in chunks:
            assert b"Software" not in chunks[kind]


@pytest.mark.parametrize("fid", figures.FIGURE_IDS)
def test_sidecar_fields(built, meta, fid):
    m = meta[fid]
    assert m["id"] == fid
    assert m["title"] == figures.CATALOG[fid].title
    assert m["alt"] and len(m["alt"]) > 40
    assert isinstance(m["indicators"], list)
    assert m["files"] == {"svg": f"{fid}.svg", "png": f"{fid}.png"}
    assert m["inputs"], fid
    for inp in m["inputs"]:
        assert not Path(inp["path"]).is_absolute() and not inp["path"].startswith("..")
        assert inp["sha256"] == _sha(REPO / inp["path"])
    if fid != "fig-model":
        assert m["indicators"], fid
        assert any(i["role"] == "indicators" for i in m["inputs"])


def test_sidecar_indicator_ids_exist(meta):
    ids = set(figures.load_indicators(INDICATORS).index)
    for fid, m in meta.items():
        assert set(m["indicators"]) <= ids, fid


@pytest.mark.parametrize(
    ("fid", "expected"),
    [
        ("fig-ontmoetingen", ["71,0%", "n = 2.006", "67,2%", "54,2%", "50,1%", "82,1%"]),
        ("fig-oekraine", ["1.327", "20 projecten", "804", "523"]),
        ("fig-projecten", ["25 van de 181", "13,8%"]),
        ("fig-houding", ["62,0%", "68,0%", "+6,0 procentpunt", "95%-BI 3,4 tot 8,6"]),
        ("fig-maatjes", ["74,1%", "60,2%", "15,5%", "29,6%", "−14,1 procentpunt"]),
        ("fig-mdt-model", ["19 van 25", "76%", "22 van 25 · 88%", "groen", "oranje", "rood"]),
        ("fig-model", ["13 componenten", "Social bridges", "Sociopolitieke context"]),
    ],
)
def test_alt_text_states_main_numbers_as_printed(built, meta, fid, expected):
    alt = meta[fid]["alt"]
    drawn = _svg_text(built / f"{fid}.svg")
    for s in expected:
        assert s in alt, (fid, s)
    for s in expected:
        if re.search(r"\d", s):
            assert s in drawn or s.replace(" procentpunt", "") in drawn, (fid, s)


@pytest.mark.parametrize("fid", [f for f in figures.FIGURE_IDS if f != "fig-model"])
def test_every_number_in_alt_text_is_printed_in_the_figure(built, meta, fid):
    drawn = _svg_text(built / f"{fid}.svg")
    numbers = re.findall(r"\d+(?:\.\d{3})*(?:,\d+)?%?", meta[fid]["alt"])
    missing = sorted({n for n in numbers if n not in drawn})
    assert not missing, (fid, missing)


def test_assessment_figure_shows_count_and_share_per_component(built, meta):
    """Each box names how many of the integration projects aim at the component, and the share;
    the caption, alt text and sidecar say what the colour measures and carry the same numbers."""
    drawn = _svg_text(built / "fig-mdt-model.svg")
    m = meta["fig-mdt-model"]
    expected = {
        "WERK": ("Werk oranje", 4, 25, "4 van 25 · 16%"),
        "WONEN": ("Wonen rood", 0, 25, "0 van 25 · 0%"),
        "PARTICIPATIE": ("Andere vormen van participatie groen", 19, 25, "19 van 25 · 76%"),
        "SOCIOPOLITIEKE_CONTEXT": ("Sociopolitieke context oranje", 8, 25, "8 van 25 · 32%"),
    }
    rows = {r["code"]: r for r in m["data"]}
    assert len(rows) == 13
    for code, (name, count, total, label) in expected.items():
        assert label in " ".join(drawn.split()), code  # a narrow box may wrap before the "·"
        assert f"{name}, {label}" in m["alt"], code
        assert (rows[code]["projecten"], rows[code]["van"], rows[code]["label"]) == (
            count,
            total,
            label,
        )
    assert rows["PARTICIPATIE"]["aandeel_pct"] == 76.0
    assert rows["PARTICIPATIE"]["kleur"] == "groen"
    assert "aandeel integratieprojecten dat zich op de component richt" in m["title"]
    assert "niet of MDT eraan bijdraagt" in m["alt"] and "niet of MDT eraan" in " ".join(
        drawn.split()
    )


def test_suppressed_value_is_shown_as_suppressed(built, meta):
    df = figures.load_indicators(INDICATORS)
    assert bool(df.loc["vl-afkomst-c2022-nkja", "suppressed"])
    drawn = _svg_text(built / "fig-ontmoetingen.svg")
    assert "onderdrukt (gebaseerd op minder dan 10 personen)" in drawn
    m = meta["fig-ontmoetingen"]
    assert "vl-afkomst-c2022-nkja" in m["indicators"]
    assert "nieuwkomers onderdrukt" in m["alt"]
    assert not re.search(r"(^|\s)0,0%", drawn)  # never drawn as a zero


def test_parallel_build_is_byte_identical(built, tmp_path):
    """Figures drawn in two worker processes (as the workflow does) equal the serial build."""
    out = tmp_path / "figures-parallel"
    written = figures.build_figures(INDICATORS, COMPONENTS, REFERENCE, out, root=REPO, processes=2)
    assert [p.name for p in written] == [
        f"{fid}.{ext}" for fid in figures.FIGURE_IDS for ext in figures.FIGURE_EXTENSIONS
    ]
    for path in written:
        assert path.read_bytes() == (built / path.name).read_bytes(), path.name


def test_second_build_is_byte_identical(built, tmp_path):
    """A fresh process (the step script, relative paths) gives the same bytes."""
    out = tmp_path / "figures-b"
    cmd = [
        sys.executable,
        "scripts/make_figures.py",
        "--indicators",
        INDICATORS.relative_to(REPO).as_posix(),
        "--components",
        COMPONENTS.relative_to(REPO).as_posix(),
        "--reference",
        REFERENCE.relative_to(REPO).as_posix(),
        "--outdir",
        str(out),
    ]
    subprocess.run(cmd, cwd=REPO, check=True, capture_output=True)
    for path in figures.figure_outputs(built):
        assert _sha(path) == _sha(out / path.name), path.name


@pytest.mark.parametrize("edition", [2023, 2024])
def test_real_indicator_table(tmp_path, real_results, edition):
    """The shipped data's tables (built in-process by conftest's real_results)."""
    indicators = real_results / str(edition) / "indicators.csv"
    components = real_results / str(edition) / "components.csv"
    figures.build_figures(indicators, components, REFERENCE, tmp_path, root=REPO)
    df = figures.load_indicators(indicators)
    for fid in figures.FIGURE_IDS:
        m = json.loads((tmp_path / f"{fid}.json").read_text("utf-8"))
        assert set(m["indicators"]) <= set(df.index)
        ET.parse(tmp_path / f"{fid}.svg")
        assert (tmp_path / f"{fid}.png").read_bytes()[:8] == PNG_SIGNATURE
    row = df.loc["vl-afkomst-c2021-alle"]
    alt = json.loads((tmp_path / "fig-ontmoetingen.json").read_text("utf-8"))["alt"]
    if not row["suppressed"]:
        assert style.fmt_pct(row["value"]) in alt
    bereik = df.loc["ua-bereik-n"]
    alt = json.loads((tmp_path / "fig-oekraine.json").read_text("utf-8"))["alt"]
    assert style.fmt_count(bereik["value"]) in alt


def test_a_bar_withheld_to_protect_another_gets_a_short_label_and_its_reason(tmp_path):
    """Secondary suppression: the bar says "afgeschermd" and stays inside the axes (its reason,
    which names the protected cell, does not fit there); the note under the figure and the alt
    text say why it is withheld."""
    import pandas as pd

    from integratiescan.figures import draw
    from integratiescan.report.rows import REDEN_SECUNDAIR

    df = pd.read_csv(INDICATORS, dtype=str, keep_default_na=False)
    withheld = [
        "vl-graag-t0-c2022-alle",
        "vl-graag-t1-c2022-alle",
        "vl-graag-verandering-c2022-alle",
    ]
    rows = df["indicator_id"].isin(withheld)
    assert rows.sum() >= 2
    for col in ("value", "numerator", "denominator", "n", "ci_low", "ci_high", "p_value"):
        df.loc[rows, col] = ""
    reason = "secundair onderdrukt: voorkomt terugrekenen van vl-graag-gelijk-c2022-alle"
    df.loc[rows, ["suppressed", "suppression_reason"]] = ["true", reason]
    path = tmp_path / "indicators.csv"
    df.to_csv(path, index=False)
    inp = draw.load_inputs(path, COMPONENTS, REFERENCE)
    import matplotlib.pyplot as plt

    with plt.rc_context(style.RC):
        built = draw.fig_houding(inp)
        try:
            fig = built.fig
            fig.canvas.draw()
            renderer = fig.canvas.get_renderer()
            labels = [
                (t, ax)
                for ax in fig.axes
                for t in ax.texts
                if draw.AFGESCHERMD in t.get_text() and t.get_visible()
            ]
            assert len(labels) >= 2, [t.get_text() for ax in fig.axes for t in ax.texts]
            for text, ax in labels:
                assert "terugrekenen" not in text.get_text()
                box, frame = text.get_window_extent(renderer), ax.get_window_extent(renderer)
                assert box.x1 <= frame.x1, f"{text.get_text()!r} runs past the axes"
            drawn = " ".join(" ".join(t.get_text().split()) for t in fig.texts)
        finally:
            plt.close(built.fig)
    # the note under the figure and the alt text give the reason in words
    assert f"Afgeschermd: niet gepubliceerd {REDEN_SECUNDAIR}." in drawn
    assert f"T0 afgeschermd ({REDEN_SECUNDAIR})" in built.alt
    assert "vl-graag-gelijk" not in built.alt  # the reader gets words, the appendix the id
