"""Benchmarks of the c177 pipeline: `python -m benchmarks.run` (see benchmarks/README.md)."""
