"""The term lists of `classifiers/lexicons/<lang>.toml` (see the README there), by pipeline
language: one file per native language, their union for every other language."""

from __future__ import annotations

import functools
import tomllib
from typing import Any

from classifiers.version import LEXICON_DIR, lexicon_files

NATIVE_LANGUAGES = ("en", "es", "fr", "pt", "de", "nl")
MULTILINGUAL = "xx"


def _merge(into: dict[str, Any], lexicon: dict[str, Any]) -> None:
    for key, value in lexicon.items():
        if isinstance(value, dict):
            _merge(into.setdefault(key, {}), value)
        elif isinstance(value, list):
            into.setdefault(key, [])
            into[key].extend(v for v in value if v not in into[key])
        else:
            into.setdefault(key, value)


@functools.cache
def load_lexicon(lang: str) -> dict[str, Any]:
    """The lexicon of a pipeline language; "xx" is the union of all files."""
    if lang == MULTILINGUAL:
        merged: dict[str, Any] = {}
        for path in lexicon_files():
            with open(path, "rb") as handle:
                _merge(merged, tomllib.load(handle))
        merged["language"] = MULTILINGUAL
        return merged
    path = LEXICON_DIR / f"{lang}.toml"
    if not path.exists():
        return load_lexicon(MULTILINGUAL)
    with open(path, "rb") as handle:
        return tomllib.load(handle)
