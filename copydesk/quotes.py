"""Who said what: quotations and reported speech in body paragraphs, and the speaker each is attributed to.

One stage shared by the HTML and the text engines: `find_quotes(paragraphs, language=...)`.

A general grammar of attribution, no learned model and no names:

* quotation marks of many languages (“” "" „“ «» ‚‘ ‘’ 「」 『』) are found first and masked, so that sentence
  ends, names and verbs inside a quotation never count as the attribution;
* a *cue* (a speech verb or "according to", in English, German, French, Spanish, Portuguese, Italian,
  Russian) is looked for in every sentence that has a quotation or a cue word;
* the *source* is the subject next to the cue: before it ("Jane Doe said", "the spokesman told"), or after
  it when the content came first ("“...,” said Jane Doe", "« ... », a déclaré X", "..., dit-il",
  "«...», — заявил он"); a role before the name ("campaign manager Jane Doe") or in an appositive
  ("Jane Doe, the campaign manager, said") is kept as the role;
* the *content* is the quotation next to the attribution (split quotations “A,” he said, “B.” are joined),
  else the reported clause ("X said (that) CLAUSE", "CLAUSE, X said", "according to X, CLAUSE");
* pronouns ("he", "sie", "il", "он"), relative "who" and document subjects ("the statement") resolve to the
  last named speaker; a surname or a "Mr. Surname" resolves to the full name seen earlier in the text.

Choice for quotations with no attribution (or whose source cannot be resolved: "they", "we"): no Quote is
returned. `Article.quotes` answers "who said what"; a quotation without a "who" is not such an answer.

Speed: a document's paragraphs are first scanned together by RE2 (google-re2, a DFA: one pass at hundreds of
MB/s) for the cue words (`_Grammar.cue_candidates`); a paragraph without a hit has no cue and costs nothing
more, and in one with hits the Python scan is tried only at the hits. Without RE2 each paragraph costs one
regex scan (`_Grammar.cues`: the cue words are one trie-shaped pattern that starts with a single positive
character class, so the engine skips to candidate characters with one bitmap test each; the full pattern
with auxiliaries runs only at hits that need it). Paragraphs with cues: quotations found by one scan
whose branches start with their literal marks; sentence bounds found on demand by one left-to-right scan
(`_Sentences`); surnames expanded by searching only the earlier paragraphs that contain them; `$`-anchored
tests (content before a cue, the last clause before a subject, trailing punctuation) done with C-level
string methods instead of regex searches that try every position. These rewrites are exact: the output is
the same as the straightforward patterns they replace (tests check the helpers against those patterns).
Every pattern is bounded (negated classes, limited repeats, windows of at most a few hundred characters
around a cue), so there is no catastrophic backtracking on long input.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate, islice

from .article import Quote

# ---------------------------------------------------------------------------------------------------------
# Named constants: every heuristic of the stage.
# ---------------------------------------------------------------------------------------------------------

# A quotation shorter than this (in words) is a scare quote or a title ("the “undercard” debate"), not speech,
# unless the sentence attributes it with a cue right next to it.
QUOTE_MIN_WORDS = 3
# An indirect (unquoted) content clause shorter than this is not reported speech ("he said so").
CLAUSE_MIN_WORDS = 3
# Characters looked at before a cue for its subject, and after it for an inverted subject.
LEFT_WINDOW = 160
RIGHT_WINDOW = 120
PRONOUN_RECENT_MENTION = False  # prefer a name mentioned in this paragraph over the last speaker
SHORT_LEFT_WINDOW = 60  # no appositive: the subject is in the last few words
# Longest appositive between a name and its cue ("Jane Doe, the campaign manager, said").
APPOSITIVE_MAX_CHARS = 80
# Most words kept as a role before a name ("Chinese Foreign Ministry spokesman").
ROLE_MAX_WORDS = 6
# Longest text kept as one paragraph: beyond it the stage only looks at the head (a 1 MB "paragraph" is
# not prose; the quadratic-free scans would still finish, this keeps the cost per article bounded).
MAX_PARAGRAPH_CHARS = 20_000
# The RE2 pre-check of paragraphs for cue words (see _Grammar.prefilter) and the memory its DFA may use.
USE_PREFILTER = True
PREFILTER_MAX_MEM = 64 << 20
# Words a surname may be expanded from: the full name must be found within this many earlier characters.
SURNAME_LOOKBACK_CHARS = 50_000
# A surname is looked for in full in at most this many earlier paragraphs (bounds the work per new surname:
# a document of many paragraphs and many surnames was quadratic).
SURNAME_LOOKBACK_PARAGRAPHS = 1000
# A pronoun ("she said") refers to one of this many latest speakers (of its gender, when known).
PRONOUN_LOOKBACK_SPEAKERS = 200

# Speech cues whose content is the reported clause or quotation, per language. Forms, not lemmas: the regex
# is a literal alternation. Multi-word cues are written with single spaces.
SPEECH_CUES: dict[str, tuple[str, ...]] = {
    "en": ("said", "says", "say", "saying", "told", "tells", "tell", "telling", "added", "adds", "adding",
           "wrote", "writes", "writing", "noted", "notes", "noting", "explained", "explains", "explaining",
           "argued", "argues", "arguing", "stated", "states", "declared", "declares", "insisted", "insists",
           "warned", "warns", "warning", "claimed", "claims", "claiming", "announced", "announces",
           "stressed", "stresses", "emphasized", "emphasised", "acknowledged", "acknowledges", "admitted",
           "admits", "recalled", "recalls", "replied", "replies", "responded", "responds", "tweeted",
           "tweets", "continued", "continues", "suggested", "suggests", "predicted", "predicts",
           "conceded", "concedes", "countered", "contended", "contends", "maintained", "maintains",
           "observed", "remarked", "reported", "reports", "confirmed", "confirms", "denied", "denies",
           "complained", "complains", "boasted", "joked", "quipped", "cautioned", "cautions", "pointed out",
           "points out", "reiterated", "asserted", "asserts", "testified", "shouted", "yelled",
           "exclaimed", "whispered", "concluded", "promised", "promises", "vowed", "vows", "pledged",
           "urged", "urges", "asked", "asks", "wondered", "mused", "explained", "announced",
           "according to", "As", "as"),
    "de": ("sagte", "sagten", "sagt", "sagen", "erklärte", "erklärten", "erklärt", "betonte", "betont",
           "meinte", "meint", "sprach", "fügte", "ergänzte", "ergänzt", "berichtete", "berichtet",
           "warnte", "warnt", "kritisierte", "kritisiert", "forderte", "fordert", "verkündete", "teilte",
           "schrieb", "schreibt", "behauptete", "behauptet", "räumte", "versicherte", "unterstrich",
           "laut", "zufolge", "so"),
    "fr": ("a déclaré", "a dit", "dit", "déclare", "a affirmé", "affirme", "a expliqué", "explique",
           "a ajouté", "ajoute", "a souligné", "souligne", "a indiqué", "indique", "a précisé", "précise",
           "a estimé", "estime", "a assuré", "assure", "a averti", "a rappelé", "rappelle", "a confié",
           "confie", "a lancé", "lance", "a écrit", "écrit", "a annoncé", "annonce", "a insisté",
           "insiste", "a reconnu", "reconnaît", "a répondu", "répond", "selon", "d'après", "d’après",
           "déclarait", "disait", "expliquait", "ajoutait"),
    "es": ("dijo", "dice", "decía", "ha dicho", "afirmó", "afirma", "declaró", "declara", "explicó",
           "explica", "aseguró", "asegura", "señaló", "señala", "añadió", "añade", "agregó", "agrega",
           "indicó", "indica", "sostuvo", "sostiene", "manifestó", "advirtió", "advierte", "subrayó",
           "destacó", "recordó", "apuntó", "comentó", "escribió", "anunció", "insistió", "reconoció",
           "respondió", "según", "de acuerdo con"),
    "pt": ("disse", "diz", "dizia", "afirmou", "afirma", "declarou", "declara", "explicou", "explica",
           "acrescentou", "ressaltou", "destacou", "salientou", "assegurou", "garantiu", "apontou",
           "comentou", "escreveu", "anunciou", "avisou", "reconheceu", "respondeu", "segundo",
           "de acordo com", "conforme"),
    "it": ("ha detto", "ha dichiarato", "ha affermato", "ha spiegato", "ha aggiunto", "ha sottolineato",
           "ha precisato", "ha ricordato", "ha scritto", "ha annunciato", "ha risposto", "ha ammesso",
           "dice", "disse", "dichiara", "afferma", "spiega", "aggiunge", "sottolinea", "precisa",
           "ricorda", "dichiarò", "affermò", "spiegò", "aggiunse", "secondo"),
    "ru": ("сказал", "сказала", "сказали", "говорит", "говорят", "заявил", "заявила", "заявили",
           "отметил", "отметила", "отметили", "сообщил", "сообщила", "сообщили", "пояснил", "пояснила",
           "добавил", "добавила", "подчеркнул", "подчеркнула", "считает", "написал", "написала",
           "признал", "признала", "ответил", "ответила", "рассказал", "рассказала", "уточнил",
           "уточнила", "по словам", "по данным"),
}
# Cue forms that are ordinary words elsewhere: used only when the language is given.
AMBIGUOUS_CUES: dict[str, frozenset[str]] = {
    "de": frozenset({"so", "sagen"}),
    "es": frozenset({"dice"}),
    "it": frozenset({"dice"}),
    "pt": frozenset({"segundo", "conforme"}),
    "fr": frozenset({"dit", "lance", "écrit", "répond"}),
    "en": frozenset({"as", "As", "states", "reports", "tell"}),
}
# Cues whose content is only the quotation that follows ("He called the plan “a disaster.”").
LABEL_CUES = ("called", "calls", "calling", "described", "describes", "describing", "dubbed", "labeled",
              "labelled", "branded", "nannte", "bezeichnete", "a qualifié", "qualifie", "calificó",
              "chamou", "classificou", "ha definito", "definisce", "назвал", "назвала")
# Cues that take "according to X" order: the subject follows the cue, content is the rest of the sentence.
PREPOSITION_CUES = frozenset({"according to", "laut", "selon", "d'après", "d’après", "según", "de acuerdo con",
                              "segundo", "de acordo com", "conforme", "secondo", "по словам", "по данным",
                              "As", "as"})
# Cues that follow their subject ("X zufolge").
POSTPOSITION_CUES = frozenset({"zufolge"})
# Auxiliaries and adverbs kept in the cue string ("has said", "also told").
CUE_PREFIX_WORDS = ("has", "have", "had", "will", "would", "also", "later", "then", "previously", "once",
                    "hat", "habe", "hatte", "auch", "a", "avait", "también", "ha", "aveva", "também", "тоже", "также")
# Characters looked back from a cue word for its auxiliaries ("would also have said" is not needed: two).
PREFIX_TAIL_CHARS = 32
# Words between a subject and its cue that belong to neither ("Jane Doe, however, said" / "he quickly said").
ADVERB = r"(?:[a-z]+ly|however|again|too|never|often|now|still|previously|ebenfalls|nun|jedoch)"
# Function words that may start a sentence with a capital but are never part of a name.
NOT_NAME = ("But", "And", "Or", "So", "Yet", "Then", "Also", "However", "Meanwhile", "Still", "When", "While",
            "If", "As", "At", "After", "Before", "Earlier", "Later", "Now", "This", "That", "These", "Those",
            "The", "A", "An", "In", "On", "Of", "For", "From", "With", "By", "To", "Asked", "Speaking",
            "Today", "Yesterday", "Tonight", "Last", "Next", "It", "He", "She", "They", "We", "I", "You",
            "His", "Her", "Their", "Our", "My", "Your", "Its", "There", "Here", "What", "Why", "How", "Who",
            "According", "Indeed", "Having", "Despite", "During", "Under", "Over", "Through", "Among", "Without", "Instead", "Although", "Though", "Because", "Since", "Until", "Once",
            "Aber", "Und", "Oder", "Doch", "Die", "Der", "Das", "Dem", "Den", "Ein", "Eine", "Er", "Sie",
            "Es", "Mais", "Et", "Ou", "Le", "La", "Les", "Un", "Une", "Il", "Elle", "Ils", "Elles", "Pero",
            "Y", "El", "Los", "Las", "Una", "Él", "Ella", "Mas", "E", "O", "Os", "As", "Um", "Uma", "Ele",
            "Ela", "Ma", "Lo", "Gli", "Uno", "Lui", "Lei", "Но", "И", "А", "Он", "Она", "Они", "Это",
            "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Titles and honorifics before a name: not part of the speaker, kept as the role if there is no other.
TITLES = ("Mr", "Mrs", "Ms", "Miss", "Dr", "Prof", "Sen", "Rep", "Gov", "Gen", "Lt", "Col", "Sgt", "Capt",
          "Rev", "Hon", "Sir", "Dame", "Lord", "Lady", "Senator", "Representative", "Congressman",
          "Congresswoman", "Governor", "President", "Vice President", "Secretary", "Mayor", "Judge",
          "Justice", "General", "Chancellor", "Minister", "Prime Minister", "Pope", "King", "Queen",
          "Prince", "Princess", "Herr", "Frau", "Bundeskanzlerin", "Bundeskanzler", "Kanzlerin",
          "Präsident", "Präsidentin", "Ministerin", "M", "Mme", "Mlle", "Président", "Sr", "Sra", "Sres",
          "Don", "Doña", "Presidente", "Ministro", "Ministra", "Sig", "Signor", "Signora", "Dott")
MALE_TITLES = frozenset({"Mr", "Sir", "Lord", "Congressman", "King", "Prince", "Herr", "M", "Sr", "Don",
                         "Sig", "Signor"})
FEMALE_TITLES = frozenset({"Mrs", "Ms", "Miss", "Dame", "Lady", "Congresswoman", "Queen", "Princess", "Frau",
                           "Mme", "Mlle", "Sra", "Doña", "Signora", "Kanzlerin", "Präsidentin", "Ministerin",
                           "Ministra"})
# Lower-case name particles ("Ursula von der Leyen", "Luiz Inácio da Silva").
PARTICLES = ("de", "da", "di", "do", "dos", "das", "del", "della", "van", "von", "der", "den", "du", "la",
             "le", "bin", "ibn", "al", "el", "zu", "ter", "ten")
# Personal pronouns resolved to the last named speaker, by gender (None: either).
PRONOUNS: dict[str, str | None] = {
    "he": "m", "she": "f", "er": "m", "sie": None, "il": "m", "elle": "f", "él": "m", "ella": "f",
    "ele": "m", "ela": "f", "lui": "m", "lei": "f", "он": "m", "она": "f",
}
# Relative pronouns: the name right before them in the sentence ("Jane Doe, who chairs the panel, said").
RELATIVES = frozenset({"who", "der", "die", "qui", "quien", "quién", "que", "который", "которая", "che"})
# Pronouns whose referent cannot be a single named speaker: the attribution is dropped.
UNRESOLVABLE = frozenset({"they", "we", "i", "you", "it", "one", "sie", "wir", "ich", "ils", "elles", "nous",
                          "je", "on", "ellos", "ellas", "nosotros", "yo", "eles", "elas", "nós", "eu",
                          "loro", "noi", "io", "они", "мы", "я", "man"})
# Words that open a subordinate clause, not an appositive ("Paris, where he spoke, ...").
APPOSITIVE_NOT_START = ("where", "when", "which", "who", "whose", "whom", "that", "as", "after", "before",
                        "while", "if", "because", "although", "though", "in", "on", "at", "but", "and", "so",
                        "he", "she", "they", "it", "we", "i", "wo", "als", "où", "quand", "donde", "cuando",
                        "onde", "quando", "dove", "где", "когда")
# Words after which a new clause (and so a subject noun phrase) may start.
CLAUSE_OPENERS = ("and", "but", "while", "as", "when", "because", "although", "though", "after", "before",
                  "if", "so", "und", "aber", "et", "mais", "y", "pero", "e", "ma", "и", "но")
# Capitalised words that end a title before a name ("House Speaker Jane Doe", "Texas Sen. Jane Doe").
TITLE_WORDS = frozenset({"Speaker", "Leader", "General", "Secretary", "Chairman", "Chairwoman", "Chair",
                         "Director", "Commissioner", "Ambassador", "Sheriff", "Chief", "Senator", "Sen.",
                         "Governor", "Gov.", "President", "Minister", "Mayor", "Judge", "Attorney", "Adviser",
                         "Advisor", "Spokesman", "Spokeswoman", "Spokesperson", "Manager", "CEO", "Founder",
                         "Executive", "Officer", "Representative", "Rep.", "Justice", "Whip", "Candidate",
                         "Nominee", "Chancellor", "State", "Staff", "Counsel", "Correspondent", "Professor", "Prof.", "Dr.", "Icon", "Host", "Anchor",
                         "Präsident", "Präsidentin", "Ministerin", "Président", "Presidente",
                         "Ministro", "Ministra", "Premier"})
# Role nouns that are capitalised before a name at a sentence start, or always (German nouns): cut from the name.
ROLE_NOUNS = frozenset({
    "treasurer", "spokesman", "spokeswoman", "spokesperson", "minister", "mayor", "governor", "senator",
    "president", "chairman", "chairwoman", "director", "secretary", "prosecutor", "lawyer", "attorney",
    "economist", "analyst", "professor", "chief", "coach", "manager", "official", "commissioner",
    "bürgermeister", "bürgermeisterin", "sprecher", "sprecherin", "ministerin", "kanzler",
    "kanzlerin", "präsident", "präsidentin", "vorsitzende", "vorsitzender", "chef", "chefin", "direktor",
    "direktorin", "anwalt", "anwältin", "professorin", "ministre", "maire", "président", "présidente",
    "porte-parole", "directeur", "directrice", "ministro", "ministra", "alcalde", "alcaldesa", "presidente",
    "portavoz", "prefeito", "prefeita", "porta-voz", "sindaco", "portavoce", "министр", "мэр",
    "президент", "губернатор", "депутат", "директор", "глава", "председатель", "представитель",
    "пресс-секретарь", "премьер-министр"})
# A sentence with at least this many words, most of them capitalised, is a headline: names are unreliable.
HEADLINE_MIN_WORDS = 5
HEADLINE_CAPS_SHARE = 0.75
HEADLINE_MAX_CHARS = 200
# Participle cues whose subject is the sentence's subject when they follow a comma.
PARTICIPLE_SUFFIXES = ("ing", "end", "ant", "ando", "endo", "indo")
# Determiners starting a noun-phrase source ("the spokesman", "a campaign aide", "die Ministerin").
DETERMINERS = ("the", "a", "an", "his", "her", "their", "its", "der", "die", "das", "ein", "eine", "le", "la",
               "les", "un", "une", "el", "los", "las", "o", "os", "um", "uma", "il", "lo", "gli", "uno")
# Head nouns of sources that are documents of the last speaker ("The statement continued: ...").
DOCUMENT_NOUNS = frozenset({"statement", "release", "letter", "post", "tweet", "memo", "email", "e-mail",
                            "message", "note", "erklärung", "mitteilung", "communiqué", "déclaration",
                            "comunicado", "declaración", "nota", "заявление"})
# Openers trimmed from the front of a role ("But campaign manager X" -> "campaign manager").
ROLE_TRIM = frozenset(w.lower() for w in NOT_NAME) | frozenset(DETERMINERS)
# Quotation mark pairs: (opening, closing characters allowed).
QUOTE_PAIRS = (("“", "”"), ("„", "“”"), ("«", "»"), ("»", "«"), ("「", "」"), ("『", "』"), ('"', '"'),
               ("‚", "‘’"))
# Single ‘...’ quotes only when the closing mark is not an apostrophe inside a word.
SINGLE_QUOTE = r"‘(?<!\w‘)[^‘’\n]{1,2000}?’(?!\w)"

# ---------------------------------------------------------------------------------------------------------
# Compiled patterns.
# ---------------------------------------------------------------------------------------------------------

def _trie(words: list[str]) -> str:
    """A regex alternation shaped as a trie: one branch per first character, so a scan costs little
    per position even with hundreds of cue words."""
    tree: dict = {}
    for w in words:
        node = tree
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        alts = []
        end = False
        for ch, sub in sorted(node.items()):
            if ch == "":
                end = True
                continue
            alts.append(re.escape(ch) + emit(sub))
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if end else body

    return emit(tree)


_UPPER_CHARS = "".join(c for c in map(chr, range(0x41, 0x530)) if c.isupper() and c.isalpha())
UP = "[" + re.escape(_UPPER_CHARS) + "]"
# Word lists become trie-shaped alternations: a failed position costs a character test, not one per word.
_NOT_NAME = _trie(list(NOT_NAME))
_TITLE = _trie(list(TITLES))
# One capitalised name word: "Doe", "O’Neill", "Jean-Luc", an initial "J.", never a function word.
NAME_WORD = rf"(?={UP})(?!{_NOT_NAME}\b){UP}(?:\.(?=\s{UP})|[^\W\d_]*(?:[’'-][^\W\d_]+)*)"
_PART = _trie(list(PARTICLES))
NAME = rf"(?={UP})(?:{_TITLE}\.?\s+)?{NAME_WORD}(?:\s+(?:(?:{_PART})\s+){{0,2}}{NAME_WORD}){{0,3}}"


def _cased(words: Iterable[str]) -> list[str]:
    """Lower, Capitalised and UPPER forms. A case-sensitive trie of these is much cheaper to try at every
    position than a case-insensitive one (the engine's quick first-character test of each branch works only
    for case-sensitive literals). Mixed case ("hE") is no longer matched: not a pronoun or determiner."""
    return sorted({f for w in words for f in (w.lower(), w[:1].upper() + w[1:].lower(), w.upper())})


_PRON = _trie(_cased(set(PRONOUNS) | RELATIVES | UNRESOLVABLE))
_DET = _trie(_cased(DETERMINERS))
# "the spokesman", "a campaign aide for the senator", "officials".
# A lower-case word (role words, noun-phrase words): never the start of a name.
LOWER_WORD = rf"(?!{UP})[^\W\d_][\w’'-]*"
NP = (rf"(?:(?:{_DET})\s+(?:{LOWER_WORD}\s+){{0,3}}{LOWER_WORD}(?:\s+(?:for|of|at|with|from|für|de|du|del|do|di)"
      rf"\s+(?:(?:{_DET})\s+)?[\w’'.-]+(?:\s+{NAME_WORD}){{0,2}})?|[a-z]{{3,}}s)")
SUBJECT = rf"(?P<subj>(?:{_PRON})(?![\w’'])|{NAME}|{NP})"
_APP_NOT = _trie(list(APPOSITIVE_NOT_START))
APPOSITIVE = rf"(?P<app>,\s+(?!(?:{_APP_NOT})\b)[^,;:()“”\"«»„\n]{{2,{APPOSITIVE_MAX_CHARS}}}?,)?"
# Subject right before the cue (the window ends at the cue).
_CLAUSE_OPEN = _trie(list(CLAUSE_OPENERS))
# Subject right before the cue (the window ends at the cue). A noun phrase only where a clause starts
# ("..., the spokesman said", not "the crowd booed when he said").
LEFT_SUBJECT = re.compile(
    rf"(?:(?:^|(?<=[\s(—–\-,:;]))(?P<subj>(?:{_PRON})(?![\w’'])|{NAME})"
    rf"|(?:^|[,:;—–(”\"»’」』]\s*|\b(?:{_CLAUSE_OPEN})\s+)(?P<subjnp>{NP}))"
    rf"{APPOSITIVE}(?:\s+{ADVERB})?(?:\s*,)?\s+$")
# The subject of the whole sentence, for a participle cue after a comma ("Jane Doe spoke, saying ...").
SENTENCE_SUBJECT = re.compile(rf"\s*(?:[^\W\d_]+,\s+)?(?P<subj>(?:{_PRON})(?![\w’'])|{NAME}){APPOSITIVE}\s+\w")
# Subject right after an inverted cue ("said Jane Doe", "dit-il", "a-t-elle ajouté", "— заявил он").
RIGHT_SUBJECT = re.compile(rf"(?:-t)?-(?P<clit>il|elle|ils|elles|on)\b|\s+(?P<pre>(?:(?:{_DET})\s+)?"
                           rf"(?:{LOWER_WORD}\s+){{1,4}}(?={NAME}))?(?:{SUBJECT})(?P<app>,\s+[^,;:()“”\"«»„\n]"
                           rf"{{2,{APPOSITIVE_MAX_CHARS}}}?(?=[,.;]|$))?")
# Before an attribution that follows its content: a comma, a closing quote, a dash.
# (Written as a string test, `_content_before`: a `$`-anchored regex search costs a try per character.)
CONTENT_BEFORE_END = ",”\"»“’‘」』"
CONTENT_BEFORE_DASHES = "—–-"
# After a cue: where the content starts ("that", a colon, a comma, a quotation), past short modifiers
# ("said in a statement that", "told reporters on Monday:").
_MODS = r"(?:\s+(?!that\b|dass\b|que\b|che\b|что\b)[^\s,:;“”\"«»„]+){1,6}?"
CONTENT_START = re.compile(
    rf"(?:{_MODS})?\s*[,:]?\s*(?P<that>that|dass|daß|que|qu’|qu'|che|что|как)\b\s*"
    rf"|(?:{_MODS}\s*[,:]|\s*[,:]?)\s*(?=[“\"«„「『‘‚])"
)
CLAUSE_BREAK_CHARS = ",;:(—–"
_DASH_BREAK = re.compile(r"\s-\s")
_AS_SPEECH = re.compile(r"\s+(?:\w+\s+){0,4}?(?:said|says|put it|told|wrote|noted)\b")
_NULL_SUBJECT_END = re.compile(r"\s*[.,—–]")
_COMMA_THEN_TEXT = re.compile(r"\s*,\s*\S")
_JOINERS_ONLY = re.compile(r"[\s,.:;—–-]*")
_COMMA = re.compile(r"\s*,\s*")
_SPACE_WORD = re.compile(r"\s+\w")
# Necessary for a CONTENT_START match: a that-word or an opening mark ahead (literal alternatives: a fast scan).
_CONTENT_START_HINT = re.compile("|".join(["that", "dass", "daß", "que", "qu’", "qu'", "che", "что", "как",
                                           *"“\"«„「『‘‚"]))
OBJECT_CUES = frozenset({"told", "tells", "tell", "telling", "asked", "asks", "urged", "urges", "warned", "warns"})
WORD = re.compile(r"[^\W_]+")
# (One character class first: the regex engine then skips to candidate characters instead of trying each.)
SENTENCE_END = re.compile(r"[.!?…。！？](?:(?<=[。！？])|(?<=[.!?…])[.!?…]*[”\"»’」』)]*\s+(?=[^\w\s]{0,2}["
                          + re.escape(_UPPER_CHARS) + r"\d]))")
# Words whose full stop ends no sentence ("Mr.", "Inc.", "Sept."); single capitals and "U.S." are caught apart.
ABBREVIATIONS = frozenset(TITLES) | {"St", "Jr", "Inc", "Co", "Corp", "Ltd", "No", "vs", "etc", "Jan", "Feb", "Mar",
                                     "Apr", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "Gov", "Sen", "Rep", "Mt"}


@dataclass(frozen=True)
class _Grammar:
    cue: re.Pattern[str]
    speech: frozenset[str]
    # The scan: a cue's core word after a separator character. Starting with one character class lets
    # the regex engine skip to candidates; `cue` (with its auxiliaries) is then matched only there.
    verb_scan: re.Pattern[str]
    verb_scan_bmp: re.Pattern[str]  # the same for text without characters beyond U+FFFF (see _separators)
    prefix_tail: re.Pattern[str]
    first_chars: frozenset[str]  # first characters of cue words and auxiliaries
    # RE2 (a DFA: one pass at hundreds of MB/s) over the UTF-8 of a document's paragraphs: a superset of
    # `verb_scan` (no lookahead; Python's character classes spelled out, wider where unsure), so a paragraph
    # it misses has no cue and its hits are the only places where `verb_scan` can match (`cue_candidates`).
    prefilter: object | None = None

    def cue_candidates(self, paras: list[str]) -> dict[int, list[int]] | None:
        """For each paragraph that may hold a cue, the positions where `verb_scan` may match in it, sorted: a
        superset of its matches' starts (`cues` then tries the scan only there). Paragraphs missing from the
        answer have no cue. None when unknown (no RE2, or text that is not valid UTF-8).

        One RE2 pass over the paragraphs joined by newlines. A hit is a separator and a cue's words; its last
        byte lies in the paragraph of the cue (a multi-word cue across a newline only adds a paragraph). RE2
        reports hits that do not overlap, so a scan match could also start inside a reported hit: only at a
        separator there, that is in the whitespace of a multi-word cue, and those positions are added."""
        if self.prefilter is None:
            return None
        joined = "\n".join(paras)
        ascii_ = joined.isascii()
        try:
            data = joined.encode("utf8")
            sizes = list(map(len, paras)) if ascii_ else [len(p.encode("utf8")) for p in paras]
        except UnicodeEncodeError:  # lone surrogates: RE2 cannot take them, let the full scan decide
            return None
        ends = list(accumulate(n + 1 for n in sizes))  # one past each paragraph's "\n"
        found: dict[int, list[int]] = {}
        for m in self.prefilter.finditer(data):  # type: ignore[attr-defined]
            s, e = m.span()
            k = bisect_right(ends, e - 1)
            at = found.setdefault(k, [])
            base = ends[k - 1] if k else 0
            if s < base:  # from an earlier paragraph (its newline at least): a scan may start in the rest
                at.extend(range(e - base + 1))
                continue
            c = s - base if ascii_ else len(data[base:s].decode("utf8"))
            at.append(c)
            if not data[s + 1:e].isalpha():  # a multi-word cue (or a non-ASCII letter): whitespace inside
                at.extend(range(c + 1, c + e - s))  # every position of the hit (its bytes >= its characters)
        for at in found.values():
            at.sort()
        return found

    @staticmethod
    def _scan_at(scan: re.Pattern[str], para: str, pos: int, where: list[int]) -> Iterator[re.Match[str]]:
        """`scan.finditer(para, pos)` when every position where `scan` can match is in `where` (sorted)."""
        match = scan.match
        cur = pos
        for q in where:
            if q < cur:
                continue
            v = match(para, q)
            if v is not None:
                cur = v.end()  # matches never overlap, as finditer's
                yield v

    def cues(self, para: str, where: list[int] | None = None) -> list[tuple[int, int, str, str]]:
        """(start, end, verb, cue text) of the matches of `self.cue.finditer(para)`, found from the
        core-word scan: the full pattern runs only where auxiliaries or a multi-word verb may change it.
        `where`: the only positions where the scan can match (`cue_candidates`), None to scan the text."""
        out: list[tuple[int, int, str, str]] = []
        pos = 0
        cue_match = self.cue.match
        if para[:1] in self.first_chars:
            m = cue_match(para, 0)
            if m:
                out.append((m.start(), m.end(), m.group("verb"), m.group(0)))
                pos = m.end()
        scan = self.verb_scan_bmp if para.isascii() or _bmp_only(para) else self.verb_scan
        for v in scan.finditer(para, pos) if where is None else self._scan_at(scan, para, pos, where):
            vs = v.start() + 1
            if vs < pos:
                continue
            lo = max(pos, vs - PREFIX_TAIL_CHARS)
            # one or two auxiliaries before the verb ("has also said")? A C-level suffix test first: the
            # anchored search costs a try per character.
            t = (self.prefix_tail.search(para, lo, vs)
                 if vs > lo and para[vs - 1].isspace() and para[lo:vs].rstrip().endswith(CUE_PREFIX_WORDS) else None)
            verb = v.group("verb")
            if t is None and verb.isalpha():
                # a one-word verb with no auxiliary: the full pattern would match exactly the verb
                out.append((vs, v.end(), verb, verb))
                pos = v.end()
                continue
            cands = []
            if t:
                cands.append(t.start())
                second = self.prefix_tail.search(para, t.end("first"), vs)
                if second:
                    cands.append(second.start())
            cands.append(vs)
            for p in cands:
                if p < pos:
                    continue
                m = cue_match(para, p)
                if m:
                    out.append((m.start(), m.end(), m.group("verb"), m.group(0)))
                    pos = m.end()
                    break
        return out


def _char_ranges(chars: list[int], fmt: str) -> str:
    """A character class body for these code points (sorted), as ranges written with `fmt`."""
    ranges, start = [], chars[0]
    for a, b in zip(chars, chars[1:] + [-1], strict=True):
        if b != a + 1:
            ranges.append(fmt.format(start) + (("-" + fmt.format(a)) if a > start else ""))
            start = b
    return "".join(ranges)


@lru_cache(maxsize=1)
def _separator_points() -> list[int]:
    return [i for i in range(0x10000) if not (chr(i).isalnum() or chr(i) in "_’'-")]


def _separators(fmt: str = "\\U{:08x}") -> str:
    r"""`[^\w’'-]` as a positive class of the characters U+0000..U+FFFF it matches. The regex engine tests a
    negated word-category class with several Unicode table lookups per character, a positive class over the
    BMP with one bitmap lookup: the cue scan, which looks at every character, runs about twice as fast."""
    return "[" + _char_ranges(_separator_points(), fmt) + "]"


def _re2_prefilter(words: set[str]) -> object | None:
    """The RE2 form of the cue scan, a superset of it: Python's separator and whitespace classes spelled out
    (RE2's \\w and \\s are ASCII only), every character beyond U+FFFF a separator, no lookahead. None when
    google-re2 is not installed (the pre-check is then skipped: same output, slower)."""
    try:
        import re2
    except ImportError:
        return None
    fmt = "\\x{{{:x}}}"
    sep = _separators(fmt)[:-1] + fmt.format(0x10000) + "-" + fmt.format(0x10FFFF) + "]"
    space = "[" + _char_ranges(sorted(map(ord, _WHITESPACE)), fmt) + "]+"  # (no whitespace beyond U+3000)
    alts = sorted({"".join(fmt.format(ord(ch)) if ch != " " else "\x00" for ch in w) for w in words})
    core = "(?:" + "|".join(alts).replace("\x00", space) + ")"
    opts = re2.Options()
    opts.max_mem = PREFILTER_MAX_MEM
    try:
        return re2.compile(f"(?:^|{sep}){core}".encode(), opts)
    except Exception:  # an RE2 build that rejects the pattern: no pre-check
        return None


def _bmp_only(text: str) -> bool:
    """No character beyond U+FFFF (such a one takes two UTF-16 units): the BMP class is then exact."""
    return len(text.encode("utf-16-le", "surrogatepass")) == 2 * len(text)


@lru_cache(maxsize=16)
def _grammar(language: str | None) -> _Grammar:
    lang = (language or "").lower().split("-")[0].split("_")[0]
    words: set[str] = set()
    for code, forms in SPEECH_CUES.items():
        amb = AMBIGUOUS_CUES.get(code, frozenset())
        words.update(f for f in forms if code == lang or f not in amb)
    words.update(LABEL_CUES)
    # sentence-initial "According to X, ..."
    words.update(w[:1].upper() + w[1:] for w in PREPOSITION_CUES if w in words and w[:1].islower())
    prefix = "|".join(CUE_PREFIX_WORDS)
    # "has also said", "a déclaré": prefixes are kept in the cue; the core verb is a trie.
    core = _trie(sorted({w.replace(" ", "\x00") for w in words})).replace("\x00", r"\s+")
    # (a one-word cue that is also an auxiliary would make `_Grammar.cues` differ from `cue.finditer`)
    assert not words & set(CUE_PREFIX_WORDS)
    cue = re.compile(rf"(?<![\w’'-])(?:(?:{prefix})\s+){{0,2}}(?P<verb>{core})(?![\w’'])")
    verb_scan = re.compile(rf"[^\w’'-](?P<verb>{core})(?![\w’'])")
    verb_scan_bmp = re.compile(rf"{_separators()}(?P<verb>{core})(?![\w’'])")
    prefix_tail = re.compile(rf"(?<![\w’'-])(?P<first>(?:{prefix})\s+)(?:(?:{prefix})\s+)?$")
    first_chars = frozenset(w[0] for w in words | set(CUE_PREFIX_WORDS))
    return _Grammar(cue, frozenset(words) - frozenset(LABEL_CUES), verb_scan, verb_scan_bmp, prefix_tail,
                    first_chars, _re2_prefilter(words) if USE_PREFILTER else None)


# Every branch starts with its literal opening mark, so the engine skips to candidate characters.
_QUOTE = re.compile("(?:" + "|".join(
    [rf"{re.escape(o)}[^{re.escape(o + c)}\n]{{1,20000}}(?:[{re.escape(c)}]|$)" for o, c in QUOTE_PAIRS if o != '"']
    + ['"[^"\\n]{1,20000}(?:"|$)', SINGLE_QUOTE]) + ")")
_NAME_PIECE = r"[^\W\d_]*(?:[’'-][^\W\d_]+)*"
FULL_NAME = re.compile(rf"{UP}{_NAME_PIECE}(?:\s+(?:(?:{_PART})\s+){{0,2}}{UP}\.?{_NAME_PIECE}){{1,3}}")
_NOT_NAME_SET = frozenset(NOT_NAME)
_TITLE_SET = frozenset(TITLES)
NAME_RE = re.compile(NAME)
TITLE_PREFIX = re.compile(rf"(?:{_TITLE})\.?\s+(?={UP})")
_CAP_AFTER_SPACE = re.compile(rf"\s{UP}")  # counts capitalised words after the first (charset-first scan)
_UP_RE = re.compile(UP)
_MASK = "·"
_WHITESPACE = "".join(chr(i) for i in range(0x3000 + 1) if chr(i).isspace())
_TRAIL_PUNCT_CHARS = _WHITESPACE + ".,!?…;:"
# At least n words ("[^\W_]+" runs): a search that stops at the n-th word instead of counting them all.
_MIN_WORDS = {n: re.compile(rf"[^\W_]+(?:[\W_]+[^\W_]+){{{n - 1}}}") for n in {CLAUSE_MIN_WORDS, QUOTE_MIN_WORDS}}


def _content_before(text: str) -> bool:
    r"""True when text ends (spaces and one dash aside) with a comma or a closing quotation mark: the
    content came before the attribution. Same as `(?:[,”"»“’‘」』]|[.!?…][”"»“’」』])\s*(?:[—–-]\s*)?$`."""
    t = text.rstrip()
    if t[-1:] in CONTENT_BEFORE_DASHES and t:
        t = t[:-1].rstrip()
    return bool(t) and t[-1] in CONTENT_BEFORE_END


def _has_words(text: str, n: int) -> bool:
    return _MIN_WORDS[n].search(text) is not None


@dataclass
class QuoteSpan:
    """A quote with where it is: the paragraph index and the content's character spans in that paragraph
    (more than one for a split quotation). `direct` is true when the content is a quotation."""

    quote: Quote
    paragraph: int
    spans: tuple[tuple[int, int], ...]
    direct: bool


@dataclass
class _State:
    # named speakers in order of last attribution (a dict as an ordered set: moving one to the end is O(1))
    speakers: dict[str, None] = field(default_factory=dict)
    by_part: dict[str, str] = field(default_factory=dict)  # a word of a full name -> the latest speaker with it
    roles: dict[str, str] = field(default_factory=dict)
    gender: dict[str, str] = field(default_factory=dict)
    seen: list[str] = field(default_factory=list)  # earlier paragraphs, for surname expansion
    # surname -> (first full name it was seen with in earlier paragraphs or None, paragraphs searched)
    names: dict[str, tuple[str | None, int]] = field(default_factory=dict)


def _strip_title(name: str) -> tuple[str, str | None]:
    m = TITLE_PREFIX.match(name)
    if m:
        return name[m.end():], m.group(0).strip().rstrip(".")
    return name, None


def _first_full_name(text: str, surname: str, whole: bool = True) -> str | None:
    """The first full name ("Jane Doe") in a text ending with this surname (none from headlines)."""
    if whole and len(text) < HEADLINE_MAX_CHARS and _headline(text):
        return None
    for m in FULL_NAME.finditer(text):
        full = m.group(0)
        if not full.endswith(surname):  # cheap test first: most names in a paragraph are other names
            continue
        words = _split_title(full)[0].split()
        while words and (words[0] in _NOT_NAME_SET or words[0].rstrip(".") in _TITLE_SET):
            words = words[1:]
        if len(words) > 1 and words[-1] == surname:
            return " ".join(words)
    return None


def _expand(name: str, state: _State, before: str) -> str:
    """A surname (or "Mr. Surname") to the full name seen earlier: first among speakers, else in the text."""
    if " " in name:
        return name
    full = state.by_part.get(name)
    if full is not None:  # the latest speaker whose full name has this word
        return full
    # the first earlier paragraph naming it in full; only paragraphs that contain the surname are scanned
    found, searched = state.names.get(name, (None, 0))
    if found is None and searched < len(state.seen):
        for i in range(max(searched, len(state.seen) - SURNAME_LOOKBACK_PARAGRAPHS), len(state.seen)):
            text = state.seen[i]
            if name not in text:
                continue
            found = _first_full_name(text, name)
            if found is not None:
                break
        state.names[name] = (found, len(state.seen))
    if found is not None:
        return found
    before = before[-SURNAME_LOOKBACK_CHARS:]
    if name not in before:
        return name
    return _first_full_name(before, name, whole=False) or name


def _last_speaker(state: _State, gender: str | None) -> str | None:
    for s in islice(reversed(state.speakers), PRONOUN_LOOKBACK_SPEAKERS):
        g = state.gender.get(s)
        if gender is None or g is None or g == gender:
            return s
    return None


def _last_mention(text: str) -> str | None:
    """The last full name ("Jane Doe", titles and role words cut) in a text."""
    last = None
    for m in FULL_NAME.finditer(text):
        words = _split_title(m.group(0))[0].split()
        while words and (words[0] in _NOT_NAME_SET or words[0].rstrip(".") in _TITLE_SET):
            words = words[1:]
        if len(words) > 1:
            last = " ".join(words)
    return last


def _pronoun(state: _State, gender: str | None, para_before: str) -> str | None:
    """A personal pronoun's referent: the last named speaker; without one (or with PRONOUN_RECENT_MENTION),
    the last full name mentioned in this paragraph or the one before."""
    if PRONOUN_RECENT_MENTION or not state.speakers:
        recent = _last_mention(para_before[-LEFT_WINDOW * 2:])
        if recent is None and state.seen and not PRONOUN_RECENT_MENTION:
            recent = _last_mention(state.seen[-1][-LEFT_WINDOW * 2:])
        if recent is not None:
            g = state.gender.get(recent)
            if gender is None or g is None or g == gender:
                return recent
    return _last_speaker(state, gender)


def _clean_role(text: str) -> str | None:
    words = text.replace("\n", " ").strip(" ,").split()
    while words and words[0].lower().strip(",") in ROLE_TRIM:
        words = words[1:]
    if not words or len(words) > ROLE_MAX_WORDS or not any(w[:1].islower() for w in words):
        return None
    if any(w.endswith(",") for w in words[:-1]):  # a clause, not a role
        return None
    return " ".join(words).strip(" ,") or None


def _resolve(subj: str, app: str | None, lead: str, para_before: str, state: _State,
             ) -> tuple[str | None, str | None]:
    """(speaker, role) of a subject; speaker None when it cannot be resolved."""
    low = subj.lower()
    role = _clean_role(app.strip(" ,")) if app else None
    if low in UNRESOLVABLE and low not in PRONOUNS:
        return None, None
    if low in PRONOUNS:
        return _pronoun(state, PRONOUNS[low], para_before), None
    if low in RELATIVES:
        names = list(NAME_RE.finditer(lead[-LEFT_WINDOW:]))
        if not names:
            return None, None
        subj = names[-1].group(0)
    first = subj.split()[0]
    if first.lower() in DETERMINERS or subj[:1].islower():
        head = WORD.findall(subj)[-1].lower() if WORD.findall(subj) else ""
        if head in DOCUMENT_NOUNS:
            return _last_speaker(state, None), None
        for s in islice(reversed(state.speakers), 3):  # "the spokesman" after "spokesman Jane Doe"
            r = state.roles.get(s)
            if r and head and head in r.lower().split():
                return s, None
        return subj, None
    name, title = _strip_title(subj)
    name, capital_role = _split_title(name)
    name = _expand(name, state, para_before)
    if title in MALE_TITLES:
        state.gender.setdefault(name, "m")
    elif title in FEMALE_TITLES:
        state.gender.setdefault(name, "f")
    if role is None:
        clause = _last_clause(lead)
        role = _clean_role(clause)
        if role is None and capital_role:
            role = capital_role
        if role is None and title and len(title) > 3:
            role = title
    return name, role


def _last_clause(lead: str) -> str:
    r"""The text after the last clause break, as `re.split(r"[,;:(—–]|\s-\s", lead)[-1]`, found from the right
    with C-level `rfind` (the lead is the whole sentence before the subject; a regex split scans all of it)."""
    k = max(lead.rfind(ch) for ch in CLAUSE_BREAK_CHARS) + 1
    if "-" in lead[k:]:  # " - " breaks: no match spans a break character, so the scan may start at k
        ends = [m.end() for m in _DASH_BREAK.finditer(lead, k)]
        if ends:
            k = ends[-1]
    return lead[k:]


def _trim(text: str) -> str:
    return text.strip().strip("“”„«»「」『』\"‘’‚").strip().rstrip(",;:").strip()


def _note(state: _State, speaker: str, role: str | None) -> None:
    if role:
        state.roles.setdefault(speaker, role)
    if not state.speakers or next(reversed(state.speakers)) != speaker:
        state.speakers.pop(speaker, None)
        state.speakers[speaker] = None
        parts = speaker.split()
        if len(parts) > 1:
            for w in parts:
                state.by_part[w] = speaker


def _headline(sentence: str) -> bool:
    n = sentence.count(" ") + 1
    if n < HEADLINE_MIN_WORDS:
        return False
    caps = len(_CAP_AFTER_SPACE.findall(sentence)) + (_UP_RE.match(sentence) is not None)
    return caps >= HEADLINE_CAPS_SHARE * n


def _split_title(name: str) -> tuple[str, str | None]:
    """ "House Speaker Jane Doe" -> ("Jane Doe", "House Speaker")."""
    words = name.split()
    cut = max((i for i, w in enumerate(words[:-2 if len(words) > 2 else -1])
               if w in TITLE_WORDS or w.lower() in ROLE_NOUNS), default=-1)
    if cut < 0:
        return name, None
    return " ".join(words[cut + 1:]), " ".join(words[: cut + 1])


def _sentence_end(masked: str, m: re.Match[str]) -> bool:
    """A SENTENCE_END match that really ends a sentence (not "Mr.", "U.S.", an initial)."""
    if masked[m.start()] == ".":
        word = masked[max(0, m.start() - 12): m.start()].rsplit(None, 1)[-1:] or [""]
        w = word[0].lstrip("(“\"«„")
        if w in ABBREVIATIONS or (len(w) == 1 and w.isupper()) or "." in w:
            return False
    return True


class _Sentences:
    """Sentence bounds of a masked paragraph, found on demand by one left-to-right scan: cues come in
    order, so the scan stops at the sentence of the last cue and nothing is scanned twice."""

    __slots__ = ("masked", "ends", "start", "end")

    def __init__(self, masked: str) -> None:
        self.masked = masked
        self.ends = SENTENCE_END.finditer(masked)
        self.start = 0  # the current sentence: [start, end)
        self.end = -1

    def at(self, x: int) -> tuple[int, int]:
        """(start, end) of the sentence holding x; x never goes back."""
        while self.end <= x:
            if self.end >= 0:
                self.start = self.end
            self.end = len(self.masked)
            for m in self.ends:
                if _sentence_end(self.masked, m):
                    self.end = m.end()
                    break
            if self.end == len(self.masked):
                break
        return self.start, self.end


def _paragraph(para: str, pi: int, g: _Grammar, state: _State, out: list[QuoteSpan],
               where: list[int] | None = None) -> None:
    cues = g.cues(para, where)
    if not cues:  # most paragraphs: one scan and out
        return
    quotes = [m.span() for m in _QUOTE.finditer(para)]
    if quotes:  # mask the quotations so that nothing inside them counts as an attribution
        parts, last = [], 0
        hidden = []
        for s, e in quotes:
            inner = para[s + 1: e - 1] if e - s > 2 else ""
            keep = len(inner.rstrip(_TRAIL_PUNCT_CHARS))
            parts += [para[last: s + 1], _MASK * keep, para[s + 1 + keep: e]]
            hidden.append((s + 1, s + 1 + keep))
            last = e
        parts.append(para[last:])
        masked = "".join(parts)
        # (quotations do not overlap, so neither do their hidden insides: the one that may hold a cue is the
        # last that starts at or before it)
        hstarts = [h[0] for h in hidden]

        def hidden_at(x: int) -> bool:
            k = bisect_right(hstarts, x) - 1
            return k >= 0 and x < hidden[k][1]

        cues = [c for c in cues if not hidden_at(c[0])]
    else:
        masked = para
    # Quotations sorted by start and by end alike (they do not overlap): ranges of them found by bisection.
    qstarts = [q[0] for q in quotes]
    qends = [q[1] for q in quotes]
    qset = set(quotes)
    used: list[tuple[int, int]] = []
    taken = bytearray(len(masked) + 1)  # 1 where a used span lies (a non-empty one)
    empty_used = False
    headline: dict[int, bool] = {}  # sentence start -> is a headline (several cues may share a sentence)

    def free(a: int, b: int) -> bool:
        if a < b and not empty_used:  # the usual case: one C-level search of the positions taken
            return taken.find(1, a, b) < 0
        return all(b <= s or a >= e for s, e in used)

    def use(a: int, b: int) -> None:
        nonlocal empty_used
        used.append((a, b))
        if a < b:
            taken[a:b] = b"\x01" * (b - a)
        else:
            empty_used = True

    sentences = _Sentences(masked)
    ss = se = -1
    for c in cues:
        if not ss <= c[0] < se:  # cues often share a sentence
            ss, se = sentences.at(c[0])
        if not free(c[0], c[1]):
            continue
        verb = c[2] if c[2].isalpha() else " ".join(c[2].split())
        if verb != "As" and verb[:1].isupper():
            verb = verb[:1].lower() + verb[1:]
        cue_text = c[3] if c[3].isalpha() else " ".join(c[3].split())
        label = verb in LABEL_CUES
        prep = verb in PREPOSITION_CUES
        left = masked[max(ss, c[0] - LEFT_WINDOW): c[0]]
        subj = app = None
        subj_start = c[0]
        inverted = False
        pre = None  # role words before an inverted subject ("said campaign manager Jane Doe")
        if prep:
            if verb in ("as", "As") and not _AS_SPEECH.match(
                                                      masked[c[1]: c[1] + 60]):
                continue
            r = RIGHT_SUBJECT.match(masked, c[1], min(se, c[1] + RIGHT_WINDOW))
            if not r or not r.group("subj"):
                continue
            subj, app = r.group("subj"), r.group("app")
            pre = r.group("pre") or ""
            att_end = r.end()
            if app and not masked[att_end: att_end + 2].lstrip().startswith(","):
                app, att_end = None, r.end("subj")  # "according to X, the plan ...": that was the content
            inverted = True
        elif verb in POSTPOSITION_CUES:
            win = left[-SHORT_LEFT_WINDOW:]
            m = LEFT_SUBJECT.search(win)
            if not m:
                continue
            key = "subj" if m.group("subj") else "subjnp"
            subj, app = m.group(key), m.group("app")
            subj_start = c[0] - len(win) + m.start(key)
            att_end = c[1]
        elif verb.endswith(PARTICIPLE_SUFFIXES) and masked[max(ss, c[0] - 3):c[0]].rstrip().endswith(","):
            # "Jane Doe spoke on Monday, saying ...": the subject is the sentence's
            m = SENTENCE_SUBJECT.match(masked, ss, c[0])
            if not m:
                continue
            subj, app = m.group("subj"), m.group("app")
            subj_start, att_end = c[0], c[1]
            pre = ""
        else:
            # the subject is within a few words of the cue, unless an appositive comes between
            win = left if left.rstrip().endswith(",") else left[-SHORT_LEFT_WINDOW:]
            m = LEFT_SUBJECT.search(win)
            if m:
                key = "subj" if m.group("subj") else "subjnp"
                subj, app = m.group(key), m.group("app")
                subj_start = c[0] - len(win) + m.start(key)
                att_end = c[1]
            else:
                # inverted order only after the content: "“...,” said X", "..., a déclaré X"
                if not _content_before(masked[max(ss, c[0] - 6): c[0]]):
                    continue
                r = RIGHT_SUBJECT.match(masked, c[1], min(se, c[1] + RIGHT_WINDOW))
                if r and r.group("clit"):
                    subj, att_end = r.group("clit"), r.end()
                    subj = {"il": "he", "elle": "she"}.get(subj, subj)
                elif r and r.group("subj"):
                    subj, app, att_end = r.group("subj"), r.group("app"), r.end()
                    pre = r.group("pre") or ""
                elif _NULL_SUBJECT_END.match(masked, c[1], c[1] + 3) and state.speakers:
                    subj, att_end = "", c[1]  # null subject ("«...», dijo.")
                else:
                    continue
                inverted = True
        # Where is the content: after the attribution when it announces it ("said that", "said:",
        # "said “..."), else before it when a quotation or a clause ends there, else the clause after.
        before_txt = masked[ss:subj_start] if not inverted or prep else masked[ss:c[0]]
        if prep and not inverted:
            before_txt = masked[ss:subj_start]
        b = len(before_txt) + ss
        cs = (None if prep or not _CONTENT_START_HINT.search(masked, att_end, se)
              else CONTENT_START.match(masked, att_end, se))
        qs_before = quotes[bisect_left(qstarts, ss):bisect_right(qends, b + 1)]
        quote_before = bool(qs_before) and not masked[qs_before[-1][1]:b].strip(" ,—–-")
        content_before = _content_before(before_txt) and (
            quote_before or _has_words(before_txt, CLAUSE_MIN_WORDS))
        if prep and inverted:
            content_before = content_before and not _COMMA_THEN_TEXT.match(masked, att_end, se)
        if inverted and not prep and not content_before:
            continue
        direct = False
        spans: list[tuple[int, int]] = []
        if content_before and not (cs and (cs.group("that") or masked[cs.end():cs.end() + 1] in "“\"«„「『‘‚")
                                   and not quote_before):
            if quote_before:
                # the quotation(s) right before the attribution; a split quotation continues after it
                spans.append(qs_before[-1])
                direct = True
                nxt = quotes[bisect_left(qstarts, att_end):bisect_left(qstarts, se + 400)]
                if nxt and _JOINERS_ONLY.fullmatch(masked, att_end, nxt[0][0]):
                    spans.append(nxt[0])
            else:
                lead = before_txt.rstrip(" ,—–-")
                spans.append((ss + len(lead) - len(lead.lstrip()), ss + len(lead)))
        else:
            after_start = att_end
            if prep:
                after = _COMMA.match(masked, att_end, se)
                if not after:
                    continue
                after_start = after.end()
            elif cs:
                after_start = cs.end()
            elif verb in OBJECT_CUES or label or not _SPACE_WORD.match(masked, att_end, att_end + 3):
                after_start = -1
            qs = quotes[bisect_left(qstarts, att_end):bisect_left(qstarts, se)]
            if label or after_start < 0:
                if qs and free(*qs[0]):
                    spans.append(qs[0])
                    direct = True
            elif qs and qs[0][0] == after_start:
                spans.append(qs[0])
                direct = True
                # a quotation running over several sentences: following quotations directly joined
                for q in qs[1:]:
                    if not masked[spans[-1][1]: q[0]].strip():
                        spans.append(q)
            else:
                text = masked[after_start:se]
                tail = len(text) - len(text.rstrip().rstrip(".!?…").rstrip())
                seg = (after_start, se - tail)
                if _has_words(masked[seg[0]:seg[1]], CLAUSE_MIN_WORDS):
                    spans.append(seg)
                    direct = bisect_left(qstarts, seg[0]) < bisect_left(qstarts, seg[1])
        if not spans or not all(free(*s) for s in spans):
            continue
        if direct and len(spans) == 1 and spans[0] in qset:
            if not _has_words(para[spans[0][0]:spans[0][1]], QUOTE_MIN_WORDS) and not label and content_before is False and spans[0][0] > att_end + 2:
                continue
        if subj and subj[:1].isupper() and (headline.get(ss) if ss in headline
                                             else headline.setdefault(ss, _headline(masked[ss:se]))):
            continue
        if subj == "":
            speaker, role = _last_speaker(state, None), None
        else:
            lead = pre if pre is not None else masked[ss:subj_start]
            speaker, role = _resolve(subj, app, lead, para[:subj_start], state)
        if not speaker:
            continue
        # a split quotation keeps the comma that ends its first part ("“A,” he said, “b.”" -> "A, b.")
        text = " ".join(_trim(para[s:e]) + ("," if k < len(spans) - 1 and para[s:e].rstrip("”\"»’ ").endswith(",")
                                            else "") for k, (s, e) in enumerate(spans))
        text = text.strip()
        if len(text) < 2:
            continue
        _note(state, speaker, role)
        for a, b in spans:
            use(a, b)
        use(c[0], c[1])
        out.append(QuoteSpan(Quote(text, speaker, role or state.roles.get(speaker), cue_text),
                             pi, tuple(spans), direct))


def find_quote_spans(paragraphs: list[str], *, language: str | None = None) -> list[QuoteSpan]:
    """Every attributed quotation or reported clause, with its paragraph and character spans."""
    g = _grammar(language)
    state = _State()
    out: list[QuoteSpan] = []
    paras = [p[:MAX_PARAGRAPH_CHARS] if isinstance(p, str) else "" for p in paragraphs]
    where = g.cue_candidates(paras)  # most paragraphs have no cue word: skipped after one DFA pass
    for pi, para in enumerate(paras):
        if not para:
            continue
        if where is None:
            _paragraph(para, pi, g, state, out)
        elif pi in where:
            _paragraph(para, pi, g, state, out, where[pi])
        state.seen.append(para)
    return out


def find_quotes(paragraphs: list[str], *, language: str | None = None) -> list[Quote]:
    """Who said what in these body paragraphs: `Quote(text, speaker, role, cue)` in reading order.

    `text` is the quotation (without its marks; a split quotation joined) or the reported clause;
    `speaker` the full name (pronouns and surnames resolved) or a noun phrase ("a campaign aide");
    `role` the words that describe the speaker ("campaign manager"); `cue` the attributing words
    ("said", "told", "according to", "a déclaré"). Quotations nobody is named for are left out.
    `language` (an ISO code) turns on the cue words that are ambiguous across languages ("so", "dice").
    """
    return [h.quote for h in find_quote_spans(paragraphs, language=language)]
