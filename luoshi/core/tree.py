"""Materialised paths for trees (units, tasks): "/0000000001/0000000042/".

Ids are zero-padded so that ordering by path is tree order (a plain "/10/" would sort before
"/2/"), and "everything under X" is one indexed prefix match on X's path.
"""

from __future__ import annotations

WIDTH = 10


def child_path(parent_path: str | None, pk: int) -> str:
    """
    >>> child_path(None, 7)
    '/0000000007/'
    >>> child_path('/0000000007/', 42)
    '/0000000007/0000000042/'
    """
    return f"{parent_path or '/'}{pk:0{WIDTH}d}/"


def depth_of(path: str) -> int:
    """0 for a root.

    >>> depth_of('/0000000007/0000000042/')
    1
    """
    return path.count("/") - 2


def ids_on(path: str) -> list[int]:
    """The ids along ``path``, root first.

    >>> ids_on('/0000000007/0000000042/')
    [7, 42]
    """
    return [int(part) for part in path.strip("/").split("/") if part]
