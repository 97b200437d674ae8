"""Running a ``luoshi bench`` command from a test.

A benchmark configures Django itself, so it runs in a process of its own, without the
``LUOSHI_`` and ``DJANGO_`` variables (the test settings) this process was set up with.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def bench(name: str, *args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LUOSHI_", "DJANGO_"))}
    return subprocess.run(  # noqa: S603 -- our own interpreter and module, the test's arguments
        [sys.executable, "-m", "luoshi.cli", "bench", name, *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def bench_ok(name: str, *args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    """``bench``, which must succeed; its output's tail says why when it does not."""
    result = bench(name, *args, timeout=timeout)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result
