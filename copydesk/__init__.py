"""copydesk: raw web pages in, clean structured articles out.

    >>> import copydesk
    >>> art = copydesk.extract(html_bytes, url="https://example.org/a")
    >>> art.title, art.text, art.markdown, art.authors, art.date_published
"""
from .article import Article, Block, Quote, Removed
from .extract import extract
from .options import Options
from .textmode import extract_text, extract_texts

__all__ = ["Article", "Block", "Options", "Quote", "Removed", "extract", "extract_text", "extract_texts"]
__version__ = "0.1.0"
