"""The spaCy components of the c177 pipelines, one per module; importing this package
registers their factories (`c177_sentencizer`, `c177_lemmatizer`, `c177_marks`)."""

from classifiers.components import lemmatizer, marks, sentencizer

__all__ = ["lemmatizer", "marks", "sentencizer"]
