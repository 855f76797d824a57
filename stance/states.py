"""Named states in news text: names, adjectives, capitals, institutions and office holders.

``find_states(text, date=None)`` returns every mention of a state in ``text`` as a
:class:`Mention` with its ISO 3166-1 alpha-3 code, in text order, non-overlapping, longest
match first::

    >>> [(m.text, m.code, m.kind) for m in find_states("Moscow is willing to help Manila")]
    [('Moscow', 'RUS', 'capital'), ('Manila', 'PHL', 'capital')]

How it works: every surface form of the gazetteer tables in ``stance/resources/states/``
(see the README there) is compiled into one regular expression shaped as a character trie,
so a single left-to-right scan finds the leftmost-longest form at each word boundary. A few
forms carry context rules (US states, first names, the two Koreas); "blocker" phrases such as
"South China Sea" or "Latin America" are matched like any form and then dropped, which keeps
the state inside them from matching.

The tables are read on the first call, not at import, and this module imports neither
scikit-learn nor nltk.
"""

from __future__ import annotations

import csv
import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from stance.errors import UnknownStateError

__all__ = ["KNOWN_CODES", "Mention", "find_states", "state_adjective", "state_name"]

KNOWN_CODES: frozenset[str]  # computed from the tables on first access (module __getattr__)

KINDS = ("name", "adjective", "capital", "institution", "person")


@dataclass(frozen=True, slots=True)
class Mention:
    """One mention of a state: ``text == source[start:end]``, ``code`` is ISO alpha-3."""

    text: str
    start: int
    end: int
    code: str
    kind: str


# ----------------------------------------------------------------------------- tables

_LIST_SEP = "|"
_BLOCK = "-"  # code of a blocker entry: matched, then dropped

# Adjectives that take no plural "-s" (the others get one: "Russians", "Filipinos").
_NO_PLURAL_ENDINGS = ("s", "sh", "ch", "ese", "x", "z", "ss", "i-Kiribati")
_PLURAL_EXCEPTIONS = {"Czech"}  # ends in "ch" but pluralises: "Czechs"
_NO_PLURAL = {
    "Sino",
    "Vatican",
    "Myanmar",
    "Lao",
    "New Zealand",
    "Basotho",
    "Batswana",
    "Motswana",
    "Emaswati",
    "Mosotho",
    "Icelandic",
    "Hellenic",
    "Turkmen",
    "Kyrgyz",
    "Kirghiz",
    "Greek Cypriot",
    "Luxembourgish",
    "Central African",
}


# Context that makes "Georgia"/"Georgian" the US state, and context that keeps the country.
_GEORGIA_US = re.compile(
    r"\b(?:Atlanta|Savannah|[Gg]overnor|Gov\.|[Cc]ounty|Peach State|Republicans?|Democrats?|"
    r"Democratic|GOP|Kemp|Warnock|Ossoff|Fulton|Braves|Bulldogs|Senate (?:race|seat|runoff))\b"
)
_GEORGIA_COUNTRY = re.compile(
    r"\b(?:Tbilisi|Georgian Dream|Abkhaz\w*|Ossetia\w*|Caucasus|Saakashvili|Kobakhidze|"
    r"Zourabichvili|Kavelashvili|Garibashvili|Ivanishvili|Batumi|Anaklia|Black Sea|"
    r"Georgia['’]s (?:\w+ )?(?:minister|president|parliament|prime minister))\b"
)
_GEORGIA_CITY = re.compile(
    r"\b(?:Atlanta|Savannah|Augusta|Athens|Macon|Columbus|Marietta),? Georgia\b"
)
# Forms shared by two states: the default reading, and the other one (see _resolve_bare)
_BARE = frozenset(
    {"Korea", "Korean", "Koreans", "KOREA", "KOREAN", "KOREANS"}
    | {"Congo", "Congolese", "CONGO", "CONGOLESE"}
)
_BARE_OTHER = {"KOR": "PRK", "COD": "COG"}
_GEORGIA_FORMS = frozenset({"Georgia", "Georgian", "Georgians", "GEORGIA", "GEORGIAN"})


