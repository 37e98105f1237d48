"""The Jinja environments that render every HTML and Markdown file of reports/, from the
templates in reports/templates."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from jinja2 import Environment, PackageLoader
from markupsafe import Markup


def _escape(value: Any) -> Markup:
    """Escape as `html.escape` does (quotes as &quot; and &#x27;), None as nothing: the same
    bytes as the exports and reports written before they had templates."""
    if isinstance(value, Markup):
        return value
    return Markup(html.escape("" if value is None else str(value)))


def _markdown_cell(value: Any) -> str:
    """A value inside a Markdown table cell: a pipe or a line break would end the cell."""
    return str(value if value is not None else "").replace("|", "\\|").replace("\n", " ")


def _environment(autoescape: bool, finalize: Callable[[Any], Any] | None) -> Environment:
    # Block tags on lines of their own leave no blank lines; files end as the templates do.
    return Environment(
        loader=PackageLoader("reports"),
        autoescape=autoescape,
        finalize=finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


HTML = _environment(autoescape=True, finalize=_escape)
MARKDOWN = _environment(autoescape=False, finalize=None)
MARKDOWN.filters["cell"] = _markdown_cell


def render_html(template: str, **context: Any) -> str:
    return HTML.get_template(template).render(**context)


def render_markdown(template: str, **context: Any) -> str:
    return MARKDOWN.get_template(template).render(**context)
