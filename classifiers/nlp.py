"""spaCy pipelines that mark what the C177 labelling contract turns on.

One pipeline per language (en, es, fr, pt, de, nl; every other language shares a blank
multilingual "xx" pipeline with the union of all lexicons), built once per process from the
components of `classifiers/components/`:

    blank(lang) -> c177_sentencizer -> c177_lemmatizer (lookup, lowercased) -> c177_marks

`c177_marks` documents the attributes it sets on every Doc.
"""

from __future__ import annotations

import functools

import spacy
from spacy.language import Language

import classifiers.components  # noqa: F401 - registers the component factories
from classifiers.lexicon import MULTILINGUAL, NATIVE_LANGUAGES


def pipeline_language(language: str) -> str:
    """The pipeline a language uses: its own, or the multilingual one."""
    lang = (language or "").lower().split("-")[0].split("_")[0]
    return lang if lang in NATIVE_LANGUAGES else MULTILINGUAL


def get_nlp(language: str) -> Language:
    """The pipeline for a language, built once per process."""
    return _build(pipeline_language(language))


@functools.cache
def _build(lang: str) -> Language:
    nlp = spacy.blank(lang)
    nlp.add_pipe("c177_sentencizer")
    nlp.add_pipe("c177_lemmatizer", config={"lexicon": lang})
    nlp.add_pipe("c177_marks", config={"lexicon": lang})
    nlp.initialize()
    return nlp
