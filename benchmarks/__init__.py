"""Benchmarks, run by ``luoshi bench NAME`` (never as timed tests): see benchmarks/README.md."""
