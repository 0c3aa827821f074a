"""Options: one frozen dataclass, passed down every stage (picklable, no process-wide state)."""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

FAVOR = ("precision", "balanced", "recall")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_TIMEOUT = 10.0


@dataclass(frozen=True, slots=True)
class Options:
    include_comments: bool = False  # put the comment section into `comments`
    include_tables: bool = True
    include_images: bool = False  # image blocks in the body
    include_links: bool = False  # keep links (markdown / html)
    favor: str = "balanced"  # "precision" | "balanced" | "recall"
    max_bytes: int = DEFAULT_MAX_BYTES  # larger inputs get status "too_large"
    timeout: float | None = DEFAULT_TIMEOUT  # seconds of extraction per page; None for no limit
    with_metadata: bool = True
    # fill `quotes` (who said what). None: on in text mode, off in the HTML engine (there it adds CPU
    # time that most corpus jobs do not need)
    with_quotes: bool | None = None
    target_language: str | None = None  # status "empty" with a reason when the page is in another language

    def __post_init__(self) -> None:
        if self.favor not in FAVOR:
            raise ValueError(f"favor must be one of {FAVOR}, not {self.favor!r}")
        if not isinstance(self.max_bytes, int) or self.max_bytes <= 0:
            raise ValueError("max_bytes must be a positive int")
        if self.timeout is not None and not (isinstance(self.timeout, (int, float)) and self.timeout > 0):
            raise ValueError("timeout must be a positive number of seconds or None")

    @classmethod
    def make(cls, options: Options | None = None, **kw: Any) -> Options:
        """Options from an Options object and/or keyword overrides; unknown names are an error."""
        names = {f.name for f in fields(cls)}
        unknown = set(kw) - names
        if unknown:
            raise TypeError(f"unknown option(s): {', '.join(sorted(unknown))}")
        base = options if options is not None else cls()
        return replace(base, **kw) if kw else base
