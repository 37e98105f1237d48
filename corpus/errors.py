"""Every error c177 reports to a user derives from `C177Error`: its message is one line that
names the file, URL or value at fault and says why. The CLI turns any of them into one red line
and exit code 2; a run that meets one for a single document reports it and goes on."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from corpus.store import Review


class C177Error(Exception):
    """Something c177 cannot do, said in one line."""


class UsageError(C177Error):
    """A command given something it cannot use (an unknown format, nothing to train on)."""


class ExtractionError(C177Error):
    """A file that cannot be read. The message names the file and says why."""

    def __init__(self, path: Path | str, reason: str):
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path.name}: {reason}")

    @classmethod
    def unexpected(cls, path: Path | str, error: Exception) -> ExtractionError:
        """Any other exception met while reading `path` (a library's own, on a damaged file),
        said in one line."""
        reason = " ".join(str(error).split())[:200]
        return cls(path, f"cannot be read ({type(error).__name__}: {reason})")


class ManifestError(C177Error):
    """A manifest that cannot be used; the message names the file and the line."""


class DownloadError(C177Error):
    """A URL that could not be fetched; the message names the URL and says why."""


class AnnotationError(C177Error, ValueError):
    """An annotation record that breaks the format: the message names the file and line."""


class ReviewConflict(C177Error):
    """Another reviewer changed the provision since this reviewer loaded it."""

    def __init__(self, current: Review):
        self.current = current
        super().__init__(
            f"{current.reviewer} already reviewed this provision at {current.at}: "
            f"status {current.status_after}, topics {', '.join(current.topics_after) or 'none'}"
        )


class SearchRefused(C177Error):
    """A full-text search too long or too slow to run: the message says what to do."""


class DiffError(C177Error):
    """The runs to compare cannot be found."""


class ReportError(C177Error):
    """A report that cannot be built (unknown jurisdiction, empty store, bad templates)."""


class PrefectServerError(C177Error):
    """Prefect's temporary server could not start; the message says what to do."""


class ScheduleError(C177Error):
    """A schedule that cannot be served; the message says why."""


class BindRefused(C177Error, ValueError):
    """A non-loopback bind address without a token."""
