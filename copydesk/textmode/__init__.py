"""Text mode: clean text that a naive extractor left (a page flattened to lines, furniture included).

    >>> art = copydesk.extract_text(flat_text, url="https://example.org/a")
    >>> art.text, art.title, art.authors, art.captions, art.bio, art.removed
    >>> for art in copydesk.textmode.extract_texts(texts, urls=urls): ...   # many documents, faster

Each non-empty line is classified by a small shipped model (line shape, UI vocabulary in many languages,
neighbours, repetition, comment and timestamp markers, place relative to the densest run of prose and
to the page's main run of body); then captions, the author bio, the
byline, the title and the site name are recognised by their grammar and kept apart. Every line that is
not body is reported in `Article.removed` with its kind and the reason.

Corpus mode (two passes): `learn_templates((site_key(url), text) for ...)` counts, per site, the
documents each line occurs in; `extract_text(text, url=..., templates=st)` then drops the lines that
recur across the site's documents (kind "template"), even when they look like prose.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from operator import itemgetter
from typing import Any

import numpy as np

from ..article import EMPTY, ERROR, LIST, NOT_HTML, OK, PARAGRAPH, TOO_LARGE, Article, Block, Removed, failed
from ..blas import one_blas_thread
from ..metadata.dates import UPDATE_WORDS, parse_date
from ..options import Options
from ..quotes import find_quotes
from . import roles
from .lines import (
    BULLETS,
    FEATURE_NAMES,
    LONG_PROSE,
    PROSE_MIN_WORDS,
    TERMINAL,
    LineFeatures,
    ends_sentence,
    extract_features,
    extract_features_many,
    stacked_rows,
    stage2_features,
    stage2_features_many,
)
from .model import DEFAULT_THRESHOLD, load_model
from .templates import MAX_TEMPLATE_CHARS, SiteTemplates, learn_templates, line_key, site_key

__all__ = ["SiteTemplates", "classify_lines", "classify_many", "extract_text", "extract_texts", "learn_templates",
           "site_key"]

# Bad-input sniffing: share of control characters (besides whitespace) that makes text binary.
SNIFF_CHARS = 65536
BINARY_CONTROL_SHARE = 0.01
HTML_START = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b",
                        re.IGNORECASE | re.DOTALL)
HTML_TAG = re.compile(r"</?(?:p|div|span|a|br|li|ul|script|style|meta|link|table|td|tr|h[1-6]|img)\b[^>]*>",
                      re.IGNORECASE)
# Tags per 1000 characters above which a text without an <html> start is still HTML.
HTML_TAGS_PER_KCHAR = 5.0
HTML_MIN_TAGS = 10
# `favor` shifts the body threshold of the classifier's probability.
FAVOR_SHIFT = {"precision": 0.12, "balanced": 0.0, "recall": -0.15}
# When no line reaches the threshold, prose lines within this factor of the best one are the body.
FALLBACK_REL = 0.6
# Body lines that may be headings: no sentence end and at most this many words.
HEADING_MAX_WORDS = 15
CONTROL_BYTES = bytes([*range(0, 9), *range(0x0e, 0x20), 0x7f])
_DEFAULT_OPTIONS = Options()
# Documents classified together by extract_texts (enough to amortise numpy's per-call cost, few enough to
# keep the batch's arrays in cache-friendly sizes).
BATCH_DOCS = 64
# ... and at most about this many characters (a batch's arrays hold ~30 bytes per character).
BATCH_CHARS = 4_000_000


def _sniff(text: str) -> str | None:
    """Why this is not plain text ("binary", "html"), or None."""
    head = text[:SNIFF_CHARS]
    # Control characters are single bytes in UTF-8 (never part of a longer sequence): count them by deleting
    # them from the encoded head (a C loop; a regex scan of the head cost more than the rest of the sniff).
    hb = head.encode("utf8", "surrogatepass")
    ctrl = len(hb) - len(hb.translate(None, CONTROL_BYTES))
    if ctrl and ("\x00" in head or ctrl / len(head) > BINARY_CONTROL_SHARE):
        return "binary"
    if "\ufffd" in head and head.count("\ufffd") / max(len(head), 1) > 0.1:
        return "binary"
    if "<" in head:
        if HTML_START.match(head):
            return "html"
        if head.count("<") < max(HTML_MIN_TAGS, HTML_TAGS_PER_KCHAR * len(head) / 1000):
            return None  # too few "<" for that many tags: skip the tag scan
        tags = len(HTML_TAG.findall(head))
        if tags >= HTML_MIN_TAGS and tags * 1000 / max(len(head), 1) >= HTML_TAGS_PER_KCHAR:
            return "html"
    return None


def classify_lines(feats: LineFeatures, not_body_from: int | None = None) -> np.ndarray:
    """Probability that each non-empty line is body. Lines from `not_body_from` on are known not to be (a
    comment thread): stage 1 gives them 0, so that stage 2's context (the densest run of body, the
    neighbours) is the rest's."""
    model = load_model()
    if model is None:  # no trained model shipped: prose-like lines are body
        X = feats.X
        return np.clip(0.2 + 0.6 * X[:, LONG_PROSE] + 0.2 * (feats.words >= PROSE_MIN_WORDS) - 0.4 * (feats.ui > 0.25),
                       0, 1).astype(np.float32)
    with one_blas_thread():  # one limit for every stage (MLP.predict's own is then free)
        p = model.stage1.predict(feats.X)
        if not_body_from is not None:
            p[not_body_from:] = 0
        for stage in model.later:
            p = stage.predict(stage2_features(feats, p))
    return p


