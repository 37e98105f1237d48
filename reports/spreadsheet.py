"""Cells safe to open in a spreadsheet, as OWASP's CSV injection guidance says: text that a
spreadsheet would read as a formula (`=HYPERLINK(...)`, `+1`, `-2`, `@SUM(...)`, or a leading
tab or carriage return) must never run as one. Law text, headings, titles, file names and
jurisdictions all come from files and manifests we do not control.

Only CSV and XLSX need this; JSON and JSONL keep the exact text."""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """A CSV cell: text starting like a formula gets a leading apostrophe, which spreadsheets
    show as text. A list item ("- the employer ...") gets it too: that is the price of safety."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def xlsx_text(cell: Any) -> None:
    """Keep an openpyxl cell's string as text: openpyxl would store one starting with "=" as a
    live formula; the quote prefix keeps it text even when someone edits the cell in Excel."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if cell.value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
