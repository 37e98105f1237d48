"""The `c177` command."""

from cli.pipeline import app

__all__ = ["app"]