def classify_many(feats: list[LineFeatures]) -> list[np.ndarray]:
    """`classify_lines` for many documents, each model stage run once over all their lines."""
    model = load_model()
    sizes = [len(f.text) for f in feats]
    if model is None or len(feats) == 1:
        return [classify_lines(f) if n else np.zeros(0, np.float32) for f, n in zip(feats, sizes, strict=True)]
    cuts = np.cumsum(sizes)[:-1]
    with one_blas_thread():
        p = model.stage1.predict(stacked_rows([f.X for f in feats]))
        for stage in model.later:
            p = stage.predict(stage2_features_many(feats, p))
    return np.split(p, cuts)


def _threshold(opts: Options) -> float:
    model = load_model()
    base = model.threshold if model is not None else DEFAULT_THRESHOLD
    return base + FAVOR_SHIFT.get(opts.favor, 0.0)


def _reason_codes(feats: list[LineFeatures]) -> list[np.ndarray]:
    """Why the classifier would drop each line, as bits of an index into REASONS: for many documents, computed
    once over all their lines (a handful of numpy calls per batch instead of per document)."""
    end, words, ui, rep, marker = (np.concatenate(cols) for cols in zip(
        *((f.X[:, END_TERMINAL], f.words, f.ui, f.repeat, f.marker) for f in feats), strict=True))
    codes = ((end == 0) * 1 + (words < SHORT_WORDS) * 2 + (ui > 0) * 4 + (rep > 1) * 8
             + (marker > 0) * 16).astype(np.int64)
    return np.split(codes, np.cumsum([len(f.text) for f in feats])[:-1])


def _removed(lines: list[str], body: np.ndarray, role: dict[int, tuple[str, str]], codes: np.ndarray) -> list[Removed]:
    """One Removed per line kept apart by a rule (caption, bio, title ...); each run of consecutive lines
    the classifier dropped shares one Removed (their text joined by newlines) whose reason names every
    cause found in the run. Few objects per page: this stays cheap on long menus and comment threads."""
    # Runs of dropped lines from where `gone` (padded with False at both ends) changes: [edges[0], edges[1]),
    # [edges[2], edges[3]) ... (np.diff with prepend/append costs ten times these slices at page sizes)
    gone = np.zeros(len(body) + 2, bool)
    np.logical_not(body, out=gone[1:-1])
    if role:
        gone[[i + 1 for i in role]] = False
    edges = np.flatnonzero(gone[1:] != gone[:-1])
    runs: list[Removed] = []
    if len(edges):
        code = np.bitwise_or.reduceat(np.append(codes, 0), edges)[::2].tolist()  # (codes padded: an end may be n)
        runs = [Removed("boilerplate", lines[a] if b - a == 1 else "\n".join(lines[a:b]), REASONS[c])
                for a, b, c in zip(edges[::2].tolist(), edges[1::2].tolist(), code, strict=True)]
    if not role:
        return runs
    out = [(i, Removed(kind, lines[i], why)) for i, (kind, why) in role.items()]
    out.extend(zip(edges[::2].tolist(), runs, strict=True))
    return [r for _i, r in sorted(out, key=itemgetter(0))]


