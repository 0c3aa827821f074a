"""Small string helpers shared by the metadata readers."""
from __future__ import annotations

from collections.abc import Callable, Iterable


def norm(s: str | None) -> str:
    """Whitespace collapsed to single spaces (str.split is several times faster than a regex)."""
    return " ".join(s.split()) if s else ""


def unique(values: Iterable[str], *, limit: int | None = None,
           key: Callable[[str], str] = str.casefold) -> list[str]:
    """`values` in order without repeats (compared by `key`: case-folded), at most `limit`; stops
    reading `values` once the limit is reached (a generator is consumed no further)."""
    seen: set[str] = set()
    out: list[str] = []
    for v in values:
        k = key(v)
        if k in seen:
            continue
        seen.add(k)
        out.append(v)
        if limit is not None and len(out) >= limit:
            break
    return out
