"""The build's settings, checked before any rule runs, every problem named by key and file.

Snakemake's own ``validate`` runs after the per-edition defaults are merged, and so after the
edition has been used as a number (``--config edition=abc`` ended in a bare ``ValueError``)
and without checking formats (``peildatum=2030-13-45`` failed only inside a rule). Here the
edition is checked first, then the merged settings against ``config/schema.yaml`` (with date
formats) and the edition's mapping against the data contract.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from integratiescan.config import edition_defaults, edition_file, with_edition_defaults

SCHEMA = "config/schema.yaml"
COMMAND_LINE = "--config or config/config.yaml"
YAML_BOOLEANS = "yes/no/on/off/true/false"


class ConfigError(Exception):
    """Settings a build cannot start with; the message lists every problem."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(
            "The configuration has "
            f"{len(problems)} problem(s); nothing was built:\n"
            + "\n".join(f"  {p}" for p in problems)
        )


def edition_problem(config: Mapping[str, Any]) -> str | None:
    """Why ``edition`` cannot be used as a year (before anything turns it into a number)."""
    value = config.get("edition")
    if value is None:
        return f"{COMMAND_LINE}, key edition: missing (the report year, e.g. edition=2025)"
    if isinstance(value, bool) or not str(value).strip().isdigit():
        return f"{COMMAND_LINE}, key edition: {value!r} is not a year (e.g. edition=2025)"
    return None


def _source(key: str, given: Mapping[str, Any], edition: int) -> str:
    return COMMAND_LINE if key in given else edition_file(edition)


def schema_problems(
    config: Mapping[str, Any], given: Mapping[str, Any], edition: int, schema: str | Path
) -> list[str]:
    """Schema violations (with date formats), each with the key and the file it came from."""
    from jsonschema import Draft202012Validator, FormatChecker

    doc = yaml.safe_load(Path(schema).read_text(encoding="utf-8"))
    validator = Draft202012Validator(doc, format_checker=FormatChecker())
    out = []
    for error in sorted(validator.iter_errors(dict(config)), key=lambda e: list(e.absolute_path)):
        path = [str(p) for p in error.absolute_path]
        if error.validator == "required":
            missing = error.message.split("'")[1]
            out.append(
                f"{COMMAND_LINE} or {edition_file(edition)}, key {missing}: missing (required)"
            )
            continue
        key = ".".join(path) or "(top level)"
        message = error.message
        if error.validator == "format":
            message = f"{error.instance!r} is not a valid {error.validator_value} (YYYY-MM-DD)"
        if isinstance(error.instance, bool) and error.validator == "type":
            message += f" (YAML reads unquoted {YAML_BOOLEANS} as true/false: quote the value)"
        out.append(f"{_source(path[0] if path else '', given, edition)}, key {key}: {message}")
    return out


def mapping_problems(config: Mapping[str, Any], edition: int) -> list[str]:
    """The edition's mapping checked against the data contract (imports the contract)."""
    if not config.get("mapping"):
        return []
    from integratiescan.intake import mapping

    source = edition_file(edition)
    return [
        f"{source}, key {p.key}: {p.value!r}: {p.message}"
        for p in mapping.problems(config["mapping"])
    ]


def checked_config(
    config: Mapping[str, Any], root: str | Path = ".", schema: str | Path = SCHEMA
) -> dict[str, Any]:
    """The run's settings merged with the edition's defaults; ConfigError when they are bad."""
    problem = edition_problem(config)
    if problem:
        raise ConfigError([problem])
    edition = int(config["edition"])
    try:
        edition_defaults(edition, root)
    except yaml.YAMLError as exc:
        raise ConfigError([f"{edition_file(edition)}: not valid YAML ({exc})"]) from None
    merged = with_edition_defaults(dict(config), root)
    problems = schema_problems(merged, config, edition, Path(root) / schema)
    if not problems:
        problems = mapping_problems(merged, edition)
    if problems:
        raise ConfigError(problems)
    if merged.get("mapping"):
        from integratiescan.intake.mapping import normalised

        merged["mapping"] = normalised(merged["mapping"])
    return merged
