"""Render the project's own fictional statutes (`src/*.txt`) to gazette-like PDFs.

Run `python -m scripts.render_samples` after editing a source; it rewrites the PDFs and
MANIFEST.tsv of data/samples. Output is byte-for-byte deterministic (reportlab's
`invariant=1`), because annotations key documents by their SHA-256.

The PDFs exercise what real gazettes do to an extractor: a running header with the page
number at the outer corner, a footer "Page N of M", justified 10 pt text with words
hyphenated at line ends, and two-column pages.

Source markup, one block per line (blank lines are ignored):

    %key: value      metadata: file, jurisdiction, language, title, year, header, footer
    ! text           document title, centred bold
    !! text          subtitle, centred italic
    # text           division heading (Part, Título, Chapitre...), centred bold
    ## text          provision heading, bold
    > text           indented paragraph ("(1) ...", definitions)
    . text           table-of-contents line
    ~ text           editorial note, small italic
    @page            page break
    @columns N       start a new page set in N (1 or 2) columns
    text             body paragraph; a leading **bold run** is set in bold
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from corpus.config import SAMPLES_DIR

HERE = SAMPLES_DIR
SRC = HERE / "src"
MANIFEST_COLUMNS = ("file", "jurisdiction", "language", "title", "year")

PAGE_W, PAGE_H = A4
MARGIN_X = 64.0
TOP = PAGE_H - 80.0  # baseline of the first body line
BOTTOM = 72.0
GUTTER = 22.0
BODY = ("Times-Roman", 10.0, 13.0)  # font, size, leading
BOLD = "Times-Bold"
ITALIC = "Times-Italic"
VOWELS = set("aeiouyáéíóúüàâèêëîïôûœ")
# Consonant pairs that begin a syllable together and are never split.
CLUSTERS = {
    "bl", "br", "ch", "cl", "cr", "dr", "fl", "fr", "gl", "gr", "gu", "ll", "ph",
    "pl", "pr", "qu", "rr", "sh", "th", "tr", "ck", "gn", "wh",
}  # fmt: skip
MIN_HYPHEN_GAP = 28.0  # hyphenate only when wrapping whole would leave a visible hole


@dataclass
class Block:
    kind: str  # title subtitle division heading para indent toc note page columns
    text: str = ""


@dataclass
class Source:
    meta: dict[str, str]
    blocks: list[Block]


@dataclass
class Op:
    x: float
    y: float
    runs: list[tuple[str, float, str]]  # (font, size, text)
    word_space: float = 0.0


@dataclass
class Page:
    ops: list[Op] = field(default_factory=list)


def parse(text: str) -> Source:
    meta: dict[str, str] = {}
    blocks: list[Block] = []
    prefixes = (
        ("!! ", "subtitle"), ("! ", "title"), ("## ", "heading"), ("# ", "division"),
        ("> ", "indent"), (". ", "toc"), ("~ ", "note"),
    )  # fmt: skip
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("%"):
            key, _, value = line[1:].partition(":")
            meta[key.strip()] = value.strip()
        elif line == "@page":
            blocks.append(Block("page"))
        elif line.startswith("@columns"):
            blocks.append(Block("columns", line.split()[1]))
        else:
            for prefix, kind in prefixes:
                if line.startswith(prefix):
                    blocks.append(Block(kind, line[len(prefix) :]))
                    break
            else:
                blocks.append(Block("para", line))
    return Source(meta, blocks)


# -- line breaking ---------------------------------------------------------------------


def _break_points(core: str) -> list[int]:
    """Plausible syllable breaks inside a lower-case word (V-CV and VC-CV), at least three
    letters from either end."""
    points = []
    for i in range(3, len(core) - 2):
        a, b, c = core[i - 1], core[i], core[i + 1]
        if a in VOWELS and b not in VOWELS and c in VOWELS:
            points.append(i)
        elif (
            a not in VOWELS
            and b not in VOWELS
            and core[i - 2] in VOWELS
            and c in VOWELS
            and a + b not in CLUSTERS
        ):
            points.append(i)
    return points


def _hyphenate(word: str, font: str, size: float, room: float) -> tuple[str, str] | None:
    """Split `word` so that its head plus a hyphen fits in `room`; None if it cannot."""
    match = re.fullmatch(r"([a-záéíóúüñàâçèêëîïôûœ]+)([.,;:)]*)", word)
    if not match or len(match.group(1)) < 7:
        return None
    core = match.group(1)
    for i in reversed(_break_points(core)):
        head = core[:i] + "-"
        if stringWidth(head, font, size) <= room:
            return head, core[i:] + match.group(2)
    return None


def wrap(
    tokens: list[tuple[str, str]], size: float, width: float, hyphenate: bool
) -> list[list[tuple[str, str]]]:
    """Greedy line filling of (font, word) tokens, hyphenating long words at line ends."""
    lines: list[list[tuple[str, str]]] = []
    line: list[tuple[str, str]] = []
    used = 0.0
    queue = list(tokens)
    while queue:
        font, word = queue.pop(0)
        space = stringWidth(" ", font, size) if line else 0.0
        w = stringWidth(word, font, size)
        if used + space + w <= width:
            line.append((font, word))
            used += space + w
            continue
        room = width - used - space
        split = _hyphenate(word, font, size, room) if hyphenate and room >= MIN_HYPHEN_GAP else None
        if split:
            line.append((font, split[0]))
            queue.insert(0, (font, split[1]))
        elif not line:  # a single word wider than the line: let it overflow
            line.append((font, word))
        else:
            queue.insert(0, (font, word))
        lines.append(line)
        line, used = [], 0.0
    if line:
        lines.append(line)
    return lines


def _runs(line: list[tuple[str, str]], size: float) -> list[tuple[str, float, str]]:
    """Merge consecutive words of one font into text runs, spaces included (so the PDF
    carries real space characters, as typeset documents do)."""
    runs: list[tuple[str, float, str]] = []
    for i, (font, word) in enumerate(line):
        text = (" " if i else "") + word
        if runs and runs[-1][0] == font:
            runs[-1] = (font, size, runs[-1][2] + text)
        else:
            runs.append((font, size, text))
    return runs


def _line_width(line: list[tuple[str, str]], size: float) -> float:
    return sum(stringWidth(w, f, size) for f, w in line) + sum(
        stringWidth(" ", f, size) for f, _ in line[1:]
    )


def _tokens(block: Block, font: str) -> list[tuple[str, str]]:
    text = block.text
    tokens: list[tuple[str, str]] = []
    bold = re.match(r"\*\*(.+?)\*\*\s*", text)
    if bold:
        tokens += [(BOLD, w) for w in bold.group(1).split()]
        text = text[bold.end() :]
    tokens += [(font, w) for w in text.split()]
    return tokens


# -- page layout -----------------------------------------------------------------------


class Layout:
    def __init__(self) -> None:
        self.pages: list[Page] = [Page()]
        self.columns = 1
        self.column = 0
        self.y = TOP

    @property
    def col_width(self) -> float:
        full = PAGE_W - 2 * MARGIN_X
        return full if self.columns == 1 else (full - GUTTER) / 2

    @property
    def col_x(self) -> float:
        return MARGIN_X + self.column * (self.col_width + GUTTER)

    def new_page(self) -> None:
        if self.pages[-1].ops:
            self.pages.append(Page())
        self.column, self.y = 0, TOP

    def next_column(self) -> None:
        if self.column + 1 < self.columns:
            self.column += 1
            self.y = TOP
        else:
            self.new_page()

    def ensure(self, height: float) -> None:
        if self.y - height < BOTTOM:
            self.next_column()

    def skip(self, space: float) -> None:
        if self.y < TOP:  # no space at the top of a column
            self.y -= space

    def paragraph(
        self,
        tokens: list[tuple[str, str]],
        size: float,
        leading: float,
        indent: float = 0.0,
        align: str = "justify",
        hyphenate: bool = True,
        keep_with_next: float = 0.0,
    ) -> None:
        width = self.col_width - indent
        lines = wrap(tokens, size, width, hyphenate)
        self.ensure(leading * min(len(lines), 2) + keep_with_next)
        for i, line in enumerate(lines):
            self.ensure(leading)
            natural = _line_width(line, size)
            x = self.col_x + indent
            word_space = 0.0
            if align == "center":
                x += (width - natural) / 2
            elif align == "justify" and i < len(lines) - 1 and len(line) > 1:
                word_space = min((width - natural) / (len(line) - 1), 6.0)
            self.pages[-1].ops.append(Op(x, self.y, _runs(line, size), word_space))
            self.y -= leading

    def add(self, block: Block) -> None:
        font, size, leading = BODY
        if block.kind == "page":
            self.new_page()
        elif block.kind == "columns":
            self.new_page()
            self.columns = int(block.text)
        elif block.kind == "title":
            self.paragraph(_tokens(block, BOLD), 14, 18, align="center", hyphenate=False)
        elif block.kind == "subtitle":
            self.skip(2)
            self.paragraph(_tokens(block, ITALIC), 10, 13, align="center", hyphenate=False)
        elif block.kind == "division":
            self.skip(6)
            self.paragraph(
                _tokens(block, BOLD), 10.5, 14, align="center", hyphenate=False,
                keep_with_next=3 * leading,
            )  # fmt: skip
        elif block.kind == "heading":
            self.skip(6)
            self.paragraph(
                _tokens(block, BOLD), size, leading, align="left", hyphenate=False,
                keep_with_next=2 * leading,
            )  # fmt: skip
        elif block.kind == "indent":
            self.skip(2)
            self.paragraph(_tokens(block, font), size, leading, indent=14)
        elif block.kind == "toc":
            self.paragraph(_tokens(block, font), 9, 12, indent=20, align="left", hyphenate=False)
        elif block.kind == "note":
            self.paragraph(_tokens(block, ITALIC), 8.5, 11, indent=8, align="left")
        else:
            self.skip(4)
            self.paragraph(_tokens(block, font), size, leading)


def layout(source: Source) -> list[Page]:
    engine = Layout()
    for block in source.blocks:
        engine.add(block)
    return [p for p in engine.pages if p.ops]


def render(source: Source, target: Path) -> None:
    pages = layout(source)
    meta = source.meta
    c = canvas.Canvas(str(target), pagesize=A4, invariant=1)
    c.setTitle(meta.get("title", ""))
    c.setAuthor("c177 sample corpus (fictional statute)")
    for number, page in enumerate(pages, start=1):
        if number > 1:  # running header: page number at the outer corner, as gazettes do
            c.setFont("Helvetica", 8)
            header = meta.get("header", meta.get("title", ""))
            y = PAGE_H - 48
            c.drawCentredString(PAGE_W / 2, y, header)
            if number % 2 == 0:
                c.drawString(MARGIN_X, y, str(number))
            else:
                c.drawRightString(PAGE_W - MARGIN_X, y, str(number))
            c.setLineWidth(0.4)
            c.line(MARGIN_X, y - 5, PAGE_W - MARGIN_X, y - 5)
        footer = meta.get("footer", "Page {page} of {pages}")
        c.setFont("Helvetica", 7.5)
        c.drawCentredString(PAGE_W / 2, 40, footer.format(page=number, pages=len(pages)))
        for op in page.ops:
            text = c.beginText(op.x, op.y)
            text.setWordSpace(op.word_space)
            for font, size, chunk in op.runs:
                text.setFont(font, size)
                text.textOut(chunk)
            c.drawText(text)
        c.showPage()
    c.save()


def main() -> None:
    rows = ["\t".join(MANIFEST_COLUMNS)]
    for src in sorted(SRC.glob("*.txt")):
        source = parse(src.read_text(encoding="utf-8"))
        target = HERE / source.meta["file"]
        render(source, target)
        rows.append("\t".join(source.meta[k] for k in MANIFEST_COLUMNS))
        print(f"{target.name}: {len(layout(source))} pages")
    (HERE / "MANIFEST.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
