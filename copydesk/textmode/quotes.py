"""Who said what: quotations in body paragraphs and the speaker each is attributed to.

A general grammar of attribution in English news prose: a cue verb next to the quotation ("X said:",
"“...,” X said", "X asserted that “...”"), a role before the name ("ministry spokesman X"), pronouns and
"the statement" resolving to the last speaker, and a surname resolving to the full name seen before.
"""
from __future__ import annotations

import re

from ..article import Quote

CUES = ("said", "says", "asserted", "added", "adding", "told", "noted", "explained", "argued", "stated",
        "continued", "wrote", "called", "insisted", "warned", "declared", "claimed", "according to", "denied")
_CUE = "|".join(CUES)
QUOTE_SPAN = re.compile(r"[“\"]([^”\"]{12,})[”\"]")  # greedy = lazy here (the class excludes the closer), and faster
QUOTE_MIN_WORDS = 3
NAME = r"[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+){0,3}"
# "... spokesman Qin Gang said:" / "Qin asserted that" / "He called the accusations" — at the end of the
# text before the quotation.
BEFORE = re.compile(rf"(?P<subj>{NAME}|[Hh]e|[Ss]he|[Tt]hey|[Tt]he \w+)\s+(?P<cue>{_CUE})\b[^“\"]{{0,60}}$")
# "“...,” Jane Doe said" / "“...,” said Jane Doe" — right after it.
AFTER = re.compile(rf"^[,.]?\s*(?:(?P<cue1>{_CUE})\s+(?P<subj1>{NAME})|(?P<subj2>{NAME}|[Hh]e|[Ss]he)\s+(?P<cue2>{_CUE}))\b")
SENTENCE_BOUNDARY = re.compile(r"[a-z0-9)][.!?][”\"]?\s+")
PRONOUNS = frozenset({"he", "she", "they", "it"})
# Clause openers that are not part of a role ("In a statement, spokesman X said").
ROLE_SPLIT = re.compile(r"[,;:]\s*")


def _split_role(subj: str, before: str) -> tuple[str, str | None]:
    """The name, and the role words right before it in the same clause ("ministry spokesman")."""
    clause = ROLE_SPLIT.split(before[: before.rfind(subj)])[-1].strip() if subj in before else ""
    words = clause.split()
    if words and any(w.islower() for w in words):
        return subj, clause
    return subj, None


def find_quotes(paragraphs: list[str]) -> list[Quote]:
    out: list[Quote] = []
    speakers: list[str] = []
    roles: dict[str, str] = {}

    def resolve(subj: str) -> str | None:
        low = subj.lower()
        if low in PRONOUNS or low.startswith("the "):
            return speakers[-1] if speakers else None
        for full in reversed(speakers):  # a surname or first name of someone named before
            if subj != full and subj in full.split():
                return full
        return subj

    for para in paragraphs:
        if '"' not in para and "“" not in para:  # most paragraphs: skip the (slow) regex scan
            continue
        for m in QUOTE_SPAN.finditer(para):
            text = m.group(1).strip().rstrip(",")
            if len(text.split()) < QUOTE_MIN_WORDS:
                continue
            before = para[max(0, m.start() - 160): m.start()]
            # only the current sentence (a full stop after a lower-case letter or digit: "U.S." is no end)
            ends = list(SENTENCE_BOUNDARY.finditer(before))
            sent = before[ends[-1].end():] if ends else before
            speaker = cue = role = None
            b = BEFORE.search(sent)
            if b:
                subj, cue = b.group("subj"), b.group("cue")
                lead = sent[: b.start("subj")]
                subj_name, role = _split_role(subj, lead + subj)
                speaker = resolve(subj_name)
            else:
                a = AFTER.match(para[m.end(): m.end() + 80])
                if a:
                    subj = a.group("subj1") or a.group("subj2")
                    cue = a.group("cue1") or a.group("cue2")
                    speaker = resolve(subj)
            if speaker is None:
                continue
            if role:
                roles.setdefault(speaker, role)
            if speaker not in speakers or speakers[-1] != speaker:
                speakers.append(speaker)
            out.append(Quote(text, speaker, role or roles.get(speaker), cue))
    return out
