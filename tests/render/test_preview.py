"""The live preview's pieces: piecewise markdown reading equals pandoc's whole-document
reading, the server serves edits and render errors, and nothing is written beside the source."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from pagetext import main_content

from integratiescan.render.embedded import pandoc_path
from integratiescan.render.preview import (
    PartParser,
    PreviewRenderer,
    PreviewServer,
    error_page,
    split_at_headings,
)

FIXTURES = Path(__file__).parent / "fixtures"

PARTS = [
    "# Inleiding\n\nEerste alinea met een [citaat]{.x} en **nadruk**.\n",
    "::::: {.cell}\n::: {.cell-output .cell-output-display}\n"
    "| a | b |\n|---|---|\n| 1 | 2 |\n:::\n:::::\n",
    "## Sociale verbindingen\n\nTekst.\n\n## Resultaten {#sec-res}\n\nMeer tekst.\n",
    "# Tweede deel\n\n## Sociale verbindingen\n\nDezelfde kop nog eens: pandoc nummert de id.\n",
    "## Sociale verbindingen\n\nEn een derde keer.\n\n```\n# geen kop in een codeblok\n```\n",
]


def whole(parts: list[str]) -> dict:
    proc = subprocess.run(
        [pandoc_path(), "--from=markdown", "--to=json"],
        input="\n".join(parts).encode(),
        capture_output=True,
        check=True,
    )
    return json.loads(proc.stdout)


def test_pieces_read_as_the_whole_document(tmp_path: Path) -> None:
    parser = PartParser(tmp_path)
    first = parser.parse(PARTS)
    assert first["blocks"] == whole(PARTS)["blocks"]
    ids = [b["c"][1][0] for b in first["blocks"] if b["t"] == "Header"]
    assert ids.count("sociale-verbindingen") == 1
    assert "sociale-verbindingen-1" in ids and "sociale-verbindingen-2" in ids
    # an edit in one piece: only that piece is read again, the result is still the same
    edited = list(PARTS)
    edited[3] = edited[3].replace("Dezelfde kop", "Nog steeds dezelfde kop")
    second = parser.parse(edited)
    assert parser.last == {"parsed": 1, "reused": len(PARTS) - 1}
    assert second["blocks"] == whole(edited)["blocks"]
    assert "Nog" in json.dumps(second)
    # a new heading earlier in the document renumbers the headings after it
    renamed = list(edited)
    renamed[0] += "\n## Sociale verbindingen\n\nVooraf.\n"
    third = parser.parse(renamed)
    assert third["blocks"] == whole(renamed)["blocks"]


def test_a_markdown_cell_is_cut_at_its_headings_only_where_a_heading_starts_a_block() -> None:
    parts = [
        "# A\n\nTekst.\n\n## B\n\nMeer.\n\n```\n\n# geen kop: code\n```\n\n"
        "::: {.callout-note}\n\n## Titel in de callout\n\nx\n:::\n\nNog B.\n"
        "# geen kop: geen lege regel ervoor\n\n## C\nSlot.\n",
        "\n\n## D\n\nEen cel die met een lege regel begint.\n",
    ]
    pieces = split_at_headings(parts)
    assert "\n".join(pieces) == "\n".join(parts)
    assert [p.split("\n", 1)[0] for p in pieces] == ["# A", "## B", "## C", ""]
    # the pieces still read as the whole document
    assert PartParser(Path(".")).parse(pieces)["blocks"] == whole(parts)["blocks"]
    assert split_at_headings(PARTS) == [
        PARTS[0],
        PARTS[1],
        "## Sociale verbindingen\n\nTekst.\n",
        "## Resultaten {#sec-res}\n\nMeer tekst.\n",
        "# Tweede deel\n",
        "## Sociale verbindingen\n\nDezelfde kop nog eens: pandoc nummert de id.\n",
        PARTS[4],
    ]


def test_pieces_that_do_not_stand_alone_are_read_whole(tmp_path: Path) -> None:
    parser = PartParser(tmp_path)
    spanning = ["::: {.callout-note}\nBegin van de callout.\n", "Einde.\n:::\n", "Daarna.\n"]
    assert parser.parse(spanning)["blocks"] == whole(spanning)["blocks"]
    notes = ["Tekst met een voetnoot.[^1]\n", "[^1]: De voetnoot staat verderop.\n"]
    doc = parser.parse(notes)
    assert doc["blocks"] == whole(notes)["blocks"]
    assert "Note" in json.dumps(doc)


def test_error_page_escapes_the_message() -> None:
    page = error_page("ValueError: <script>alert(1)</script> & meer").decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; meer" in page
    assert "<script>alert(1)" not in page
    assert 'role="alert"' in page and "EventSource" in page


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as resp:
        return resp.read().decode("utf-8")


def _wait_for(url: str, text: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page = _get(url)
        if text in page:
            return page
        time.sleep(0.05)
    raise AssertionError(f"{text!r} not served within {timeout} s")


def test_server_serves_each_save_and_survives_a_broken_document(tmp_path: Path) -> None:
    """A document without python cells (no kernel): edits are served, an invalid front
    matter shows an error page, the next good save recovers; nothing lands beside the source."""
    doc_dir = tmp_path / "report"
    doc_dir.mkdir()
    qmd = doc_dir / "doc.qmd"
    (doc_dir / "references.bib").write_bytes((FIXTURES / "references.bib").read_bytes())
    good = (
        "---\ntitle: Proef\nlang: nl\ntoc: true\nbibliography: references.bib\n---\n\n"
        "# Begin\n\nDe eerste zin staat hier [@ager2008understanding].\n"
    )
    qmd.write_text(good, encoding="utf-8")
    renderer = PreviewRenderer(qmd, work_dir=tmp_path / "work")
    (tmp_path / "work").mkdir()
    server = PreviewServer(renderer, root=tmp_path, port=0, log=lambda _m: None).start()
    try:
        assert server.url.startswith("http://127.0.0.1:")
        page = _wait_for(server.url, "De eerste zin staat hier")
        assert "Ager" in page and 'id="integratiescan-preview"' not in page  # built by JS
        assert "/_preview/style.css" in page and "EventSource" in page
        qmd.write_text(good.replace("De eerste zin", "Een nieuwe zin"), encoding="utf-8")
        _wait_for(server.url, "Een nieuwe zin staat hier")
        qmd.write_text("---\ntitle: [kapot\n---\n\nTekst.\n", encoding="utf-8")
        broken = _wait_for(server.url, "Fout bij het renderen")
        assert "invalid YAML front matter" in broken
        qmd.write_text(good.replace("De eerste zin", "Hersteld: de zin"), encoding="utf-8")
        _wait_for(server.url, "Hersteld: de zin staat hier")
        assert _get(server.url.rsplit("/", 2)[0] + "/_preview/style.css").startswith("/*")
    finally:
        server.stop()
    assert sorted(p.name for p in doc_dir.iterdir()) == ["doc.qmd", "references.bib"]


@pytest.mark.parametrize("path", ["/../../etc/passwd", "/report/doc.qmd", "/nope.svg"])
def test_server_serves_only_images_and_styles_under_the_root(tmp_path: Path, path: str) -> None:
    doc_dir = tmp_path / "report"
    doc_dir.mkdir()
    (doc_dir / "doc.qmd").write_text("# Kop\n\nTekst.\n", encoding="utf-8")
    (tmp_path / "work").mkdir()
    renderer = PreviewRenderer(doc_dir / "doc.qmd", work_dir=tmp_path / "work")
    server = PreviewServer(renderer, root=tmp_path, port=0, log=lambda _m: None)
    server.httpd.daemon_threads = True
    import threading

    thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    thread.start()
    try:
        with pytest.raises(urllib.error.HTTPError) as err:
            _get(f"http://127.0.0.1:{server.port}{path}")
        assert err.value.code == 404
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()


# ------------------------------------------------------------------ writing by piece
BIB = """@article{ager2008understanding, author={Ager, Alastair and Strang, Alison},
title={Understanding Integration: A Conceptual Framework}, journal={Journal of Refugee
Studies}, year={2008}, volume={21}, number={2}, pages={166--191}}
@book{penninx2016integration, author={Penninx, Rinus and Garcés-Mascareñas, Blanca},
title={Integration Processes and Policies in Europe}, publisher={Springer}, year={2016}}
"""
# code cells that neither run nor show (no kernel) cut the document into pieces
CUT = "```{python}\n#| eval: false\n#| echo: false\nx = 1\n```\n"
DOC = f"""---
title: Proef
lang: nl
toc: true
number-sections: true
link-citations: true
bibliography: references.bib
crossref:
  fig-prefix: Figuur
  tbl-prefix: Tabel
