"""Hostile and broken files: each becomes one line naming the file, and the command goes on with
the others (exit code 1 says some failed). Every file is made by the test (tests/hostile_files.py).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import hostile_files as make
import pytest

from corpus.errors import ExtractionError
from corpus.model import DocumentMeta
from corpus.store import Store
from extractors.docx import MAX_RATIO
from extractors.readers import MAX_TEXT_BYTES
from flows.steps import extract

BROKEN: dict[str, tuple[Callable[[Path], Path], str]] = {
    "corrupt deflate": (make.corrupt_deflate_docx, "not a readable DOCX file"),
    "truncated XML": (make.truncated_xml_docx, "not a readable DOCX file"),
    "ZIP bomb": (make.zip_bomb_docx, f"over the {MAX_RATIO}x limit"),
    "200,000-deep JSON": (make.deep_json, "nested too deeply"),
    "50 MB one-line text": (make.one_line_text, f"over the {MAX_TEXT_BYTES:,} limit"),
}


@pytest.mark.parametrize("kind", BROKEN)
def test_a_broken_file_is_one_line_naming_it(kind: str, tmp_path: Path) -> None:
    write, reason = BROKEN[kind]
    path = write(tmp_path)
    with pytest.raises(ExtractionError) as raised:
        extract(path, DocumentMeta())
    message = str(raised.value)
    assert message.startswith(f"{path.name}: ") and reason in message
    assert "\n" not in message


def test_odd_length_utf16_is_read_all_but_its_stray_byte(tmp_path: Path) -> None:
    extracted = extract(make.odd_utf16(tmp_path), DocumentMeta())
    assert [p.citation for p in extracted.provisions] == ["s. 1", "s. 2"]


def test_ingest_goes_on_past_broken_files_and_says_which(c177, tmp_path: Path) -> None:
    good = [make.good_text(tmp_path), make.odd_utf16(tmp_path), make.docx(tmp_path)]
    broken = [write(tmp_path) for write, _ in BROKEN.values()]
    db = tmp_path / "c177.sqlite"
    files = [str(p) for p in (good[0], broken[0], good[1], *broken[1:], good[2])]
    result = c177("ingest", *files, "--db", str(db), "-j", "XN")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    failed = [line for line in result.output.splitlines() if line.startswith("failed")]
    assert sorted(line.split()[1].rstrip(":") for line in failed) == sorted(p.name for p in broken)
    with Store(db) as store:
        assert sorted(d.name for d in store.documents()) == sorted(p.name for p in good)
