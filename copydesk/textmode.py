"""Text mode (being written: see issue 4)."""
from __future__ import annotations

from typing import Any

from .article import Article


def extract_text(text: str, *, url: str | None = None, **options: Any) -> Article:
    raise NotImplementedError