def _resource_dir():
    return resources.files("stance").joinpath("resources", "states")


def _read_tsv(name: str) -> list[dict[str, str]]:
    with _resource_dir().joinpath(name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def _split(cell: str | None) -> list[str]:
    return [s.strip() for s in (cell or "").split(_LIST_SEP) if s.strip()]


def _fold(s: str) -> str:
    """ASCII variant of a form: 'Erdoğan' -> 'Erdogan', 'Yıldırım' -> 'Yildirim'."""
    s = s.replace("ı", "i").replace("İ", "I").replace("ʻ", "'")
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def _variants(form: str) -> set[str]:
    """The form, its ASCII fold, both apostrophes, and ALL-CAPS versions of each."""
    out = {form, _fold(form)}
    out |= {v.replace("'", "’") for v in out} | {v.replace("’", "'") for v in out}
    out |= {v.upper() for v in out}
    return out


def _plural(adj: str) -> str | None:
    if adj in _NO_PLURAL or " " in adj and adj.split()[-1] in _NO_PLURAL:
        return None
    if adj not in _PLURAL_EXCEPTIONS and adj.endswith(_NO_PLURAL_ENDINGS):
        return None
    return adj + "s"


def _parse_date(value: str | _dt.date | None) -> _dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    try:
        return _dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise ValueError(f"date must be YYYY-MM-DD, got {value!r}") from None


@dataclass(frozen=True, slots=True)
class _Holder:
    code: str
    name: str
    start: _dt.date | None
    end: _dt.date | None  # None: still in office

    def in_office(self, day: _dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)


class _Gazetteer:
    """All tables, loaded once: surface form -> (code, kind) or office holders."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.adjectives: dict[str, str] = {}
        self.forms: dict[str, tuple[str, str]] = {}  # surface -> (code, kind)
        self.holders: dict[str, list[_Holder]] = {}  # surface -> holders
        self.person_like: frozenset[str] = frozenset()
        self.keep_next: frozenset[str] = frozenset()
        self.keep_prev: frozenset[str] = frozenset()
        self.titles: frozenset[str] = frozenset()
        self.exclusions: dict[str, re.Pattern[str]] = {}
        self._load()
        self.pattern = _compile([*self.forms, *self.holders])

    def _add(self, form: str, code: str, kind: str) -> None:
        for v in _variants(form):
            if v not in self.forms and v not in self.holders:
                self.forms[v] = (code, kind)

    def _load(self) -> None:
        rows = _read_tsv("states.tsv")
        # blockers first: "South China Sea" must never become a China mention
        for row in _read_tsv("blockers.tsv"):
            self._add(row["phrase"], _BLOCK, "blocker")
        # institutions and people before names, so that "Israel Katz" or
        # "Armed Forces of the Philippines" win over the state names inside them
        for row in _read_tsv("institutions.tsv"):
            for form in _split(row["surfaces"]):
                self._add(form, row["code"], "institution")
        for row in _read_tsv("people.tsv"):
            start = _parse_date(row["start"])
            end = _parse_date(row["end"])
            holder = _Holder(row["code"], row["name"], start, end)
            aliases = _split(row["aliases"])
            given = row["name"].split()[0]
            # "Abbas Araqchi" from "Abbas Araghchi" + alias "Araqchi"
            extra = [f"{given} {a}" for a in aliases if " " not in a and a not in row["name"]]
            for form in [row["name"], *aliases, *extra]:
                for v in _variants(form):
                    if v in self.forms:
                        continue
                    self.holders.setdefault(v, []).append(holder)
        # hand-written names, adjectives, capitals (first row wins a shared form:
        # "Congolese" -> COD, "Dominican" -> DOM), then pycountry's official forms
        for row in rows:
            code = row["code"]
            self.names[code] = row["name"]
            self.adjectives[code] = row["adjective"]
            for form in [row["name"], *_split(row["other_names"])]:
                self._add(form, code, "name")
        for row in rows:
            code = row["code"]
            adjs = [row["adjective"], *_split(row["other_adjectives"])] if row["adjective"] else []
            for form in adjs:
                self._add(form, code, "adjective")
                plural = _plural(form)
                if plural:
                    self._add(plural, code, "adjective")
        for row in rows:
            for form in _split(row["capitals"]):
                self._add(form, row["code"], "capital")
        for code, form in _pycountry_names(tuple(r["code"] for r in rows)):
            self._add(form, code, "name")
        self.person_like = frozenset(r["surface"] for r in _read_tsv("person_like.tsv"))
        words = {r["list"]: frozenset(r["words"].split()) for r in _read_tsv("context_words.tsv")}
        self.keep_next, self.keep_prev = words["keep_next"], words["keep_prev"]
        self.titles = words["titles"] | words["keep_prev"]
        self.exclusions = {
            r["surface"]: re.compile(r["followed_by"]) for r in _read_tsv("context_exclusions.tsv")
        }

    def person_code(self, surface: str, day: _dt.date | None) -> str:
        holders = self.holders[surface]
        if len(holders) == 1:
            return holders[0].code
        far = _dt.date.max
        if day is not None:
            current = [h for h in holders if h.in_office(day)]
            if current:
                return max(current, key=lambda h: h.start or _dt.date.min).code
            past = [h for h in holders if h.end is not None and h.end <= day]
            if past:
                return max(past, key=lambda h: h.end).code
            return min(holders, key=lambda h: h.start or _dt.date.min).code
        # no date: the most recent holder (still in office first)
        return max(holders, key=lambda h: (h.end or far, h.start or _dt.date.min)).code


def _pycountry_names(codes: tuple[str, ...]) -> list[tuple[str, str]]:
    """Official, short and common English names from pycountry (no inverted 'X, Y of' forms)."""
    import pycountry  # light, pure Python; imported only when the tables are first built

    out = []
    for code in codes:
        country = pycountry.countries.get(alpha_3=code)
        if country is None:  # XKX (Kosovo) is not in ISO 3166-1
            continue
        for attr in ("name", "official_name", "common_name"):
            form = getattr(country, attr, None)
            if not form or "," in form or "(" in form:
                continue
            if form.startswith("the "):
                form = form[4:]
            out.append((code, form))
    return out


def _trie_regex(words: list[str]) -> str:
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node: dict) -> str:
        end = "" in node
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if end:
            return ("(?:" + body + ")?") if len(alts) > 1 or len(body) > 1 else body + "?"
        return body

    return build(trie)


def _compile(words: list[str]) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + _trie_regex(sorted(set(words))) + r"(?!\w)")


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    return _Gazetteer()


# ------------------------------------------------------------------------ context rules

_PREV_WORD = re.compile(r"([A-ZÀ-Ö][a-zà-öø-ÿ]+) $")  # "Michael Jordan", "Luís Montenegro"
_NEXT_WORD = re.compile(r" ([A-Z][A-Za-z'’-]*[a-z])\b")  # "Peterson", "O'Keeffe"
_LEADING_TITLE = re.compile(r"(?:King|Queen|Emperor|Sultan|Emir|Sheikh|Pope) ", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


def _is_headline(text: str) -> bool:
    """Title-case text ("Jordan Says It Will Not Join") gives no capitalisation evidence."""
    long_words = [w for w in _WORD.findall(text) if len(w) > 3]
    if len(long_words) < 3:
        return True
    caps = sum(w[0].isupper() for w in long_words)
    return caps >= 0.8 * len(long_words)


def _looks_like_personal_name(
    text: str, start: int, end: int, g: _Gazetteer, keep_prev: frozenset[str]
) -> bool:
    """'Jordan Peterson', 'Michael Jordan', 'Paris Hilton', 'Hamada Hussein', 'Abu Khaled Abbas'."""
    nxt = _NEXT_WORD.match(text, end)
    if nxt and nxt.group(1) not in g.keep_next and nxt.group(1) not in g.forms:
        return True
    prev = _PREV_WORD.search(text, max(0, start - 30), start)
    return bool(prev and prev.group(1) not in keep_prev and prev.group(1) not in g.forms)


def _georgia_is_us_state(text: str) -> bool:
    # "Atlanta, Georgia" is already a blocker: it must not also turn the country in
    # "Georgia's economy minister met investors in Atlanta, Georgia" into the US state
    rest = _GEORGIA_CITY.sub("", text)
    return bool(_GEORGIA_US.search(rest)) and not _GEORGIA_COUNTRY.search(rest)


# ---------------------------------------------------------------------------- public API


def find_states(text: str, date: str | _dt.date | None = None) -> list[Mention]:
    """Every state mentioned in ``text``, in order, non-overlapping, longest match first.

    ``date`` (``YYYY-MM-DD`` or a ``datetime.date``) picks the office holder in office on
    that day when a surname was shared ("King Abdullah", "Aoun"); without it the most recent
    holder's state is used.
    """
    if not text:
        return []
    g = _gazetteer()
    day = _parse_date(date)
    forms = g.forms
    out: list[Mention] = []
    bare: list[int] = []
    headline: bool | None = None
    for m in g.pattern.finditer(text):
        surface = m.group()
        start, end = m.span()
        hit = forms.get(surface)
        if hit is not None and hit[0] == _BLOCK:
            continue
        if surface in g.person_like:
            if headline is None:
                headline = _is_headline(text)
            if not headline and _looks_like_personal_name(text, start, end, g, g.keep_prev):
                continue
        if hit is None:
            if " " not in surface and surface[1:].islower():  # one-word alias: "Abbas", "Moon"
                if headline is None:
                    headline = _is_headline(text)
                if not headline and _looks_like_personal_name(text, start, end, g, g.titles):
                    continue
            code = g.person_code(surface, day)
            title = _LEADING_TITLE.match(surface)  # "King Abdullah" -> span "Abdullah"
            if title:
                start += title.end()
                surface = surface[title.end() :]
            out.append(Mention(surface, start, end, code, "person"))
            continue
        code, kind = hit
        rule = g.exclusions.get(surface)
        if rule is not None and rule.match(text, end):
            continue
        if code == "USA":
            if text.startswith("$", end):  # "US$5m" is a currency, not the state
                continue
        elif surface in _GEORGIA_FORMS and _georgia_is_us_state(text):
            continue
        elif surface in _BARE:
            bare.append(len(out))
        out.append(Mention(surface, start, end, code, kind))
    if bare:
        out = _resolve_bare(out, bare)
    return out


def _resolve_bare(out: list[Mention], bare: list[int]) -> list[Mention]:
    """Bare 'Korea(n)' / 'Congo(lese)' default to KOR / COD; they become PRK / COG when only the
    other state is named explicitly in the text, and are dropped when both are."""
    bare_set = set(bare)
    explicit = {m.code for i, m in enumerate(out) if i not in bare_set}
    keep = []
    for i, m in enumerate(out):
        if i in bare_set:
            other = _BARE_OTHER[m.code]
            if other in explicit:
                if m.code in explicit:
                    continue
                m = Mention(m.text, m.start, m.end, other, m.kind)
        keep.append(m)
    return keep


def _check(code: str) -> str:
    g = _gazetteer()
    key = code.upper() if isinstance(code, str) else code
    if key not in g.names:
        raise UnknownStateError(f"unknown state code {code!r}: expected ISO 3166-1 alpha-3")
    return key


def state_name(code: str) -> str:
    """Canonical short English name: ``state_name("PHL") == "Philippines"``."""
    return _gazetteer().names[_check(code)]


def state_adjective(code: str) -> str:
    """Canonical adjective: ``state_adjective("USA") == "American"``."""
    return _gazetteer().adjectives[_check(code)]


def __getattr__(name: str):
    # KNOWN_CODES is computed from the tables on first access, keeping the import cheap.
    if name == "KNOWN_CODES":
        value = frozenset(_gazetteer().names)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# Codes other datasets use for states we know under another code (CAMEO's Kosovo is KSV;
# older ISO/CAMEO codes for Romania, DR Congo, East Timor).
CODE_ALIASES = {"KSV": "XKX", "ROM": "ROU", "ZAR": "COD", "TMP": "TLS"}


def canonical_code(code: str) -> str:
    """The code stance uses for ``code`` (aliases resolved); unknown codes are returned as they are."""
    return CODE_ALIASES.get(code, code)
