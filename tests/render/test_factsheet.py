"""Project factsheets (issue #18): content, batch = single render byte for byte, hostile
names rendered as literal text in HTML and PDF, at most two pages; index, CSV and zip.

Cheap on purpose: one committed data file (tests/fixtures/factsheet), a handful of renders
in one batch (one kernel), two single renders for the byte comparison.
"""

from __future__ import annotations

import copy
import html as htmlmod
import json
import re
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import pytest

from integratiescan.render import render
from integratiescan.render.batch import Job, render_many
from integratiescan.report import factsheet as fs
from integratiescan.report import factsheet_data as fd
from integratiescan.report import factsheet_step as step

ROOT = Path(__file__).parents[2]
QMD = ROOT / "report" / "factsheet.qmd"
FIXTURE = ROOT / "tests" / "fixtures" / "factsheet" / "MDT-R4B-0013.json"
EDITION = 2023
MAX_NAME = 200  # the contract's maximum length of projectnaam

#: Names that are code in some format the factsheet reaches. Each must come out as text.
HOSTILE = {
    "MDT-T1-0001": '<script>alert("x")</script> & <b>vet</b> <img src=x onerror=alert(1)>',
    "MDT-T1-0002": '=HYPERLINK("http://x.invalid","klik") +1 -2 @SUM(A1)',
    "MDT-T1-0003": '#let x = 1 #read("/etc/passwd") $x^2$ #image("/etc/hosts") <lbl> @ref',
    "MDT-T1-0004": "*schuin* **vet** # Kop @fig-x [@citekey] {{< meta title >}} `{python} 1+1`",
    "MDT-T1-0005": r"\input{/etc/passwd} \textbf{x} $$ 1. lijst | pijp | _onder_ ~~door~~",
    "MDT-T1-0006": "Project \u202eoidutS\u202c met \u200bnul\u200dbreedte en عربي שלום",
    "MDT-T1-0007": ("Heel lang projectnaam-stuk " * 10)[:MAX_NAME],
}
_INVISIBLE = {"Cf"}  # format characters (bidi controls, zero-width): not visible in print


@pytest.fixture(scope="module")
def payload() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def _write(results: Path, pid: str, data: dict) -> None:
    folder = results / str(EDITION) / "projects" / "factsheets"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{pid}.json").write_bytes(fd.encode(data))