def _dates(datelines: list[str]) -> tuple[str | None, str | None]:
    """(published, modified) from the datelines above the body: a line that announces an update
    ("Updated: ...") gives the modification date, the first other one the publication date."""
    published = modified = None
    for s in datelines:
        if UPDATE_WORDS.search(s):
            modified = modified or parse_date(s)
        else:
            published = published or parse_date(s)
    return published, modified


def _comment_headers(lines: list[str], feats: LineFeatures, start: int) -> list[int]:
    """Comment header lines at or after `start` (only lines ending with a colon are tested)."""
    cand = np.flatnonzero(feats.X[start:, END_COLON] > 0) + start
    n = len(lines)
    return [i for i in cand.tolist() if roles.is_comment_header(lines[i], lines[i + 1] if i + 1 < n else "")]


def _best_prose(feats: LineFeatures, p: np.ndarray, end: int | None = None) -> np.ndarray:
    """The body of a page the model is unsure of: its prose lines (before `end`) within FALLBACK_REL of the
    most likely one."""
    prose = feats.X[:, LONG_PROSE] > 0
    if end is not None:
        prose[end:] = False
    if not prose.any():
        return prose
    return prose & (p >= FALLBACK_REL * float(p[prose].max()))


def _about_boxes(feats: LineFeatures, start: int, role: dict[int, tuple[str, str]], authors: list[str]) -> list[str]:
    """About boxes from line `start` on (a short heading naming a person or the site, then a paragraph about
    it): both lines go to `role`; the paragraphs about a person are returned (bios)."""
    lines, w = feats.text, feats.words[start:]
    bios = []
    for i in (np.flatnonzero((w[:-1] <= roles.ABOUT_MAX_WORDS) & (w[1:] >= roles.ABOUT_MIN_WORDS)) + start).tolist():
        if i in role or i + 1 in role:
            continue
        subject = roles.about_box(lines[i], lines[i + 1])
        if subject:
            person = subject == "author" or subject in authors or roles.bio_author(lines[i + 1]) is not None
            kind = "bio" if person else "about"
            role[i] = role[i + 1] = (kind, f"{'author bio' if person else 'about box'}: under '{lines[i]}'")
            if person:
                bios.append(lines[i + 1])
    return bios


def _end_at_bio(feats: LineFeatures, body: np.ndarray, role: dict[int, tuple[str, str]]) -> None:
    """A bio (or about box) after most of the body's words closes the article: the body lines after it are the
    page's furniture. (Words, not lines: a stray line kept at the page's top must not make a bio above the
    article look like its end.)"""
    bio_lines = [i for i, r in role.items() if r[0] in ("bio", "about")]
    if not bio_lines:
        return
    kept_words = np.cumsum(np.where(body, feats.words, 0))
    closing = [i for i in bio_lines if kept_words[i] >= kept_words[-1] - kept_words[i]]
    if closing:
        for i in range(max(closing) + 1, len(body)):
            if body[i] and i not in role:
                body[i] = False


def _reason_text(code: int) -> str:
    why = [w for bit, w in ((1, "no sentence end"), (2, "short"), (4, "interface words"), (8, "repeated in page"),
                            (16, "comment or timestamp words")) if code & bit]
    return "line classifier: " + (", ".join(why) if why else "outside the main text")


SHORT_WORDS = 4
REASONS = tuple(_reason_text(c) for c in range(32))
END_TERMINAL = FEATURE_NAMES.index("end_terminal")
END_COLON = FEATURE_NAMES.index("end_colon")


