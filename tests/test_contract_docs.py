"""The contract doc and the pandera schemas come from one source and must not drift."""

from pathlib import Path

from integratiescan.intake import contract

DOC = Path(__file__).parents[1] / "docs" / "data-contract.md"


def test_doc_tables_are_generated_from_the_contract() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert contract.generated_section() in text, "run: python -m integratiescan.intake.contract"


def test_every_documented_column_is_in_the_schema() -> None:
    for name, spec in contract.TABLES.items():
        schema = contract.schema_for(name, 2023)
        assert list(schema.columns) == spec.column_names
        for column in spec.columns:
            assert f"| {column.name} | {column.kind} |" in contract.markdown_table(name)