---

# Begin {{#sec-begin}}

Zie @fig-een en @tbl-een; een bron [@ager2008understanding].

![Eerste figuur met bijschrift](plaatje.svg){{#fig-een}}

{CUT}
| a | b |
|---|---|
| 1 | 2 |

: Tabel met bijschrift {{#tbl-een}}

Een alinea zonder bron, met een verwijzing naar @fig-twee verderop.

{CUT}
# Verder

Tekst die verwijst naar @sec-begin en @tbl-een [zie @ager2008understanding, p. 3].

![Tweede figuur, met een eigen bijschrift](plaatje.svg){{#fig-twee}}

{CUT}
| c |
|---|
| 3 |

# Bronnen

::: {{#refs}}
:::
"""
EDITS = {
    # prose in a piece with a citation: written alone, the citation taken over
    "prose": ("Tekst die verwijst", "Nieuwe tekst die verwijst", "pieces"),
    "prose without a citation": ("Een alinea zonder bron", "Een herschreven alinea", "pieces"),
    "figure caption": ("met een eigen bijschrift", "met een nieuw bijschrift", "pieces"),
    # a new citation changes the bibliography: the whole document
    "added citation": (
        "een bron [@ager2008understanding]",
        "bronnen [@ager2008understanding; @penninx2016integration]",
        "whole",
    ),
    # footnotes are numbered through the whole document: the whole document
    "footnote": ("Een alinea zonder bron", "Een alinea^[Met een voetnoot.] zonder bron", "whole"),
    # a new heading renumbers the sections after it: the whole document
    "new heading": ("# Verder\n", "# Tussendoor\n\nKort.\n\n# Verder\n", "whole"),
}


def _fresh(qmd: Path, work: Path) -> PreviewRenderer:
    work.mkdir()
    return PreviewRenderer(qmd, work_dir=work)


@pytest.mark.parametrize("edit", list(EDITS))
def test_a_page_written_by_piece_equals_the_whole_render(tmp_path: Path, edit: str) -> None:
    """After an edit the preview writes only the changed piece (or, when a heading, a label
    or the citations change, the whole document); the page equals the one a fresh preview
    writes for the edited source byte for byte, and the build's own HTML render (embedded
    renderer, as the report rule runs it) in text and structure."""
    from integratiescan.render.embedded import render_embedded

    doc_dir = tmp_path / "report"
    doc_dir.mkdir()
    (doc_dir / "references.bib").write_text(BIB, encoding="utf-8")
    (doc_dir / "plaatje.svg").write_bytes((FIXTURES / "plaatje.svg").read_bytes())
    qmd = doc_dir / "doc.qmd"
    qmd.write_text(DOC, encoding="utf-8")
    live = _fresh(qmd, tmp_path / "live")
    live.render()
    first = live.writer.last
    assert first["written"] == "whole" and first["pieces"] == first["of"] >= 4, first

    old, new, how = EDITS[edit]
    assert DOC.count(old) == 1
    qmd.write_text(DOC.replace(old, new), encoding="utf-8")
    page = live.render().html.decode()
    assert live.writer.last["written"] == how, live.writer.last
    if how == "pieces":
        assert live.writer.last["pieces"] == 1
    assert page == _fresh(qmd, tmp_path / "fresh").render().html.decode()

    built = render_embedded(qmd, ("html",), None, None, tmp_path / "out", "doc")
    full = built.outputs["html"].read_text(encoding="utf-8")
    assert main_content(page) == main_content(full)
    text = main_content(page)[0]
    assert " ".join(new.replace("#", "").replace("[", "").split()[:2]) in text or how == "whole"
    assert "Figuur 2: Tweede figuur" in text.replace("\xa0", " ")
    assert "Figuur 2" in text.replace("\xa0", " ").split("verwijzing naar")[1][:12]
    assert "Ager & Strang, 2008, p. 3" in text or "Ager en Strang, 2008, p. 3" in text
    if edit == "added citation":
        assert "Penninx" in text.split("Bronnen")[-1]  # in the bibliography
    if edit == "new heading":
        assert "3 Verder" in text.replace("\xa0", " ")
