"""Pass 3 of the splitter: a state machine walks the classified lines, keeping the stack of
divisions above the current provision (its `context`) and collecting its text and notes."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from corpus.labels import ProvisionKind
from corpus.model import ExtractedDocument, Line, Provision
from extractors.provisions.languages import FAMILY_KIND, FAMILY_PREFIX, PAREN_NOTE, REPEAL, Grammar
from extractors.provisions.lines import ClassifiedLine, Head, LineKind, clean_label

# the kinds of line that go on with a note whose bracket is still open
_NOTE_CONTINUES = (LineKind.TEXT, LineKind.NOTE, LineKind.BLANK)


@dataclass
class _Open:
    head: Head
    citation: str
    kind: ProvisionKind
    context: list[str]
    first: int  # index of the heading record
    title: str = ""
    parts: list[tuple[int, str]] = field(default_factory=list)  # (line index, text)
    notes: list[str] = field(default_factory=list)
    last: int = 0


class TreeBuilder:
    """Provisions from classified lines: `run()` hands each line to the handler of its kind."""

    def __init__(self, doc: ExtractedDocument, grammar: Grammar, recs: list[ClassifiedLine]):
        self.doc = doc
        self.grammar = grammar
        self.recs = recs
        self.starts: list[int] = []
        pos = 0
        for line in doc.lines:
            self.starts.append(pos)
            pos += len(line.text) + 1
        self.out: list[Provision] = []
        self.stack: list[tuple[int, str]] = []  # (rank, label); rank -1 = instrument root
        self.final_prefix = ""
        self.current: _Open | None = None
        self.last_int: int | None = None
        self.main_last: int | None = None  # last number of the main (non-final) sequence
        self.quoting = False
        self.free_heading = ""  # a source heading seen since the last provision
        self.free_heading_part = -1  # where it sits in the open provision's parts
        self.note_depth = 0  # open brackets of a note running over lines
        self.consumed: set[int] = set()
        self.seen: Counter[str] = Counter()

    # -- helpers
    def _next_nonblank(self, i: int) -> int | None:
        for j in range(i + 1, min(i + 6, len(self.recs))):
            if self.recs[j].kind != LineKind.BLANK:
                return j
        return None

    def _context(self) -> list[str]:
        return [label for _, label in self.stack]

    def _push(self, rank: int, label: str) -> None:
        while self.stack and self.stack[-1][0] >= rank:
            self.stack.pop()
        self.stack.append((rank, label))

    # -- divisions
    def _group(self, i: int, rec: ClassifiedLine) -> None:
        label = rec.label
        if not rec.name:
            # the division's name is on the next line ("TITULO I" / "Ambito de validez")
            j = self._next_nonblank(i)
            if j is not None:
                nxt = self.recs[j]
                if nxt.kind == LineKind.TEXT and nxt.note_start < 0 and len(nxt.line.text) < 150:
                    label = f"{label} {clean_label(nxt.line.text)}"
                    self.consumed.add(j)
        else:
            # long names continue on the following line(s)
            j = i + 1
            while j < len(self.recs) and j < i + 4:
                nxt = self.recs[j]
                wrapped = (
                    rec.line.heading
                    and nxt.kind == LineKind.TEXT
                    and len(nxt.line.text) < 100
                    and (
                        nxt.line.heading
                        or re.search(r"\b(?:und|and|y|et|en|de|of|the|für|der|des|van)$", label)
                    )
                )
                if not wrapped:
                    break
                label = f"{label} {clean_label(nxt.line.text)}"
                self.consumed.add(j)
                j += 1
        self._push(rec.rank, label)

    # -- provisions
    def _citation(self, head: Head) -> str:
        prefix = FAMILY_PREFIX[head.family]
        if self.final_prefix and head.family in ("article", "ordinal"):
            # transitional articles are numbered afresh ("Artículo 1º", "PRIMERA"); final
            # provisions that continue the main numbering (art. 427 after 426) keep it
            restarted = head.number_int is None or (
                self.main_last is not None and head.number_int < self.main_last
            )
            if head.ordinal or restarted:
                return f"{self.final_prefix} art. {head.number}"
        return f"{prefix} {head.number}".strip()

    def _is_quoted(self, head: Head) -> bool:
        """An article quoted by an amending one: the text before ends with a colon and the
        number does not continue the sequence."""
        if head.number_int is None or self.last_int is None or head.ordinal:
            return False
        sequential = self.last_int <= head.number_int <= self.last_int + 2
        if self.quoting:
            return not sequential or head.number_int == self.last_int
        return self._ends_with_colon() and not sequential

    def _in_sequence(self, head: Head) -> bool:
        n, last = head.number_int, self.last_int
        if n is None:
            return False
        if last is None:
            return n == 1
        return n == last + 1 or (n == last and head.number != str(last))

    def _ends_with_colon(self) -> bool:
        cur = self.current
        if cur is None or not cur.parts:
            return False
        tail = next((t for _, t in reversed(cur.parts) if t.strip()), "")
        return tail.rstrip().endswith(":")

    def _open(self, i: int, rec: ClassifiedLine) -> None:
        head = rec.head
        assert head is not None
        if (
            not self.final_prefix
            and head.number_int is not None
            and self.last_int is not None
            and head.number_int < self.last_int
            and head.number_int <= 1
            and self.free_heading
        ):
            # numbering starts again under a new source heading: a new instrument or language
            cur = self.current
            if cur is not None and self.free_heading_part >= 0:
                # the heading and the preamble after it belong to the new instrument
                del cur.parts[self.free_heading_part :]
            self._close()
            self.stack = [(-1, self.free_heading)]
        self._close()
        if head.family == "disposition":  # after the articles: outside their titles and chapters
            self.stack = [(rank, label) for rank, label in self.stack if rank < 0]
        self.free_heading, self.free_heading_part = "", -1
        citation = self._citation(head)
        cur = _Open(head, citation, FAMILY_KIND[head.family], self._context(), i, last=i)
        cur.title = self._title(i, rec, cur)
        self.current = cur
        if head.rest:
            # the heading line may hold the first body line, or an editorial note
            pm = PAREN_NOTE.search(head.rest)
            note_start = pm.start() if pm else -1
            self._text_line(
                i, ClassifiedLine(LineKind.TEXT, Line(head.rest), note_start=note_start)
            )
        if head.number_int is not None and not head.ordinal:
            self.last_int = head.number_int
            if not citation.startswith(("trans.", "final", "add.", "spec.", "derog.")):
                self.main_last = head.number_int
        self.quoting = False

    def _title(self, i: int, rec: ClassifiedLine, cur: _Open) -> str:
        head = cur.head
        rest = head.rest
        if head.title:
            return head.title
        if not rest:
            # Dutch and Russian titles sit on the next heading line
            j = self._next_nonblank(i)
            if j is not None:
                nxt = self.recs[j]
                if nxt.kind == LineKind.TEXT and nxt.line.heading and len(nxt.line.text) < 200:
                    return clean_label(nxt.line.text)
            return ""
        if rec.line.heading and head.family != "ordinal" and not re.match(r"[—–-]", rest):
            delim_text = rec.line.text[: head.label_end]
            if not re.search(r"[—–]|\.-|-\s*$", delim_text) and len(rest) < 200:
                return clean_label(rest)
        # a short first sentence ending in a full stop: "OBJETO.", "Conservación del contrato."
        m = re.match(r"^([^.;:]{2,90}?)\.(?:\s|$|—|-)", rest)
        if m and len(m.group(1).split()) <= 10 and not m.group(1)[:1].islower():
            return clean_label(m.group(1))
        return ""

    def _add_text(self, i: int, text: str) -> None:
        cur = self.current
        if cur is None:
            return
        cur.parts.append((i, text))
        cur.last = i

    def _on_note(self, i: int, rec: ClassifiedLine) -> None:
        self._add_note(i, rec.line.text, self._follows_note(i))

    def _add_note(self, i: int, text: str, joined: bool = False) -> None:
        cur = self.current
        if cur is None:
            return
        text = text.strip()
        if not text:
            return
        if cur.notes and (self.note_depth > 0 or joined):
            cur.notes[-1] = f"{cur.notes[-1]} {text}"
        else:
            cur.notes.append(text)
        cur.last = i

    def _close(self) -> None:
        cur = self.current
        self.current = None
        self.note_depth = 0
        if cur is None:
            return
        lines = [t for _, t in cur.parts]
        while lines and not lines[-1].strip():
            lines.pop()
        text = "\n".join(lines).strip("\n")
        text = re.sub(r"\n{3,}", "\n\n", text)
        last_line = cur.first
        for idx, t in cur.parts:
            if t.strip():
                last_line = max(last_line, idx)
        last_line = max(last_line, cur.last if cur.notes else last_line)
        page_lines = [self.doc.lines[k] for k in range(cur.first, last_line + 1)]
        pages = [ln.page for ln in page_lines if ln.page is not None and ln.text.strip()]
        char_start = self.starts[cur.first]
        char_end = self.starts[last_line] + len(self.doc.lines[last_line].text)
        self.seen[cur.citation] += 1
        provision = Provision(
            citation=cur.citation,
            number=cur.head.number,
            kind=cur.kind,
            heading=cur.title,
            context=cur.context,
            text=text,
            page_start=pages[0] if pages else None,
            page_end=pages[-1] if pages else None,
            char_start=char_start,
            char_end=char_end,
            notes=cur.notes,
            repealed=_is_repealed(cur.title, text, cur.notes),
            paragraphs=self._paragraphs(cur.citation, text),
            occurrence=self.seen[cur.citation],
        )
        self.out.append(provision)

    def _paragraphs(self, citation: str, text: str) -> list[tuple[str, int, int]]:
        if not self.grammar.paragraphs:
            return []
        sep = " Abs. " if self.grammar.german else ""
        marks: list[tuple[str, int]] = []
        expected = 1
        last_base = 0
        pos = 0
        style: re.Pattern[str] | None = None  # the first marker's style holds for the rest
        for line in text.split("\n"):
            for pattern in (style,) if style else self.grammar.paragraphs:
                m = pattern.match(line)
                if not m:
                    continue
                n, s = int(m.group("n")), m.group("s")
                if n == expected or (s and n == last_base and marks):
                    label = f"{n}{s}"
                    cited = f"{citation}{sep}{label}" if sep else f"{citation}({label})"
                    marks.append((cited, pos))
                    last_base, expected, style = n, n + 1, pattern
                    break
            pos += len(line) + 1
        if len(marks) < 2 and not (marks and marks[0][1] > 0):
            # a lone "(1)" at the very start is still a paragraph; "1." alone is likelier a list
            if not marks or not marks[0][0].endswith(("(1)", "Abs. 1")):
                return []
        spans = []
        for k, (cited, start) in enumerate(marks):
            end = marks[k + 1][1] if k + 1 < len(marks) else len(text)
            spans.append((cited, start, len(text[:end].rstrip())))
        return spans

    # -- the walk
    def run(self) -> list[Provision]:
        handlers: dict[LineKind, Callable[[int, ClassifiedLine], None]] = {
            LineKind.BLANK: self._on_blank,
            LineKind.DROP: lambda i, rec: None,
            LineKind.ROOT: self._on_root,
            LineKind.FINAL: self._on_final,
            LineKind.GROUP: self._on_group,
            LineKind.HEAD: self._on_head,
            LineKind.END: self._on_end,
            LineKind.NOTE: self._on_note,
            LineKind.TEXT: self._on_text,
        }
        for i, rec in enumerate(self.recs):
            if i in self.consumed:
                if self.current is not None and rec.kind == LineKind.TEXT:
                    self._add_text(i, rec.line.text)
            elif self.note_depth > 0 and rec.kind in _NOTE_CONTINUES:
                self._continue_note(i, rec)
            else:
                handlers[rec.kind](i, rec)
            if rec.side_note:
                self._add_note(i, rec.side_note, self._follows_note(i))
        self._close()
        return self.out

    def _follows_note(self, i: int) -> bool:
        """Whether the line before ends in, or is, a note: "Ley 21.340 / Art. 1º Nº 2" or
        "… el L. 18.620 / … y ART. PRIMERO" are one note over two lines."""
        prev = self.recs[i - 1] if i > 0 else None
        return prev is not None and (prev.kind == LineKind.NOTE or bool(prev.side_note))

    def _on_blank(self, i: int, rec: ClassifiedLine) -> None:
        if self.current is not None and self.current.parts:
            self._add_text(i, "")

    def _on_root(self, i: int, rec: ClassifiedLine) -> None:
        self._close()
        self.stack = [(-1, rec.label)]
        self.final_prefix = ""
        self.last_int = self.main_last = None
        self.quoting = False

    def _on_final(self, i: int, rec: ClassifiedLine) -> None:
        if self.quoting:
            self._add_text(i, rec.line.text)
            return
        self._close()
        self._push(0, rec.label)
        self.final_prefix = rec.name

    def _on_group(self, i: int, rec: ClassifiedLine) -> None:
        if self.quoting or self._ends_with_colon():
            # a division quoted by an amending article ("… el siguiente texto:")
            self.quoting = True
            self._add_text(i, rec.line.text)
            return
        self._close()
        if self.final_prefix and rec.rank <= 1:
            self.final_prefix = ""
        self._group(i, rec)

    def _on_head(self, i: int, rec: ClassifiedLine) -> None:
        assert rec.head is not None
        if rec.head.family == "bare" and not self._in_sequence(rec.head):
            if self.current is not None:
                self._text_line(i, ClassifiedLine(LineKind.TEXT, rec.line, note_start=-1))
        elif self._is_quoted(rec.head):
            self.quoting = True
            self._add_text(i, rec.line.text)
        elif self._repeats_open_heading(rec.head):
            # "##### Artículo 10" then "Art. 10. El contrato …": one article, labelled twice
            if rec.head.rest:
                self._text_line(i, ClassifiedLine(LineKind.TEXT, Line(rec.head.rest)))
        else:
            self._open(i, rec)

    def _repeats_open_heading(self, head: Head) -> bool:
        """The heading of the provision just opened, again, before any of its text."""
        cur = self.current
        return (
            cur is not None
            and (cur.head.family, cur.head.number) == (head.family, head.number)
            and not any(t.strip() for _, t in cur.parts)
        )

    def _on_end(self, i: int, rec: ClassifiedLine) -> None:
        self._close()
        self.quoting = False

    def _on_text(self, i: int, rec: ClassifiedLine) -> None:
        if self.final_prefix and rec.head is not None and not self.quoting:
            self._open(i, rec)  # "PRIMERA: …" among transitional provisions
        elif self.current is None:
            if rec.line.heading:
                self.free_heading = clean_label(rec.line.text)
                self.free_heading_part = -1
        else:
            self._text_line(i, rec)

    def _text_line(self, i: int, rec: ClassifiedLine) -> None:
        text = rec.line.text
        # a source heading inside a provision may open a new instrument or language version
        if rec.line.heading and self.current is not None:
            self.free_heading = clean_label(text)
            self.free_heading_part = len(self.current.parts)
        if rec.note_start < 0:
            self._add_text(i, text)
            return
        before = text[: rec.note_start].rstrip()
        if before:
            self._add_text(i, before)
        self.note_depth = 0
        self._note_fragment(i, text[rec.note_start :], new=True)

    def _note_fragment(self, i: int, text: str, new: bool) -> None:
        depth = self.note_depth
        cut = len(text)
        for k, ch in enumerate(text):
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
                if depth <= 0:
                    cut = k + 1
                    depth = 0
                    break
        if new:
            self.note_depth = 0
        self._add_note(i, text[:cut])
        self.note_depth = depth
        tail = text[cut:].strip()
        if tail and depth == 0:
            pm = PAREN_NOTE.search(tail)
            if pm and pm.start() == 0:
                self._note_fragment(i, tail, new=True)
            elif tail.strip(" .;,"):
                self._add_text(i, tail)

    def _continue_note(self, i: int, rec: ClassifiedLine) -> None:
        if rec.kind == LineKind.BLANK:
            return
        self._note_fragment(i, rec.line.text, new=False)
        if self.current is not None and self.note_depth > 0:
            # a runaway bracket must not swallow the rest of the law
            note = self.current.notes[-1] if self.current.notes else ""
            if len(note) > 1500:
                self.note_depth = 0


def _is_repealed(title: str, text: str, notes: list[str]) -> bool:
    """Repealed when a repeal word is said of the provision and little else is left."""
    if not any(REPEAL.search(s) for s in (title, text, *notes)):
        return False
    residue = " ".join(
        sentence
        for sentence in re.split(r"(?<=[.;])\s+|\n", text)
        if not REPEAL.search(sentence) and sentence.strip() != title
    )
    return len(re.sub(r"[\W\d_]", "", residue)) < 25