@pytest.fixture(scope="module")
def rendered(payload: dict, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The fixture project and every hostile name, rendered in one batch (one kernel)."""
    results = tmp_path_factory.mktemp("results")
    out = tmp_path_factory.mktemp("factsheets")
    ids = ["MDT-R4B-0013"]
    _write(results, "MDT-R4B-0013", payload)
    for pid, name in HOSTILE.items():
        data = copy.deepcopy(payload)
        data["project"].update(project_id=pid, projectnaam=name, penvoerder=name)
        _write(results, pid, data)
        ids.append(pid)
    jobs = [
        Job({"project_id": pid, "edition": EDITION, "results_dir": str(results)}, out, pid)
        for pid in ids
    ]
    # and the same documents with pandoc's command lines per format (a single render's way),
    # in the same two kernels
    per_format = tmp_path_factory.mktemp("factsheets-per-format")
    again = [Job(j.params, per_format, j.output_stem, one_pandoc=False) for j in jobs]
    render_many(QMD, [job for pair in zip(jobs, again, strict=True) for job in pair], workers=2)
    return {"results": results, "out": out, "per_format": per_format, "ids": ids}


def _pdf_text(path: Path) -> str:
    proc = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    )
    return proc.stdout


def _squash(text: str) -> str:
    """Text as print shows it: no invisible format characters, no hyphenation, one space."""
    text = "".join(c for c in text if unicodedata.category(c) not in _INVISIBLE)
    text = text.replace("\u00ad", "").replace("\u2011", "-").replace("-\n", "-")
    return " ".join(text.split())


# --------------------------------------------------------------------------- content


def test_factsheet_shows_the_projects_numbers_and_the_national_value(rendered) -> None:
    page = (rendered["out"] / "MDT-R4B-0013.html").read_text(encoding="utf-8")
    text = _squash(htmlmod.unescape(re.sub(r"<[^>]+>", " ", page)))
    assert "Skills voor de toekomst (Diversity Skills)" in text
    # the project's share with its n and interval, the national value of the same id
    assert re.search(r"Iemand met een andere afkomst ontmoet 79% 78 69,2 tot 87,0 69% 5\.019", text)
    # MAATJES route: the buddy table is there; national attitude change with n
    assert "Maatjeskoppelingen" in text
    assert "+5 4.766 3,5 tot 5,9" in text


def test_comparison_says_higher_only_when_the_interval_excludes_zero(rendered) -> None:
    text = _squash(_pdf_text(rendered["out"] / "MDT-R4B-0013.pdf"))
    # afkomst: difference +11 pp, 95% interval 0,5 to 18,4 (excludes zero)
    assert (
        "Het aandeel jongeren dat iemand met een andere afkomst ontmoette is hoger dan in de "
        "rest van het land (verschil +11 procentpunt, 95%-BI 0,5 tot 18,4)"
    ) in text
    # contacten: -10 pp but the interval -20,1 to 1,5 includes zero: no "lager"
    assert "waardevolle contacten overhield verschilt niet aantoonbaar" in text
    assert "lager dan" not in text


def test_synthetic_notice_on_every_page_and_in_the_text(rendered) -> None:
    text = _pdf_text(rendered["out"] / "MDT-R4B-0013.pdf")
    pages = text.split("\f")[:-1]
    assert pages and all("SYNTHETISCHE DATA" in p for p in pages)
    assert "synthetische gegevens" in text


def test_at_most_two_a4_pages(rendered) -> None:
    for pid in ("MDT-R4B-0013", "MDT-T1-0007"):
        proc = subprocess.run(
            ["pdfinfo", str(rendered["out"] / f"{pid}.pdf")],
            capture_output=True,
            text=True,
            check=True,
        )
        info = proc.stdout
        # a reviewer's tools do not complain (poppler's "Suspects object is wrong type")
        assert proc.stderr == "", proc.stderr
        pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
        assert 1 <= pages <= 2, f"{pid}: {pages} pages"
        assert "595.276 x 841.89" in info  # A4


# --------------------------------------------------------------------------- names are data


@pytest.mark.parametrize("pid", sorted(HOSTILE))
def test_a_hostile_name_is_literal_text_in_html(rendered, pid: str) -> None:
    page = (rendered["out"] / f"{pid}.html").read_text(encoding="utf-8")
    name = HOSTILE[pid]
    h1 = re.search(r'<section id="project-naam"[^>]*>\s*<h1[^>]*>(.*?)</h1>', page, re.S)
    assert h1, "no heading with the project's name"
    assert htmlmod.unescape(re.sub(r"<[^>]+>", "", h1.group(1))) == name
    # no element came out of the name: no script, no image with a handler, no bold
    assert "<script>alert" not in page
    assert not re.search(r"<img[^>]*onerror", page)
    assert "<b>vet</b>" not in page


@pytest.mark.parametrize("pid", sorted(HOSTILE))
def test_a_hostile_name_is_literal_text_in_pdf(rendered, pid: str) -> None:
    text = _squash(_pdf_text(rendered["out"] / f"{pid}.pdf"))
    name = _squash(HOSTILE[pid])
    if any(unicodedata.bidirectional(c) in ("R", "AL") for c in name):
        # pdftotext puts right-to-left runs in visual order: check the left-to-right words
        for word in ("Project", "met", "nulbreedte", "en"):
            assert word in text
        assert "oidutS" in text or "Studio" in text
    else:
        assert name in text, f"{name!r} not literally in the PDF"
    assert "root:" not in text  # nothing of /etc/passwd was read into the document


def test_file_names_come_from_validated_ids_only() -> None:
    for bad in ("../etc/passwd", "MDT-R4B-0013/../x", "<script>", "MDT-r4b-0013", ""):
        with pytest.raises(ValueError):
            fs.project_id(bad)
    assert fs.project_id("MDT-R4B-0013") == "MDT-R4B-0013"


def test_markdown_escaping_leaves_no_markup() -> None:
    assert fs.md_tekst("*x* @fig-a [@key]") == r"\*x\* \@fig\-a \[\@key\]"
    assert fs.md_tekst("a\nb\tc") == "a b c"


@pytest.mark.parametrize("value", ["=1+1", "+31 6", "-2", "@SUM(A1)", "\t=x"])
def test_csv_cells_that_a_spreadsheet_would_run_are_quoted(value: str) -> None:
    assert fs.csv_tekst(value).startswith("'")
    assert fs.csv_tekst("Gewoon project") == "Gewoon project"


# --------------------------------------------------------------------------- batch = single


def test_batch_bytes_equal_pandocs_command_lines(rendered) -> None:
    """The batch's one pandoc process gives, for every document (the hostile names too),
    the bytes of pandoc's command lines per format, the way a single render converts."""
    for pid in rendered["ids"]:
        for fmt in ("html", "pdf"):
            batch = (rendered["out"] / f"{pid}.{fmt}").read_bytes()
            per_format = (rendered["per_format"] / f"{pid}.{fmt}").read_bytes()
            assert batch == per_format, f"{pid}.{fmt} differs"


def test_batch_bytes_equal_single_renders(rendered, tmp_path: Path) -> None:
    """The naive path (a fresh kernel, pandoc and Typst per document) gives the same bytes."""
    for pid in ("MDT-R4B-0013", "MDT-T1-0003"):
        single = render(
            QMD,
            params={"project_id": pid, "edition": EDITION, "results_dir": str(rendered["results"])},
            output_dir=tmp_path,
            output_stem=pid,
            engine="embedded",
        )
        for fmt, path in single.outputs.items():
            batch = rendered["out"] / f"{pid}.{fmt}"
            assert path.read_bytes() == batch.read_bytes(), f"{pid}.{fmt} differs"


def test_the_batch_converter_is_renewed_without_changing_bytes(tmp_path: Path) -> None:
    """The long-running pandoc is replaced every *renew* documents (memory stays flat);
    a fresh process writes the same bytes."""
    from integratiescan.render.batch import PandocConverter

    (tmp_path / "doc.md").write_text("# Kop\n\nTekst met *nadruk*.\n", encoding="utf-8")
    (tmp_path / "meta.yaml").write_text('lang: "nl"\ntitle: "T"\n', encoding="utf-8")
    out = tmp_path / "doc.typ"
    request = {
        "cwd": str(tmp_path),
        "markdown": str(tmp_path / "doc.md"),
        "typst": {"meta": str(tmp_path / "meta.yaml"), "out": str(out)},
    }
    converter = PandocConverter(renew=2)
    seen, processes = set(), set()
    try:
        for _ in range(5):
            assert converter.convert(request) == ""
            processes.add(converter._proc.pid)
            seen.add(out.read_bytes())
    finally:
        converter.close()
    assert len(processes) == 3 and len(seen) == 1
    assert b"Tekst met #emph[nadruk]" in seen.pop()


# --------------------------------------------------------------------------- data files


def test_identical_data_is_not_rewritten(tmp_path: Path) -> None:
    target = tmp_path / "a.json"
    assert fd.write_if_changed(target, b"x")
    before = target.stat().st_mtime_ns
    assert not fd.write_if_changed(target, b"x")
    assert target.stat().st_mtime_ns == before
    assert fd.write_if_changed(target, b"y")


def test_the_comparison_is_the_project_tables_vs_rest_row() -> None:
    """The difference shown is the project table's own ``-vs-rest`` row, under the id of
    the row it compares; a withheld difference stays withheld."""
    import pandas as pd

    national = pd.DataFrame(
        [
            {
                "indicator_id": "vl-afkomst-call-alle",
                "measure": "vl-afkomst",
                "cohort": "",
                "group": "alle",
                "value": "69.0",
                "suppressed": "False",
            }
        ]
    )
    rows = pd.DataFrame(
        [
            {
                "project_id": "MDT-R4B-0013",
                "indicator_id": "vl-afkomst-call-alle",
                "measure": "vl-afkomst",
                "cohort": "",
                "group": "alle",
                "value": "79.0",
                "suppressed": "False",
            },
            {
                "project_id": "MDT-R4B-0013",
                "indicator_id": "vl-afkomst-vs-rest-call-alle",
                "measure": "vl-afkomst-vs-rest",
                "cohort": "",
                "group": "alle",
                "value": "10.9",
                "ci_low": "0.5",
                "ci_high": "18.4",
                "unit": "pp",
                "suppressed": "False",
            },
            {
                "project_id": "MDT-R4B-0013",
                "indicator_id": "vl-afkomst-vs-rest-c2022-alle",
                "measure": "vl-afkomst-vs-rest",
                "cohort": "2022",
                "group": "alle",
                "value": "",
                "suppressed": "True",
            },
        ]
    )
    projects = pd.DataFrame([json.loads(FIXTURE.read_text(encoding="utf-8"))["project"]])
    reference = pd.DataFrame(columns=["naam_nl", "laag"])
    data = fd.payloads(projects, rows, national, reference, {}, ["MDT-R4B-0013"])
    diffs = data["MDT-R4B-0013"]["differences"]
    assert [(d["indicator_id"], d["value"]) for d in diffs] == [("vl-afkomst-call-alle", "10.9")]


def test_a_one_cohort_project_is_shown_next_to_that_cohorts_national_value() -> None:
    """The issue's "national value of the same cohort(s)": one cohort -> that cohort's
    national row (under the id the factsheet looks up); several or unknown -> all cohorts."""
    import pandas as pd

    def nat(cohort: str, value: str) -> dict:
        return {
            "indicator_id": f"vl-afkomst-c{cohort}-alle",
            "measure": "vl-afkomst",
            "cohort": cohort if cohort != "all" else "",
            "group": "alle",
            "value": value,
            "suppressed": "False",
        }

    national = pd.DataFrame([nat("all", "69.0"), nat("2022", "66.0"), nat("2021", "71.0")])
    rows = pd.DataFrame(columns=["project_id", "indicator_id", "measure", "cohort", "group"])
    projects = pd.DataFrame([json.loads(FIXTURE.read_text(encoding="utf-8"))["project"]])
    reference = pd.DataFrame(columns=["naam_nl", "laag"])
    pid = "MDT-R4B-0013"
    for cohorts, value, shown in (
        ([2022], "66.0", 2022),
        ([2021, 2022], "69.0", None),
        ([], "69.0", None),
    ):
        data = fd.payloads(projects, rows, national, reference, {}, [pid], {pid: cohorts})[pid]
        [row] = data["national"]
        assert (row["indicator_id"], row["value"], data["national_cohort"]) == (
            "vl-afkomst-call-alle",
            value,
            shown,
        )
    sheet = fs.Factsheet({**data, "national_cohort": 2022})
    assert "landelijk in cohort 2022" in sheet.tabel_uitkomsten().text
    assert "Alle jongeren van dit project zitten in cohort 2022" in sheet.tabel_uitkomsten().text


def test_a_withheld_cell_is_explained_under_its_table(payload: dict) -> None:
    data = copy.deepcopy(payload)
    data["meta"]["disclosure_min_n"] = 10
    assert "Niet gepubliceerd" not in fs.Factsheet(data).tabel_uitkomsten().text
    for row in data["rows"]:
        if row["indicator_id"] == "vl-afkomst-call-alle":
            row.update(suppressed="True", value="", ci_low="", ci_high="")
    text = fs.Factsheet(data).tabel_uitkomsten().text
    assert "| niet gepubliceerd |" in text
    assert "Niet gepubliceerd: gebaseerd op minder dan 10 jongeren, of afgeschermd" in text


# --------------------------------------------------------------------------- index and zip


def test_index_lists_every_factsheet_escaped_and_sortable(payload: dict) -> None:
    entries = [
        {"project_id": pid, "projectnaam": name, "ronde": "R4B", "provincie": "NB"}
        for pid, name in HOSTILE.items()
    ]
    page = step.index_html(entries, EDITION, synthetic=True)
    assert page.count("<tr>") == len(HOSTILE) + 1  # a header row and one row per factsheet
    assert "<script>alert" not in page
    assert htmlmod.escape(HOSTILE["MDT-T1-0001"]) in page
    assert 'href="MDT-T1-0001.pdf"' in page and 'href="MDT-T1-0001.html"' in page
    assert "aria-sort" in page and "SYNTHETISCHE DATA" in page
    assert 'scope="col"' in page  # a plain table without JavaScript


def test_index_csv_escapes_formulas() -> None:
    rows = step.index_csv(
        [{"project_id": "MDT-T1-0002", "projectnaam": "=1+1", "ronde": "R4B", "provincie": "NB"}]
    )
    assert "'=1+1" in rows and "\n=1+1" not in rows


def test_zip_is_deterministic(tmp_path: Path) -> None:
    a = tmp_path / "MDT-R4B-0002.pdf"
    b = tmp_path / "MDT-R4B-0001.pdf"
    a.write_bytes(b"%PDF a")
    b.write_bytes(b"%PDF b")
    first = step.zip_bytes([a, b])
    a.touch()
    assert step.zip_bytes([b, a]) == first
    (tmp_path / "f.zip").write_bytes(first)
    with zipfile.ZipFile(tmp_path / "f.zip") as z:
        assert z.namelist() == ["MDT-R4B-0001.pdf", "MDT-R4B-0002.pdf"]
        assert {i.date_time for i in z.infolist()} == {step.ZIP_DATE}
