"""The audit trail of one edition build: a Provenance Run RO-Crate, the data fingerprint.

``write_crate`` writes ``ro-crate-metadata.json`` (JSON-LD, RO-Crate 1.1 with the Workflow Run
Crate profiles: Process, Workflow and Provenance Run Crate 0.5). It lists every artefact of the
build with its SHA-256, the Snakemake rule that made it, the rule's script (with its git blob
hash), the inputs (with SHA-256), the configuration values the rule uses, the package version
and git commit, and the versions of Python and the key packages.

The rule → inputs/outputs mapping is the static table :data:`RULES`. It mirrors the Snakefile;
``tests/test_audit.py`` compares it with Snakemake's own dry-run so the two cannot drift apart
silently.

The crate is deterministic: no wall-clock time (the build date comes from
``build-metadata.json`` or ``SOURCE_DATE_EPOCH``), entities sorted by ``@id``, keys sorted, and
every path relative to the crate's own folder.

:func:`data_fingerprint` is the single definition of the data fingerprint printed in the report
("Datavingerafdruk"): the build-metadata step and ``integratiescan verify`` both use it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from integratiescan import __version__
from integratiescan import toolchain as _toolchain
from integratiescan import workflow as _workflow
from integratiescan.atomic import write_text
from integratiescan.config import version as report_version
from integratiescan.digest import sha256_file

RO_CRATE = "https://w3id.org/ro/crate/1.1"
PROFILES = (
    "https://w3id.org/ro/wfrun/process/0.5",
    "https://w3id.org/ro/wfrun/workflow/0.5",
    "https://w3id.org/ro/wfrun/provenance/0.5",
    "https://w3id.org/workflowhub/workflow-ro-crate/1.0",
)
CLEANED = tuple(_workflow.CLEANED_TABLES)
FINGERPRINT_LENGTH = 16

#: Python packages whose versions are recorded (distribution names).
KEY_PACKAGES = (
    "snakemake",
    "pandas",
    "pyarrow",
    "pandera",
    "matplotlib",
    "nbclient",
    "pypandoc-binary",
    "typst",
    "rocrate",
    "pypdf",
)

MEDIA_TYPES = {
    ".csv": "text/csv",
    ".json": "application/json",
    ".parquet": "application/vnd.apache.parquet",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".html": "text/html",
    ".pdf": "application/pdf",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".py": "text/x-python",
    ".smk": "text/x-snakemake",
    ".yaml": "application/yaml",
}


# --------------------------------------------------------------------------- fingerprint


def fingerprint_from_hashes(hashes: Mapping[str, str]) -> str:
    """The data fingerprint from ``{file name: sha256}`` (see :func:`data_fingerprint`).

    Lets ``integratiescan verify`` recompute the fingerprint recorded in build-metadata.json
    from its ``raw_files`` without the files themselves.
    """
    h = hashlib.sha256()
    for name, digest in sorted(hashes.items()):
        h.update(f"{name}\0{digest}\n".encode())
    return h.hexdigest()[:FINGERPRINT_LENGTH]


def data_fingerprint(paths: Iterable[str | os.PathLike[str]]) -> str:
    """Short fingerprint of the raw inputs of a build (16 hex characters).

    SHA-256 over ``"<file name>\\0<sha256 of the file>\\n"`` for every raw input, sorted by
    file name (no folder), UTF-8; the first 16 hex digits. The order of ``paths`` and the
    folder they live in do not matter; any changed byte does. Identical to
    :func:`integratiescan.buildinfo.data_fingerprint` (used by the build_metadata step, and
    tested to agree); this version refuses two inputs with the same file name, which that
    definition would silently collapse.
    """
    hashes: dict[str, str] = {}
    for p in paths:
        name = Path(p).name
        if name in hashes:
            raise ValueError(f"two raw inputs share the file name {name!r}")
        hashes[name] = sha256_file(p)
    return fingerprint_from_hashes(hashes)


# --------------------------------------------------------------------------- git


def git_blob_hash(path: str | os.PathLike[str]) -> str:
    """What ``git hash-object <path>`` prints (no filters): SHA-1 of ``blob <size>\\0<bytes>``."""
    data = Path(path).read_bytes()
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _git(root: str | os.PathLike[str], *args: str) -> str | None:
    try:
        out = subprocess.run(
            ["git", "-C", str(root), *args],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip()


CODE_PATHS = tuple(_workflow.CODE_PATHS)


def git_commit(root: str | os.PathLike[str] = ".") -> str | None:
    """HEAD commit of the repository holding *root*, or None outside git."""
    return _git(root, "rev-parse", "HEAD") or None


def git_dirty(root: str | os.PathLike[str] = ".", paths: Iterable[str] = CODE_PATHS) -> bool | None:
    """True when tracked files under the code paths differ from HEAD; None outside git.

    Same rule as :func:`integratiescan.buildinfo.git_dirty` (untracked files not counted).
    """
    existing = [p for p in paths if (Path(root) / p).exists()]
    out = _git(root, "status", "--porcelain", "--untracked-files=no", "--", *existing)
    if out is None:
        return None
    return bool(out)


# --------------------------------------------------------------------------- the rule table


@dataclass(frozen=True)
class RuleSpec:
    """One Snakemake rule as the audit trail sees it.

    Paths are templates relative to the project root with ``{edition}``, ``{prev}``
    (edition - 1), ``{table}`` (cleaned tables), ``{fig}`` (figure ids), ``{version}``
    (``<edition>.<revision>``) and ``{stem}`` (report file stem). ``optional_inputs`` are
    used when the file exists (the previous edition's indicators).
    """

    name: str
    script: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    config_keys: tuple[str, ...]
    log: str
    description: str
    optional_inputs: tuple[str, ...] = ()


RAW = "{raw}"  # placeholder: the raw exports of the edition (csv, xlsx or sav per table)
CODE = "{code}"  # placeholder: the package files the rule's script runs (workflow.script_code)
PARQUET = "data/processed/{edition}/{table}.parquet"
CLEANING_LOG = "data/processed/{edition}/{table}.cleaning.json"
REFERENCE = "data/reference/components.csv"
LOCK = _toolchain.LOCK_FILE
INDICATORS_CSV = "results/{edition}/indicators.csv"
INDICATORS_JSON = "results/{edition}/indicators.json"
COMPONENTS_CSV = "results/{edition}/components.csv"
DISCLOSURE_LOG = "results/{edition}/disclosure-log.csv"
RELATIONS_JSON = "results/{edition}/relations.json"
DISCLOSURE_AUDIT = "results/{edition}/disclosure-audit.json"
PROJECT_CSV = "results/{edition}/projects/indicators.csv"
PROJECT_JSON = "results/{edition}/projects/indicators.json"
PROJECT_RELATIONS = "results/{edition}/projects/relations.json"
PROJECT_DISCLOSURE_LOG = "results/{edition}/projects/disclosure-log.csv"
PROJECT_AUDIT = "results/{edition}/projects/disclosure-audit.json"
FUNNEL_SVG = "figures/{edition}/{funnel}.svg"
FUNNEL_PNG = "figures/{edition}/{funnel}.png"
FUNNEL_JSON = "figures/{edition}/{funnel}.json"
FIGURE_SVG = "figures/{edition}/{fig}.svg"
FIGURE_PNG = "figures/{edition}/{fig}.png"
FIGURE_JSON = "figures/{edition}/{fig}.json"
BUILD_METADATA = "results/{edition}/build-metadata.json"
REPORT_HTML = "reports/{edition}/{stem}.html"
REPORT_PDF = "reports/{edition}/{stem}.pdf"
CRATE = "reports/{edition}/v{version}/ro-crate-metadata.json"
ARCHIVE = "results/{edition}/archive/{version}/indicators.csv"
PREVIOUS_ARCHIVE = "results/{edition}/archive/{prevversion}/indicators.csv"

#: Mirrors rules/*.smk (tests/test_audit.py checks it against ``snakemake --dry-run``).
RULES: dict[str, RuleSpec] = {
    r.name: r
    for r in (
        RuleSpec(
            "clean",
            "scripts/clean.py",
            (
                CODE,
                RAW,
            ),
            (PARQUET, CLEANING_LOG),
            ("edition", "peildatum", "mapping"),
            "logs/{edition}/clean.log",
            "Validate the raw exports against the data contract; write typed tables.",
        ),
        RuleSpec(
            "indicators",
            "scripts/indicators.py",
            (CODE, PARQUET, REFERENCE),
            (INDICATORS_CSV, INDICATORS_JSON, COMPONENTS_CSV, DISCLOSURE_LOG, RELATIONS_JSON),
            (
                "edition",
                "peildatum",
                "scope_rounds",
                "disclosure_min_n",
                "disclosure_zero_full_min_n",
                "assessment",
                "maatjes_min_maanden",
            ),
            "logs/{edition}/indicators.log",
            "Compute the indicator table, the component assessment and the disclosure log.",
            optional_inputs=("results/{prev}/indicators.csv",),
        ),
        RuleSpec(
            "figures",
            "scripts/make_figures.py",
            (CODE, INDICATORS_CSV, COMPONENTS_CSV, REFERENCE),
            (FIGURE_SVG, FIGURE_PNG, FIGURE_JSON),
            ("edition",),
            "logs/{edition}/figures.log",
            "Draw the figure set (SVG, PNG and a JSON sidecar per figure).",
        ),
        RuleSpec(
            "disclosure_audit",
            "scripts/disclosure_audit.py",
            (CODE, INDICATORS_CSV, INDICATORS_JSON, RELATIONS_JSON, FIGURE_JSON),
            (DISCLOSURE_AUDIT,),
            ("disclosure_min_n", "disclosure_zero_full_min_n"),
            "logs/{edition}/disclosure_audit.log",
            "Audit the published table and figure texts: no withheld count recoverable.",
        ),
        RuleSpec(
            "project_indicators",
            "scripts/project_indicators.py",
            (CODE, PARQUET, REFERENCE, INDICATORS_CSV, RELATIONS_JSON),
            (PROJECT_CSV, PROJECT_JSON, PROJECT_RELATIONS, PROJECT_DISCLOSURE_LOG),
            (
                "edition",
                "peildatum",
                "scope_rounds",
                "disclosure_min_n",
                "disclosure_zero_full_min_n",
                "maatjes_min_maanden",
                "project_scope",
            ),
            "logs/{edition}/project_indicators.log",
            "Compute the indicators per project, protected together with the national table.",
        ),
        RuleSpec(
            "funnel",
            "scripts/make_funnel.py",
            (CODE, PROJECT_CSV, INDICATORS_CSV),
            (FUNNEL_SVG, FUNNEL_PNG, FUNNEL_JSON),
            ("disclosure_min_n",),
            "logs/{edition}/funnel.log",
            "Draw the funnel plots (spread between projects) from the project table.",
        ),
        RuleSpec(
            "project_disclosure_audit",
            "scripts/project_disclosure_audit.py",
            (
                CODE,
                INDICATORS_CSV,
                INDICATORS_JSON,
                RELATIONS_JSON,
                PROJECT_CSV,
                PROJECT_JSON,
                PROJECT_RELATIONS,
                FUNNEL_JSON,
            ),
            (PROJECT_AUDIT,),
            ("disclosure_min_n", "disclosure_zero_full_min_n"),
            "logs/{edition}/project_disclosure_audit.log",
            "Audit national and project figures together: no withheld count recoverable.",
        ),
        RuleSpec(
            "build_metadata",
            "scripts/build_metadata.py",
            (CODE, RAW, LOCK),
            (BUILD_METADATA,),
            (
                "edition",
                "revision",
                "engine",
                "peildatum",
                "scope_rounds",
                "synthetic",
                "disclosure_min_n",
            ),
            "logs/{edition}/build_metadata.log",
            "Record version, commit, data fingerprint, raw-file hashes and tools of the build.",
        ),
        RuleSpec(
            "report",
            "scripts/render_report.py",
            (
                CODE,
                "report/integratiescan.qmd",
                "report/_quarto.yml",
                "report/references.bib",
                "report/feiten.yaml",
                INDICATORS_CSV,
                INDICATORS_JSON,
                COMPONENTS_CSV,
                DISCLOSURE_LOG,
                DISCLOSURE_AUDIT,
                PROJECT_AUDIT,
                RELATIONS_JSON,
                BUILD_METADATA,
                CLEANING_LOG,
                FIGURE_SVG,
                FIGURE_JSON,
                FUNNEL_SVG,
                FUNNEL_JSON,
            ),
            (REPORT_HTML, REPORT_PDF),
            (
                "edition",
                "revision",
                "engine",
                "peildatum",
                "scope_rounds",
                "synthetic",
                "disclosure_min_n",
                "disclosure_zero_full_min_n",
                "narrative",
            ),
            "logs/{edition}/report-v{version}.log",
            "Render the Dutch report (HTML and PDF).",
            optional_inputs=(PREVIOUS_ARCHIVE,),
        ),
        RuleSpec(
            "archive_indicators",
            "scripts/archive_indicators.py",
            (
                CODE,
                INDICATORS_CSV,
            ),
            (ARCHIVE,),
            ("edition", "revision"),
            "logs/{edition}/archive_indicators-v{version}.log",
            "Keep this version's indicator table for comparison by a later revision.",
        ),
    )
}
#: The rule that writes the crate itself (its output is not an artefact in the crate).
PROVENANCE_RULE = RuleSpec(
    "provenance",
    "scripts/provenance.py",
    (),
    (CRATE,),
    ("edition", "revision"),
    "logs/{edition}/provenance-v{version}.log",
    "Write this provenance record.",
)


def recorded_config_keys() -> tuple[str, ...]:
    """Every configuration key a rule uses: the values the crate records (and so the
    provenance rule's parameters)."""
    return tuple(sorted({k for s in (*RULES.values(), PROVENANCE_RULE) for k in s.config_keys}))


def rule_config_keys(rule: str) -> tuple[str, ...]:
    """The configuration keys rule *rule* is given as ``params.cfg`` (the one table: RULES).

    The provenance rule records every key in the crate, so it is given all of them.
    """
    if rule == PROVENANCE_RULE.name:
        return recorded_config_keys()
    return RULES[rule].config_keys


def figure_ids() -> tuple[str, ...]:
    """The figure ids of the report (as the Snakefile expands them)."""
    return tuple(_workflow.FIGURE_IDS)


def raw_files(edition: int, root: str | os.PathLike[str] = ".") -> list[str]:
    """Raw exports of an edition, root-relative, in contract table order (csv, xlsx or sav)."""
    return [
        _workflow.raw_path(edition, table, root).as_posix() for table in _workflow.CLEANED_TABLES
    ]


def report_stem(cfg: Mapping[str, Any]) -> str:
    """``integratiescan-<edition>-v<version>`` (as in :mod:`integratiescan.workflow`)."""
    return f"integratiescan-{int(cfg['edition'])}-v{report_version(dict(cfg))}"


def expand(
    template: str, edition: int, cfg: Mapping[str, Any], root: str | os.PathLike[str] = "."
) -> list[str]:
    """Concrete root-relative paths of one template."""
    if template == RAW:
        return raw_files(edition, root)
    subst = {
        "edition": edition,
        "prev": edition - 1,
        "stem": report_stem(cfg),
        "version": report_version(dict(cfg)),
        "prevversion": f"{edition}.{int(cfg.get('revision', 1)) - 1}",
    }
    if "{table}" in template:
        return [template.format(table=t, **subst) for t in CLEANED]
    if "{fig}" in template:
        return [template.format(fig=f, **subst) for f in figure_ids()]
    if "{funnel}" in template:
        return [template.format(funnel=f, **subst) for f in _workflow.FUNNEL_IDS]
    return [template.format(**subst)]


def rule_files(
    spec: RuleSpec, edition: int, cfg: Mapping[str, Any], root: str | os.PathLike[str] = "."
) -> tuple[list[str], list[str]]:
    """(inputs, outputs) of a rule for an edition, root-relative; optional inputs if present."""
    inputs = [p for t in spec.optional_inputs for p in expand(t, edition, cfg, root)]
    inputs = [p for p in inputs if (Path(root) / p).exists()]
    for t in spec.inputs:
        if t == CODE:
            inputs += _workflow.script_code(spec.script, root)
        else:
            inputs += expand(t, edition, cfg, root)
    outputs = [p for t in spec.outputs for p in expand(t, edition, cfg, root)]
    return inputs, outputs


def artefacts(edition: int, cfg: Mapping[str, Any], root: str | os.PathLike[str] = ".") -> dict:
    """Every generated artefact of the build: ``{path: rule name}`` (the crate's subject)."""
    return {
        path: spec.name
        for spec in RULES.values()
        for path in rule_files(spec, edition, cfg, root)[1]
    }


def producing_rule(path: str) -> str | None:
    """Name of the rule whose output template matches *path* (any edition), else None."""
    import re

    for spec in (*RULES.values(), PROVENANCE_RULE):
        for template in spec.outputs:
            pattern = re.escape(template)
            for key, rx in (
                ("edition", r"\d{4}"),
                ("table", "|".join(CLEANED)),
                ("fig", "|".join(map(re.escape, figure_ids()))),
                ("funnel", "|".join(map(re.escape, _workflow.FUNNEL_IDS))),
                ("version", r"\d{4}\.\d+"),
                ("stem", r"integratiescan-\d{4}-v\d{4}\.\d+"),
            ):
                pattern = pattern.replace(re.escape("{" + key + "}"), f"(?:{rx})")
            if re.fullmatch(pattern, path):
                return spec.name
    return None


# --------------------------------------------------------------------------- environment


def package_versions() -> dict[str, str]:
    """Versions of Python, the key packages and the external renderers (when found)."""
    out = {"python": platform.python_version(), "integratiescan": __version__}
    for dist in KEY_PACKAGES:
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "not installed"
    try:
        import pypandoc

        out["pandoc"] = str(pypandoc.get_pandoc_version())
    except Exception:  # noqa: BLE001 - any failure means: pandoc not usable here
        out["pandoc"] = "not found"
    try:
        quarto = subprocess.run(
            ["quarto", "--version"], capture_output=True, text=True, check=True, timeout=30
        )
        out["quarto"] = quarto.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        out["quarto"] = "not found"
    return out


# --------------------------------------------------------------------------- the crate


def _load_json(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def build_date(metadata_doc: Mapping[str, Any] | None) -> str | None:
    """The build date: build-metadata's ``build_date``, else SOURCE_DATE_EPOCH, else None."""
    if metadata_doc and metadata_doc.get("build_date"):
        return str(metadata_doc["build_date"])
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        stamp = dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
        return stamp.isoformat().replace("+00:00", "Z")
    return None


def _config_value(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _ref(ids: Iterable[str]) -> list[dict[str, str]]:
    return [{"@id": i} for i in sorted(set(ids))]


class _Graph:
    """Entities by @id; later additions merge into earlier ones."""

    def __init__(self) -> None:
        self.entities: dict[str, dict[str, Any]] = {}

    def add(self, entity: dict[str, Any]) -> str:
        current = self.entities.setdefault(entity["@id"], {})
        current.update(entity)
        return entity["@id"]

    def document(self) -> dict[str, Any]:
        graph = [self.entities[k] for k in sorted(self.entities)]
        return {"@context": f"{RO_CRATE}/context", "@graph": graph}


class _Crate(_Graph):
    """A crate under construction: the graph, plus the files it hashed and the ones it missed.

    Every ``@id`` of a file is relative to the crate's own folder (``crate_dir``).
    """

    def __init__(self, root: Path, crate_dir: Path) -> None:
        super().__init__()
        self.root = root
        self.crate_abs = crate_dir.resolve()
        self.missing: list[str] = []
        self.hashes: dict[str, str] = {}
        self._ids: dict[str, str] = {}

    def rid(self, path: str) -> str:
        """@id of a root-relative path, relative to the crate folder (POSIX)."""
        if path not in self._ids:
            rel = os.path.relpath((self.root / path).resolve(), self.crate_abs)
            self._ids[path] = Path(rel).as_posix()
        return self._ids[path]

    def file(self, path: str, extra: dict[str, Any] | None = None) -> str | None:
        """A File entity with SHA-256, size and media type; None (and noted) when absent."""
        full = self.root / path
        if not full.exists():
            self.missing.append(path)
            return None
        if path not in self.hashes:
            self.hashes[path] = sha256_file(full)
        ent = {
            "@id": self.rid(path),
            "@type": "File",
            "name": Path(path).name,
            "alternateName": path,
            "sha256": self.hashes[path],
            "contentSize": str(full.stat().st_size),
        }
        if Path(path).suffix in MEDIA_TYPES:
            ent["encodingFormat"] = MEDIA_TYPES[Path(path).suffix]
        ent.update(extra or {})
        return self.add(ent)


@dataclass(frozen=True)
class _Build:
    """What one build recorded about itself: code commit, tool versions, build date."""

    edition: int
    cfg: dict[str, Any]
    commit_text: str
    dirty: bool | None
    versions: dict[str, str]
    tools: dict[str, Any]
    locked: dict[str, str]
    date: str | None

    @property
    def version(self) -> str:
        return report_version(self.cfg)


def _build_facts(
    edition: int,
    cfg: Mapping[str, Any],
    root: Path,
    commit: str | None,
    dirty: bool | None,
    versions: Mapping[str, str] | None,
) -> _Build:
    """Commit, dirty flag and versions: the arguments, else build-metadata.json, git and the
    installed packages (the versions the build step recorded win over a later look)."""
    meta = _load_json(root / BUILD_METADATA.format(edition=edition))
    if commit is None:
        commit = (meta or {}).get("commit") or git_commit(root)
    if dirty is None:
        dirty = (meta or {}).get("commit_dirty", git_dirty(root))
    merged = dict(versions if versions is not None else package_versions())
    tools = (meta or {}).get("toolchain") or {}
    locked = dict(tools.get("packages") or {})
    merged.update(locked)
    return _Build(
        edition, dict(cfg), commit or "unknown", dirty, merged, tools, locked, build_date(meta)
    )


def _add_commit(c: _Crate, b: _Build) -> None:
    """The git commit of the code and whether the code paths had uncommitted changes."""
    c.add(
        {
            "@id": "#git-commit",
            "@type": "PropertyValue",
            "propertyID": "git-commit",
            "name": "git commit (HEAD) of the code that built this edition",
            "value": b.commit_text,
        }
    )
    c.add(
        {
            "@id": "#git-commit-dirty",
            "@type": "PropertyValue",
            "propertyID": "git-commit-dirty",
            "name": "code paths had uncommitted changes at build time",
            "value": "unknown" if b.dirty is None else str(bool(b.dirty)).lower(),
        }
    )


def _add_software(c: _Crate, b: _Build) -> list[str]:
    """One SoftwareApplication per package (the package itself with its commit); the ids."""
    software = []
    for name, ver in sorted(b.versions.items()):
        sid = f"#software-{name}"
        ent = {"@id": sid, "@type": "SoftwareApplication", "name": name, "version": ver}
        if name == "integratiescan":
            ent["identifier"] = _ref(["#git-commit", "#git-commit-dirty"])
            ent["description"] = f"integratiescan {ver} at commit {b.commit_text}"
        c.add(ent)
        software.append(sid)
    return software


def _add_toolchain(c: _Crate, b: _Build) -> None:
    """The locked toolchain the build step recorded: the lock's hash and its packages."""
    if not b.tools:
        return
    lock_file = b.tools.get("lock_file", LOCK)
    c.add(
        {
            "@id": "#toolchain-lock-sha256",
            "@type": "PropertyValue",
            "propertyID": "sha256",
            "name": f"SHA-256 of {lock_file} at build time",
            "value": str(b.tools.get("lock_sha256", "unknown")),
        }
    )
    c.add(
        {
            "@id": "#toolchain",
            "@type": "CreativeWork",
            "name": "locked toolchain: the installed version of every package of the lock",
            "description": f"Python {b.tools.get('python', 'unknown')}; "
            f"{len(b.locked)} packages pinned by {lock_file}",
            "identifier": {"@id": "#toolchain-lock-sha256"},
            "hasPart": _ref(f"#software-{name}" for name in b.locked),
        }
    )


def _add_parameters(c: _Crate, cfg: Mapping[str, Any]) -> tuple[str, ...]:
    """Every recorded configuration key as a workflow parameter with its value; the keys."""
    keys = recorded_config_keys()
    for key in keys:
        c.add(
            {
                "@id": f"#param-{key}",
                "@type": "FormalParameter",
                "name": key,
                "additionalType": "Text",
                "conformsTo": {
                    "@id": "https://bioschemas.org/profiles/FormalParameter/1.0-RELEASE"
                },
            }
        )
        c.add(
            {
                "@id": f"#value-{key}",
                "@type": "PropertyValue",
                "name": key,
                "value": _config_value(cfg.get(key)) if key in cfg else "(not set)",
                "exampleOfWork": {"@id": f"#param-{key}"},
            }
        )
    return keys


def _add_workflow_files(c: _Crate) -> list[str]:
    """The Snakefile and the rules files, as source code; their ids."""
    parts = []
    smk = sorted(p.relative_to(c.root).as_posix() for p in (c.root / "rules").glob("*.smk"))
    for part in ["Snakefile", *smk]:
        pid = c.file(part, {"@type": ["File", "SoftwareSourceCode"]})
        if pid:
            parts.append(pid)
    return parts


def _add_script(c: _Crate, spec: RuleSpec) -> str | None:
    """A rule's script with its git blob hash; None (and noted as missing) when absent."""
    if not (c.root / spec.script).exists():
        c.missing.append(spec.script)
        return None
    c.add(
        {
            "@id": f"#git-blob-{spec.script}",
            "@type": "PropertyValue",
            "propertyID": "git-blob",
            "name": f"git hash-object {spec.script}",
            "value": git_blob_hash(c.root / spec.script),
        }
    )
    return c.file(
        spec.script,
        {
            "@type": ["File", "SoftwareApplication", "SoftwareSourceCode"],
            "identifier": {"@id": f"#git-blob-{spec.script}"},
            "softwareRequirements": {"@id": "#software-integratiescan"},
        },
    )


@dataclass
class _RuleRun:
    """What one rule added: its step, its orchestration, the files it read and made."""

    step: str
    control: str
    inputs: list[str]
    results: list[str]
    generated: list[str]  # root-relative output paths (found or not)


def _add_rule(c: _Crate, b: _Build, spec: RuleSpec, position: int) -> _RuleRun:
    """A rule as a workflow step, its run (a CreateAction from inputs and config values to
    outputs) and the ControlAction that orchestrated it."""
    inputs, outputs = rule_files(spec, b.edition, b.cfg, c.root)
    script_id = _add_script(c, spec)
    step_id = f"#step-{spec.name}"
    c.add(
        {
            "@id": step_id,
            "@type": "HowToStep",
            "name": f"rule {spec.name}",
            "description": spec.description,
            "position": str(position),
            **({"workExample": {"@id": script_id}} if script_id else {}),
        }
    )
    in_ids = [i for i in (c.file(p) for p in inputs) if i]
    made = {"description": f"made by rule {spec.name}"}
    out_ids = [i for i in (c.file(p, made) for p in outputs) if i]
    action_id = f"#run-{spec.name}"
    action = {
        "@id": action_id,
        "@type": "CreateAction",
        "name": f"rule {spec.name}, edition {b.edition}",
        "description": spec.description,
        "instrument": _ref([i for i in (script_id, "#software-integratiescan") if i]),
        "object": _ref(in_ids + [f"#value-{k}" for k in spec.config_keys]),
        "result": _ref(out_ids),
        "actionStatus": {"@id": "http://schema.org/CompletedActionStatus"},
    }
    if b.date:
        action["endTime"] = b.date
    c.add(action)
    _add_log(c, spec, b, action)
    control_id = f"#control-{spec.name}"
    c.add(
        {
            "@id": control_id,
            "@type": "ControlAction",
            "name": f"orchestrate rule {spec.name}",
            "instrument": {"@id": step_id},
            "object": {"@id": action_id},
        }
    )
    return _RuleRun(step_id, control_id, in_ids, out_ids, list(outputs))


def _add_log(c: _Crate, spec: RuleSpec, b: _Build, action: dict[str, Any]) -> None:
    """A rule's log, referenced but not hashed (logs carry timing lines).

    Note: ``subjectOf`` is set on *action* after it was added to the graph, and the graph
    keeps a copy, so the link does not reach the crate. Kept as it was (the refactor that
    moved this code changes no output); see the s14 notes.
    """
    log = spec.log.format(edition=b.edition, version=b.version)
    if (c.root / log).exists():
        c.add({"@id": c.rid(log), "@type": "File", "name": Path(log).name, "alternateName": log})
        action["subjectOf"] = {"@id": c.rid(log)}


def _add_workflow(
    c: _Crate,
    b: _Build,
    parts: list[str],
    steps: list[str],
    keys: tuple[str, ...],
    software: list[str],
) -> str:
    """The Snakefile as the ComputationalWorkflow (its parts, steps, parameters, software)
    and the Snakemake language; the workflow's id."""
    wf_id = c.rid("Snakefile")
    c.entities.setdefault(wf_id, {"@id": wf_id}).update(
        {
            "@type": ["File", "SoftwareSourceCode", "ComputationalWorkflow", "HowTo"],
            "name": "integratiescan workflow",
            "programmingLanguage": {"@id": "#snakemake-language"},
            "hasPart": _ref(p for p in parts if p != wf_id),
            "step": _ref(steps),
            "input": _ref(f"#param-{k}" for k in keys),
            "softwareRequirements": _ref(software),
            "version": b.commit_text,
        }
    )
    c.add(
        {
            "@id": "#snakemake-language",
            "@type": "ComputerLanguage",
            "name": "Snakemake",
            "identifier": {"@id": "https://snakemake.readthedocs.io"},
            "url": {"@id": "https://snakemake.readthedocs.io"},
            "version": b.versions.get("snakemake", "unknown"),
        }
    )
    c.add({"@id": "https://snakemake.readthedocs.io", "@type": "WebSite", "name": "Snakemake"})
    return wf_id


def _add_run(c: _Crate, b: _Build, wf_id: str, runs: list[_RuleRun], keys: tuple[str, ...]) -> None:
    """The whole build as one CreateAction (from the workflow's own inputs: raw files,
    reference data, previous edition) and Snakemake's orchestration of the rules."""
    generated_ids = {c.rid(p) for r in runs for p in r.generated}
    all_objects = [i for r in runs for i in r.inputs]
    workflow_inputs = [i for i in set(all_objects) if i not in generated_ids]
    run = {
        "@id": "#workflow-run",
        "@type": "CreateAction",
        "name": f"integratiescan build, edition {b.edition}, version {b.version}",
        "instrument": {"@id": wf_id},
        "object": _ref(workflow_inputs + [f"#value-{k}" for k in keys]),
        "result": _ref(i for r in runs for i in r.results),
        "actionStatus": {"@id": "http://schema.org/CompletedActionStatus"},
    }
    if b.date:
        run["endTime"] = b.date
    c.add(run)
    c.add(
        {
            "@id": "#orchestration",
            "@type": "OrganizeAction",
            "name": "Snakemake run",
            "instrument": {"@id": "#software-snakemake"},
            "object": _ref(r.control for r in runs),
            "result": {"@id": "#workflow-run"},
        }
    )


_EUPL = "https://joinup.ec.europa.eu/collection/eupl/eupl-text-eupl-12"


def _add_dataset(c: _Crate, b: _Build, wf_id: str) -> None:
    """The profiles, the metadata descriptor, the root dataset (every file is a part of it)
    and its licence."""
    for profile in PROFILES:
        c.add({"@id": profile, "@type": "CreativeWork", "name": profile.split("/ro/")[-1]})
    c.add(
        {
            "@id": "ro-crate-metadata.json",
            "@type": "CreativeWork",
            "about": {"@id": "./"},
            "conformsTo": _ref([RO_CRATE, "https://w3id.org/workflowhub/workflow-ro-crate/1.0"]),
        }
    )
    part_ids = sorted({e for e, v in c.entities.items() if _is_file(v)})
    c.add(
        {
            "@id": "./",
            "@type": "Dataset",
            "name": f"integratiescan {b.edition}, versie {b.version}: herkomst (provenance)",
            "description": (
                "Provenance record of one edition build: every artefact with its SHA-256, "
                "the rule and script that made it, its inputs and the configuration used."
            ),
            "datePublished": b.date or _date_fallback(b.cfg),
            "license": {"@id": _EUPL},
            "conformsTo": _ref(PROFILES),
            "mainEntity": {"@id": wf_id},
            "mentions": {"@id": "#workflow-run"},
            "hasPart": _ref(part_ids),
            "version": b.version,
        }
    )
    c.add({"@id": _EUPL, "@type": "CreativeWork", "name": "EUPL-1.2"})


def build_crate(
    edition: int,
    cfg: Mapping[str, Any],
    crate_dir: str | os.PathLike[str],
    root: str | os.PathLike[str] = ".",
    *,
    commit: str | None = None,
    dirty: bool | None = None,
    versions: Mapping[str, str] | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """The crate document and the list of expected artefacts that were not found.

    ``crate_dir`` is the folder the metadata file goes into; every ``@id`` is relative to it.
    ``commit``/``dirty``/``versions`` default to build-metadata.json, git and the installed
    packages. Entities merge by ``@id`` in the order they are added below.
    """
    root = Path(root)
    b = _build_facts(edition, cfg, root, commit, dirty, versions)
    c = _Crate(root, Path(crate_dir))
    _add_commit(c, b)
    software = _add_software(c, b)
    _add_toolchain(c, b)
    keys = _add_parameters(c, b.cfg)
    parts = _add_workflow_files(c)
    runs = [_add_rule(c, b, spec, pos) for pos, spec in enumerate(RULES.values(), start=1)]
    wf_id = _add_workflow(c, b, parts, [r.step for r in runs], keys, software)
    _add_run(c, b, wf_id, runs, keys)
    _add_dataset(c, b, wf_id)
    return c.document(), sorted(set(c.missing))


def _is_file(entity: Mapping[str, Any]) -> bool:
    t = entity.get("@type")
    return t == "File" or (isinstance(t, list) and "File" in t)


def _date_fallback(cfg: Mapping[str, Any]) -> str:
    """datePublished is required; without a build date the edition's peildatum stands in."""
    value = cfg.get("peildatum")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value) if value else f"{int(cfg['edition'])}-01-01"


def crate_json(document: Mapping[str, Any]) -> str:
    """Byte-stable serialisation: sorted keys, 2-space indent, UTF-8, final newline."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_crate(
    edition: int,
    cfg: Mapping[str, Any],
    out_path: str | os.PathLike[str],
    root: str | os.PathLike[str] = ".",
    **kwargs: Any,
) -> list[str]:
    """Write the crate to *out_path* atomically; return the expected files that were missing.

    Checked before writing: the JSON-LD loads with ``rocrate`` (raises on failure).
    """
    out_path = Path(out_path)
    if not out_path.is_absolute():
        out_path = Path(root) / out_path
    document, missing = build_crate(int(edition), cfg, out_path.parent, root, **kwargs)
    write_text(out_path, crate_json(document))
    load_crate(out_path.parent)
    return missing


def load_crate(crate_dir: str | os.PathLike[str]):
    """Load a crate with the ``rocrate`` package (validates that it parses as RO-Crate)."""
    from rocrate.rocrate import ROCrate

    return ROCrate(str(crate_dir))


def crate_files(crate_dir: str | os.PathLike[str]) -> dict[str, str]:
    """``{@id: sha256}`` of every File entity with a hash in a written crate."""
    doc = json.loads((Path(crate_dir) / "ro-crate-metadata.json").read_text(encoding="utf-8"))
    return {e["@id"]: e["sha256"] for e in doc["@graph"] if _is_file(e) and "sha256" in e}
