"""Format sniffing and the non-PDF readers, on files written by the tests themselves."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus.errors import ExtractionError
from extractors import read
from extractors.text import decode

MARKDOWN = """---
title: "Ley de prueba"
status: "in_force"
---
<meta http-equiv='Content-Type' content='text/html; charset=utf-8' />
# LEY DE PRUEBA

###TITULO I

##### Art. 1° — **Objeto.** Ver [la ley](http://example.org/ley) y L<sub>EX</sub>.

*(Artículo sustituido por art. 1º de la*[*Ley

N° 1*](http://example.org/1)*)*

##### **Art. 2** Pflichten[^3]

<sup>1</sup> Erster\u00a0Absatz.

[^3]: Aufgehoben durch Ziff. 1 der V vom 1. Jan. 2000.
"""


def test_markdown_reader(tmp_path: Path):
    path = tmp_path / "ley.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    doc = read(path)
    assert doc.format == "markdown"
    texts = [line.text for line in doc.lines if line.text]
    assert texts[0] == "LEY DE PRUEBA" and doc.lines[0].heading
    assert "TITULO I" in texts  # heading without a space after the hashes
    assert "Art. 1° — Objeto. Ver la ley y LEX." in texts
    assert not any("title:" in t or "meta" in t or "http" in t for t in texts)
    assert "Art. 2 Pflichten" in texts
    assert "[Aufgehoben durch Ziff. 1 der V vom 1. Jan. 2000.]" in texts
    assert "1 Erster Absatz." in texts
    assert all(line.page is None for line in doc.lines)


def test_mislabelled_and_unsupported_files(tmp_path: Path):
    html = tmp_path / "law.txt"
    html.write_text(
        "<!DOCTYPE html><html><head><title>t</title><script>x()</script></head>"
        "<body><nav>menu</nav><h2>Article 1</h2><p>Text &amp; more</p></body></html>"
    )
    doc = read(html)
    assert doc.format == "html"
    assert [(ln.text, ln.heading) for ln in doc.lines] == [
        ("Article 1", True),
        ("Text & more", False),
    ]

    fake_pdf = tmp_path / "law.pdf"
    fake_pdf.write_text("Article 1\nPlain text in a file called .pdf\n")
    assert read(fake_pdf).format == "text"

    empty = tmp_path / "empty.md"
    empty.write_bytes(b"")
    with pytest.raises(ExtractionError, match="empty"):
        read(empty)

    image = tmp_path / "scan.docx"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50)
    with pytest.raises(ExtractionError, match="unsupported format"):
        read(image)

    zipped = tmp_path / "x.docx"
    import zipfile

    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ExtractionError, match="unsupported format"):
        read(zipped)


def test_text_encodings(tmp_path: Path):
    assert decode("Artículo 1".encode("utf-16")) == "Artículo 1"
    assert decode("Artículo 1".encode("cp1252")) == "Artículo 1"
    assert decode(b"\xef\xbb\xbfArt\xc3\xadculo") == "Artículo"
    path = tmp_path / "ley.txt"
    path.write_bytes("Artículo 1.- Regla.\r\n\r\n\r\nArtículo 2.- Otra.".encode("cp1252"))
    doc = read(path)
    assert [ln.text for ln in doc.lines] == ["Artículo 1.- Regla.", "", "Artículo 2.- Otra."]


def test_json_provision_list(tmp_path: Path):
    path = tmp_path / "act.json"
    path.write_text(
        json.dumps(
            {
                "title": "The Sample Code, 2020",
                "provisions": [
                    {
                        "provision_ref": "s1",
                        "section": "1",
                        "title": "Short title.",
                        "content": "(1) This Code may be called the Sample Code. "
                        "(2) It extends to all.\n\n[Footnote] 1. Came into force on 1st May.",
                    },
                    {
                        "provision_ref": "s2",
                        "section": "2",
                        "title": "Definitions.",
                        "content": 'In this Code,-- (a) "home" means a dwelling.',
                    },
                ],
            }
        )
    )
    doc = read(path)
    assert doc.format == "json"
    texts = [ln.text for ln in doc.lines if ln.text]
    assert texts[1:5] == [
        "Section 1. Short title.",
        "(1) This Code may be called the Sample Code.",
        "(2) It extends to all.",
        "[Footnote] 1. Came into force on 1st May.",
    ]
    from extractors import split

    ps = split(doc, "en")
    assert [p.citation for p in ps] == ["s. 1", "s. 2"]
    assert ps[0].notes == ["[Footnote] 1. Came into force on 1st May."]
    assert [c for c, _, _ in ps[0].paragraphs] == ["s. 1(1)", "s. 1(2)"]


def test_docx_reader_headings_and_note_boxes(tmp_path: Path):
    import docx

    document = docx.Document()
    document.add_heading("Глава 1. ОБЩИЕ ПОЛОЖЕНИЯ", level=1)
    document.add_paragraph("Статья 1. Цели", style="Title")
    document.add_paragraph("Целями являются защита прав.")
    box = document.add_table(rows=1, cols=1)
    box.cell(0, 0).text = "КонсультантПлюс: примечание."
    data = document.add_table(rows=1, cols=2)
    data.cell(0, 0).text = "1 января 2000"
    data.cell(0, 1).text = "N 1-ФЗ"
    path = tmp_path / "code.docx"
    document.save(str(path))
    doc = read(path)
    assert doc.format == "docx"
    texts = [(ln.text, ln.heading) for ln in doc.lines if ln.text]
    assert texts[:3] == [
        ("Глава 1. ОБЩИЕ ПОЛОЖЕНИЯ", True),
        ("Статья 1. Цели", True),
        ("Целями являются защита прав.", False),
    ]
    assert ("1 января 2000", False) in texts
    assert not any("КонсультантПлюс" in t for t, _ in texts)


def test_missing_file(tmp_path: Path):
    with pytest.raises(ExtractionError, match="no such file"):
        read(tmp_path / "nothing.md")


def test_a_brace_that_opens_plain_text(tmp_path: Path):
    # the registry's JSON reader refuses it, and the file is read as the text it is
    braced = tmp_path / "law.txt"
    braced.write_text("{Consolidated version}\nArticle 1\nHomeworkers shall be paid.\n")
    doc = read(braced)
    assert doc.format == "text"
    assert doc.lines[0].text == "{Consolidated version}"

    # JSON that is not a provision list is refused, whatever the extension says
    other = tmp_path / "data.txt"
    other.write_text('{"weather": "fine"}')
    with pytest.raises(ExtractionError):
        read(other)
