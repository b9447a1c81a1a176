"""``integratiescan verify``: do the data, code and tools in this tree still produce a report.

A report says which version, data fingerprint, code commit and toolchain built it; verify
compares each with this tree and names what differs ("data differ", "code differs",
"tools differ", with the packages and both versions).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from integratiescan import toolchain
from integratiescan.audit import provenance
from integratiescan.audit.edition import UsageError
from integratiescan.digest import sha256_file


@dataclass
class Embedded:
    """What a report says about itself."""

    version: str | None = None
    fingerprint: str | None = None
    commit: str | None = None


META_KEYS = {
    "integratiescan:version": "version",
    "integratiescan:data-fingerprint": "fingerprint",
    "integratiescan:commit": "commit",
}


def embedded_from_html(text: str) -> Embedded:
    found = Embedded()
    for tag in re.findall(r"<meta\b[^>]*>", text, flags=re.IGNORECASE):
        name = re.search(r"""\bname\s*=\s*["']([^"']+)["']""", tag, flags=re.IGNORECASE)
        content = re.search(r"""\bcontent\s*=\s*["']([^"']*)["']""", tag, flags=re.IGNORECASE)
        if name and content and name.group(1).lower() in META_KEYS:
            setattr(found, META_KEYS[name.group(1).lower()], content.group(1).strip())
    return found


def embedded_from_text(text: str, found: Embedded | None = None) -> Embedded:
    """Keys in free text: ``integratiescan:version=…`` or 'Versie …', 'Datavingerafdruk …',
    'Code …'."""
    found = found or Embedded()
    hexa = r"([0-9a-f]{8,64})"
    patterns = {
        "version": [
            r"integratiescan:version\s*[=:]\s*([0-9]{4}\.[0-9]+)",
            r"\bVersie\s*:?\s*([0-9]{4}\.[0-9]+)",
        ],
        "fingerprint": [
            r"integratiescan:data-fingerprint\s*[=:]\s*" + hexa,
            r"(?:Datavingerafdruk|Data\s*\(\s*vingerafdruk\s*\))\s*:?\s*" + hexa,
        ],
        "commit": [
            r"integratiescan:commit\s*[=:]\s*([0-9a-f]{7,40}|onbekend|unknown)",
            r"\bCode(?:\s*\(\s*commit\s*\))?\s*:?\s*([0-9a-f]{7,40}|onbekend)\b",
        ],
    }
    for attr, rxs in patterns.items():
        if getattr(found, attr):
            continue
        for rx in rxs:
            m = re.search(rx, text, flags=re.IGNORECASE)
            if m:
                setattr(found, attr, m.group(1))
                break
    return found


def embedded_from_pdf(path: Path) -> Embedded:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    found = Embedded()
    info = {str(k).lstrip("/"): str(v) for k, v in (reader.metadata or {}).items()}
    for key, value in info.items():
        if key.lower() in META_KEYS:
            setattr(found, META_KEYS[key.lower()], value.strip())
    found = embedded_from_text(" ".join(info.values()), found)
    if not (found.version and found.fingerprint and found.commit):
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
        found = embedded_from_text(text, found)
    return found


def read_embedded(path: Path) -> Embedded:
    if not path.exists():
        raise UsageError(f"{path} not found")
    if path.suffix.lower() == ".pdf":
        return embedded_from_pdf(path)
    return embedded_from_html(path.read_text(encoding="utf-8", errors="replace"))


@dataclass
class VerifyResult:
    ok: bool
    lines: list[str]
    changed_files: list[str]


def verify(report: Path, root: Path) -> VerifyResult:
    """Compare what a report embeds with the raw data, the code and the tools here.

    Tells apart "data differ" (raw files), "code differs" (commit or uncommitted changes)
    and "tools differ" (an installed package or Python at another version than the build
    recorded; each named with both versions).
    """
    emb = read_embedded(report)
    if not emb.version or not emb.fingerprint:
        raise UsageError(
            f"{report}: no integratiescan version/data fingerprint found (meta tags "
            "'integratiescan:version', 'integratiescan:data-fingerprint', or PDF text "
            "'Versie …', 'Datavingerafdruk …')"
        )
    edition = int(emb.version.split(".")[0])
    lines = [
        f"report       {report}",
        f"embedded     version {emb.version}, data fingerprint {emb.fingerprint}, "
        f"commit {emb.commit or 'not found'}",
    ]
    differ: set[str] = set()
    meta_path = root / f"results/{edition}/build-metadata.json"
    meta = json.loads(meta_path.read_text("utf-8")) if meta_path.exists() else None
    raw_dir = root / f"data/raw/{edition}"
    current_paths = sorted(p for p in raw_dir.glob("*") if p.suffix.lower() in (".csv", ".xlsx"))
    if meta and meta.get("raw_files"):
        recorded = {Path(k).name: v for k, v in meta["raw_files"].items()}
        current_paths = [raw_dir / n for n in recorded] + [
            p for p in current_paths if p.name not in recorded
        ]
    else:
        recorded = None
    current = {p.name: sha256_file(p) for p in current_paths if p.exists()}
    fp_now = provenance.fingerprint_from_hashes(current)
    changed: list[str] = []
    if meta:
        if str(meta.get("version")) != emb.version:
            lines.append(
                f"note         results/{edition}/build-metadata.json is for version "
                f"{meta.get('version')}, the report says {emb.version}"
            )
        rec_fp = meta.get("data_fingerprint")
        if rec_fp and rec_fp != emb.fingerprint:
            differ.add("data differ")
            lines.append(
                f"MISMATCH     build-metadata.json records fingerprint {rec_fp}, "
                f"the report embeds {emb.fingerprint}"
            )
    if recorded is not None:
        for name in sorted(set(recorded) | set(current)):
            before, now = recorded.get(name), current.get(name)
            if before == now:
                continue
            changed.append(name)
            if now is None:
                lines.append(f"CHANGED      data/raw/{edition}/{name}: missing now (was {before})")
            elif before is None:
                lines.append(f"CHANGED      data/raw/{edition}/{name}: new file, not in the build")
            else:
                lines.append(
                    f"CHANGED      data/raw/{edition}/{name}: sha256 was {before}, now {now}"
                )
    if fp_now == emb.fingerprint:
        lines.append(f"data         OK: data/raw/{edition} gives fingerprint {fp_now}")
    else:
        differ.add("data differ")
        if recorded is None:
            lines.append(
                f"data         DIFFERS: data/raw/{edition} gives {fp_now}, the report "
                f"{emb.fingerprint} (no build-metadata.json: cannot name the changed files)"
            )
        else:
            lines.append(
                f"data         DIFFERS: data/raw/{edition} gives {fp_now}, the report "
                f"{emb.fingerprint}; changed: {', '.join(changed) or 'see above'}"
            )
    head = provenance.git_commit(root)
    if not emb.commit or emb.commit in ("unknown", "onbekend"):
        differ.add("code differs")
        lines.append("code         UNKNOWN: the report embeds no commit")
    elif head is None:
        differ.add("code differs")
        lines.append("code         UNKNOWN: this tree is not a git checkout")
    elif head.startswith(emb.commit) or emb.commit.startswith(head):
        dirty = provenance.git_dirty(root)
        if dirty:
            differ.add("code differs")
            lines.append(
                f"code         DIFFERS: HEAD is {head[:12]} as recorded, but the code paths "
                f"({', '.join(provenance.CODE_PATHS)}) have uncommitted changes"
            )
        else:
            lines.append(f"code         OK: HEAD {head[:12]} is the recorded commit, tree clean")
    elif _code_unchanged_since(root, emb.commit) and not provenance.git_dirty(root):
        lines.append(
            f"code         OK: HEAD {head[:12]} differs from the build commit {emb.commit}, "
            f"but not in the code paths ({', '.join(provenance.CODE_PATHS)})"
        )
    else:
        differ.add("code differs")
        lines.append(
            f"code         DIFFERS: HEAD is {head[:12]}, the report was built at {emb.commit}"
        )
    tools_ok, tool_lines = verify_tools(root, edition, emb.version, meta)
    lines += tool_lines
    if not tools_ok:
        differ.add("tools differ")
    ok = not differ
    lines.append(
        "result       "
        + (
            "OK: the data, code and tools here are those the report was built with"
            if ok
            else "DIFFERENT: "
            + ", ".join(w for w in ("data differ", "code differs", "tools differ") if w in differ)
            + " (see above)"
        )
    )
    return VerifyResult(ok, lines, changed)


def recorded_toolchain(
    root: Path, edition: int, version: str, meta: dict[str, Any] | None
) -> tuple[dict[str, str], str] | None:
    """``({package: version}, where)`` the build of *version* recorded, or None.

    From ``build-metadata.json`` when it is this version's, else from the version's RO-Crate.
    ``python`` counts as a package: another interpreter changes output too.
    """
    if meta and str(meta.get("version")) == version and meta.get("toolchain"):
        tools = meta["toolchain"]
        where = f"results/{edition}/build-metadata.json"
        return {**tools.get("packages", {}), "python": str(tools.get("python"))}, where
    crate = root / f"reports/{edition}/v{version}/ro-crate-metadata.json"
    if not crate.exists():
        return None
    graph = {e["@id"]: e for e in json.loads(crate.read_text("utf-8")).get("@graph", [])}
    part = graph.get("#toolchain")
    if not part:
        return None
    packages = {
        graph[r["@id"]]["name"]: str(graph[r["@id"]]["version"])
        for r in part.get("hasPart", [])
        if r["@id"] in graph
    }
    packages["python"] = str(graph.get("#software-python", {}).get("version"))
    return packages, crate.relative_to(root).as_posix()


def verify_tools(
    root: Path, edition: int, version: str, meta: dict[str, Any] | None
) -> tuple[bool, list[str]]:
    """Compare the recorded tool versions with those installed here; name each difference."""
    import platform

    found = recorded_toolchain(root, edition, version, meta)
    if found is None:
        return False, [
            "tools        UNKNOWN: the build recorded no toolchain (build-metadata, crate)"
        ]
    recorded, where = found
    current = toolchain.installed_versions(n for n in recorded if n != "python")
    current["python"] = platform.python_version()
    differences = toolchain.tool_differences(recorded, current)
    lines = []
    built_with = ((meta or {}).get("toolchain") or {}).get("lock_sha256")
    if built_with and built_with != toolchain.lock_sha256(root):
        lines.append(
            f"note         {toolchain.LOCK_FILE} here is not the lock recorded at build "
            f"(sha256 {str(built_with)[:12]}); the installed versions decide"
        )
    if not differences:
        return True, [
            *lines,
            f"tools        OK: the {len(recorded)} recorded tools (Python and every locked "
            f"package, {where}) are installed at the same versions",
        ]
    lines.append(
        f"tools        DIFFERS: {len(differences)} of {len(recorded)} tools are not at the "
        f"version that built the report ({where}):"
    )
    lines += [
        f"CHANGED      {name}: {before} at build, {now} here" for name, before, now in differences
    ]
    return False, lines


def _code_unchanged_since(root: Path, commit: str) -> bool:
    """True when no file under the code paths changed between *commit* and HEAD."""
    if commit.endswith("-dirty"):
        return False  # built from uncommitted code: nothing to compare with
    paths = [p for p in provenance.CODE_PATHS if (Path(root) / p).exists()]
    changed = provenance._git(root, "diff", "--name-only", commit, "HEAD", "--", *paths)
    return changed == ""