def _blocks(lines: list[str]) -> tuple[Block, ...]:
    """Body lines -> blocks: bullet runs become lists, short unpunctuated lines before prose headings."""
    out: list[Block] = []
    items: list[str] = []
    make = Block
    n = len(lines)
    for k, s in enumerate(lines):
        if s[0] in BULLETS and len(s) > 1 and s[1] in " \t":
            items.append(s[1:].strip())
            continue
        if items:
            out.append(make(LIST, "\n".join(items), items=tuple(items)))
            items = []
        last = s[-1]
        if last not in TERMINAL and last not in ",;:" and k + 1 < n and lines[k + 1][-1] in TERMINAL:
            # word counts with maxsplit: a long paragraph is not split into all its words to learn it is long
            ws = len(s.split(None, HEADING_MAX_WORDS))
            if ws <= HEADING_MAX_WORDS and len(lines[k + 1].split(None, ws)) > ws:
                out.append(make("heading", s, level=2))
                continue
        out.append(make(PARAGRAPH, s))
    if items:
        out.append(make(LIST, "\n".join(items), items=tuple(items)))
    return tuple(out)


def _options(options: Options | None, kw: dict[str, Any]) -> Options | str:
    """The options to use, or why they are bad."""
    if not kw and (options is None or isinstance(options, Options)):
        return options or _DEFAULT_OPTIONS  # the common case, without Options.make's field checks
    try:
        return Options.make(options, **kw)
    except (TypeError, ValueError) as e:
        return f"bad options: {e}"


def _precheck(text: Any, url: str | None, opts: Options, warnings: list[str]) -> tuple[str | None, Article | None]:
    """(the text to classify, None) or (None, the Article that answers bad input)."""
    if isinstance(text, (bytes, bytearray)):
        text = bytes(text).decode("utf8", errors="replace")
        warnings.append("input was bytes: decoded as UTF-8")
    if not isinstance(text, str):
        return None, failed(ERROR, f"text must be str, not {type(text).__name__}", url=url)
    if len(text) > opts.max_bytes:
        return None, failed(TOO_LARGE, f"text of {len(text)} characters is above max_bytes={opts.max_bytes}", url=url)
    kind = _sniff(text)
    if kind == "binary":
        return None, failed(NOT_HTML, "binary data, not text", url=url)
    if kind == "html":
        return None, _as_html(text, url, opts)
    return text, None


def extract_text(text: str, *, url: str | None = None, options: Options | None = None,
                 templates: SiteTemplates | None = None, site: str | None = None, **kw: Any) -> Article:
    """Clean one flattened document. `site` overrides the grouping key used with `templates`
    (default: `site_key(url)`). Never raises on bad input: the status says what was wrong."""
    opts = _options(options, kw)
    if isinstance(opts, str):
        return failed(ERROR, opts, url=url)
    warnings: list[str] = []
    clean, answer = _precheck(text, url, opts, warnings)
    if answer is not None:
        return answer
    try:
        feats = extract_features(clean)
        p = classify_lines(feats) if len(feats.text) else None
        return _finish(clean, feats, p, url, opts, templates, site, warnings)
    except Exception as e:  # a bug must not take a corpus job down: report it on this document
        return failed(ERROR, f"{type(e).__name__}: {e}", url=url, warnings=tuple(warnings))


def extract_texts(texts: Iterable[str], *, urls: Iterable[str | None] | None = None,
                  options: Options | None = None, templates: SiteTemplates | None = None,
                  sites: Iterable[str | None] | None = None, batch_docs: int = BATCH_DOCS,
                  **kw: Any) -> Iterator[Article]:
    """Clean many flattened documents: the same Articles as `extract_text` on each, in order, faster.

    Documents are classified in batches of `batch_docs` (features, both model stages and their context
    computed once per batch, not once per page: at page sizes numpy's per-call overhead is most of the
    cost). `urls` and `sites` run alongside `texts` (None: no URL / `site_key(url)`)."""
    opts = _options(options, kw)
    url_it = iter(urls) if urls is not None else None
    site_it = iter(sites) if sites is not None else None
    batch: list[tuple[Any, str | None, str | None]] = []
    size = 0
    for text in texts:
        batch.append((text, next(url_it, None) if url_it else None, next(site_it, None) if site_it else None))
        size += len(text) if isinstance(text, (str, bytes, bytearray)) else 0
        if len(batch) >= max(batch_docs, 1) or size >= BATCH_CHARS:
            yield from _batch(batch, opts, templates)
            batch, size = [], 0
    if batch:
        yield from _batch(batch, opts, templates)


