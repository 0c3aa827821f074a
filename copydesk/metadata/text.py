"""Small string helpers shared by the metadata readers."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator


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


try:  # the letters re.I matches beyond simple lower-casing (i ~ ı, s ~ ſ, о ~ ᲂ ...), Python 3.11+
    from re._casefix import _EXTRA_CASES
    _UNSAFE = frozenset(chr(c) for k, v in _EXTRA_CASES.items() for c in (k, *v) if c > 127) | {"\u0130"}
except ImportError:  # older Pythons: non-ASCII text always takes the re.I pattern
    _UNSAFE = None


class Caseless:
    """A re.I pattern written in lower case, searched at a fraction of the cost (re.I turns off the
    regex engine's fast scans): the text is lower-cased and searched case-sensitively, which matches
    the same wherever lower-casing agrees with re.I's case folding and keeps every offset: ASCII text
    (the common case: class names, ids), and text without the few letters where the two differ
    (dotless i, long s, İ, which also grows when lower-cased ...). Other text goes to the re.I pattern."""

    __slots__ = ("folded", "plain")

    def __init__(self, pattern: str) -> None:
        # lower case only (an upper-case escape as \\S would change meaning), and none of the
        # letters that re.I matches to an ASCII letter (dotless i, long s, Kelvin sign, İ)
        if pattern != pattern.lower() or any(c in pattern for c in "\u0131\u017f\u212a\u0130"):
            raise ValueError(f"a Caseless pattern is written in lower case: {pattern!r}")
        self.folded, self.plain = re.compile(pattern, re.I), re.compile(pattern)

    def _lowered(self, text: str) -> str | None:
        if text.isascii():
            return text.lower()
        if _UNSAFE is None or not _UNSAFE.isdisjoint(text):
            return None
        low = text.lower()
        return low if len(low) == len(text) else None

    def search(self, text: str) -> re.Match[str] | None:
        low = self._lowered(text)
        return self.plain.search(low) if low is not None else self.folded.search(text)

    def match(self, text: str) -> re.Match[str] | None:
        low = self._lowered(text)
        return self.plain.match(low) if low is not None else self.folded.match(text)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """Matches with the offsets of `text` (their groups are lower case where the text is lowered)."""
        low = self._lowered(text)
        return self.plain.finditer(low) if low is not None else self.folded.finditer(text)
