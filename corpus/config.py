"""Settings: defaults here, overridden by one TOML file, then by C177_* environment variables,
then by command-line flags (the CLI passes those in)."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path

# Data kept out of the importable code: annotations and the sample statutes.
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
SAMPLES_DIR = DATA_DIR / "samples"
SAMPLES_MANIFEST = SAMPLES_DIR / "MANIFEST.tsv"
# The real statutes beside a checkout, when present (tests and benchmarks only; read-only).
SHARED_LAWS = DATA_DIR.parent.parent / "shared" / "laws"


@dataclass(frozen=True)
class Settings:
    db: str = "c177.sqlite"  # a path or sqlite:///PATH
    model_dir: str = ""  # "" means the model shipped in classifiers/models
    exports_dir: str = "exports"
    downloads_dir: str = ".c177-downloads"  # cache of files fetched from manifest URLs
    reviewer: str = ""  # default reviewer name in the review app
    engine: str = "pdfium"  # reads PDFs: pdfium (fast) or pdfplumber (the reference)


def load_settings(config_file: Path | None = None, **overrides: str | None) -> Settings:
    """Settings from `c177.toml` (or C177_CONFIG, or `config_file`), the environment and flags.

    Flags given as None are ignored, so a CLI can pass every option through."""
    settings = Settings()
    path = config_file or Path(os.environ.get("C177_CONFIG", "c177.toml"))
    if path.is_file():
        with open(path, "rb") as handle:
            from_file = tomllib.load(handle).get("c177", {})
        settings = replace(settings, **_known(from_file))
    from_env = {
        f.name: os.environ[f"C177_{f.name.upper()}"]
        for f in fields(Settings)
        if f"C177_{f.name.upper()}" in os.environ
    }
    settings = replace(settings, **from_env)
    return replace(settings, **_known({k: v for k, v in overrides.items() if v is not None}))


def _known(values: dict) -> dict:
    names = {f.name for f in fields(Settings)}
    unknown = set(values) - names
    if unknown:
        raise ValueError(f"unknown setting(s): {', '.join(sorted(unknown))}")
    return {k: str(v) for k, v in values.items()}
