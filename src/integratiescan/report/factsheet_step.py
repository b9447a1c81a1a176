"""The I/O edge of the factsheet rules (rules/factsheets.smk): data files, renders, index.

Renders run inside the Snakemake process (the rule's ``run:`` block): every worker thread
keeps one :class:`~integratiescan.render.batch.BatchRenderer` (one kernel, one Typst
compiler) for all the factsheet jobs it executes, so a fan-out over hundreds of projects
pays the start-up once per thread, not once per project. Bytes are those of a single render
(``python -m integratiescan.render report/factsheet.qmd -P project_id:<id>``).
"""

from __future__ import annotations

import atexit
import csv
import html
import io
import json
import threading
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from .. import atomic
from ..indicators.table import read_projects, read_text
from ..render.batch import BatchRenderer, Job
from . import factsheet as fs
from . import factsheet_data as fd

_local = threading.local()
_renderers: list[BatchRenderer] = []
_lock = threading.Lock()


def write_data(
    projects: Path,
    project_indicators: Path,
    project_list: Path,
    indicators: Path,
    reference: Path,
    manifest: Path,
    meta: Mapping[str, Any],
) -> tuple[list[str], list[str]]:
    """The checkpoint's work: every project's data file (only changed ones) and the manifest."""
    listing = json.loads(Path(project_list).read_text(encoding="utf-8"))
    data = fd.payloads(
        pd.read_parquet(projects),
        read_projects(project_indicators),
        read_text(indicators),
        pd.read_csv(reference, dtype=str, keep_default_na=False).set_index("code"),
        meta,
        listing["projects"],
        listing.get("cohorts", {}),
    )
    return fd.write_all(data_dir(manifest), manifest, data)


def data_dir(manifest: Path | str) -> Path:
    """Folder of the per-project data files, next to the manifest."""
    return Path(manifest).parent / "factsheets"


def manifest_ids(manifest: Path | str) -> list[str]:
    """The validated project ids of the manifest, sorted."""
    entries = json.loads(Path(manifest).read_text(encoding="utf-8"))["projects"]
    return sorted(fs.project_id(e["project_id"]) for e in entries)


def _renderer(qmd: Path) -> BatchRenderer:
    if not hasattr(_local, "renderers"):
        _local.renderers = {}
    key = str(qmd.resolve())
    if key not in _local.renderers:
        r = BatchRenderer(qmd, ("html", "pdf"))
        _local.renderers[key] = r
        with _lock:
            if not _renderers:
                atexit.register(close_renderers)
            _renderers.append(r)
    return _local.renderers[key]


def close_renderers() -> None:
    """Stop every kernel this process started for factsheets."""
    with _lock:
        while _renderers:
            _renderers.pop().close()


def render_job(
    qmd: Path, project: str, edition: int, html_out: Path, synthetic: bool, log: Path
) -> list[str]:
    """Render one factsheet (HTML and PDF) in this thread's batch renderer; its warnings
    (also written to *log*, with the timings)."""
    pid = fs.project_id(project)
    html_out = Path(html_out)
    if html_out.name != f"{pid}.html":
        raise ValueError(f"output {html_out} is not named after project {pid}")
    meta = {} if synthetic else {"running-header": "", "running-footer": ""}
    result = _renderer(Path(qmd)).render(
        Job({"project_id": pid, "edition": int(edition)}, html_out.parent, pid, meta)
    )
    times = ", ".join(f"{k} {v:.2f}s" for k, v in result.timings.items())
    lines = [f"factsheet {pid}: {times}", *(f"WARNING: {w}" for w in result.warnings)]
    atomic.write_text(log, "\n".join(lines) + "\n")
    return result.warnings


# --------------------------------------------------------------------------- index + zip

