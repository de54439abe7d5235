"""The schema is stated once: the data dictionary and the contract follow it."""

import re
from pathlib import Path

from pipeline import schema

ROOT = Path(__file__).resolve().parents[1]


def test_data_dictionary_file_is_generated_from_the_schema():
    text = (ROOT / "extracted" / "README.md").read_text(encoding="utf-8")
    assert text == schema.data_dictionary(), "run: python -m pipeline.schema > extracted/README.md"


def test_every_contract_column_is_in_the_schema():
    contract = (ROOT / "tests" / "fixtures" / "shared" / "CONTRACT.md").read_text(encoding="utf-8")
    for table in (*schema.VALIDATED_TABLES, schema.CHANGES):  # the others are ours
        heading = f"`{table.name}.parquet`" if table is schema.CHANGES else f"`{table.name}`"
        section = contract.split(heading, 1)[1].split("\n`", 1)[0].split("\nplus ", 1)[0]
        names = []
        for line in section.splitlines():
            if line.startswith("- `"):
                head = re.sub(r"\([^)]*\)", "", re.split(r" — |: ", line)[0])
                names += re.findall(r"`([a-z_]+)`", head)
        assert names, table.name
        for name in names:
            assert name in table.column_names, f"{table.name}.{name} missing"


def test_frame_has_schema_columns_and_nullable_integers():
    df = schema.CITATIONS.frame([{"seq": 1, "citation_no": 1, "law": "某法", "article": None}])
    assert list(df.columns) == schema.CITATIONS.column_names
    assert str(df["article"].dtype) == "Int64" and str(df["law"].dtype) == "str"