def _batch(batch: list[tuple[Any, str | None, str | None]], opts: Options | str,
           templates: SiteTemplates | None) -> list[Article]:
    if isinstance(opts, str):
        return [failed(ERROR, opts, url=u) for _t, u, _s in batch]
    out: list[Article | None] = [None] * len(batch)
    todo: list[tuple[int, str, list[str]]] = []
    for k, (text, url, _site) in enumerate(batch):
        warnings: list[str] = []
        clean, answer = _precheck(text, url, opts, warnings)
        if answer is not None:
            out[k] = answer
        else:
            todo.append((k, clean, warnings))
    if todo:
        try:
            feats = extract_features_many([c for _k, c, _w in todo])
            probs = classify_many(feats)
            codes = _reason_codes(feats)
        except Exception:  # a bug on one page must not fail the batch: fall back to one page at a time
            for k, _c, _w in todo:
                text, url, site = batch[k]
                out[k] = extract_text(text, url=url, options=opts, templates=templates, site=site)
            return out  # type: ignore[return-value]
        for (k, clean, warnings), f, p, c in zip(todo, feats, probs, codes, strict=True):
            _text, url, site = batch[k]
            try:
                out[k] = _finish(clean, f, p, url, opts, templates, site, warnings, c)
            except Exception as e:
                out[k] = failed(ERROR, f"{type(e).__name__}: {e}", url=url, warnings=tuple(warnings))
    return out  # type: ignore[return-value]


def _as_html(text: str, url: str | None, opts: Options) -> Article:
    """HTML passed to text mode: route it to the HTML extractor, saying so."""
    note = "input is HTML, not flattened text: extracted with copydesk.extract"
    try:
        from ..extract import extract

        art = extract(text, url=url, options=opts)
    except Exception as e:
        return failed(NOT_HTML, f"input is HTML, not flattened text (HTML extraction failed: {e})", url=url)
    from dataclasses import replace

    return replace(art, warnings=(*art.warnings, note))


