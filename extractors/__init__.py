"""Reading laws: `read(path)` for any supported file, `split(doc, language)` for provisions,
`detect(text)` for the language.

Formats are recognised by their bytes (`sniff`), then read by the reader the registry
`READERS` holds for them.
"""

from __future__ import annotations

from extractors.language import detect
from extractors.provisions import split
from extractors.readers import DEFAULT_PDF_ENGINE, PDF_ENGINES, READERS, read
from extractors.sniff import sniff

__all__ = ["READERS", "read", "sniff", "split", "detect", "PDF_ENGINES", "DEFAULT_PDF_ENGINE"]
