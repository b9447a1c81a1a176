"""Document metadata: `_quarto.yml` merging, `-M`/`-P` values, per-format resolution."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

# Execution options that may appear top level or under `execute:`.
EXECUTE_KEYS = ("echo", "eval", "output", "warning", "error", "include")
FIGURE_KEYS = ("fig-width", "fig-height", "fig-format", "fig-dpi")
EXECUTE_DEFAULTS: dict[str, Any] = {
    "echo": True,
    "eval": True,
    "output": True,
    "warning": True,
    "error": False,
    "include": True,
}
# Our pandoc format name for each output.
PANDOC_FORMAT = {"html": "html", "pdf": "typst"}
FORMAT_ALIASES = {"html": ("html",), "pdf": ("pdf", "typst")}


class _QuotedStringDumper(yaml.SafeDumper):
    """PyYAML's safe dumper, but every string double-quoted.

    PyYAML writes YAML 1.1 and leaves a string unquoted when YAML 1.1 would read it back as a
    string, but pandoc and Quarto read YAML 1.2, where ``007e07151812`` (a commit prefix) is a
    float and ``2023.10`` is 2023.1. Quoted, a string stays a string in every YAML version.
    """


_QuotedStringDumper.add_representer(
    str,
    lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"'),
)


def dump_yaml(value: Any, *, flow: bool = False, sort_keys: bool = False) -> str:
    """YAML for pandoc and Quarto (YAML 1.2 readers), in which a string stays a string."""
    return yaml.dump(
        value,
        Dumper=_QuotedStringDumper,
        allow_unicode=True,
        sort_keys=sort_keys,
        default_flow_style=flow,
        width=float("inf"),
    )


def deep_merge(base: Any, over: Any) -> Any:
    """Quarto's merge: objects deep-merged, arrays concatenated, scalars replaced."""
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for key, value in over.items():
            out[key] = deep_merge(base[key], value) if key in base else copy.deepcopy(value)
        return out
    if isinstance(base, list) and isinstance(over, list):
        return list(base) + list(over)
    return copy.deepcopy(over)


def parse_value(text: str) -> Any:
    """YAML-typed value, as `quarto render -P key:value` does."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text


def parse_key_value(item: str) -> tuple[str, Any]:
    for sep in (":", "="):
        if sep in item:
            key, value = item.split(sep, 1)
            return key.strip(), parse_value(value.strip())
    raise ValueError(f"expected key:value, got {item!r}")


def load_project_metadata(doc_dir: Path) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for name in ("_quarto.yml", "_quarto.yaml", "_metadata.yml"):
        path = doc_dir / name
        if path.is_file():
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            if isinstance(data, dict):
                data.pop("project", None)
                merged = deep_merge(merged, data)
    return merged


def merged_metadata(
    doc_dir: Path, front_matter: dict[str, Any], metadata: dict[str, Any] | None
) -> dict[str, Any]:
    meta = deep_merge(load_project_metadata(doc_dir), front_matter)
    if metadata:
        meta = deep_merge(meta, metadata)
    return meta


def format_metadata(meta: dict[str, Any], fmt: str) -> dict[str, Any]:
    """The metadata seen by one output format: `format: <fmt>: {...}` merged on top."""
    out = {k: v for k, v in meta.items() if k != "format"}
    formats = meta.get("format")
    if isinstance(formats, dict):
        for alias in FORMAT_ALIASES.get(fmt, (fmt,)):
            extra = formats.get(alias)
            if isinstance(extra, dict):
                out = deep_merge(out, extra)
    elif isinstance(formats, str) and formats in FORMAT_ALIASES.get(fmt, ()):
        pass
    return out


def execute_defaults(meta: dict[str, Any]) -> dict[str, Any]:
    opts = dict(EXECUTE_DEFAULTS)
    execute = meta.get("execute")
    for key in EXECUTE_KEYS + FIGURE_KEYS:
        if key in meta:
            opts[key] = meta[key]
    if isinstance(execute, dict):
        for key in EXECUTE_KEYS + FIGURE_KEYS:
            if key in execute:
                opts[key] = execute[key]
    elif execute is False:
        opts["eval"] = False
    return opts


def figure_settings(meta: dict[str, Any], formats: tuple[str, ...]) -> dict[str, Any]:
    """Figure size/format for the single execution shared by all formats.

    Quarto uses 5.5x3.5 in for typst and 7x5 in for HTML; we execute once, so when a PDF
    is produced the typst defaults win (they also read well in the HTML column).
    """
    if "pdf" in formats:
        fig = {"fig-width": 5.5, "fig-height": 3.5, "fig-format": "svg", "fig-dpi": 96}
        fmt_meta = format_metadata(meta, "pdf")
    else:
        fig = {"fig-width": 7, "fig-height": 5, "fig-format": "svg", "fig-dpi": 96}
        fmt_meta = format_metadata(meta, "html")
    defaults = execute_defaults(fmt_meta)
    for key in FIGURE_KEYS:
        if key in defaults:
            fig[key] = defaults[key]
    if fig["fig-format"] == "retina":
        fig["fig-format"] = "png"
    return fig


def normalize_authors(value: Any) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if isinstance(item, dict):
            name = item.get("name")
            if isinstance(name, dict):
                name = name.get("literal") or " ".join(
                    str(name[k]) for k in ("given", "family") if k in name
                )
            if name:
                out.append(str(name))
        elif item is not None:
            out.append(str(item))
    return out