def _finish(text: str, feats: LineFeatures, p: np.ndarray | None, url: str | None, opts: Options,
            templates: SiteTemplates | None, site: str | None, warnings: list[str],
            codes: np.ndarray | None = None) -> Article:
    """One document's Article from its line features and body probabilities."""
    n = len(feats.text)
    if n == 0 or p is None:
        return failed(EMPTY, "no text", url=url, warnings=tuple(warnings))
    lines = feats.text
    body = p >= _threshold(opts)
    if not body.any():  # a short page the model is unsure of: its best prose lines are still its body
        body = _best_prose(feats, p)
    role: dict[int, tuple[str, str]] = {}  # line -> (kind, reason) for lines kept apart by grammar

    # Corpus mode: lines that recur across the site's documents.
    if templates is not None:
        key = site if site is not None else site_key(url)
        tkeys = templates.template_keys(key, text)
        if tkeys:
            for i, s in enumerate(lines):
                if len(s) <= MAX_TEMPLATE_CHARS and line_key(s) in tkeys:
                    role[i] = ("template", f"recurs in >= {templates.threshold(key)} documents of {key or 'the site'}")

    captions: list[str] = []
    bio: list[str] = []
    authors: list[str] = []
    host = site_key(url)
    body_idx = np.flatnonzero(body)
    first_body = int(body_idx[0]) if len(body_idx) else n
    last_body = int(body_idx[-1]) if len(body_idx) else -1
    # Captions and bio: looked for around the body only (a caption far from any prose is furniture anyway).
    lo, hi = max(first_body - roles.TITLE_LOOKBACK, 0), min(last_body + 3, n)
    # Candidates first (a caption ends with its credit or opens with a label; a bio is a capitalised
    # prose line in or after the body), so the grammar runs on few lines.
    # (Both tests come from the line features: no per-line Python over the page.)
    cap_cand = feats.caption_hint[lo:hi]  # ends with ")" or has an early ":"
    bio_cand = (feats.words[lo:hi] >= PROSE_MIN_WORDS) & feats.upper_first[lo:hi]
    bio_cand[:max(first_body - lo, 0)] = False
    is_cap, is_bio = cap_cand.tolist(), bio_cand.tolist()
    for i in (np.flatnonzero(cap_cand | bio_cand) + lo).tolist():
        if i in role:
            continue
        s = lines[i]
        if is_cap[i - lo] and roles.is_caption(s):
            role[i] = ("caption", "caption: a sentence with a media credit")
            captions.append(s)
        elif is_bio[i - lo]:
            name = roles.bio_author(s)
            if name:
                role[i] = ("bio", f"author bio of {name}")
                bio.append(s)
                if name not in authors:
                    authors.append(name)
    bio.extend(_about_boxes(feats, first_body, role, authors))
    for i in roles.rights_notices(lines, np.flatnonzero(body & (feats.words <= roles.RIGHTS_MAX_WORDS)).tolist()):
        role.setdefault(i, ("boilerplate", "copyright notice"))
    _end_at_bio(feats, body, role)

    # A comment thread: from its first header on, the lines the classifier kept are the readers', not the
    # article's (comment text is prose: only the headers tell it apart).
    comments: list[str] = []
    headers = _comment_headers(lines, feats, first_body)
    if len(headers) >= roles.COMMENT_MIN_HEADERS:
        h0 = headers[0]
        # The article, judged again with the thread known not to be body (a thread's prose can outweigh a
        # short article), may grow.
        again = classify_lines(feats, not_body_from=h0)
        more = again[:h0] >= _threshold(opts)
        body[:h0] |= more if more.any() else _best_prose(feats, again, h0)[:h0]
        header_set = set(headers)
        for i in range(headers[0], n):
            if i not in role and (body[i] or i in header_set):
                role[i] = ("comment", "reader comment: in the thread opened by a comment header")
                comments.append(lines[i])

    # Byline, sitename, title: before the first prose line of the body.
    cand = np.flatnonzero(body & (feats.words >= PROSE_MIN_WORDS)).tolist()
    start = next((i for i in cand if i not in role and ends_sentence(lines[i])), first_body)
    datelines: list[str] = []
    for i in range(max(start - roles.TITLE_LOOKBACK, 0), min(start + 3, n)):
        if i in role:
            continue
        names = roles.byline_authors(lines[i])
        if names:
            role[i] = ("byline", "byline")
            authors.extend(a for a in names if a not in authors)
        elif i < start:  # datelines and bare bylines above the first paragraph are metadata, not body
            kind = roles.header_line(lines[i])
            if kind:
                role[i] = (kind, f"{kind}: a short {kind} above the first paragraph")
                if kind == "dateline":
                    datelines.append(lines[i])
    sitename = None
    first = 0
    if lines and 0 not in role and roles.is_sitename(lines[0], lines[1:60], host):
        sitename = lines[0]
        role[0] = ("sitename", "site name: opens the page and recurs in it" if not host else "site name")
        first = 1
    title = None
    for i in range(start - 1, max(start - roles.TITLE_LOOKBACK, first) - 1, -1):
        if i in role:
            continue
        s = lines[i]
        if roles.title_ok(s, float(feats.words[i]), float(feats.ui[i])):
            title = s
            role[i] = ("title", "title: the heading above the body")
            break

    for i in role:
        body[i] = False
    kept = [lines[i] for i in np.flatnonzero(body).tolist()]
    published, modified = _dates(datelines)
    removed = _removed(lines, body, role, _reason_codes([feats])[0] if codes is None else codes)
    if not kept:
        return Article(status=EMPTY, url=url, title=title, sitename=sitename, authors=tuple(authors),
                       date_published=published, date_modified=modified,
                       captions=tuple(captions), bio=tuple(bio), removed=tuple(removed),
                       comments=tuple(comments) if opts.include_comments else (),
                       reason="no body lines found", warnings=tuple(warnings))
    blocks = _blocks(kept)
    quotes = tuple(find_quotes([b.text for b in blocks if b.kind == PARAGRAPH])) if opts.with_quotes is not False \
        else ()
    return Article(status=OK, url=url, title=title, blocks=blocks, authors=tuple(authors), quotes=quotes,
                   date_published=published, date_modified=modified, sitename=sitename, captions=tuple(captions),
                   bio=tuple(bio), removed=tuple(removed),
                   comments=tuple(comments) if opts.include_comments else (),
                   page_type="article", warnings=tuple(warnings))
