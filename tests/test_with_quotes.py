"""Who said what through the HTML engine and the corpus row: opt-in, and typed in the output schema."""
from __future__ import annotations

import copydesk
from copydesk.corpus.records import QUOTE_FIELDS, InputRecord, arrow_schema, base_row
from copydesk.corpus.work import WorkConfig, extract_row

PAGE = (b"<html><head><title>Budget vote</title></head><body><article><h1>Budget vote</h1>"
        b"<p>The council met on Tuesday to debate the budget for the coming year in a long session.</p>"
        b"<p>\"We will not raise taxes this year, whatever happens,\" said Maria Lopez, the mayor of the town.</p>"
        b"<p>The vote comes next week, after a public hearing in the town hall and a debate in committee.</p>"
        b"</article></body></html>")


def test_quotes_are_opt_in_for_html() -> None:
    assert copydesk.extract(PAGE).quotes == ()
    quotes = copydesk.extract(PAGE, with_quotes=True).quotes
    assert [(q.speaker, q.cue) for q in quotes] == [("Maria Lopez", "said")]
    assert quotes[0].text.startswith("We will not raise taxes")


def test_quotes_column_round_trips_through_arrow() -> None:
    import pyarrow as pa

    opts = copydesk.Options(with_quotes=True)
    rec = InputRecord(index=0, source="t.html", offset=0, url="https://example.org/a", payload=PAGE, size=len(PAGE))
    row, _ = extract_row(WorkConfig(mode="html", options=opts), rec)
    assert row["status"] == "ok"
    assert row["quotes"] and set(row["quotes"][0]) == set(QUOTE_FIELDS)
    table = pa.Table.from_pylist([row, base_row(rec)], schema=arrow_schema())
    assert table.column("quotes").to_pylist()[0][0]["speaker"] == "Maria Lopez"
    assert table.column("quotes").to_pylist()[1] == []


def test_cli_quotes_flag(tmp_path, capsys) -> None:
    import json

    from copydesk.cli import main

    p = tmp_path / "a.html"
    p.write_bytes(PAGE)
    assert main(["extract", str(p), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["quotes"] == []
    assert main(["extract", str(p), "--format", "json", "--quotes"]) == 0
    quotes = json.loads(capsys.readouterr().out)["quotes"]
    assert [q["speaker"] for q in quotes] == ["Maria Lopez"]