_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;
color:#1a1a1a;line-height:1.4}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .5rem;
border-bottom:1px solid #ccc;vertical-align:top}
th button{font:inherit;font-weight:bold;background:none;border:0;padding:0;cursor:pointer;
color:inherit;text-decoration:underline dotted}
th button:focus-visible{outline:2px solid #0050b3;outline-offset:2px}
.notice{border:2px solid #b87d00;background:#fff5d6;padding:.5rem 1rem}
.table-wrap{overflow-x:auto;position:relative}
caption{text-align:left;padding:0 0 .5rem}
caption span{display:inline-block;position:sticky;left:0;max-width:min(100%,calc(100vw - 2rem))}
td:first-child{white-space:nowrap}
a{color:#0050b3}
@media (prefers-color-scheme: dark){body{background:#121212;color:#eee}a{color:#8ab4f8}
.notice{background:#3a2f00;color:#fff}th button{color:#eee}}
"""

# Progressive enhancement: the table is a plain table without JavaScript; with it, each
# column header becomes a button that sorts the rows and sets aria-sort.
_SCRIPT = """
(function(){
  var table=document.getElementById('factsheets');if(!table)return;
  var heads=table.tHead.rows[0].cells;var body=table.tBodies[0];
  Array.prototype.forEach.call(heads,function(th,col){
    var label=th.textContent;var b=document.createElement('button');b.type='button';
    b.textContent=label;th.textContent='';th.appendChild(b);
    b.addEventListener('click',function(){
      var asc=th.getAttribute('aria-sort')!=='ascending';
      Array.prototype.forEach.call(heads,function(h){h.removeAttribute('aria-sort');});
      th.setAttribute('aria-sort',asc?'ascending':'descending');
      var rows=Array.prototype.slice.call(body.rows);
      rows.sort(function(a,c){var x=a.cells[col].textContent,y=c.cells[col].textContent;
        var r=x.localeCompare(y,'nl',{numeric:true});return asc?r:-r;});
      rows.forEach(function(r){body.appendChild(r);});
      var s=document.getElementById('sort-status');
      if(s){s.textContent='Gesorteerd op '+label+(asc?', oplopend':', aflopend')+'.';}
    });
  });
})();
"""


def index_html(entries: Sequence[Mapping[str, str]], edition: int, synthetic: bool) -> str:
    """One self-contained page listing every factsheet; every text escaped for HTML."""
    from .. import nlformat as nl
    from .kit import PROVINCIE_LABELS, Rapport

    esc = html.escape
    rows = []
    for e in entries:
        pid = fs.project_id(e["project_id"])
        provincie = PROVINCIE_LABELS.get(str(e["provincie"]).lower(), str(e["provincie"]))
        rows.append(
            "<tr>"
            f"<td>{esc(pid)}</td>"
            f"<td>{esc(' '.join(str(e['projectnaam']).split()))}</td>"
            f"<td>{esc(str(e['ronde']))}</td>"
            f"<td>{esc(provincie)}</td>"
            f'<td><a href="{esc(pid)}.html">HTML<span class="visually-hidden"> {esc(pid)}'
            f'</span></a></td><td><a href="{esc(pid)}.pdf">PDF<span class="visually-hidden"> '
            f"{esc(pid)}</span></a></td>"
            "</tr>"
        )
    notice = (
        f'<p class="notice" role="note"><strong>{esc(Rapport.SYNTHETISCH)}</strong></p>'
        if synthetic
        else ""
    )
    n = nl.meervoud(len(entries), "projectfactsheet", "projectfactsheets")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="nl">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>Projectfactsheets integratiescan {edition}</title>\n"
        f"<style>{_STYLE}.visually-hidden{{position:absolute;width:1px;height:1px;"
        "overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}</style>\n"
        "</head>\n<body>\n<header>\n"
        f"{notice}\n</header>\n<main>\n"
        f"<h1>Projectfactsheets integratiescan {edition}</h1>\n"
        f"<p>{esc(n)}, elk als webpagina (HTML) en als PDF. Alle PDF's samen: "
        f'<a href="factsheets-{edition}.zip">factsheets-{edition}.zip</a>.</p>\n'
        '<p id="sort-status" role="status" aria-live="polite"></p>\n'
        '<div class="table-wrap" role="region" aria-label="Projectfactsheets" tabindex="0">\n'
        '<table id="factsheets">\n<caption><span>Alle projectfactsheets; kies een kolomkop '
        "om te sorteren</span></caption>\n<thead><tr>"
        '<th scope="col">Projectcode</th><th scope="col">Projectnaam</th>'
        '<th scope="col">Ronde</th><th scope="col">Provincie</th>'
        '<th scope="col">Webpagina</th><th scope="col">PDF</th></tr></thead>\n'
        "<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>\n</div>\n</main>\n"
        f"<script>{_SCRIPT}</script>\n</body>\n</html>\n"
    )


def index_csv(entries: Sequence[Mapping[str, str]]) -> str:
    """The index as CSV; names escaped so that a spreadsheet shows them as text."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["project_id", "projectnaam", "ronde", "provincie", "html", "pdf"])
    for e in entries:
        pid = fs.project_id(e["project_id"])
        w.writerow(
            [
                pid,
                fd_csv(e["projectnaam"]),
                fd_csv(e["ronde"]),
                fd_csv(e["provincie"]),
                f"{pid}.html",
                f"{pid}.pdf",
            ]
        )
    return buf.getvalue()


def fd_csv(value: object) -> str:
    return fs.csv_tekst(value)


#: Every entry of the zip gets this timestamp (the earliest a zip can hold): same PDFs,
#: same zip bytes.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def zip_bytes(files: Sequence[Path]) -> bytes:
    """A deterministic zip of *files*: sorted names, fixed timestamps and permissions."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        for path in sorted(files, key=lambda p: p.name):
            info = zipfile.ZipInfo(fs.project_id(path.stem) + path.suffix, ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            z.writestr(info, path.read_bytes())
    return buf.getvalue()


def write_index(
    manifest: Path,
    pdfs: Sequence[Path],
    out_html: Path,
    out_zip: Path,
    out_csv: Path,
    edition: int,
    synthetic: bool,
) -> None:
    """Index page, CSV and the zip of all PDFs."""
    entries = json.loads(Path(manifest).read_text(encoding="utf-8"))["projects"]
    ids = {fs.project_id(e["project_id"]) for e in entries}
    missing = ids - {Path(p).stem for p in pdfs}
    if missing:
        raise ValueError(f"no PDF for {sorted(missing)}")
    atomic.write_text(out_html, index_html(entries, edition, synthetic))
    atomic.write_text(out_csv, index_csv(entries))
    atomic.write_bytes(out_zip, zip_bytes([Path(p) for p in pdfs if Path(p).stem in ids]))
