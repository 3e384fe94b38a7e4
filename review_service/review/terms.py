"""Typed term extraction: the numbers, places, parties and dates a playbook position is judged on.

Every extractor is a pure function from a string to a list of frozen values, each carrying ``start`` and
``end`` (character offsets into the string it was given: ``text[start:end] == value.text``) so that the
engine can quote the evidence. Nothing here decides whether a value is acceptable; that is the playbook's
job. The extractors are deliberately literal: they return what the words say, and they refuse forms they
cannot read unambiguously rather than guess (each docstring lists what it accepts and what it refuses).

Numbers may be written as numerals (``30``, ``1,000,000``, ``1.5``), as words (``thirty``, ``one hundred
twenty``, ``forty-eight``, ``two million``, ``one and one-half``) or as both, words followed by numerals in
parentheses (``thirty (30)``). When the words and the numerals disagree (``thirty (60) days``), the numeral
wins, as it does in most drafting conventions, and the words' value is kept in ``words_value`` so that the
discrepancy can be reported.

All regular expressions are compiled once at import; ``extract_terms`` over a 90,000-character contract
takes a few tens of milliseconds.
"""

from __future__ import annotations

import bisect
import calendar
import functools
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

__all__ = [
    "Date",
    "Duration",
    "FeeCap",
    "Hours",
    "Jurisdiction",
    "Money",
    "Party",
    "Percentage",
    "RenewalTerm",
    "Terms",
    "agreement_date",
    "arbitration_seat",
    "dates",
    "durations",
    "effective_date",
    "expiration_date",
    "expiration_from",
    "extract_terms",
    "fee_caps",
    "governing_law",
    "hours",
    "initial_term",
    "iter_values",
    "jurisdictions",
    "lookup_jurisdiction",
    "money",
    "parse_number_words",
    "parties",
    "percentages",
    "preamble_dates",
    "renewal_notice",
    "renewal_term",
    "sentence_spans",
    "signature_dates",
    "venue",
]

DurationUnit = Literal["days", "business_days", "weeks", "months", "years"]
PercentPeriod = Literal["month", "year"]
JurisdictionKind = Literal["state", "country", "province", "region", "locality"]
JurisdictionRole = Literal["governing_law", "venue", "arbitration", "incorporation"]
DateLabel = Literal["effective", "agreement", "expiration"]


# --------------------------------------------------------------------------------------------- values


class _Value:
    """Shared behaviour of the extracted values: a JSON-friendly dict."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        return {f.name: _jsonable(getattr(self, f.name)) for f in fields(self)}  # type: ignore[arg-type]


def _jsonable(v: object) -> object:
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, _Value):
        return v.to_dict()
    if isinstance(v, tuple | list):
        return [_jsonable(x) for x in v]
    return v


@dataclass(frozen=True, slots=True)
class Duration(_Value):
    """A length of time: ``value`` ``unit`` (``days`` is a calendar-day approximation for comparisons).

    ``days`` counts a month as 365/12 days, a year as 365, a week as 7 and a business day as 7/5.
    ``words_value`` is set only when words and parenthesised numerals disagree (the numeral is ``value``).
    """

    value: float
    unit: DurationUnit
    days: float
    start: int
    end: int
    text: str
    words_value: float | None = None

    def add_to(self, day: date) -> date:
        """``day`` plus this duration: calendar months and years keep the day of the month (clamped to the
        month's end: 31 January + 1 month = 28/29 February); business days skip Saturdays and Sundays;
        fractional months and years are rounded to whole days."""
        if self.unit in ("months", "years") and self.value == int(self.value):
            months = int(self.value) * (12 if self.unit == "years" else 1)
            y, m = divmod(day.month - 1 + months, 12)
            year, month = day.year + y, m + 1
            return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
        if self.unit == "business_days":
            left, cur = int(self.value), day
            while left > 0:
                cur += timedelta(days=1)
                if cur.weekday() < 5:
                    left -= 1
            return cur
        return day + timedelta(days=round(self.days))


@dataclass(frozen=True, slots=True)
class Money(_Value):
    """An amount of money with its ISO 4217 currency code (a bare ``$`` or "dollars" is USD)."""

    amount: Decimal
    currency: str
    start: int
    end: int
    text: str
    words_value: Decimal | None = None


@dataclass(frozen=True, slots=True)
class FeeCap(_Value):
    """An amount defined as a multiple of fees paid, e.g. "the fees paid in the 12 months preceding the claim".

    ``months`` is the look-back period (12 for "annual fees" or "the prior year"), or ``None`` when the text
    names no period ("the total fees paid under the applicable Order Form"). ``multiple`` is 1 unless the
    text says otherwise ("two times", "2x", "200% of"). ``basis`` is the describing phrase, whitespace-normalised.
    """

    months: float | None
    multiple: float
    basis: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Percentage(_Value):
    """A percentage, with the period it accrues over (``month``/``year``) when the text gives one.

    An index reference ("CPI", "Consumer Price Index", "RPI") is a Percentage with ``value=None`` and
    ``index`` set. ``capped_by_law`` marks "the lesser of X% ... or the maximum rate permitted by law".
    """

    value: float | None
    period: PercentPeriod | None
    start: int
    end: int
    text: str
    index: str | None = None
    capped_by_law: bool = False
    words_value: float | None = None


@dataclass(frozen=True, slots=True)
class Hours(_Value):
    """A time limit in hours ("within forty-eight (48) hours"); ``value=None`` means no stated time
    ("without undue delay", "as soon as reasonably practicable")."""

    value: float | None
    start: int
    end: int
    text: str
    words_value: float | None = None


@dataclass(frozen=True, slots=True)
class Jurisdiction(_Value):
    """A place as a legal system: a US state, a country, a province, a region, or (for venues and seats
    only) a city or county.

    ``name`` is canonical ("New York", "England and Wales", "China", "Ontario"); ``country`` is the
    country it belongs to ("United States", "United Kingdom", "Canada"). ``role`` says how the text uses it:
    ``governing_law`` ("governed by the laws of X", "X law"), ``venue`` ("the courts of X"),
    ``arbitration`` ("arbitration ... seated in X"), ``incorporation`` ("a X corporation", "organized under
    the laws of X"), or ``None`` for a plain mention. ``locality`` is the city or county when one is named
    ("courts in Santa Clara County, California").
    """

    name: str
    kind: JurisdictionKind
    country: str | None
    start: int
    end: int
    text: str
    role: JurisdictionRole | None = None
    locality: str | None = None


@dataclass(frozen=True, slots=True)
class Party(_Value):
    """A party named in the preamble, with the defined terms that refer to it.

    ``name`` is the name as written (whitespace-normalised, trailing commas removed); ``alias`` is the first
    defined term ("Vendor"), ``aliases`` all of them; ``description`` is the entity description when given
    ("a Delaware corporation"). ``start``/``end`` cover the name as written.
    """

    name: str
    alias: str | None
    start: int
    end: int
    text: str
    aliases: tuple[str, ...] = ()
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Date(_Value):
    """A calendar date and what the text says it is: ``effective``, ``agreement`` (the date the agreement is
    made or dated), ``expiration``, or ``None``."""

    value: date
    start: int
    end: int
    text: str
    label: DateLabel | None = None


@dataclass(frozen=True, slots=True)
class RenewalTerm(_Value):
    """How long a renewal lasts: ``duration``, whether renewals repeat (``successive``), how many are
    allowed (``count``, when stated), and whether renewal is ``automatic``."""

    duration: Duration
    successive: bool
    automatic: bool
    start: int
    end: int
    text: str
    count: int | None = None


@dataclass(frozen=True, slots=True)
class Terms(_Value):
    """Everything :func:`extract_terms` found, grouped by kind, each group in text order."""

    durations: tuple[Duration, ...] = ()
    money: tuple[Money, ...] = ()
    fee_caps: tuple[FeeCap, ...] = ()
    percentages: tuple[Percentage, ...] = ()
    hours: tuple[Hours, ...] = ()
    jurisdictions: tuple[Jurisdiction, ...] = ()
    parties: tuple[Party, ...] = ()
    dates: tuple[Date, ...] = ()

    def to_json(self) -> dict[str, list[dict[str, Any]]]:
        """A dict of lists of plain dicts (Decimals and dates as strings), ready for ``json.dumps``."""
        return {f.name: [v.to_dict() for v in getattr(self, f.name)] for f in fields(self)}


# --------------------------------------------------------------------------------------------- numbers

# Speed. Python's regex engine tries every alternative at every position, so a pattern that starts with
# forty number words is slow over a whole contract. Each extractor therefore scans first for a cheap
# trigger (a unit, a currency sign, a month name), written as a case-sensitive trie with no leading
# assertion so that the engine can skip ahead on its first character, and runs its full pattern only in
# small windows around the triggers.


def _trie(words: Iterable[str]) -> str:
    """An alternation of ``words`` factored as a trie; a space in a word matches any run of whitespace."""
    root: dict[str, Any] = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        end = "" in node
        alts = [(r"\s+" if k == " " else re.escape(k)) + build(v) for k, v in sorted(node.items()) if k]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if end else body

    return build(root)


def _cased(words: Iterable[str]) -> list[str]:
    out: set[str] = set()
    for w in words:
        out.update((w, w[:1].upper() + w[1:], w.upper(), w.title()))
    return sorted(out)



_SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
_SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_NUMBER_WORDS = sorted([*_SMALL, *_TENS, "hundred", *_SCALES], key=len, reverse=True)
_W = "(?:" + _trie(_NUMBER_WORDS) + ")"
# "and" joins only after a scale word ("one hundred and eighty"), never two numbers ("thirty and sixty").
_WORDS = rf"\b{_W}(?:(?:\s*-\s*|\s+|(?:(?<=hundred)|(?<=thousand)|(?<=illion))\s+and\s+){_W})*\b"
_FRACTION = r"(?:\s+and\s+(?:a|one)[\s-]+(?:half|quarter)|\s+and\s+three[\s-]+quarters?)"
_WORDS_FRAC = rf"{_WORDS}{_FRACTION}?"
_NUMERAL = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_FRACTION_RE = re.compile(r"(?:\band\s+)?(?:(a|one)[\s-]+(half|quarter)|(three)[\s-]+quarters?)\s*$", re.I)


def parse_number_words(words: str) -> float | None:
    """The value of English number words ("forty-eight", "one hundred and twenty", "two million",
    "one and one-half"), or ``None`` when the string is not made of number words only."""
    s = words.strip().lower()
    frac = 0.0
    m = _FRACTION_RE.search(s)
    if m:
        frac = 0.5 if m.group(2) == "half" else 0.75 if m.group(3) else 0.25
        s = s[: m.start()].strip()
        if not s:
            return frac
    total = current = 0
    seen = False
    for tok in re.split(r"[\s-]+", s):
        if not tok or tok == "and":
            continue
        if tok in _SMALL:
            current += _SMALL[tok]
        elif tok in _TENS:
            current += _TENS[tok]
        elif tok == "hundred":
            current = (current or 1) * 100
        elif tok in _SCALES:
            total += (current or 1) * _SCALES[tok]
            current = 0
        else:
            return None
        seen = True
    if not seen:
        return None
    return float(total + current) + frac


def _num(s: str) -> float:
    return float(s.replace(",", ""))


def _value_from(words: str | None, paren: str | None, numeral: str | None) -> tuple[float, float | None] | None:
    """(value, words_value-if-it-disagrees) from the three ways a number is written."""
    if numeral is not None:
        return _num(numeral), None
    w = parse_number_words(words) if words else None
    if paren is not None:
        p = _num(paren)
        return p, (w if w is not None and w != p else None)
    if w is None:
        return None
    return w, None


def _norm_ws(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def _squash(s: str) -> str:
    """Whitespace runs as one space: context patterns run on squashed slices, so that a column of spaces
    in a signature block cannot make their ``\\s*`` sequences backtrack for seconds."""
    return _WS_RUN_RE.sub(" ", s)


_WS_RUN_RE = re.compile(r"\s{2,}|[\t\n\r\f\v]")


_WINDOW_START_RE = re.compile(r"[.;:!?\n()\[\]]")


def _windowed(
    rx: re.Pattern[str], text: str, trigger: re.Pattern[str], before: int, after: int
) -> Iterator[re.Match[str]]:
    """Matches of ``rx`` inside merged windows around the matches of ``trigger``.

    A window starts ``before`` characters ahead of its trigger, moved back to the last punctuation mark or
    line break (at most 60 characters more) so that no match is cut in the middle of a number in words.
    """
    spans: list[list[int]] = []
    n = len(text)
    for t in trigger.finditer(text):
        lo = max(0, t.start() - before)
        if lo:
            marks = [p.end() for p in _WINDOW_START_RE.finditer(text, max(0, lo - 60), lo)]
            lo = marks[-1] if marks else max(0, lo - 60)
        hi = min(n, t.end() + after)
        if spans and lo <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], hi)
        else:
            spans.append([lo, hi])
    for lo, hi in spans:
        yield from rx.finditer(text, lo, hi)


# --------------------------------------------------------------------------------------------- durations

_NUM_EXPR = rf"""
    (?:
        (?P<w>{_WORDS_FRAC})(?:\s*\(\s*(?P<pn>{_NUMERAL})\s*\)|\s*\(\s*[Il]\s*\))?
      | \(\s*(?P<qn>{_NUMERAL})\s*\)
      | (?<![\w$§.,/-])(?P<n>{_NUMERAL})(?![.,]\d)
    )"""

_DURATION_RE = re.compile(
    rf"""
    (?:
        {_NUM_EXPR}
      | \b(?P<half>half)\s+an?
      | \b(?P<a>an?)(?:\s+(?:additional|further|extra|single|full|renewal))?
    )
    \s*[-~]?\s*
    (?:(?:additional|successive|consecutive|full|complete|contract|fiscal|renewal)\s*-?\s*)?
    (?P<unit>(?P<kind>calendar\s+|business\s+|working\s+|banking\s+)?(?:day|week|month|year)s?)
    (?![\w])
    """,
    re.I | re.X,
)
_UNIT_TRIGGER_RE = re.compile(_trie(_cased(["day", "days", "week", "weeks", "month", "months", "year", "years"]))
                              + r"(?![A-Za-z])")
_UNIT_DAYS = {"days": 1.0, "business_days": 7 / 5, "weeks": 7.0, "months": 365 / 12, "years": 365.0}
_UNIT_MAX = {"days": 100_000, "business_days": 10_000, "weeks": 5_000, "months": 2_400, "years": 200}
_NOT_BEFORE_A = re.compile(r"(?:\b(?:once|twice|thrice|times|per|each|every|percent|cent)|%)\s*$", re.I)
_A_ALLOWED_BEFORE = re.compile(
    r"\b(?:for|within|of|after|than|over|extend(?:ed)?|renew(?:ed|al)?|another|least|about|approximately|"
    r"only|additional|further|by|period|term|to)\s*$",
    re.I,
)


def _unit_of(m: re.Match[str]) -> DurationUnit:
    kind = (m.group("kind") or "").strip().lower()
    u = m.group("unit").lower()[len(m.group("kind") or "") :]
    if u.startswith("day"):
        return "business_days" if kind in ("business", "working", "banking") else "days"
    if u.startswith("week"):
        return "weeks"
    if u.startswith("month"):
        return "months"
    return "years"


def _duration_from_match(text: str, m: re.Match[str]) -> Duration | None:
    if m.group("a") is not None:
        before = text[max(0, m.start() - 20) : m.start()]
        if _NOT_BEFORE_A.search(before) or not _A_ALLOWED_BEFORE.search(before):
            return None
        value, words_value = 1.0, None
    elif m.group("half") is not None:
        value, words_value = 0.5, None
    else:
        numeral = m.group("n") or m.group("qn")
        got = _value_from(m.group("w"), m.group("pn"), numeral)
        if got is None:
            return None
        value, words_value = got
    unit = _unit_of(m)
    if value > _UNIT_MAX[unit]:
        return None
    return Duration(
        value=value, unit=unit, days=round(value * _UNIT_DAYS[unit], 4), start=m.start(), end=m.end(),
        text=m.group(0), words_value=words_value,
    )


def durations(text: str) -> list[Duration]:
    """Lengths of time in days, business days, weeks, months or years.

    Accepts numerals ("30 days", "24 months"), words ("one year", "two years"), words with numerals in
    parentheses ("thirty (30) days", "one (1) year"), a parenthesised numeral alone ("(30) days"), hyphenated
    adjectives ("90-day", "five (5)-year"), calendar/business/working days ("sixty (60) calendar days",
    "three (3) business days"), an adjective between number and unit ("three (3) successive years",
    "12 Contract Years"), "a"/"an" before year or month after words such as "for", "within", "another"
    ("for an additional year"), and "half a year".

    Refuses a number with no unit ("30", "Section 12"), ordinals ("the 30th day"), hours (see :func:`hours`),
    frequencies ("once a year", "1.5% a month"), "a"/"an" elsewhere ("on a Business Day"), and absurd values
    (more than 200 years, for instance: "2019 years" is a date, not a duration).
    """
    out: list[Duration] = []
    for m in _windowed(_DURATION_RE, text, _UNIT_TRIGGER_RE, 80, 2):
        d = _duration_from_match(text, m)
        if d is None:
            continue
        last = out[-1] if out else None
        if last is not None and _UNIT_RANK[last.unit] > _UNIT_RANK[d.unit] and \
                _JOINED.fullmatch(text, last.end, d.start):
            # "one (1) year and six (6) months" is one length of time, in its smaller unit
            days = last.days + d.days
            value = round(days / _UNIT_DAYS[d.unit], 4)
            out[-1] = Duration(value=value, unit=d.unit, days=round(days, 4), start=last.start, end=d.end,
                               text=text[last.start:d.end])
            continue
        out.append(d)
    return out


_UNIT_RANK = {"years": 4, "months": 3, "weeks": 2, "days": 1, "business_days": 1}
_JOINED = re.compile(r"\s+and\s+")


# --------------------------------------------------------------------------------------------- hours

_HOURS_RE = re.compile(
    rf"""{_NUM_EXPR}\s*-?\s*(?:(?:business|working|consecutive|clock)\s+)?hours?\b
    | (?P<vague>without\s+(?:undue|unreasonable)\s+delay|as\s+soon\s+as\s+(?:reasonably\s+)?(?:practicable|possible))
    """,
    re.I | re.X,
)


_HOURS_TRIGGER_RE = re.compile(_trie(_cased(["hour", "hours", "delay", "practicable", "possible"])))


def hours(text: str) -> list[Hours]:
    """Time limits stated in hours, and the vague limits that state no time.

    Accepts "72 hours", "within forty-eight (48) hours", "twenty-four (24) business hours", "one hour";
    records "without undue delay", "without unreasonable delay", "as soon as (reasonably) practicable" and
    "as soon as possible" as ``Hours(value=None)``. Refuses days and other units (see :func:`durations`:
    "within two (2) days" is a Duration) and "promptly" (too common to mean a notification limit).
    """
    out: list[Hours] = []
    for m in _windowed(_HOURS_RE, text, _HOURS_TRIGGER_RE, 80, 30):
        if m.group("vague"):
            out.append(Hours(None, m.start(), m.end(), m.group(0)))
            continue
        got = _value_from(m.group("w"), m.group("pn"), m.group("n") or m.group("qn"))
        if got is None:
            continue
        out.append(Hours(got[0], m.start(), m.end(), m.group(0), words_value=got[1]))
    return out


# --------------------------------------------------------------------------------------------- money

_CUR_PREFIX = {
    "us$": "USD", "u.s.$": "USD", "usd": "USD", "usd$": "USD", "$": "USD", "c$": "CAD", "ca$": "CAD",
    "cad": "CAD", "cad$": "CAD", "a$": "AUD", "au$": "AUD", "aud": "AUD", "aud$": "AUD", "nz$": "NZD",
    "nzd": "NZD", "hk$": "HKD", "hkd": "HKD", "s$": "SGD", "sgd": "SGD", "€": "EUR", "eur": "EUR",
    "£": "GBP", "gbp": "GBP", "¥": "JPY", "jpy": "JPY", "rmb": "CNY", "cny": "CNY", "chf": "CHF",
    "inr": "INR", "rs.": "INR", "rs": "INR", "₹": "INR", "sek": "SEK", "nok": "NOK", "dkk": "DKK",
}
_CUR_WORD = {
    "dollar": "USD", "dollars": "USD", "u.s. dollars": "USD", "us dollars": "USD", "united states dollars": "USD",
    "euro": "EUR", "euros": "EUR", "pound": "GBP", "pounds": "GBP", "pounds sterling": "GBP",
    "sterling": "GBP", "yen": "JPY", "yuan": "CNY", "renminbi": "CNY", "swiss francs": "CHF",
    "canadian dollars": "CAD", "australian dollars": "AUD", "hong kong dollars": "HKD",
    "singapore dollars": "SGD", "rupees": "INR",
}
_CUR_PREFIX_RE = r"(?:US\s?\$|U\.S\.\s?\$|USD\s?\$?|C\$|CA\$|CAD\s?\$?|A\$|AU\$|AUD\s?\$?|NZ\$|NZD|HK\$|HKD|S\$|SGD|" \
    r"\$|€|EUR|£|GBP|¥|JPY|RMB|CNY|CHF|INR|Rs\.?|₹|SEK|NOK|DKK)"
_CUR_WORD_RE = r"(?:(?:U\.\s?S\.|US|United\s+States|Canadian|Australian|Hong\s+Kong|Singapore)\s+dollars?|" \
    r"dollars?|euros?|pounds?(?:\s+sterling)?|sterling|yen|yuan|renminbi|swiss\s+francs|rupees)"
_SCALE_RE = r"(?:[ \u00a0]?(?P<{p}scale>million|billion|thousand|mm|bn|m|k)\b)"
_MONEY_RE = re.compile(
    rf"""
      (?P<w>{_WORDS})[ \t]*(?:\(\s*(?:{_CUR_PREFIX_RE}[ \u00a0]?)?(?P<wpn>{_NUMERAL})\s*\)\s*)?
            (?P<wcur>{_CUR_WORD_RE})\b
            (?:\s*\(\s*(?P<wpcur>{_CUR_PREFIX_RE})[ \u00a0]?(?P<wpamt>{_NUMERAL}){_SCALE_RE.format(p='wp')}?\s*\))?
    | (?<![\w$])(?P<cur>{_CUR_PREFIX_RE})[ \u00a0]?(?P<amt>{_NUMERAL}){_SCALE_RE.format(p='a')}?
    | (?<![\w$.,])(?P<amt2>{_NUMERAL}){_SCALE_RE.format(p='b')}?[ \u00a0]*
        (?P<cur2>{_CUR_WORD_RE}|USD|EUR|GBP|CAD|AUD|JPY|CHF|CNY|RMB)\b
    """,
    re.I | re.X,
)
_SCALE_VALUE = {"thousand": 1_000, "k": 1_000, "million": 1_000_000, "m": 1_000_000, "mm": 1_000_000,
                "billion": 1_000_000_000, "bn": 1_000_000_000}


_MONEY_TRIGGER_RE = re.compile("[$€£¥₹]|" + _trie(
    ["USD", "EUR", "GBP", "CAD", "AUD", "NZD", "HKD", "SGD", "JPY", "RMB", "CNY", "CHF", "INR", "SEK", "NOK", "DKK",
     "Rs.", *_cased(["dollar", "euro", "pound", "sterling", "yen", "yuan", "renminbi", "franc", "rupee"])]))


def _decimal(numeral: str, scale: str | None) -> Decimal | None:
    try:
        d = Decimal(numeral.replace(",", ""))
    except InvalidOperation:
        return None
    if scale:
        d *= _SCALE_VALUE[scale.lower()]
    return d.quantize(Decimal(1)) if d == d.to_integral_value() else d.normalize()


def _currency_prefix(s: str) -> str:
    key = re.sub(r"\s", "", s).lower()
    return _CUR_PREFIX.get(key, _CUR_PREFIX.get(key.rstrip("$"), "USD"))


def _currency_word(s: str) -> str:
    key = _norm_ws(s).lower().replace("u. s.", "u.s.")
    if key in _CUR_WORD:
        return _CUR_WORD[key]
    if key.upper() in {"USD", "EUR", "GBP", "CAD", "AUD", "JPY", "CHF", "CNY"}:
        return key.upper()
    if key == "rmb":
        return "CNY"
    return _CUR_WORD.get(key.split()[-1], "USD")


def money(text: str) -> list[Money]:
    """Amounts of money.

    Accepts a currency symbol or code before a numeral ("$1,000,000", "US$5,000,000", "USD 2 million",
    "€250,000", "£1m", "$2M", "$ 1,000", "C$500"), a numeral followed by a currency word or code
    ("5,000 dollars", "2 million euros", "100 USD"), and words followed by a currency word, optionally with
    the numeral in parentheses ("two million dollars ($2,000,000)"; the numeral wins when they disagree and
    the words' value is kept in ``words_value``). Scale words and suffixes: thousand/k, million/m/mm,
    billion/bn. A bare "$" or "dollars" is taken as US dollars.

    Refuses a currency sign with no number next to it ("$" in a table header, "$ -", "$[***]"), a symbol
    separated from the number by a line break or tab (table columns), and bare numbers ("1,000,000").
    """
    out: list[Money] = []
    for m in _windowed(_MONEY_RE, text, _MONEY_TRIGGER_RE, 90, 40):
        if m.group("w") is not None:
            words = parse_number_words(m.group("w"))
            if m.group("wpamt"):
                amount = _decimal(m.group("wpamt"), m.group("wpscale"))
                currency = _currency_prefix(m.group("wpcur"))
            elif m.group("wpn"):
                amount = _decimal(m.group("wpn"), None)
                currency = _currency_word(m.group("wcur"))
            else:
                amount = _decimal(str(words), None) if words is not None else None
                currency = _currency_word(m.group("wcur"))
            if amount is None:
                continue
            wv = _decimal(str(words), None) if words is not None else None
            out.append(Money(amount, currency, m.start(), m.end(), m.group(0),
                             words_value=wv if wv is not None and wv != amount else None))
        elif m.group("cur") is not None:
            amount = _decimal(m.group("amt"), m.group("ascale"))
            if amount is not None:
                out.append(Money(amount, _currency_prefix(m.group("cur")), m.start(), m.end(), m.group(0)))
        else:
            amount = _decimal(m.group("amt2"), m.group("bscale"))
            if amount is not None:
                out.append(Money(amount, _currency_word(m.group("cur2")), m.start(), m.end(), m.group(0)))
    return out


# --------------------------------------------------------------------------------------------- fee caps

_FEE_NOUN = r"(?:fees|charges|amounts|sums|monies|moneys|payments|compensation|consideration|royalties)"
_FEE_ADJ = r"(?:(?:the|all|any|total|aggregate|annual|yearly|cumulative|net|recurring|subscription|licen[cs]e|" \
    r"service|services|support|maintenance|applicable|actual|amount\s+of(?:\s+the)?|sum\s+of(?:\s+the)?|" \
    r"amount\s+equal\s+to(?:\s+the)?|equal\s+to(?:\s+the)?)\s+)"
_MULT = rf"""(?:
      (?P<mw>{_WORDS_FRAC})\s*(?:\(\s*(?P<mpn>\d+(?:\.\d+)?)\s*\)\s*)?(?:times|x)\b
    | (?P<mn>\d+(?:\.\d+)?)\s*(?:x|times|×)(?!\w)
    | (?P<twice>twice)\b
    | (?:{_WORDS}\s+percent\s*)?\(?\s*(?P<pct>\d+(?:\.\d+)?)\s*(?:%|percent)\s*\)?\s+of
    )"""
_PAID = r"(?:(?:actually\s+)?paid(?:\s+(?:and|or|and/or)\s+(?:payable|owed|due|owing))?|payable|received)"
_FEECAP_RE = re.compile(
    rf"""
    (?:(?P<mult>{_MULT})\s+)?
    (?P<adj>{_FEE_ADJ}*)
    (?P<noun>{_FEE_NOUN})\b
    (?P<rest>[^.;:]{{0,120}}?\b{_PAID}\b[^.;:]{{0,200}})?
    """,
    re.I | re.X,
)
# The period the fees were paid over: "in the twelve (12) months preceding the claim", "during the 6 months
# prior to", "in the preceding twelve months", "in the prior year", "the 12-month period immediately preceding".
_BACK = r"(?:immediately\s+)?(?:preceding|prior\s+to|prior|before|previous|preceeding)"
_PERIOD_RE = re.compile(
    rf"""
      (?P<lead>(?:in\s+respect\s+of|with\s+respect\s+to|in|during|for|over|within|under|throughout)\s+
        (?:the|any|such)?\s*)
        (?:(?:immediately\s+)?(?:preceding|prior|previous|last|trailing|first)\s+)?
        (?P<dur>(?:{_WORDS_FRAC})(?:\s*\(\s*\d+\s*\))?|\(?\d+\)?|one)\s*-?\s*(?P<unit>months?|years?|days?)
        (?P<tail>(?:\s*-?\s*period)?(?:\s+{_BACK}|\s+(?:ending|ended|immediately)|\s+(?:of\s+)?(?:this|the)\s+(?:agreement|term))?)
    | (?P<prior>(?:in|during|for|over)\s+the\s+(?:immediately\s+)?(?:prior|preceding|previous|last)\s+
        (?:calendar\s+|contract\s+|twelve[\s-]month\s+)?(?P<punit>year|month|quarter))
    | (?P<peryear>(?:per|each|a|any|in\s+any|during\s+any)\s+(?:calendar\s+|contract\s+)?year|annually|per\s+annum)
    """,
    re.I | re.X,
)
_MONTHS_FEES_RE = re.compile(
    rf"""(?P<dur>(?:{_WORDS_FRAC})(?:\s*\(\s*\d+\s*\))?|\(?\d+\)?)\s*-?\s*(?P<unit>months?|years?)['’]?s?['’]?\s+
         (?:(?:worth|of)\s+)*(?:the\s+)?(?:(?:applicable|total|aggregate|subscription|service|recurring)\s+)*
         (?:fees|charges)\b""",
    re.I | re.X,
)
_FEE_BASIS_TAIL = re.compile(
    r"""(?:\s+or\s+payable|\s+(?:by|to)\s+(?:the\s+)?[A-Z][\w-]*(?:\s+[A-Z][\w-]*)?|\s+hereunder
        |\s+(?:under|pursuant\s+to|in\s+connection\s+with)\s+(?:this|the|such|any|that|each)\s+(?:applicable\s+)?
           (?:[A-Z][\w-]*|agreement|order(?:\s+form)?|statement\s+of\s+work|contract)(?:\s+[A-Z][\w-]*){0,3})*""",
    re.X,
)


_FEE_TRIGGER_RE = re.compile(_trie(_cased(["fees", "charges", "amounts", "sums", "monies", "moneys", "payments",
                                            "compensation", "consideration", "royalties"])))


_FEE_PRE_RE = re.compile(rf"(?<![\w])(?:{_MULT}\s+)?{_FEE_ADJ}*$", re.I | re.X)


def _fee_phrases(text: str) -> Iterator[re.Match[str]]:
    """``_FEECAP_RE`` matches anchored on each fee noun: the multiple and adjectives are found by a search
    that must end at the noun, the rest by an anchored match."""
    n = len(text)
    for t in _FEE_TRIGGER_RE.finditer(text):
        st, en = t.start(), t.end()
        if (st and text[st - 1].isalnum()) or (en < n and text[en].isalnum()):
            continue
        pre = _FEE_PRE_RE.search(text, max(0, st - 70), st)
        m = _FEECAP_RE.match(text, pre.start() if pre else st)
        if m is None or m.start("noun") != st:
            m = _FEECAP_RE.match(text, st)
        if m is not None:
            yield m


def _months_of(dur: str, unit: str) -> float | None:
    m = re.fullmatch(rf"\s*(?P<w>{_WORDS_FRAC})?\s*(?:\(\s*(?P<p>\d+)\s*\))?\s*|\s*\(?(?P<n>\d+)\)?\s*", dur, re.I)
    if not m:
        return None
    got = _value_from(m.group("w"), m.group("p"), m.group("n"))
    if got is None:
        return None
    u = unit.lower()
    if u.startswith("year"):
        return got[0] * 12
    if u.startswith("day"):
        return round(got[0] / (365 / 12), 2)
    return got[0]


def _multiple(m: re.Match[str]) -> float:
    if m.group("mult") is None:
        return 1.0
    if m.group("twice"):
        return 2.0
    if m.group("pct"):
        return float(m.group("pct")) / 100
    got = _value_from(m.group("mw"), m.group("mpn"), m.group("mn"))
    return got[0] if got else 1.0


def fee_caps(text: str) -> list[FeeCap]:
    """Amounts defined by reference to the fees paid, as liability caps usually are.

    Accepts a fee noun (fees, charges, amounts, sums, payments, compensation...) followed within the
    sentence by "paid", "payable" or "received", optionally with a look-back period ("in the twelve (12)
    months preceding the claim", "during the 6 months prior to the event", "in the preceding twelve months",
    "in the prior year"); a multiple before it ("one times the annual fees", "two (2) times", "2x",
    "200% of"); "annual fees" (12 months); and "twelve (12) months' fees". Without a stated period
    ``months`` is ``None`` ("the total fees paid under the applicable Order Form").

    Refuses fee nouns that no payment verb, multiple, "annual" or months-of-fees phrase ties to an amount
    paid ("the fees set out in Exhibit A", "all amounts due within thirty (30) days"). It does not check that
    the phrase is a cap: the caller applies it to limitation-of-liability clauses.
    """
    out: list[FeeCap] = []
    taken_until = -1
    for m in _windowed(_MONTHS_FEES_RE, text, _FEE_TRIGGER_RE, 70, 2):
        span_months = _months_of(m.group("dur"), m.group("unit"))
        if span_months is None:
            continue
        out.append(FeeCap(span_months, 1.0, _norm_ws(m.group(0)), m.start(), m.end(), m.group(0)))
    covered = [(c.start, c.end) for c in out]
    for m in _fee_phrases(text):
        if m.start() < taken_until or any(s <= m.start("noun") < e for s, e in covered):
            continue
        adj = (m.group("adj") or "").lower()
        rest = m.group("rest")
        annual = bool(re.search(r"\b(?:annual|yearly)\b", adj))
        if rest is None and m.group("mult") is None and not annual:
            continue
        months: float | None = 12.0 if annual else None
        end = m.end("noun")
        if rest is not None:
            paid = re.search(rf"\b{_PAID}\b", rest, re.I)
            assert paid is not None
            after = m.start("rest") + paid.end()
            tail = _FEE_BASIS_TAIL.match(text, after)
            end = tail.end() if tail else after
            p = _PERIOD_RE.search(text, m.start("rest"), m.end("rest"))
            if p is not None and p.start() <= end + 60:
                if p.group("dur"):
                    back = p.group("tail") or ""
                    lead = p.group(0)[: p.start("dur") - p.start()]
                    lead_back = re.search(r"(?:preceding|prior|previous|last|trailing)\s+$", lead, re.I)
                    if back.strip() or lead_back:
                        months = _months_of(p.group("dur"), p.group("unit"))
                        end = max(end, p.end())
                elif p.group("prior"):
                    u = p.group("punit").lower()
                    months = 12.0 if u == "year" else 3.0 if u == "quarter" else 1.0
                    end = max(end, p.end())
                elif p.group("peryear") and months is None:
                    months = 12.0
                    end = max(end, p.end())
            loose = (months is None and m.group("mult") is None
                     and not re.match(rf"\s*{_PAID}", text[m.end("noun") : after], re.I)
                     and not re.match(r"\s+(?:actually\s+)?(?:paid|payable|received)", rest, re.I))
            # "fees ... paid" with other words between, and no period and no multiple: too loose unless the
            # verb is close and no "due" comes first.
            if loose and (not re.match(r"[^.;:]{0,60}?\b(?:paid|payable)\b", rest, re.I)
                          or re.search(r"\bdue\b", rest[: paid.start()], re.I)):
                continue
        start = m.start("mult") if m.group("mult") else m.start("adj") if m.group("adj") else m.start("noun")
        basis = _norm_ws(text[start:end])
        out.append(FeeCap(months, _multiple(m), basis, start, end, text[start:end]))
        taken_until = end
    out.sort(key=lambda c: c.start)
    return out


# --------------------------------------------------------------------------------------------- percentages

_PCT_RE = re.compile(
    rf"""
    (?:
        (?P<w>{_WORDS_FRAC}|(?:one|a)[\s-]+(?:half|quarter)|three[\s-]+quarters?)\s+per\s?cent(?:um)?\b
            (?:\s*\(\s*(?P<pn>\d+(?:\.\d+)?)\s*%\s*\))?
      | (?<![\w.])(?P<n>\d+(?:\.\d+)?)\s*(?:%|per\s?cent\b|percent\b)
    )
    (?P<period>
        (?:\s+(?:simple\s+|compound\s+)?interest)?
        (?:\s+(?:per|a|each|every|for\s+each)\s+(?:calendar\s+)?(?P<pu>month|annum|year|quarter)\b
          |\s+(?P<adv>monthly|annually|yearly)\b
          |\s+p\.a\.)
    )?
    | (?P<index>\bCPI(?:-[UW])?\b|\bConsumer\s+Price\s+Index\b|\bRetail\s+Price\s+Index\b|\bRPI\b|\bHICP\b)
    """,
    re.X,
)
_PCT_RE_I = re.compile(_PCT_RE.pattern, re.X | re.I)
_PCT_TRIGGER_RE = re.compile("%|" + _trie(_cased(["per cent", "percent", "CPI", "RPI", "HICP", "price index"])))
_LESSER_RE = re.compile(r"\b(?:lesser|lower|smaller)\s+of\s*(?:\(\w\)\s*)?$", re.I)
_MAX_LAWFUL_RE = re.compile(
    r"^[^.;]{0,80}?\b(?:maximum|highest)\s+(?:rate|amount|interest)?[^.;]{0,40}?"
    r"\b(?:permitted|allowed|allowable|lawful|permissible)\b", re.I)


def percentages(text: str) -> list[Percentage]:
    """Percentages, with the month or year they accrue over, and price-index references.

    Accepts "1.5%", "18 percent", "10 per cent", words ("five percent", "one and one-half percent (1.5%)";
    the parenthesised numeral wins), a period after the number ("per month", "a month", "per annum", "per
    year", "each year", "monthly", "annually", "p.a.", "1.5% interest per month"; "quarter" is read as no
    period), "the lesser of 1.5% per month or the maximum rate permitted by law" (``capped_by_law``), and
    "CPI", "CPI-U", "Consumer Price Index", "RPI", "HICP" as ``Percentage(value=None, index=...)``.

    Refuses a number with no percent sign or word, and a period that is separated from the number by more
    than the word "interest" ("3% of the fees for each year" has no period).
    """
    out: list[Percentage] = []
    for m in _windowed(_PCT_RE_I, text, _PCT_TRIGGER_RE, 70, 80):
        if m.group("index"):
            idx = m.group("index")
            if not idx.isupper() and not idx[0].isupper():
                continue
            name = "RPI" if idx.upper().startswith(("RETAIL", "RPI")) else "HICP" if idx.upper() == "HICP" else "CPI"
            out.append(Percentage(None, None, m.start(), m.end(), m.group(0), index=name))
            continue
        got = _value_from(m.group("w"), m.group("pn"), m.group("n"))
        if got is None:
            continue
        period: PercentPeriod | None = None
        pu = (m.group("pu") or m.group("adv") or "").lower()
        if pu in ("month", "monthly"):
            period = "month"
        elif pu in ("annum", "year", "annually", "yearly") or (m.group("period") or "").strip().lower() == "p.a.":
            period = "year"
        before = _squash(text[max(0, m.start() - 40) : m.start()])
        capped = bool(_LESSER_RE.search(before) or re.search(r"\b(?:lesser|lower)\s+of\b", before, re.I)) and bool(
            _MAX_LAWFUL_RE.search(_squash(text[m.end() : m.end() + 160])))
        out.append(Percentage(got[0], period, m.start(), m.end(), m.group(0), capped_by_law=capped,
                              words_value=got[1]))
    return out


# --------------------------------------------------------------------------------------------- sentences

_ABBREV = frozenset(
    ["inc", "corp", "co", "ltd", "llc", "lp", "llp", "plc", "no", "nos", "sec", "secs", "art", "arts", "st",
     "mr", "mrs", "ms", "dr", "jr", "sr", "vs", "v", "u.s", "u.k", "e.g", "i.e", "etc", "n.a", "s.a", "b.v",
     "n.v", "a.g", "s.p.a", "pty", "l.p", "l.l.c", "p.c", "cf", "viz", "approx", "dept", "fig", "para",
     "paras", "incl", "ex", "exh", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
     "nov", "dec", "mfg", "bros", "assn", "ave", "blvd", "rd", "ste", "fl", "hwy", "pkwy"]
)
_ABBREV = _ABBREV | {"p.o", "p. o", "p.o.b", "pob", "n.w", "s.w", "n.e", "s.e", "mt", "ft", "dept"}
_BOUNDARY_RE = re.compile(
    r"[.!?][\"'”’)]*\s+(?=[\"“(\[]?[A-Z0-9])|\n[ \t]*\n|\n(?=[ \t]*(?:\d+(?:\.\d+)*\.?|\([a-z0-9]+\))[ \t]+[A-Z])")


_NEXT_CHAR_RE = re.compile(r"\s*(\S)")
_WORD_BEFORE_RE = re.compile(r"([A-Za-z.]+)$")


def _is_real_boundary(text: str, pos: int) -> bool:
    ch = text[pos]
    if ch == "\n":
        # a page break in the middle of a sentence ("governed by the\n\nlaws of") is not a boundary
        before = text[pos - 1] if pos else ""
        if not (before.islower() or before == ","):
            return True
        nxt = _NEXT_CHAR_RE.match(text, pos, pos + 200)
        return not (nxt is not None and nxt.group(1).islower())
    if ch != ".":
        return True
    m = _WORD_BEFORE_RE.search(text, max(0, pos - 12), pos)
    if not m:
        return True
    word = m.group(1).lower().strip(".")
    return not (word in _ABBREV or len(word) == 1)


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence-like spans of ``text[start:end]``: split at ". " before a capital (not after "Inc.",
    "U.S.", "No." and other abbreviations or initials), at blank lines and before numbered lines."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    s = start
    for m in _BOUNDARY_RE.finditer(text, start, end):
        if not _is_real_boundary(text, m.start()):
            continue
        e = m.start() + 1 if text[m.start()] in ".!?" else m.start()
        if text[s:e].strip():
            spans.append((s, e))
        s = m.end()
    if text[s:end].strip():
        spans.append((s, end))
    return spans


class _Sentences:
    """Sentence spans of one text, computed once on first use, looked up by offset."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._spans: list[tuple[int, int]] | None = None
        self._starts: list[int] = []

    def around(self, pos: int) -> tuple[int, int]:
        if self._spans is None:
            self._spans = sentence_spans(self.text) or [(0, len(self.text))]
            self._starts = [s for s, _ in self._spans]
        i = max(0, bisect.bisect_right(self._starts, pos) - 1)
        s, e = self._spans[i]
        return (s, e) if s <= pos < e else (max(0, pos - 700), min(len(self.text), pos + 700))


def _sentence_around(text: str, pos: int, reach: int = 700) -> tuple[int, int]:
    lo = max(0, pos - reach)
    hi = min(len(text), pos + reach)
    for s, e in sentence_spans(text, lo, hi):
        if s <= pos < e:
            return s, e
    return lo, hi


# --------------------------------------------------------------------------------------------- jurisdictions

_US = "United States"
_STATES = ["Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut", "Delaware",
           "Florida", "Georgia", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa", "Kansas", "Kentucky",
           "Louisiana", "Maine", "Maryland", "Massachusetts", "Michigan", "Minnesota", "Mississippi",
           "Missouri", "Montana", "Nebraska", "Nevada", "Ohio", "Oklahoma", "Oregon", "Pennsylvania",
           "Tennessee", "Texas", "Utah", "Vermont", "Virginia", "Washington", "Wisconsin", "Wyoming",
           "New Hampshire", "New Jersey", "New Mexico", "New York", "North Carolina", "North Dakota",
           "Rhode Island", "South Carolina", "South Dakota", "West Virginia", "District of Columbia"]
_PROVINCES = ["Ontario", "Quebec", "Québec", "British Columbia", "Alberta", "Manitoba", "Saskatchewan",
              "Nova Scotia", "New Brunswick", "Newfoundland and Labrador", "Prince Edward Island", "Yukon",
              "Northwest Territories", "Nunavut"]
_AU_STATES = ["New South Wales", "Victoria", "Queensland", "Western Australia", "South Australia", "Tasmania",
              "Australian Capital Territory", "Northern Territory"]
_COUNTRIES = ["Afghanistan", "Albania", "Algeria", "Andorra", "Angola", "Argentina", "Armenia", "Australia",
              "Austria", "Azerbaijan", "Bahamas", "Bahrain", "Bangladesh", "Barbados", "Belarus", "Belgium",
              "Belize", "Benin", "Bermuda", "Bhutan", "Bolivia", "Bosnia and Herzegovina", "Botswana",
              "Brazil", "Brunei", "Bulgaria", "Burkina Faso", "Burundi", "Cambodia", "Cameroon", "Canada",
              "Cayman Islands", "Chile", "China", "Colombia", "Costa Rica", "Croatia", "Cuba", "Curaçao",
              "Cyprus", "Czech Republic", "Czechia", "Denmark", "Dominican Republic", "Ecuador", "Egypt",
              "El Salvador", "Estonia", "Ethiopia", "Fiji", "Finland", "France", "Gabon", "Gambia", "Germany",
              "Ghana", "Gibraltar", "Greece", "Guatemala", "Guernsey", "Honduras", "Hungary", "Iceland",
              "India", "Indonesia", "Iran", "Iraq", "Ireland", "Isle of Man", "Israel", "Italy", "Jamaica",
              "Japan", "Jersey", "Jordan", "Kazakhstan", "Kenya", "Kuwait", "Kyrgyzstan", "Laos", "Latvia",
              "Lebanon", "Liberia", "Libya", "Liechtenstein", "Lithuania", "Luxembourg", "Madagascar",
              "Malawi", "Malaysia", "Maldives", "Mali", "Malta", "Marshall Islands", "Mauritius", "Mexico",
              "Moldova", "Monaco", "Mongolia", "Montenegro", "Morocco", "Mozambique", "Myanmar", "Namibia",
              "Nepal", "Netherlands", "New Zealand", "Nicaragua", "Nigeria", "North Macedonia", "Norway",
              "Oman", "Pakistan", "Panama", "Papua New Guinea", "Paraguay", "Peru", "Philippines", "Poland",
              "Portugal", "Qatar", "Romania", "Russia", "Rwanda", "Saudi Arabia", "Senegal", "Serbia",
              "Seychelles", "Singapore", "Slovakia", "Slovenia", "South Africa", "Spain", "Sri Lanka",
              "Sudan", "Sweden", "Switzerland", "Syria", "Taiwan", "Tajikistan", "Tanzania", "Thailand",
              "Tunisia", "Turkey", "Türkiye", "Uganda", "Ukraine", "United Arab Emirates", "United Kingdom",
              "United States", "Uruguay", "Uzbekistan", "Venezuela", "Vietnam", "Viet Nam", "Yemen", "Zambia",
              "Zimbabwe", "British Virgin Islands", "Puerto Rico"]
# alias -> (canonical name, kind, country)
_ALIASES: dict[str, tuple[str, JurisdictionKind, str | None]] = {
    "United States of America": (_US, "country", _US), "U.S.A.": (_US, "country", _US),
    "USA": (_US, "country", _US), "U.S.": (_US, "country", _US),
    "U.K.": ("United Kingdom", "country", "United Kingdom"), "UK": ("United Kingdom", "country", "United Kingdom"),
    "Great Britain": ("United Kingdom", "country", "United Kingdom"),
    "England and Wales": ("England and Wales", "country", "United Kingdom"),
    "England & Wales": ("England and Wales", "country", "United Kingdom"),
    "England": ("England and Wales", "country", "United Kingdom"),
    "Wales": ("England and Wales", "country", "United Kingdom"),
    "Scotland": ("Scotland", "country", "United Kingdom"),
    "Northern Ireland": ("Northern Ireland", "country", "United Kingdom"),
    "People's Republic of China": ("China", "country", "China"),
    "People’s Republic of China": ("China", "country", "China"),
    "Peoples Republic of China": ("China", "country", "China"), "PRC": ("China", "country", "China"),
    "P.R.C.": ("China", "country", "China"), "P.R. China": ("China", "country", "China"),
    "Mainland China": ("China", "country", "China"),
    "Hong Kong": ("Hong Kong", "region", "China"),
    "Hong Kong Special Administrative Region": ("Hong Kong", "region", "China"),
    "Macau": ("Macau", "region", "China"), "Macao": ("Macau", "region", "China"),
    "Republic of China": ("Taiwan", "country", "Taiwan"), "R.O.C.": ("Taiwan", "country", "Taiwan"),
    "Republic of Korea": ("South Korea", "country", "South Korea"),
    "South Korea": ("South Korea", "country", "South Korea"),
    "Korea": ("South Korea", "country", "South Korea"),
    "Russian Federation": ("Russia", "country", "Russia"), "The Netherlands": ("Netherlands", "country", "Netherlands"),
    "Holland": ("Netherlands", "country", "Netherlands"), "Czechia": ("Czech Republic", "country", "Czech Republic"),
    "Viet Nam": ("Vietnam", "country", "Vietnam"), "Türkiye": ("Turkey", "country", "Turkey"),
    "UAE": ("United Arab Emirates", "country", "United Arab Emirates"),
    "Republic of Ireland": ("Ireland", "country", "Ireland"),
    "Québec": ("Quebec", "province", "Canada"),
    "Puerto Rico": ("Puerto Rico", "region", _US),
    "Washington, D.C.": ("District of Columbia", "state", _US),
    "Washington D.C.": ("District of Columbia", "state", _US),
    "Washington, DC": ("District of Columbia", "state", _US), "D.C.": ("District of Columbia", "state", _US),
}
# Adjectives that name a legal system in "X law" ("English law", "PRC laws").
_DEMONYMS: dict[str, str] = {
    "English": "England", "Scottish": "Scotland", "Scots": "Scotland", "Irish": "Ireland", "French": "France",
    "German": "Germany", "Swiss": "Switzerland", "Dutch": "Netherlands", "Belgian": "Belgium", "Italian": "Italy",
    "Spanish": "Spain", "Swedish": "Sweden", "Danish": "Denmark", "Norwegian": "Norway", "Finnish": "Finland",
    "Austrian": "Austria", "Israeli": "Israel", "Japanese": "Japan", "Chinese": "China", "Korean": "Korea",
    "Indian": "India", "Singaporean": "Singapore", "Canadian": "Canada", "Australian": "Australia",
    "Mexican": "Mexico", "Brazilian": "Brazil", "Luxembourgish": "Luxembourg", "Polish": "Poland",
    "Taiwanese": "Taiwan", "Russian": "Russia", "Turkish": "Turkey", "Greek": "Greece", "Portuguese": "Portugal",
}
# Cities and counties recognised as venues or seats (only with such a role): name -> jurisdiction name.
_CITIES: dict[str, str] = {
    "London": "England", "Paris": "France", "Geneva": "Switzerland", "Zurich": "Switzerland",
    "Zürich": "Switzerland", "Stockholm": "Sweden", "Vienna": "Austria", "The Hague": "Netherlands",
    "Amsterdam": "Netherlands", "Brussels": "Belgium", "Frankfurt": "Germany", "Munich": "Germany",
    "Berlin": "Germany", "Dublin": "Ireland", "Milan": "Italy", "Rome": "Italy", "Madrid": "Spain",
    "Tokyo": "Japan", "Osaka": "Japan", "Seoul": "Korea", "Taipei": "Taiwan", "Beijing": "China",
    "Shanghai": "China", "Shenzhen": "China", "Guangzhou": "China", "Tel Aviv": "Israel", "Jerusalem": "Israel",
    "Mumbai": "India", "New Delhi": "India", "Bangalore": "India", "Toronto": "Ontario", "Ottawa": "Ontario",
    "Vancouver": "British Columbia", "Montreal": "Quebec", "Montréal": "Quebec", "Calgary": "Alberta",
    "Sydney": "New South Wales", "Melbourne": "Victoria", "Sao Paulo": "Brazil", "São Paulo": "Brazil",
    "Mexico City": "Mexico", "Moscow": "Russia", "Almaty": "Kazakhstan", "Dubai": "United Arab Emirates",
    "New York City": "New York", "Manhattan": "New York", "Brooklyn": "New York", "Wilmington": "Delaware",
    "San Francisco": "California", "Los Angeles": "California", "San Diego": "California",
    "San Jose": "California", "Palo Alto": "California", "Sacramento": "California", "Chicago": "Illinois",
    "Boston": "Massachusetts", "Seattle": "Washington", "Dallas": "Texas", "Houston": "Texas",
    "Austin": "Texas", "San Antonio": "Texas", "Atlanta": "Georgia", "Miami": "Florida", "Orlando": "Florida",
    "Tampa": "Florida", "Philadelphia": "Pennsylvania", "Pittsburgh": "Pennsylvania", "Denver": "Colorado",
    "Minneapolis": "Minnesota", "Las Vegas": "Nevada", "Phoenix": "Arizona", "Nashville": "Tennessee",
    "Detroit": "Michigan", "Cleveland": "Ohio", "Columbus": "Ohio", "Cincinnati": "Ohio",
    "Salt Lake City": "Utah", "Baltimore": "Maryland", "Charlotte": "North Carolina", "Raleigh": "North Carolina",
    "Indianapolis": "Indiana", "Milwaukee": "Wisconsin", "St. Louis": "Missouri", "New Orleans": "Louisiana",
    "Newark": "New Jersey", "Hartford": "Connecticut", "Providence": "Rhode Island", "Richmond": "Virginia",
}


def _build_table() -> dict[str, tuple[str, JurisdictionKind, str | None]]:
    table: dict[str, tuple[str, JurisdictionKind, str | None]] = {}
    for s in _STATES:
        table[s] = (s, "state", _US)
    for p in _PROVINCES:
        table[p] = ("Quebec" if p == "Québec" else p, "province", "Canada")
    for s in _AU_STATES:
        table[s] = (s, "state", "Australia")
    for c in _COUNTRIES:
        table[c] = (c, "country", c)
    table.update(_ALIASES)
    return table


_TABLE = _build_table()
_LOOKUP = {re.sub(r"\s+", " ", k).lower().replace("’", "'"): v for k, v in _TABLE.items()}


_JURISDICTION_PREFIX_RE = re.compile(
    r"^(?:the\s+)?(?:(?:state|commonwealth|province|republic|kingdom|territory|federal\s+republic)\s+of\s+)?(?:the\s+)?")


def lookup_jurisdiction(name: str) -> tuple[str, JurisdictionKind, str | None] | None:
    """The canonical (name, kind, country) of a jurisdiction name or alias ("State of New York",
    "PRC", "England", "Province of Ontario", "English"), or ``None`` if it is not one."""
    s = _norm_ws(name).replace("’", "'").strip(" ,.;").lower()
    s = _JURISDICTION_PREFIX_RE.sub("", s)
    for key in (s, s + "."):
        if key in _LOOKUP:
            return _LOOKUP[key]
    for dem, target in _DEMONYMS.items():
        if s == dem.lower():
            return _LOOKUP[target.lower()]
    if s in {c.lower() for c in _CITIES}:
        target = next(v for k, v in _CITIES.items() if k.lower() == s)
        return _LOOKUP[target.lower()]
    return None


def _alternation(names: Iterable[str]) -> str:
    variants: set[str] = set()
    for n in names:
        variants.add(n)
        variants.add(n.upper())
        if "'" in n:
            variants.add(n.replace("'", "’"))
            variants.add(n.upper().replace("'", "’"))
    parts = sorted(variants, key=len, reverse=True)
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in parts)


def _name_variants(names: Iterable[str]) -> list[str]:
    out: set[str] = set()
    for n in names:
        for v in (n, n.upper()):
            out.add(v)
            if "'" in v:
                out.add(v.replace("'", "’"))
    return sorted(out)


_PLACE_NAMES = {_norm_ws(v).lower().replace("’", "'"): ("place", k) for k in _TABLE for v in (k,)}
_PLACE_NAMES.update({k.lower(): ("city", k) for k in _CITIES})
_PLACE_NAMES.update({k.lower(): ("dem", k) for k in _DEMONYMS})
_PLACE_RE = re.compile(_trie(_name_variants([*_TABLE, *_CITIES, *_DEMONYMS])))
_DEMONYM_LAW_RE = re.compile(r"\s+(?:law|laws|governing\s+law|substantive\s+law)\b", re.I)
_COUNTY_TRIGGER_RE = re.compile("County|COUNTY")
_COUNTY_RE = re.compile(
    r"(?<![\w])(?:(?:[A-Z][a-z]+\s+){1,3}County|County\s+of\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2}|(?:[A-Z]+\s+){1,3}COUNTY)(?![\w])")
_LAW_GAP_RE = re.compile(
    r"""(?:\b(?:laws?|legislation|regulations|statutes)(?:\s+and\s+(?:judicial\s+|court\s+)?(?:decisions|regulations|statutes|rules))?
            (?:\s*,[^,.;]{1,40},)?(?:\s+(?:in\s+force|applicable)\s+in)?\s+(?:of|in)\s+)
        (?:the\s+)?(?:(?:State|Commonwealth|Province|Republic|Kingdom|Federal\s+Republic|Territory|SIATE)\s+of\s+(?:the\s+)?)?$
       |\b(?:laws?|legislation)\s+(?:of\s+)?(?:the\s+)?(?:State|Commonwealth|Province|SIATE)\s+of\s+$""",
    re.I | re.X,
)
_JOIN_GAP_RE = re.compile(
    r"^\s*(?:,|;|and|&|or)?\s*(?:and|&|or)?\s*(?:the\s+)?(?:(?:State|Commonwealth|Province|Republic)\s+of\s+(?:the\s+)?)?$",
    re.I,
)
_LAW_AFTER_RE = re.compile(r"\s+(?:substantive\s+|internal\s+)?(?:law|laws|legislation)\b", re.I)
_INCORP_PRE_RE = re.compile(
    r"""(?:\b(?:organi[sz](?:ed|ing)|incorporat(?:ed|e|ing)|formed|existing|registered|established|chartered|constituted|
           domiciled|good\s+standing)\b[^.;()]{0,60}?
          \b(?:under|pursuant\s+to|in\s+accordance\s+with|by)\s+(?:the\s+)?(?:laws?|legislation)\s+(?:of|in)\s+(?:the\s+)?
          (?:(?:State|Commonwealth|Province|Republic)\s+of\s+(?:the\s+)?)?$
       |\b(?:organi[sz]ed|incorporated|formed|registered|established|domiciled|existing)\s+(?:in|under)\s+(?:the\s+)?
          (?:(?:State|Commonwealth|Province|Republic)\s+of\s+(?:the\s+)?)?$)""",
    re.I | re.X,
)
_INCORP_POST_RE = re.compile(
    r"""^[\s-]*(?:(?:general|limited|nonprofit|non-profit|not-for-profit|business|professional|public|private|
          statutory|stock|banking|mutual|exempted|close|benefit|registered|joint\s+stock)\s+)*
        (?:corporation|company|limited\s+liability\s+company|limited\s+partnership|partnership|corp\b|LLC|L\.L\.C|
           trust|association|entity|bank|cooperative|limited\b|societ|GmbH|public\s+benefit|exempted\s+company)""",
    re.I | re.X,
)
_A_BEFORE_RE = re.compile(r"\b(?:a|an)\s+$", re.I)
_GOVERN_CUE_RE = re.compile(
    r"\b(?:govern(?:s|ed|ing)?|constru(?:ed|ction|e)|interpret(?:ed|ation)|choice\s+of\s+law|proper\s+law|"
    r"shall\s+apply|will\s+apply|applies|application\s+of|controlled\s+by)\b",
    re.I,
)
_CONFLICT_PRE_RE = re.compile(
    r"\bconflicts?\s+of\s+laws?\b[^.;]{0,40}\b(?:of|in)\s+(?:the\s+)?(?:(?:State|Commonwealth)\s+of\s+)?$", re.I)
_ARB_RE = re.compile(r"\barbitra(?:tion|l|tor|tors|ted)\b", re.I)
_COURT_RE = re.compile(r"\b(?:courts?|venue|forum|tribunals?|jurisdiction|judicial)\b", re.I)
_SEAT_PRE_RE = re.compile(
    r"\b(?:seat(?:ed)?|place|venue|held|conducted|take\s+place|located|situs|sit|sitting|in|at)\b[^.;]{0,40}$",
    re.I)
_LOCALITY_PRE_RE = re.compile(
    r"(?:(?:City|Town|Village)\s+of\s+)?((?:[A-Z][a-zA-Z.'-]+\s+){0,2}[A-Z][a-zA-Z.'-]+),\s*$")


@dataclass(slots=True)
class _Mention:
    start: int
    end: int
    name: str
    kind: JurisdictionKind
    country: str | None
    law: bool = False  # inside "laws of ..." or "X law"
    locality: str | None = None
    is_place: bool = True  # False for cities and counties


def _mentions(text: str) -> list[_Mention]:
    out: list[_Mention] = []
    n = len(text)
    for m in _PLACE_RE.finditer(text):
        st, en = m.start(), m.end()
        if (st and (text[st - 1].isalnum() or text[st - 1] in "_$")) or (
                en < n and (text[en].isalnum() or text[en] == "_")):
            continue
        kind, key = _PLACE_NAMES.get(_norm_ws(m.group(0)).lower().replace("’", "'"), ("", ""))
        if kind == "place":
            got = lookup_jurisdiction(key)
            if got is not None:
                out.append(_Mention(st, en, got[0], got[1], got[2]))
        elif kind == "dem":
            got = lookup_jurisdiction(_DEMONYMS[key])
            if got is not None and _DEMONYM_LAW_RE.match(text, en):
                out.append(_Mention(st, en, got[0], got[1], got[2], law=True))
        elif kind == "city":
            got = lookup_jurisdiction(_CITIES[key])
            if got is not None:
                out.append(_Mention(st, en, got[0], got[1], got[2], locality=key, is_place=False))
    for m in _windowed(_COUNTY_RE, text, _COUNTY_TRIGGER_RE, 40, 40):
        out.append(_Mention(m.start(), m.end(), "", "locality", None, locality=_norm_ws(m.group(0)).title(),
                            is_place=False))
    out.sort(key=lambda x: x.start)
    return out


def _attach_localities(text: str, ms: list[_Mention]) -> list[_Mention]:
    """Merge "Santa Clara County, California" / "McLean, Virginia" into one mention with a locality."""
    merged: list[_Mention] = []
    for m in ms:
        prev = merged[-1] if merged else None
        if (m.is_place and m.kind in ("state", "province", "country") and prev is not None and not prev.is_place
                and re.fullmatch(r",?\s*(?:(?:State|Commonwealth|Province)\s+of\s+)?", text[prev.end : m.start], re.I)):
            merged[-1] = _Mention(prev.start, m.end, m.name, m.kind, m.country, locality=prev.locality)
            continue
        if m.is_place and m.kind in ("state", "province"):
            lm = _LOCALITY_PRE_RE.search(text, max(0, m.start - 60), m.start)
            if lm and lm.end() == m.start and lookup_jurisdiction(lm.group(1)) is None and lm.group(1) not in (
                    "State", "Commonwealth", "Province", "Laws", "Law"):
                m.locality = lm.group(1)
        merged.append(m)
    return merged


def _role(text: str, m: _Mention, law: bool, sent: tuple[int, int]) -> JurisdictionRole | None:
    s0, _ = sent
    pre = _squash(text[s0 : m.start])
    post = _squash(text[m.end : m.end + 80])
    if m.is_place and _A_BEFORE_RE.search(pre[-6:]) and _INCORP_POST_RE.match(post):
        return "incorporation"
    if law:
        if _INCORP_PRE_RE.search(pre[-160:]):
            return "incorporation"
        sentence = text[s0 : sent[1]]
        if _GOVERN_CUE_RE.search(sentence):
            return "governing_law"
        return None
    if m.is_place and _INCORP_PRE_RE.search(pre[-120:]):
        return "incorporation"
    if _CONFLICT_PRE_RE.search(pre[-120:]):
        return "governing_law"
    arb = [x.end() for x in _ARB_RE.finditer(pre)]
    court = [x.end() for x in _COURT_RE.finditer(pre)]
    last_arb = arb[-1] if arb else -1
    last_court = court[-1] if court else -1
    if last_arb > last_court and _SEAT_PRE_RE.search(pre[-60:]):
        return "arbitration"
    if last_court >= 0 and last_court > last_arb:
        return "venue"
    if last_arb >= 0 and re.search(r"\b(?:in|at)\s+(?:the\s+)?(?:(?:City|State|County)\s+of\s+)?$", pre[-30:], re.I):
        return "arbitration"
    return None


def jurisdictions(text: str) -> list[Jurisdiction]:
    """Places named as legal systems, each with the role the sentence gives it.

    Accepts the 50 US states and DC ("State of New York", "Commonwealth of Massachusetts", "NEW YORK"),
    Canadian provinces ("Province of Quebec", "Ontario"), Australian states, about 150 countries with
    common aliases ("PRC", "People's Republic of China", "U.S.A.", "UK"), "England and Wales", "England",
    Hong Kong, and adjectives before "law" ("English law", "Swiss law", "PRC laws"). Cities and counties
    ("London", "Santa Clara County", "McLean, Virginia") are returned only as a venue or arbitration seat.
    Roles: ``governing_law`` when the place follows "laws of" (or precedes "law") in a sentence that says
    governed / construed / interpreted / applies; ``incorporation`` for "a Delaware corporation" and
    "organized under the laws of X"; ``arbitration`` for places after "arbitration ... in / seated in /
    held in"; ``venue`` for places after "courts", "venue", "forum" or "jurisdiction"; otherwise ``None``.

    Refuses state abbreviations ("CA", "NY": addresses, not legal systems), lower-case words ("china",
    "jersey"), and places named only by description ("the state in which the Franchisee is located").
    A place that the country of a sibling place contains is kept (the caller decides), except in
    :func:`governing_law`, which drops it.
    """
    return list(_jurisdictions(text))


# A governing-law clause is read three times in a row (governing law, venue, arbitration seat): read it once.
# One entry only: the saving is within a clause, and nothing is remembered from one review to the next (the
# speed evaluation's cold re-assessment stays cold).
@functools.lru_cache(maxsize=1)
def _jurisdictions(text: str) -> tuple[Jurisdiction, ...]:
    ms = _attach_localities(text, _mentions(text))
    sentences = _Sentences(text) if len(ms) > 8 else None
    out: list[Jurisdiction] = []
    prev_law_end = -1
    for i, m in enumerate(ms):
        law = m.law
        if not law and m.is_place:
            gap_lo = max(0, m.start - 90)
            law = bool(
                _LAW_GAP_RE.search(_squash(text[gap_lo : m.start]))
                or _LAW_AFTER_RE.match(text, m.end, m.end + 30)
                or (i > 0 and prev_law_end >= 0 and ms[i - 1].end == prev_law_end
                    and _JOIN_GAP_RE.match(_squash(text[prev_law_end : m.start])))
            )
        if law:
            prev_law_end = m.end
        sent = sentences.around(m.start) if sentences is not None else _sentence_around(text, m.start)
        role = _role(text, m, law, sent)
        if not m.is_place and role not in ("venue", "arbitration"):
            continue
        name = m.name or (m.locality or "")
        kind: JurisdictionKind = m.kind if m.name else "locality"
        out.append(Jurisdiction(name, kind, m.country, m.start, m.end, text[m.start : m.end], role, m.locality))
    return tuple(out)


def _with_role(text: str, role: JurisdictionRole) -> list[Jurisdiction]:
    found = [j for j in jurisdictions(text) if j.role == role]
    seen: set[str] = set()
    out: list[Jurisdiction] = []
    for j in found:
        if j.name in seen:
            continue
        seen.add(j.name)
        out.append(j)
    return out


def governing_law(text: str) -> list[Jurisdiction]:
    """The governing-law jurisdictions of ``text``, once each, in text order.

    A country is dropped when a place inside it is also named ("the laws of the State of Illinois and the
    United States of America" gives Illinois). Incorporation ("a Delaware corporation"), venues and
    arbitration seats are not governing law. See :func:`jurisdictions` for the accepted forms.
    """
    found = _with_role(text, "governing_law")
    inner = {j.country for j in found if j.kind != "country" or j.name != j.country}
    return [j for j in found if not (j.kind == "country" and j.name == j.country and j.name in inner)]


def venue(text: str) -> list[Jurisdiction]:
    """The courts' places ("courts located in Y", "the state and federal courts in Z County"), once each."""
    return _with_role(text, "venue")


def arbitration_seat(text: str) -> list[Jurisdiction]:
    """The places where arbitration is seated or held ("arbitration ... seated in London"), once each."""
    return _with_role(text, "arbitration")


# --------------------------------------------------------------------------------------------- dates

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12, "jan": 1, "feb": 2, "mar": 3, "apr": 4,
    "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MON = r"(?P<mon>January|February|March|April|May|June|July|August|September|October|November|December|" \
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20,
    "thirtieth": 30,
}
_ORD_W = r"(?:(?:twenty|thirty)[\s-]+)?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|" \
    r"tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|" \
    r"twentieth|thirtieth"
_SUFFIX = r"(?:\s?(?:st|nd|rd|th|t\s?h|s\s?t|d))?"
_ORD_WORDS_RE = _ORD_W
_ORDINAL_VALUES = {**_ORDINALS, **{f"{t} {w}": tv + _ORDINALS[w] for t, tv in (("twenty", 20), ("thirty", 30))
                                   for w in ("first", "second", "third", "fourth", "fifth", "sixth", "seventh",
                                             "eighth", "ninth")}}
_YEAR = r"(?P<year>(?:19|20)\d{2})(?!\d)"
_DATE_RE = re.compile(
    rf"""
      \b{_MON}\s+(?P<day>\d{{1,2}}){_SUFFIX}(?:\s*,)?\s*{_YEAR}
    | (?<![\d.])(?P<day2>\d{{1,2}}){_SUFFIX}\s+(?:day\s+of\s+)?{_MON.replace('mon', 'mon2')}
        \s*,?\s*{_YEAR.replace('year', 'year2')}
    | \b(?P<dayw>{_ORD_W})\s+day\s+of\s+{_MON.replace('mon', 'mon3')}\s*,?\s*(?:in\s+the\s+year\s+)?
        {_YEAR.replace('year', 'year3')}
    | (?<![\d/.\-])(?P<a>\d{{1,2}})(?P<sep>[/\-])(?P<b>\d{{1,2}})(?P=sep)(?P<y>(?:19|20)\d{{2}}|\d{{2}})(?![\d/\-]|\.\d)
    | (?<![\d/.\-])(?P<da>\d{{1,2}})\.(?P<db>\d{{1,2}})\.(?P<dy>(?:19|20)\d{{2}})(?![\d.])
    | (?<![\d/.\-])(?P<iy>(?:19|20)\d{{2}})-(?P<im>\d{{2}})-(?P<id>\d{{2}})(?![\d\-])
    """,
    re.I | re.X,
)
_DATE_TRIGGER_RE = re.compile(
    "(?:" + _trie(_name_variants(m.capitalize() for m in _MONTHS)) + r")\.?\s*,?\s*\d"
    r"|\d[/\-]\d{1,2}[/\-]\d\d|\d\.\d{1,2}\.(?:19|20)\d\d|(?:19|20)\d\d-\d")
_CITATION_PRE_RE = re.compile(
    r"(?:\b(?:Regulation|Directive|Decision)\s*(?:\((?:EU|EC|EEC)\)\s*)?(?:No\.?\s*)?[\d/]+\s*(?:of\s+(?:the\s+)?)?"
    r"|\bU\.\s?S\.\s?C\.?[^.;]{0,30}|\bC\.\s?F\.\s?R\.?[^.;]{0,30}|§+\s*[\d.()a-z-]*[^.;]{0,20}"
    r"|\bPub(?:lic)?\.?\s*L(?:aw)?\.?\s*(?:No\.?)?\s*[\d-]*[^.;]{0,10}|\bv\.\s[^.;]{0,60}"
    r"|\b(?:No|Nos|Case|Docket|Release)\.?\s*:?\s*"
    r"|\bAct\s+of\s+|\bAct\s*\(|\b(?:Stat|Fed\.?\s*Reg)\.\s*[\d,]*\s*(?:\(|,)?\s*)$",
    re.I,
)
_LABEL_AFTER_RE = re.compile(
    r"""\s*[,)]?\s*\(?\s*(?:(?:hereinafter|herein)\s+(?:referred\s+to\s+as\s+|called\s+)?)?(?:the|this)?\s*["“'`]{0,2}\s*
        (?P<lab>Effective\s+Date|Commencement\s+Date|Start\s+Date|Execution\s+Date|Agreement\s+Date|Signing\s+Date|
           Expiration\s+Date|Expiry\s+Date|Termination\s+Date|End\s+Date|Closing\s+Date)""",
    re.I | re.X,
)
_LABEL_BEFORE = [
    ("effective", re.compile(
        r"(?:\beffective(?:\s+(?:as\s+of|as\s+at|on|from|date\s+(?:of|is|shall\s+be)|beginning|commencing))?"
        r"|\bEffective\s+Date\s*(?:[:\-]|is|shall\s+be|means|of)?|\bcommenc(?:e|es|ing|ement)\s+(?:on|as\s+of)"
        r"|\bcommencement\s+date\s*[:\-]?|\bstart(?:ing)?\s+(?:date\s*[:\-]?|on)|\bContract\s+start\s*:?|"
        r"\bbegin(?:s|ning)?\s+on)\s*(?:this|the)?\s*$", re.I)),
    ("expiration", re.compile(
        r"(?:\b(?:expire[sd]?|expiring|expiration|expiry|terminat(?:e|es|ing|ion)|end(?:s|ing)?|continu(?:e|es|ing)|"
        r"conclud(?:e|es|ing)|remain\s+in\s+(?:full\s+)?(?:force|effect)[^.;]{0,30})\s+(?:on|at|upon|until|through|as\s+of)"
        r"|\b(?:shall|will)\s+(?:expire|terminate|end|conclude)|\b(?:expiring|concluding|ending)"
        r"|\buntil|\bthrough|\b(?:Expiration|Expiry|Termination|End)\s+Date[\"”]?\s*(?:[:\-]|means|shall\s+mean|is|shall\s+be)?|"
        r"\bContract\s+end\s*:?)\s*(?:and\s+including\s+)?(?:this|the)?\s*$", re.I)),
    ("agreement", re.compile(
        r"(?:\b(?:dated|made|entered\s+into|executed|signed|concluded|agreed)(?:\s+(?:and\s+)?(?:entered\s+into|"
        r"effective|made))?(?:\s+(?:as\s+of|as\s+at|on|at|in))?|\bas\s+of|\bDate\s*[:\-]|\bDated\s*:?|\bmade\s+this)"
        r"\s*(?:on\s+)?(?:(?:this|the)\s*){0,2}$", re.I)),
]
_PREAMBLE_AS_OF_RE = re.compile(r"\bas\s+of\s*(?:this|the)?\s*$", re.I)


def _two_digit_year(y: int) -> int:
    return 2000 + y if y < 50 else 1900 + y


def _date_value(m: re.Match[str]) -> date | None:
    try:
        if m.group("mon"):
            return date(int(m.group("year")), _MONTHS[m.group("mon").lower().rstrip(".")], int(m.group("day")))
        if m.group("mon2"):
            return date(int(m.group("year2")), _MONTHS[m.group("mon2").lower().rstrip(".")], int(m.group("day2")))
        if m.group("mon3"):
            w = re.sub(r"[\s-]+", " ", m.group("dayw").lower()).split()
            day = sum(_ORDINALS.get(x, 20 if x == "twenty" else 30 if x == "thirty" else 0) for x in w)
            return date(int(m.group("year3")), _MONTHS[m.group("mon3").lower().rstrip(".")], day)
        if m.group("a"):
            a, b, y = int(m.group("a")), int(m.group("b")), m.group("y")
            year = int(y) if len(y) == 4 else _two_digit_year(int(y))
            if a > 12:  # 29/3/18: day first
                a, b = b, a
            return date(year, a, b)
        if m.group("da"):
            return date(int(m.group("dy")), int(m.group("db")), int(m.group("da")))
        return date(int(m.group("iy")), int(m.group("im")), int(m.group("id")))
    except ValueError:
        return None


def _date_label(text: str, start: int, end: int) -> DateLabel | None:
    after = _LABEL_AFTER_RE.match(_squash(text[end : end + 80]))
    if after:
        lab = after.group("lab").lower()
        if lab.startswith(("effective", "commencement", "start", "closing")):
            return "effective"
        if lab.startswith(("expiration", "expiry", "termination", "end")):
            return "expiration"
        return "agreement"
    before = _squash(text[max(0, start - 80) : start])[-60:]
    # the patterns are anchored at the date, so they can only overlap as suffixes ("as of" inside "effective
    # as of"): the first in order of specificity wins.
    for label, rx in _LABEL_BEFORE:
        if rx.search(before):
            return label  # type: ignore[return-value]
    return None


def dates(text: str) -> list[Date]:
    """Calendar dates, each labelled ``effective``, ``agreement``, ``expiration`` or ``None``.

    Accepts "June 21, 1999", "Nov 5, 1999", "January 10th, 2019", "26 September 2019", "5th day of March,
    2020" (also OCR'd "14t h day of April, 2015"), "first day of July, 2000", "1/2/2019" and "29/3/18" (month
    first unless the first number exceeds 12), "12-23-2019", "04-01-06", "1.4.2011" (day first, four-digit
    year only), "2019-01-02". Two-digit years are 2000-2049 or 1950-1999. Labels come from the words just
    before ("effective as of", "dated", "made this", "entered into as of", "as of", "expires on", "until",
    "Effective Date:") or a defined term just after ("(the "Effective Date")", "("Expiration Date")").

    Refuses partial dates ("March 2020", "[•], 2020", "____ day of ______, 20__"), impossible dates
    ("February 30, 2020"), years outside 1900-2099, dotted dates with two-digit years ("1.2.10" is a section
    number), and dates inside a citation ("Regulation (EU) 2016/679 of 27 April 2016", "Pub. L. No.",
    "U.S.C.", "Case No. 2019-01-02").
    """
    out: list[Date] = []
    for m in _windowed(_DATE_RE, text, _DATE_TRIGGER_RE, 45, 40):
        value = _date_value(m)
        if value is None:
            continue
        if _CITATION_PRE_RE.search(_squash(text[max(0, m.start() - 80) : m.start()])):
            continue
        out.append(Date(value, m.start(), m.end(), m.group(0), _date_label(text, m.start(), m.end())))
    return out


# --------------------------------------------------------------------------------------------- parties

PREAMBLE_CHARS = 5000
_ANCHOR_RE = re.compile(
    r"\b(?:by\s+and\s+(?:between|among(?:st)?)|between|among(?:st)?|(?-i:B\sE\sT\sW\sE\sE\sN))\b\s*[:：,]?\s*"
    r"(?:on\s+the\s+one\s+hand,?\s*)?"
    r"|\b(?:entered\s+into|made|executed)\s+by\s+(?!and\b)(?-i:(?=[A-Z]|[a-z]{1,4}[A-Z]))"
    # "entered into on the date of the last signature below (the "Effective Date") by Ploverleaf Software LLC"
    r"|\bentered\s+into\s+(?:on|as\s+of)\b(?:(?!\bbetween\b|\bamong|\bby\b)[^.;]){1,150}\bby\s+(?!and\b)"
    r"(?-i:(?=[A-Z]))"
    r"|(?-i:\bPARTIES|\bParties)\s*:?\s*(?=\(\s*1\s*\)|1\.\s)", re.I)
_PREAMBLE_END_RE = re.compile(
    r"""(?:\n\s*\n\s*)?\b(?:W\s?I\s?T\s?N\s?E\s?S\s?S\s?E\s?T\s?H|WHEREAS|Whereas|RECITALS?|Recitals?|BACKGROUND|
        Background|PREAMBLE|NOW,?\s+THEREFORE|Now,?\s+therefore|IT\s+IS\s+(?:HEREBY\s+)?AGREED|
        The\s+parties\s+(?:hereto\s+)?(?:hereby\s+)?agree|In\s+consideration|IN\s+CONSIDERATION|
        TERMS\s+AND\s+CONDITIONS|Article\s+1\b|ARTICLE\s+(?:1|I)\b|Section\s+1\b|SECTION\s+1\b|1\.\s+[A-Z]|
        Source:|TABLE\s+OF\s+CONTENTS|Table\s+of\s+Contents|(?<=\s)(?:Dated|DATED|dated)\s+(?:as\s+of\s+)?(?=[A-Z0-9]))""",
    re.X,
)
_QUOTE_OPEN = "\"“”'‘’`"
_ALIAS_RE = re.compile(r"[\"“”]{1}\s*([^\"“”]{1,80}?)\s*[\"“”]|(?<!\w)[‘'`]{1,2}([^'‘’`\"“”]{1,60}?)[’'`]{1,2}(?!\w)")
_PAREN_ALIAS_RE = re.compile(
    r"\(\s*(?:hereinafter\s+(?:referred\s+to\s+as\s+|called\s+)?)?(?:the\s+)?([A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*){0,2})\s*\)")
_LEGAL_FORMS = frozenset(["LLC", "L.L.C", "INC", "LTD", "LIMITED", "CORP", "CORPORATION", "LP", "L.P", "LLP",
    "PLC", "GMBH", "AG", "SA", "S.A", "BV", "NV", "PTY", "CO"])
_COLLECTIVE = re.compile(r"^(?:the\s+)?(?:part(?:y|ies)|parties\s+hereto|each\s+party|agreement|this\s+agreement|"
                         r"effective\s+date|affiliates?|contract)$", re.I)
_NAME_STOP_RE = re.compile(
    r"""\s*\(|\s+[\"“]|,?\s+(?:hereinafter|herein(?:after)?\s+referred|referred\s+to)
      |,\s*(?:a|an|the)\s|\s+(?:a|an)\s+(?:[A-Z][\w.-]*\s+){0,3}(?:corporation|company|limited|partnership|
        LLC|individual|organi[sz]ation|entity|bank|trust|association|body|subsidiary|division)
      |,?\s+(?:having|with\s+(?:a|an|its|offices|principal|registered|an\s+office)|whose|located|organi[sz]ed|
        incorporated|existing|doing\s+business|on\s+behalf|acting|through|as\s+(?:represented|agent)|of\s+\d|
        residing|an\s+individual|with\s+an\s+address|address)
      |\s+(?:is|are)\s+(?:a|an)\s|\s+of\s+(?=\[)|,\s+(?=\d)|(?<=\.)\s+(?=\d)|\s+(?:a|an)\s+(?=[A-Z])|\s+of\s+(?=\(|\d)|\s*;|\s*:\s|\n\s*\n|\s{3,}(?=[A-Z][a-z]+:)
      |\s+and/or\b|,?\s+(?:and\s+)?(?:its|their)\s+(?:successors|affiliates|subsidiaries|assigns|permitted)
      |\s+c/o\b|,\s*(?:being|together|not\s+individually|solely\s+as)\b|\s+together\s+with\b|,\s+(?i:with)\s+(?i:principal|offices|its|a\s+principal|registered)
      |\s+(?=(?:This|THIS|The|THE)\s+(?:Agreement|AGREEMENT|Parties|PARTIES)\b)""",
    re.X,
)
_NAME_OK_RE = re.compile(r"^(?:[A-Z0-9(\"“]|[a-z][\w.-]*[A-Z.])[^\n]{0,150}$")
_REGION_END_RE = re.compile(r"[.!?][\"'”’)]*\s+(?!(?:and|And|AND|Hereinafter|HEREINAFTER)\b)(?=[\"“(\[]?[A-Z])")
# Words that start a new sentence even after "Inc." or "LLC.": the preamble ends there.
_SENTENCE_START_RE = re.compile(r"\s*(?:This|THIS|The|THE|WHEREAS|Whereas|Each|EACH|In|IN|NOW|Now|RECITALS?|Recitals?|"
                                r"BACKGROUND|Background|Both|BOTH|It|IT)\b")
_SPLIT_RE = re.compile(
    r"""\s*;\s*(?:and\s+)?(?:\(\s*\d+\s*\)\s*)?|,?\s+(?:and|AND|And)\s+(?:\(\s*\d+\s*\)\s*)?(?=[A-Z0-9"“(])
       |\s+-{1,2}\s*(?:AND|And|and)\s*-{1,2}\s+|\s+(?:AND|And):\s+
       |\s+and\s+(?=[a-z][\w.-]*(?:\s+[\w.&-]+){0,4},?\s+(?:Inc|LLC|Ltd|Corp|Corporation|Limited|L\.?P|GmbH|AG|plc)\b)
       |,\s+and\s+(?!(?:its|their|his|her|each|any|all|on|in|with|for|to|as|by|collectively|individually|together|
          solely|the\s+(?:other|parties))\b)(?=[a-z])|\s*\(\s*(?:2|3|4|5|ii|iii|iv|b|c|d)\s*\)\s+(?=[A-Z])
       |,\s*(?:and\s+)?(?=\(\s*\d\s*\))|(?<=\))\s*,\s+(?=[A-Z0-9"“])|,?\s+and,?\s+on\s+the\s+other\s+hand,?\s+
       |(?<=["”]\))\s+(?=[A-Z][\w&.,'-]*(?:\s+[\w&.,'-]+){0,6}?,?\s+(?:Inc|LLC|Ltd|Corp|Corporation|Limited|GmbH|AG|plc)\b)
       |(?:(?<=partnership)|(?<=corporation)|(?<=company))\s*,\s+(?=(?:[A-Z][\w&.'-]*\s+){1,6}(?:LLC|L\.L\.C\.|LP|L\.P\.|Inc\.|Ltd\.|Corp\.|
          Corporation|Limited|GmbH|plc)\s*,)""",
    re.X,
)
_PARTY_LINE_RE = re.compile(
    r"(?<![\w])(?:Party\s+[A-Z]|Party\s+\d|Licensor|Licensee|Seller|Buyer|Supplier|Customer|Vendor|"
    r"Distributor|Company|Client|Contractor|Consultant|Manufacturer|Purchaser|Lender|Borrower|Franchisor|Franchisee)"
    r"[ \t]*(?:\([^)\n]{0,40}\))?[ \t]*[:：][ \t]*(?:\n[ \t]*){0,3}(?P<name>[A-Z][^\n:]{1,150}?)[ \t]*"
    r"(?=\n|$|[ \t]{2,}|Legal\s+Representative|"
    r"Address|Registered|Domicile|Tel|Attention)",
)


def _top_level_split(region: str) -> list[tuple[int, int, bool]]:
    """Split the parties region at top-level separators (outside parentheses and quotes)."""
    depth = 0
    quote = False
    mask = []
    for ch in region:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
            quote = quote and depth > 0  # an unbalanced quote inside an alias ("(hereinafter, -Licensee")") ends there
        elif ch in "\"“”":
            quote = not quote if ch == '"' else ch == "“"
        mask.append(depth == 0 and not quote)
    # (start, end, whether the piece ended at a bare " and ", which may be inside a name)
    pieces: list[tuple[int, int, bool]] = []
    s = 0
    for m in _SPLIT_RE.finditer(region):
        if not mask[m.start()]:
            continue
        if region[s : m.start()].strip():
            pieces.append((s, m.start(), bool(re.fullmatch(r"\s+(?:and|And|AND)\s+", m.group(0)))))
        s = m.end()
    if region[s:].strip():
        pieces.append((s, len(region), False))
    return pieces


def _aliases(chunk: str) -> list[str]:
    out: list[str] = []
    for m in _ALIAS_RE.finditer(chunk):
        a = _norm_ws(m.group(1) or m.group(2) or "").strip(" ,.;:-")
        if not a or _COLLECTIVE.match(a) or len(a.split()) > 8:
            continue
        # defined terms only: in parentheses or after "hereinafter"/"referred to as"
        before = chunk[max(0, m.start() - 60) : m.start()]
        if not re.search(r"(?:\(|hereinafter|referred\s+to|called|as|,|or|and)\s*(?:the|a|an)?\s*$", before, re.I):
            continue
        if a not in out:
            out.append(a)
    if not out:
        for m in _PAREN_ALIAS_RE.finditer(chunk):
            a = _norm_ws(m.group(1))
            if a.upper().rstrip(".") in _LEGAL_FORMS or lookup_jurisdiction(a) or _COLLECTIVE.match(a):
                continue
            if a not in out:
                out.append(a)
    return out


def _preamble_regions(text: str, limit: int) -> Iterator[tuple[int, int]]:
    """Candidate parties regions: from each "between"/"among" in the first ``limit`` characters to the end
    of that sentence (or the recitals, a table of contents, a "dated" line)."""
    head = text[:limit]
    for a in _ANCHOR_RE.finditer(head):
        start = a.end()
        nxt = head[start : start + 60]
        if not re.match(r"\s*(?:the\s+)?(?:[A-Z0-9\"“(]|[a-z][\w-]*(?:[A-Z]|\.com|\.org|\.net))", nxt) and not re.match(
                r"\s*the\s+(?:undersigned|following)", nxt, re.I) and not _LEGAL_SUFFIX_RE.search(nxt[:40]):
            continue
        if re.match(r"\s*(?:the\s+)?(?:parties|party|Parties|Party|PARTIES)\b", nxt):
            continue
        em = _PREAMBLE_END_RE.search(head, start + 10)
        end = em.start() if em else min(len(head), start + 1500)
        end = min(end, start + 2000)
        # a title ("AGREEMENT BETWEEN X AND Y") running into the preamble proper ends where the next one starts
        nested = _NESTED_ANCHOR_RE.search(head, start + 10, end)
        if nested:
            end = nested.start()
        for b in _REGION_END_RE.finditer(text, start + 10, end):
            if not (_is_real_boundary(text, b.start()) or _SENTENCE_START_RE.match(text, b.end())):
                continue
            if _INITIALS_END_RE.search(text, max(0, b.start() - 8), b.start() + 1):
                continue  # "C.M. OLIVER & COMPANY": initials, not the end of the preamble
            # A preamble names at least two parties: a full stop before the second one closes an address
            # ("... Port Vila. Vanuatu") or an abbreviation ("695014 B.C. Ltd."), not the preamble.
            if len(_top_level_split(text[start : b.start() + 1])) < 2 and not _SENTENCE_START_RE.match(
                    text, b.end()):
                continue
            end = b.start() + 1
            break
        yield start, end


# Words no party's name carries: documents and their parts, salutations, registration numbers, an officer's title.
_NOT_A_NAME_RE = re.compile(
    r"\b(?:Agreement|Amendment|Schedule|Exhibit|Section|Article)s?\b|^(?:You|Gentlemen|Ladies(?:\s+and\s+Gentlemen)?|Sirs?|"
    r"Madam)$|^Dear\b|\b(?:number|No\.)\s*:?\s*[\d-]|\bVAT\b|^(?:Director|President|Officer|Manager)\s+of\b", re.I)
_BLANK_PARTY_RE = re.compile(
    r"(?:\band\s+|,\s*)(?:_{3,}|\[\s*[*•]?\s*\]|<<[^>]{0,40}>>|\[[A-Z ]{0,20}NAME[^\]]{0,20}\])")
_INITIALS_END_RE = re.compile(r"(?<![\w.])(?:[A-Z]\.){1,3}[A-Z]\.$")
_NESTED_ANCHOR_RE = re.compile(r"\b(?:by\s+and\s+between|by\s+and\s+among|(?<![Aa]nd\s)between)\b", re.I)


_PLACE_DESCRIPTION_RE = re.compile(
    rf"(?:(?:a|an)\s+)?(?:{_PLACE_RE.pattern})\s+(?:corporation|company|limited\s+liability\s+company|partnership|entity)",
    re.I)
_ABBREVIATED_END_RE = re.compile(
    r"\b(?:Inc|Corp|Co|Ltd|L\.P|N\.A|S\.A|B\.V|N\.V|A\.G|L\.L\.C|P\.C|Pty|S\.p\.A|S\.A\.S|Ltda|Bhd|Jr|Sr|LLC|PLC|"
    r"Limited)\.?$", re.I)
_SUFFIX_OF_RE = re.compile(
    r"(.*?\b(?:Inc|Ltd|LLC|Limited|Corp|Corporation|Company|AG|GmbH|PLC|S\.A|N\.V|B\.V|A/S|SRL|S\.r\.l|Pty)\.?)\s+of\s+")
# "Sicap Ltd, Bernstrasse 34", "SAGEM S.A., Departement MORPHO": after a legal form, a comma and words that are
# no further legal form ("Co., Ltd.", "Bank, N.A.") start an address or a division, not the name.
_FORM_THEN_MORE_RE = re.compile(
    r"^(.*?\b(?:Inc|Ltd|LLC|L\.L\.C|Limited|Corp|Corporation|GmbH|PLC|S\.A|N\.V|B\.V|A/S|SRL|S\.r\.l|Pty|LLP|L\.P|LP|AG)"
    r"\.?),\s+(?!(?:Inc|Ltd|LLC|L\.L\.C|Limited|Corp|Corporation|Co|GmbH|PLC|S\.A|N\.V|B\.V|N\.A|LLP|L\.P|LP|AG|SA|"
    r"Incorporated|a\s|an\s)\b)(?=[A-Z])", re.I)


def _party_from_chunk(text: str, cs: int, ce: int) -> Party | None:
    chunk = text[cs:ce]
    lead = re.match(r"\s*(?:\(?\s*(?:\d+|[ivx]+|[a-e])\s*[).](?![a-z]\.)\s*|and\s*:\s*|and\s+|"
                    r"the\s+undersigned[,:]?\s*|the\s+following\s+parties\s*:?\s*|:\s*|the\s+(?=[A-Z])|"
                    r"(?-i:PREAMBLE|PARTIES)\s*:?\s*|"
                    r"on\s+the\s+other\s+hand,?\s*|-+\s*)*",
                    chunk, re.I)
    ns = cs + (lead.end() if lead else 0)
    stop = _NAME_STOP_RE.search(text, ns, ce)
    ne = stop.start() if stop else ce
    raw = text[ns:ne]
    # a legal form followed by a gap or a line break ends the name ("GmbH   Binger Strasse 173", "Inc.\n111 W.")
    gap = re.match(r"(.*?\b(?:Inc|Ltd|LLC|Limited|Corp|Corporation|Company|AG|GmbH|PLC|S\.A|N\.V|B\.V|L\.P|LP)\.?)"
                   r"(?:\s{2,}|[ \t]*\n|\s+(?=[A-Z][^()\n,]{0,30}\d))\s*\S", raw, re.S | re.I)
    if gap:
        raw = gap.group(1)
        ne = ns + len(raw)
    name = _norm_ws(raw).strip(" ,;:.-")
    if raw.rstrip().endswith(".") and _ABBREVIATED_END_RE.search(raw.rstrip()):
        name = _norm_ws(raw).strip(" ,;:-")
    if not name or len(name.split()) > 14 or not (_NAME_OK_RE.match(name) or (
            name[0].islower() and _LEGAL_SUFFIX_RE.search(name) and "\n" not in name)):
        return None
    if re.match(r"(?:WHEREAS|NOW|RECITAL|the\s+parties|each\s+of|collectively|individually|hereinafter)", name, re.I):
        return None
    if _ADDRESS_RE.match(name):
        return None
    if re.search(r"\b(?:are|is|may|shall|will|agree|agrees|referred|hereby|dated)\b", name):
        return None
    cut = _SUFFIX_OF_RE.match(name) or _FORM_THEN_MORE_RE.match(name)
    if cut:
        name = cut.group(1)
    if re.fullmatch(r"(?:and|or|between|among)", name, re.I) or lookup_jurisdiction(name) or (
            _PLACE_DESCRIPTION_RE.fullmatch(name)):
        return None  # a conjunction, or a place ("England and Wales") or a description taken for a name
    if re.search(r",\s+(?:director|president|officer|chief|ceo|manager|owner)\b", name, re.I):
        return None
    if _NOT_A_NAME_RE.search(name):
        return None
    aliases = _aliases(chunk)
    desc_m = re.search(
        r"\b(?:a|an)\s+((?:[A-Z][\w.&'-]*\s+){0,4}(?:(?:limited\s+liability\s+|general\s+|limited\s+|business\s+|"
        r"nonprofit\s+|non-profit\s+|public\s+|municipal\s+)?(?:company|corporation|partnership|trust|association|bank|"
        r"individual|entity)))",
        chunk[ne - cs :])
    start = ns + (len(raw) - len(raw.lstrip()))
    shown = raw.strip()
    shown = shown[: len(shown) - len(shown) + len(name)] if shown.startswith(name[:1]) else shown
    end = start + len(raw.strip().rstrip(",;:-").rstrip())
    if not name.endswith(".") and text[start:end].endswith("."):
        end -= 1
    return Party(name=name, alias=aliases[0] if aliases else None, start=start, end=end, text=text[start:end],
                 aliases=tuple(aliases), description=desc_m.group(0) if desc_m else None)


_LEGAL_SUFFIX_RE = re.compile(
    r"\b(?:Inc|Incorporated|Corp|Corporation|Co|Company|Ltd|Limited|LLC|L\.L\.C|LLP|LP|L\.P|PLC|plc|GmbH|AG|SA|S\.A|"
    r"N\.A|B\.V|N\.V|Pty|SpA|S\.p\.A|Ltda|Bank|Trust|Fund|Partnership|University|Association|JSC|OJSC|PJSC|SRL|S\.r\.l|"
    r"SARL|SAS|Pte|Bhd|Tbk|A/S|AB|Oy|KK|K\.K|GIE|G\.I\.E)\b\.?", re.I)


_TITLE_LEAD_RE = re.compile(r"^(?:.{0,200}?\b(?:AGREEMENT|CONTRACT|ADDENDUM|AMENDMENT)\b\s+)(?=[A-Za-z])", re.S)


def _alias_sentence_regions(text: str, limit: int) -> Iterator[tuple[int, int]]:
    """Fallback regions for preambles without "between": sentences in the first ``limit`` characters with
    two or more defined terms in parentheses ("Synchron, a California corporation (the "Investor"), and Rare
    Element Resources Ltd. (the "Company") agree as follows")."""
    for s0, s1 in sentence_spans(text, 0, min(len(text), limit)):
        sent = text[s0:s1]
        defined = re.findall(r"\([^()\"“”]{0,60}[\"“][^\"”]{1,40}[\"”]|\bhereinafter\s+(?:referred\s+to\s+as|called)\s+"
                             r"(?:the\s+)?[\"“]", sent, re.I)
        if len(defined) < 2 or " and " not in sent:
            continue
        if _ANCHOR_RE.search(sent):
            continue  # the anchored reading covers it
        lead = _TITLE_LEAD_RE.match(sent)
        yield s0 + (lead.end() if lead else 0), s1


_LEGAL_END_RE = re.compile(_LEGAL_SUFFIX_RE.pattern + r"$", re.I)
_ADDRESS_RE = re.compile(
    r"^\d+[\w-]*\s+(?:[\w.'-]+\s+){0,4}(?:Avenue|Ave|Street|St|Road|Rd|Suite|Drive|Dr|Blvd|Boulevard|"
    r"Floor|Lane|Way|Place|Court|Highway|Hwy)\b", re.I)


def _region_parties(text: str, rs: int, re_: int) -> list[Party]:
    out: list[Party] = []
    pieces = _top_level_split(text[rs:re_])
    i = 0
    while i < len(pieces):
        s, e, bare_and = pieces[i]
        # "ExxonMobil Research and Engineering Company, a corporation ...": a bare " and " after a fragment
        # with no alias, description or legal form is part of the name.
        while bare_and and i + 1 < len(pieces):
            head = re.sub(r"^\s*\(\s*\w{1,3}\s*\)\s*", "", text[rs + s : rs + e]).rstrip(" ,")
            nxt = text[rs + pieces[i + 1][0] : rs + pieces[i + 1][1]]
            if "(" in head or "," in head or _ALIAS_RE.search(head) or _LEGAL_END_RE.search(head):
                break
            if not (_ALIAS_RE.search(nxt) or _PAREN_ALIAS_RE.search(nxt) or _LEGAL_SUFFIX_RE.match(
                    re.split(r",|\(", nxt, maxsplit=1)[0].split()[-1] if nxt.split() else "")):
                break
            i += 1
            e, bare_and = pieces[i][1], pieces[i][2]
        p = _party_from_chunk(text, rs + s, rs + e)
        # "... and amends the agreement between Heritage and Premier": a defined term of a party already
        # named is that party again, not another one
        if p is not None and all(p.name.lower() != q.name.lower() and p.name.lower() not in
                                 {a.lower() for a in q.aliases} for q in out):
            out.append(p)
        i += 1
    if out and not any(p.aliases or p.description or _LEGAL_SUFFIX_RE.search(p.name) for p in out):
        return []  # a table of contents or a sentence that merely says "between"
    # a name that is the tail of another's ("ENTERTAINMENT CORPORATION" of "HENRY FILM AND ENTERTAINMENT
    # CORPORATION") is that party read twice
    return [p for p in out if not any(q is not p and q.name.lower().endswith(" and " + p.name.lower()) for q in out)]


def parties(text: str, limit: int = PREAMBLE_CHARS) -> list[Party]:
    """The parties named in the preamble (searched in the first ``limit`` characters).

    Accepts "This Agreement is entered into ... by and between ACME CORP., a Delaware corporation
    ("Vendor"), and Beta LLC ("Customer")", "between X and Y", "among X, Y and Z", numbered lists ("BETWEEN:
    (1) X ...; and (2) Y ..."), title forms ("AGREEMENT between X and Y dated ..."), aliases in parentheses
    with or without "the", "hereinafter (referred to as)", curly quotes, and "Party A: X" / "Licensor: X"
    lines. The name ends at its description (", a Delaware corporation", ", having offices at", "(", "whose")
    but keeps legal suffixes with commas ("Reed's, Inc.", "Dong-A ST Co., Ltd."). When several passages
    qualify (a cover page "between X and Y" and the preamble proper), the one whose parties carry defined
    terms wins, then the earliest. Without any "between"/"among", a sentence in the first 4,000 characters
    that defines two or more parties ("Synchron, a California corporation (the "Investor"), and Rare
    Element Resources Ltd. (the "Company") agree as follows") is read the same way, keeping only parties
    with a defined term and a legal form or description.

    A full stop before the second party is taken for the end of an address or an abbreviation ("... Port
    Vila. Vanuatu", "695014 B.C. Ltd."), since a preamble names at least two; "- and -" joins parties laid out
    on separate lines; a name ends at an address or division after its legal form ("Sicap Ltd, Bernstrasse
    34", "X A/S of Industriparken 55"), at "c/o" and at "together with"; a title "AGREEMENT BETWEEN X AND Y"
    ends where the preamble's own "by and between" starts; a defined term of a party already named ("the
    agreement between Heritage and Premier") is not another party; and a form with one party named and the
    other left blank ("and ____________ ("Distributor")") gives the one named party. English drafting's
    "PARTIES (1) X ...; and (2) Y ..." is read like "between". A preamble pushed past the first ``limit``
    characters by a cover page or a table of contents is found by its "made / entered into ... between"
    sentence (within 20,000 characters). An agreement "the undersigned" make (a joint filing agreement) is
    made by its signatories: the entities written before "By:" or "/s/" at the end, not those signing for
    them ("By: X GP LLC, its general partner"); "each other party identified on the signature page" adds the
    signatories to the preamble's parties.

    Refuses collective terms as parties ("each a "Party"", "the Parties"), places ("Wales", "Delaware
    corporation"), recitals, phrases with a verb
    ("X and Y are sometimes referred to"), and names longer than 14 words. Names containing " and " are
    split in two ("Ernst and Young" becomes two parties): drafting almost always writes "&" inside names.
    Returns an empty list when no preamble is found (letter agreements addressed "Dear ...", or text where
    the parties only sign at the end).
    """
    best: list[Party] = []
    best_score = 0
    anchored = list(_preamble_regions(text, limit))
    fallback = list(_alias_sentence_regions(text, min(limit, 4000)))
    for rs, re_ in anchored + fallback:
        if (rs, re_) in fallback and best:
            break
        found = _region_parties(text, rs, re_)
        if (rs, re_) in fallback:
            found = [p for p in found if p.aliases and (p.description or _LEGAL_SUFFIX_RE.search(p.name))]
        if found and _ON_SIGNATURE_PAGE_RE.search(text, rs, re_):
            # "... and each of the persons set forth on the signature page hereto": those who sign there
            found = found + [q for q in _signatories(text) if all(_same_name(q.name, f.name) is False for f in found)]
        if len(found) < 2:
            continue
        score = 2 * sum(1 for p in found if p.aliases) + len(found)
        if score > best_score:
            best, best_score = found, score
        if all(p.aliases for p in found):
            break
    if len(best) < 2:
        lined: list[Party] = []
        for m in _PARTY_LINE_RE.finditer(text[:limit]):
            name = _norm_ws(m.group("name")).strip(" ,;.")
            if not name or not name[0].isupper() or any(name.lower() == q.name.lower() for q in lined):
                continue
            lined.append(Party(name, None, m.start("name"), m.start("name") + len(m.group("name")), m.group("name")))
        if len(lined) >= 2:
            return lined
        # a form with one party named and the other left blank ("by and between Acme Inc. ("Licensor") and
        # ____________ ("Licensee")"): the named one is the only party there is
        for rs, re_ in anchored:
            found = _region_parties(text, rs, re_)
            if len(found) == 1 and _BLANK_PARTY_RE.search(text, rs, re_):
                return found
    if not best and _UNDERSIGNED_RE.search(text, 0, min(len(text), 3000)):
        signed = _signatories(text)
        if signed:
            return signed
    if not best and limit == PREAMBLE_CHARS and len(text) > limit:
        # a cover page or a table of contents pushes the preamble down: its "made / entered into ... between"
        # sentence within the first 20,000 characters
        for s0, s1 in sentence_spans(text, limit, min(len(text), 20_000)):
            if _PREAMBLE_SENT.search(text, s0, s1) and _ANCHOR_RE.search(text, s0, s1) and re.search(
                    r"\b(?:agreement|contract)\b", text[s0:s1], re.I):
                return [_shifted(q, s0) for q in parties(text[s0:], limit=3000)]
    return best


# Signature blocks: the entity written just before "By:" or "/s/" ("PRAIRIE ECI ACQUIROR LP By: ...", "ABP TRUST
# /s/ Adam D. Portnoy"), or a person in capitals before "/s/"; a name after "By:" ("By: BIA GP L.L.C., its general
# partner") signs for another.
_SIG_TOKEN = r"(?:[A-Z0-9(][\w&.,'’()/À-ž-]*|&|and|of|de|du|la)"
_SIGNATORY_RE = re.compile(
    rf"(?P<name>(?:{_SIG_TOKEN}\s+){{0,10}}?"
    r"(?:INC|Inc|LLC|L\.L\.C|LP|L\.P|LTD|Ltd|LIMITED|Limited|CORP|Corp|CORPORATION|Corporation|COMPANY|Company|TRUST|Trust|PLC|"
    r"GMBH|GmbH|AG|S\.A|N\.V|B\.V|FUND|Fund|R\.L|ILP)\.?)\s*,?\s*(?:By\s*:|/s/)"
    r"|(?P<person>(?-i:[A-Z][A-Z.'’À-Ž-]+(?:\s+[A-Z][A-Z.'’À-Ž-]+){1,3}))\s+/s/")
_ON_SIGNATURE_PAGE_RE = re.compile(
    r"\b(?:each|all)\s+(?:of\s+the\s+)?(?:other\s+)?(?:persons?|part(?:y|ies)|entit(?:y|ies)|investors?)\s+(?:hereto\s+)?"
    r"(?:set\s+forth|listed|identified|named)\s+on\s+the\s+signature\s+pages?", re.I)
_UNDERSIGNED_RE = re.compile(r"\b(?:the|each\s+of\s+the)\s+undersigned\b|\beach\s+party\s+hereto\b", re.I)
_SIGNATORY_STOP_RE = re.compile(
    r"^(?:Officers?|OFFICERS?|President|PRESIDENT|Signatory|SIGNATORY|Directors?|DIRECTORS?|Counsel|COUNSEL|Secretary|"
    r"SECRETARY|Esq\.?|Attorney-in-fact|ATTORNEY-IN-FACT|\((?:Signature|Name/Title|Date|Title|Print\s+Name)\)|"
    r"\d{1,2}/\d{1,2}/\d{2,4}|\d{4}\.?|.*:)$")


def _signatories(text: str) -> list[Party]:
    """The entities signing at the end of an agreement "the undersigned" make, in order, each once."""
    out: list[Party] = []
    tail0 = max(0, len(text) - 12_000)
    for m in _SIGNATORY_RE.finditer(text, tail0):
        group = "name" if m.group("name") else "person"
        words = m.group(group).split()
        keep: list[str] = []
        for w in reversed(words):
            if _SIGNATORY_STOP_RE.match(w):
                break
            keep.append(w)
        keep.reverse()
        # a name in capitals keeps no words before it ("Attorney-in-fact BANC OF AMERICA CORPORATION", "EVP
        # Business Affairs HARVEST PARTNERS, LTD.")
        run = 0
        while run < len(keep) and (keep[-1 - run].isupper() or keep[-1 - run] in ("&", "and", "of")):
            run += 1
        caps = [w for w in keep[len(keep) - run :]
                if len(w.strip(",.()")) > 3 and not _LEGAL_SUFFIX_RE.fullmatch(w.strip(","))]
        if run < len(keep) and len(caps) >= 2:
            keep = keep[len(keep) - run :]
        while keep and keep[0] in ("and", "of", "&", "de", "du", "la"):
            keep.pop(0)
        if not keep:
            continue
        name = " ".join(keep).strip(" ,")
        start = m.start(group) + m.group(group).rfind(keep[0], 0, len(m.group(group)) - len(" ".join(keep[1:])))
        if re.search(r"By\s*:\s*$", text[max(0, start - 8) : start]) or not name[:1].isupper():
            continue
        if len(keep) < 2 and not _LEGAL_SUFFIX_RE.search(name):
            continue
        if all(name.lower() != q.name.lower() for q in out):
            end = start + len(text[start : m.end(group)].rstrip(" ,"))
            out.append(Party(name, None, start, end, text[start:end]))
    return out


def _same_name(a: str, b: str) -> bool:
    def key(s: str) -> str:
        return re.sub(r"^the\s+", "", re.sub(r"[\s,.]+", " ", s.lower())).strip()

    return key(a) == key(b)


def _shifted(p: Party, by: int) -> Party:
    return Party(p.name, p.alias, p.start + by, p.end + by, p.text, p.aliases, p.description)


# --------------------------------------------------------------------------------------------- renewals

_RENEW_CUE_RE = re.compile(
    r"\b(?:renew\w*|extend\w*|extension|prolong\w*"
    r"|(?:continue|continues|continued|remain|remains)\s+(?:in\s+(?:full\s+)?(?:force|effect)\s+(?:and\s+effect\s+)?)?"
    r"(?:(?:automatically|thereafter)\s+)*(?:for|on)\s+(?:a\s+|an\s+)?(?:successive|additional|further|subsequent|"
    r"consecutive|month|year|annual|monthly))\b"
    r"|\b(?:year|month)[\s-]+to[\s-]+(?:year|month)\b",
    re.I,
)
_SUCCESSIVE_RE = re.compile(
    r"\b(?:successive|subsequent|consecutive|each|further|from\s+(?:year|time)\s+to\s+(?:year|time)|"
    r"year[\s-]+to[\s-]+year|month[\s-]+to[\s-]+month|thereafter|every|annually|repeatedly|periods|terms|one\s+or\s+more)\b",
    re.I)
_AUTO_RE = re.compile(
    r"\bautomatic(?:ally)?\b|\bshall\s+(?:be\s+)?(?:renew|extend)|\bwill\s+(?:be\s+)?(?:renew|extend)|"
    r"unless\s+(?:either|one|a)\s+party", re.I)
_COUNT_RE = re.compile(
    rf"(?:(?P<w>{_WORDS})(?:\s*\(\s*(?P<p>\d+)\s*\))?|\(?(?P<n>\d+)\)?)\s+(?:additional|further|successive|consecutive|renewal)"
    r"(?:\s+(?:successive|consecutive|additional|renewal))?\s*$", re.I)
_PERIODIC_RE = re.compile(
    r"\b(?:(?P<y>(?:from\s+)?year[\s-]+to[\s-]+year|(?:successive|additional|consecutive|further|one\s+or\s+more)\s+"
    r"annual|annual(?:ly)?\s+(?:renewals?|renew\w*|basis|periods?|terms?)|automatic\s+annual|renew\w*\s+annually|"
    r"yearly\s+(?:basis|periods?|terms?))"
    r"|(?P<m>(?:from\s+)?month[\s-]+to[\s-]+month|monthly\s+(?:periods?|basis|terms?|renewals?)))\b",
    re.I)
_RENEWAL_NOUN_AFTER_RE = re.compile(r"\s*(?:[\w-]+\s+){0,2}?(?:renewal|renewals|extension|extensions|renew)\b", re.I)


def _is_notice(text: str, d: Duration, s0: int, s1: int) -> bool:
    before = _squash(text[max(s0, d.start - 60) : d.start])
    after = _squash(text[d.end : min(s1, d.end + 50)])
    if re.search(r"(?:at\s+least|not\s+less\s+than|no\s+less\s+than|no\s+later\s+than|not\s+later\s+than|"
                 r"minimum\s+of|upon|with|giving|give|given|on|providing|provide|by|"
                 r"notice\s+(?:period\s+)?of(?:\s+at\s+least)?)\s+(?:the\s+)?(?:a\s+)?$", before, re.I):
        return True
    if re.match(r"\s*(?:['’]s?\s*)?(?:\(\s*\)\s*)?(?:prior|before|advance|in\s+advance|written|notice|'|’|preceding)",
                after, re.I):
        return True
    return bool(re.search(r"\bwithin\s+(?:a\s+period\s+of\s+)?$", before, re.I) and re.match(
        r"\s*(?:of|after|following)\s+(?:the\s+)?(?:expir|end|conclusion|anniversary|renewal)", after, re.I))


def _in_sentence(d: Duration, s0: int) -> Duration:
    return Duration(d.value, d.unit, d.days, d.start + s0, d.end + s0, d.text, d.words_value)


def renewal_term(text: str) -> RenewalTerm | None:
    """The renewal term stated in a renewal clause, or ``None``.

    Reads the first sentence that mentions renewal or extension ("renew", "extend", "extension",
    "prolonged", "successive", "continue ... for successive/additional periods", "year to year") and takes
    the first period after that word which is not a notice period (not after "at least", "not less than",
    "upon", "within", "notice of"..., nor before "prior", "notice", "before", "in advance"); a period
    before the renewal word counts only when a renewal noun follows it ("2 year term extensions",
    "one (1) year renewal periods"). "From year to year", "successive annual periods", "automatic annual
    renewals", "renew annually" give a successive one-year term; "month to month", "monthly periods" a
    successive one-month term. ``successive`` is set by "successive", "subsequent", "consecutive", "each",
    "further", "thereafter", "periods", "terms"...; ``count`` by "one (1) additional", "two (2)
    successive"; ``automatic`` by "automatically", "shall renew", "unless either party".

    Refuses sentences with no renewal word and periods that are only notice periods or the initial term
    ("an initial term of five years"); it does not read "perpetual" or "until terminated" (no renewal term),
    "renewal terms of the same duration", nor dates ("renewed until July 22, 2022").
    """
    for s0, s1 in sentence_spans(text):
        sent = text[s0:s1]
        cue = _RENEW_CUE_RE.search(sent)
        if not cue:
            continue
        cue_pos = s0 + cue.start()
        auto = bool(_AUTO_RE.search(sent))
        best: tuple[int, RenewalTerm] | None = None
        for d in map(lambda x: _in_sentence(x, s0), durations(sent)):
            if _is_notice(text, d, s0, s1):
                continue
            if d.start < cue_pos and not _RENEWAL_NOUN_AFTER_RE.match(text, d.end, min(s1, d.end + 40)):
                continue  # a period before the renewal word is usually the initial term
            if re.search(r"\binitial\s+(?:term|period)\s+(?:of|shall\s+be|is)\s+(?:\w+\s+)?$",
                         _squash(text[max(s0, d.start - 40) : d.start]), re.I):
                continue
            window = text[max(s0, d.start - 80) : min(s1, d.end + 40)]
            cm = _COUNT_RE.search(_squash(text[max(s0, d.start - 60) : d.start]))
            count = None
            if cm:
                got = _value_from(cm.group("w"), cm.group("p"), cm.group("n"))
                count = int(got[0]) if got else None
            successive = (bool(_SUCCESSIVE_RE.search(window)) and count is None) or bool(
                re.search(r"\bsuccessive\b", window, re.I))
            best = (d.start, RenewalTerm(d, successive, auto, d.start, d.end, d.text, count))
            break
        pm = _PERIODIC_RE.search(sent)
        if pm and (best is None or s0 + pm.start() < best[0]):
            unit: DurationUnit = "years" if pm.group("y") else "months"
            d = Duration(1.0, unit, _UNIT_DAYS[unit], s0 + pm.start(), s0 + pm.end(), pm.group(0))
            return RenewalTerm(d, True, auto, d.start, d.end, d.text)
        if best is not None:
            return best[1]
    return None


_TERM_SENTENCE_RE = re.compile(
    r"\b(?:term|continue[sd]?|remain(?:s)?\s+in\s+(?:full\s+)?(?:force|effect)|in\s+effect|expire[sd]?|"
    r"commenc\w*|effective)\b", re.I)
_ANNIVERSARY_RE = re.compile(
    rf"\b(?:(?P<w>{_ORD_WORDS_RE})|(?P<n>\d{{1,2}})\s?(?:st|nd|rd|th|t\s?h))\s*(?:\(\s*\d{{1,2}}\s?(?:st|nd|rd|th|t\s?h)?\s*\)\s*)?"
    r"(?:year\s+)?anniversary\b", re.I)
def _anniversary_years(m: re.Match[str]) -> int | None:
    if m.group("w"):
        return _ORDINAL_VALUES.get(re.sub(r"[\s-]+", " ", m.group("w").lower()))
    return int(m.group("n"))


def anniversaries(text: str) -> list[Duration]:
    """Ordinal anniversaries as years: "the first (1st) anniversary" is one year, "the fifth anniversary" five."""
    out = []
    for m in _ANNIVERSARY_RE.finditer(text):
        n = _anniversary_years(m)
        if n:
            out.append(Duration(float(n), "years", 365.0 * n, m.start(), m.end(), m.group(0)))
    return out


_TERM_BEFORE_RE = re.compile(
    r"(?:\bfor|\bof|\bbe|\bis|\buntil(?:\s+the)?|\b(?:ending|end|ends|expire|expires|expiring|terminate|terminates|"
    r"terminating|conclude|concluding)(?:\s+(?:on|at|upon|in))?(?:\s+the)?(?:\s+date)?|\bthrough|\blast|"
    r"\bperiod\s+of|\bterm\s+of|\bduration\s+of|\binitial\s+period\s+of)\s+(?:a\s+|an\s+|the\s+)?"
    r"(?:(?:initial|fixed|minimum|further|period\s+of|term\s+of)\s+)*$", re.I)
_TERM_AFTER_RE = re.compile(
    r"\s*(?:\(\s*\)\s*)?(?:(?:full\s+)?(?:calendar\s+)?(?:period|term)\s+)?(?:anniversary|after|from|following|thereafter|"
    r"subsequent|later|beyond|with|"
    r"commencing|beginning|starting|period|term|\(|[,.;]|$|unless|and|as\s+of)", re.I)


# Where the initial term stops and renewals start; "shall extend for a period of five years" is the term itself.
_TERM_RENEW_RE = re.compile(
    r"\b(?:renew\w*|extension|successive|thereafter\s+for|extend\w*(?!\s+(?:for\s+(?:a\s+period\s+of|the\s+period|an?\s+"
    r"(?:initial\s+)?(?:term|period)\s+of)|until|through|to\s+(?:the|and)))|(?:may|option\s+to|right\s+to)\s+(?:be\s+)?extend)\b",
    re.I)
_FIRST_VERB_RE = re.compile(r"\b(?:shall|will|is|are|be|continues?|commences?|remains?|expires?)\b", re.I)


_ENDS_ON_RE = re.compile(
    r"\b(?:end|ends|ending|expire|expires|expiring|terminate|terminates|terminating|conclude|concludes|concluding)\s+"
    r"(?:on|at|upon)\s+(?:the\s+)?(?:date\s+)?$", re.I)


def initial_term(text: str) -> Duration | None:
    """The length of the initial (fixed) term, or ``None``.

    Reads sentences about the term ("term", "continue", "remain in effect", "expire", "commence",
    "effective") and takes the first period before any renewal word that reads as the term's length: after
    "for", "of", "be", "until the", "ending", "period of", "term of"... and followed by "after", "from",
    "following", "thereafter", "anniversary", a comma or the end of the sentence ("for a period of five (5)
    years", "shall continue for three (3) years thereafter", "until the five (5) year anniversary of the
    Effective Date", "ending two (2) years thereafter"). An ordinal anniversary ("the fifth (5th)
    anniversary of the Effective Date") counts as that many years.

    Refuses notice periods, renewal terms (periods after "renew", "extend", "successive"), and terms tied
    only to events ("until the last Patent expires").
    """
    for s0, s1 in sentence_spans(text):
        sent = text[s0:s1]
        if not _TERM_SENTENCE_RE.search(sent):
            continue
        verb = _FIRST_VERB_RE.search(sent)
        renew = _TERM_RENEW_RE.search(sent, verb.start() if verb else 0)
        limit = s0 + (renew.start() if renew else len(sent))
        found: list[Duration] = []
        for d in map(lambda x: _in_sentence(x, s0), durations(sent)):
            if d.start >= limit:
                break
            before = _squash(text[max(s0, d.start - 40) : d.start])
            if _is_notice(text, d, s0, s1) and not _ENDS_ON_RE.search(before):
                continue  # "end on the five (5) year anniversary" is no notice period
            if _TERM_BEFORE_RE.search(before) and _TERM_AFTER_RE.match(_squash(text[d.end : min(s1, d.end + 30)])):
                found.append(d)
                break
        am = _ANNIVERSARY_RE.search(sent)
        if am and s0 + am.start() < limit and (not found or s0 + am.start() < found[0].start):
            n = _anniversary_years(am)
            if n:
                return Duration(float(n), "years", 365.0 * n, s0 + am.start(), s0 + am.end(), am.group(0))
        if found:
            return found[0]
    return None


_NOTICE_SENTENCE_RE = re.compile(
    r"\b(?:renew\w*|non-?renewal|expir\w*|anniversary|end\s+of\s+(?:the|any|such|each|then)|extend\w*|extension|"
    r"initial\s+term|then[\s-]current\s+term)\b"
    r"|\b(?:continu|remain)\w*[^.;]{0,80}\buntil\b",
    re.I)


def renewal_notice(text: str) -> Duration | None:
    """The notice period to stop a renewal (or to end the agreement at the end of a term), or ``None``.

    Reads sentences that mention renewal, non-renewal, expiration, an anniversary, the end of a term or
    extension (or "continue ... until terminated") and takes the first period used as a notice period:
    after "at least", "not less than", "no later than", "upon", "giving", "notice of"... ("at least ninety
    (90) days prior to", "upon thirty (30) days written notice") or before "prior", "before", "in
    advance", "notice", "'s notice" ("six (6) months' notice"), or "within N days of the expiration".
    When no such sentence has one but the text as a whole is about renewal (a renewal clause whose notice
    sentence names no renewal: "A six (6) months notice must be given ..."), the first notice period of the
    text is taken.

    Refuses periods that are the term itself ("for successive one (1) year periods") and cure periods in
    sentences about breach that mention no renewal or expiration.
    """
    spans = sentence_spans(text)
    for s0, s1 in spans:
        sent = text[s0:s1]
        if not _NOTICE_SENTENCE_RE.search(sent):
            continue
        for d in map(lambda x: _in_sentence(x, s0), durations(sent)):
            if _is_notice(text, d, s0, s1):
                return d
    if len(spans) <= 6 and _NOTICE_SENTENCE_RE.search(text):
        for s0, s1 in spans:
            for d in map(lambda x: _in_sentence(x, s0), durations(text[s0:s1])):
                if _is_notice(text, d, s0, s1):
                    return d
    return None


# --------------------------------------------------------------------------------------------- document dates

# Whole-document readers: the agreement, effective and expiration dates of a contract, found where drafting
# puts them (the preamble, the definitions, the term clause, the signature blocks).

_DATE_PREAMBLE_CHARS = 3000
_DEFINITION_RE = re.compile(
    r"^\W*(?:\d[\d.]*\s*)?[\"“][^\"”]{1,60}[\"”]\s+(?:means|shall\s+mean|has\s+the\s+meaning)", re.I)


def _source_line(text: str, pos: int) -> bool:
    """EDGAR exhibits carry "Source: COMPANY, 10-K, 5/20/2014" filing lines: not dates of the contract."""
    line_start = text.rfind("\n", 0, pos) + 1
    return bool(_FILING_RE.search(text[max(line_start, pos - 80) : pos]))


_FILING_RE = re.compile(r"\b(?:Source|Filed|FILED)\b|\b10-[KQ]\b|\b8-K\b|\bS-1\b")


_PREAMBLE_SENT = re.compile(
    r"\b(?:entered\s+into|is\s+made|made\s+and\s+entered|made\s+(?:as\s+of|this|on|effective)|dated(?:\s+as\s+of)?|"
    r"effective\s+as\s+of)\b", re.I)


def preamble_dates(text: str) -> list[Date]:
    """Dates of the preamble: the first 3,000 characters, plus the sentence that says the agreement is made
    or entered into when a cover page or table of contents pushes it further (first 20,000 characters)."""
    head = text[:_DATE_PREAMBLE_CHARS]
    out = [d for d in dates(head) if not _source_line(head, d.start) and not _other_agreements_date(head, d)]
    if any(d.label for d in out):
        return out
    for s0, s1 in sentence_spans(text, 0, min(len(text), 20_000)):
        if s1 <= _DATE_PREAMBLE_CHARS:
            continue
        sent = text[s0:s1]
        # a termination "effective as of" a date is no preamble
        if _PREAMBLE_SENT.search(sent) and re.search(r"\bagreement\b", sent, re.I) and not re.search(
                r"\bterminat", sent, re.I):
            found = [Date(d.value, d.start + s0, d.end + s0, d.text, d.label) for d in dates(sent)
                     if not _other_agreements_date(sent, d)]
            if found:
                return out + found
    return out


# The date of another agreement the preamble or the recitals refer to: "that certain Share Purchase Agreement
# dated July 23, 2009", "the Supply Agreement dated April 1, 2017 between ...", "the Asset Purchase Agreement (the
# "Purchase Agreement") entered into on June 30, 2017", "having previously entered into a Distributor Agreement
# with an Effective Date of March 1, 1996". This agreement names itself "This Agreement" or by its title.
_OTHER_AGREEMENT_RE = re.compile(
    r"(?:\b(?:the|that|such|said|an?|certain|its|their|prior|original|existing|separate)\s+(?:[\w,&/'-]+\s+){0,8}?"
    r"(?:Agreement|Contract|Lease|Plan|Convention|Schedule|Statement|Indenture|Certificate)s?\b(?:\s*\([^()]{0,60}\))?"
    r"(?:(?!\b(?:is|was|are|shall|will|hereby|this)\b)[^;()]){0,100}?"
    r"\b(?:dated|entered\s+into|executed|made|effective|"
    r"with\s+an\s+effective\s+date\s+of)(?:\s+(?:as\s+of|on|effective))?"
    r"|\b(?:previously|heretofore)\b[^.;]{0,150})\s*(?:the\s+)?$", re.I)


def _other_agreements_date(text: str, d: Date) -> bool:
    return bool(_OTHER_AGREEMENT_RE.search(_squash(text[max(0, d.start - 220) : d.start])))


# How the end of a contract dates it: "Date: March 14, 2018", "IN WITNESS WHEREOF the parties have executed this
# Agreement on the 1st day of June, 2006", "signed this Contract in Baoding on November 8, 2002", "This Agreement
# is dated April 29, 2010", "AGREED TO AND ACCEPTED as of December 14, 1997".
_SIGNED_ON_RE = re.compile(
    r"(?:(?-i:\b(?:Dated?|DATED?))\s*:?|\b(?:execute[sd]?|sign(?:ed)?)\s+this\s+(?:Agreement|Contract|Amendment)\b[^.;]{0,60}?\b(?:on|as\s+of|"
    r"this)\s*(?:the\s+)?|\bthis\s+(?:Agreement|Contract)\s+is\s+dated|\bACCEPTED\s+(?:as\s+of|on))\s*$", re.I)


def signature_dates(text: str) -> list[Date]:
    """Dates written next to the signatures or in the closing words in the last third of the contract."""
    tail0 = len(text) * 2 // 3
    tail = text[tail0:]
    return [Date(d.value, d.start + tail0, d.end + tail0, d.text, d.label) for d in dates(tail)
            if d.label in ("agreement", None) and _SIGNED_ON_RE.search(_squash(tail[max(0, d.start - 120) : d.start]))
            and not _other_agreements_date(tail, d)]


_TITLE_BLOCK_CHARS = 1000


def agreement_date(text: str) -> date | None:
    """The date the agreement bears, or ``None``.

    In order: a preamble date the text says the agreement is made, dated, entered into or effective on (the
    preamble being the first 3,000 characters, or the "made / entered into" sentence further down); a date
    standing alone in the title block (the first 1,000 characters: "SUPPLY AGREEMENT\n\nMarch 3, 2021"); the
    latest date written beside the signatures. Dates of other agreements the preamble or recitals refer to
    ("that certain Purchase Agreement dated ...", "having previously entered into ...") and of EDGAR filing
    lines are not this agreement's.
    """
    ds = preamble_dates(text)
    for d in ds:
        if d.label in ("agreement", "effective"):
            return d.value
    if ds and ds[0].start < _TITLE_BLOCK_CHARS:
        return ds[0].value
    sig = signature_dates(text)  # the latest signature completes the agreement
    return max(d.value for d in sig) if sig else None


# What sets the agreement's start: '"Effective Date" means', "The Effective Date of this Agreement is", "This
# Agreement shall become effective", "The term of this Agreement shall commence", "This agreement commences".
_EFFECTIVE_SETTER = (
    r"(?:[\"“]?\b(?:Effective|Commencement|Start)\s+Date[\"”']?\s*(?:of\s+this\s+(?:Agreement|Contract|Amendment)\s*)?"
    r"(?:\([^()]{0,40}\)\s*)?(?:means|shall\s+mean|is|shall\s+be|will\s+be|[:\-])"
    r"|\bcommencement\s+date\s+(?:for|of)\s+this\s+(?:agreement|contract)\s+(?:is|will\s+be|shall\s+be)"
    r"|\b(?:this|the)\s+(?:(?:initial\s+)?term\s+of\s+this\s+)?(?:Agreement|Contract|Amendment)\s+(?:\([^()]{0,40}\)\s*)?"
    r"(?:(?:shall|will)\s+(?:become\s+|be\s+)?(?:effective|take\s+effect|enter\s+into\s+(?:force|effect)|come\s+into\s+"
    r"(?:force|effect)|commence|begin|start)|is\s+effective|becomes\s+effective|takes\s+effect|commences|begins)"
    r"|\bContract\s+start\s*:?)"
)
# A date stated as the agreement's start: '"Effective Date" means 1 May 2020', "Commencement Date: ...", "This
# Agreement shall become effective on ...", "The commencement date for this contract will be ...".
_EFFECTIVE_STATED_RE = re.compile(
    _EFFECTIVE_SETTER + r"\s*:?\s*(?:\d{1,2}:\d{2}\s*[ap]\.?m\.?[^,;]{0,40}?\s+on\s+)?(?:(?:on|as\s+of|from)\s+)?"
    r"(?:the\s+)?(?:day\s+of\s+)?$", re.I)
_EFFECTIVE_DEFINED_AFTER_RE = re.compile(
    r"\s*[,)]?\s*\(\s*(?:the\s+|this\s+|hereinafter\s+)?[\"“](?:Effective|Commencement)\s*Date[\"”]", re.I)
# ... or an event that sets it: the date the last party signs, or the date the agreement bears.
_EFFECTIVE_SETTER_RE = re.compile(
    _EFFECTIVE_SETTER + r"|\bExecuted\s+as\s+of\s+the\s+Effective\s+Date"
    r"|\beffective\s+as\s+of(?=\s+the\s+(?:latest|later|last)\s+(?:of\s+the\s+)?dates?\b)", re.I)
_LAST_SIGNATURE_RE = re.compile(
    r"\blast\s+(?:signature|party\s+to\s+sign|signatory|to\s+sign)|\b(?:later|latest)\s+of\s+the\s+(?:dates?|signature)"
    r"|\bsigned\s+by\s+(?:both|all|the\s+last|each)|\b(?:last|final)\s+(?:execution|signature)|\bfully\s+executed"
    r"|\bexecuted\s+by\s+(?:both|all|each\s+of\s+the)\s+part|\bsignatures?\s+(?:and\s+seals\s+)?(?:by|of)\s+(?:both|all)"
    r"|\b(?:upon|on|from)\s+(?:the\s+)?(?:date\s+of\s+)?(?:its\s+)?(?:execution|signature|signing)\b"
    r"|\bsignature\s+(?:page|dates?)\b|\b(?:last|latest|later)\s+(?:of\s+the\s+)?dates?\s+(?:signed|set\s+forth\s+below|of\s+"
    r"signature|below|shown)|\bsigning\s+date|\bdate\s+of\s+signing|\bexecution\s+by\s+(?:both|all|each)", re.I)
_DATE_OF_AGREEMENT_RE = re.compile(
    r"\bdate\s+(?:first\s+)?(?:above\s+)?(?:written|set\s+forth|stated|shown)\s+above|\bfirst\s+(?:above\s+)?written"
    r"|\bdate\s+(?:hereof|of\s+this\s+(?:Agreement|Contract))\b|\bfirst\s+(?:date\s+)?(?:above\s+)?written"
    r"|\bset\s+forth\s+(?:in\s+the\s+preamble|above)", re.I)


def effective_date(text: str) -> date | None:
    """The date the contract takes effect, or ``None`` when it states none.

    In order: a date the preamble calls effective ("effective as of", "(the "Effective Date")"); a date the
    contract states as its start anywhere ('"Effective Date" means 1 May 2020', "Commencement Date: ...",
    "This Agreement shall become effective on ...", "... 1 June 2021 (the "Commencement Date")"); or an
    event the contract names as its start: the last signature ("the date of the last signature below", "the
    later of the dates signed", "upon execution by both parties") is the latest date written beside the
    signatures, or else the date the agreement bears; "the date first written above" or "the date hereof"
    is the date the agreement bears.

    Refuses (``None``) events it cannot date ("the Closing", "the first purchase order") and agreements that
    only say when they were made ("entered into as of ...": that is the agreement date, see
    :func:`agreement_date`).
    """
    for d in preamble_dates(text):
        if d.label == "effective":
            return d.value
    for d in dates(text):
        if _source_line(text, d.start):
            continue
        before = _squash(text[max(0, d.start - 120) : d.start])
        if (_EFFECTIVE_STATED_RE.search(before) or _EFFECTIVE_DEFINED_AFTER_RE.match(text, d.end, d.end + 60)) and not (
                _other_agreements_date(text, d)):
            return d.value
    for s0, s1 in _document_sentences(text):
        setter = _EFFECTIVE_SETTER_RE.search(text, s0, s1)
        if setter is None:
            continue
        rest = text[setter.end() : s1]
        if _LAST_SIGNATURE_RE.search(rest):
            sig = signature_dates(text)
            return max(d.value for d in sig) if sig else agreement_date(text)
        if _DATE_OF_AGREEMENT_RE.search(rest):
            return agreement_date(text)
    return None


_PERPETUAL = re.compile(
    r"\bperpetu\w*|\bindefinite(?:ly)?\b|\bunlimited\s+(?:period|term|duration)|\buntil\s+(?:terminated|such\s+time|"
    r"either\s+party|the\s+(?:parties|agreement)\s+(?:is\s+)?terminat)|\bunless\s+and\s+until\s+(?:terminated|either|one)\b"
    r"|\bcontinue\s+(?:thereafter\s+)?(?:in\s+(?:full\s+)?(?:force|effect)\s+)?until\s+terminated\b|\bshall\s+not\s+be\s+"
    r"terminable\b", re.I)
# The agreement itself runs without end: the perpetual words tied to the agreement's own duration ("This
# Agreement shall continue in effect until terminated", "The term of this Agreement is perpetual"), not to a
# licence, a survival clause or a recital.
_PERPETUAL_TERM_RE = re.compile(
    r"\b(?:this\s+(?:Agreement|Contract)|the\s+Term|term\s+of\s+(?:this|the)\s+(?:Agreement|Contract))\b[^.;]{0,120}?"
    r"\b(?:continu\w*|remain\w*|be\s+in\s+(?:full\s+)?(?:force|effect)|is\s+valid|valid|entered\s+into|shall\s+be|is|"
    r"will\s+be)\b[^.;]{0,80}?(?:" + _PERPETUAL.pattern + ")", re.I)
# An evergreen after a fixed term, a survival clause, a severability clause: no perpetual agreement.
_NOT_PERPETUAL_RE = re.compile(
    r"\bsurviv\w*|\b(?:after|following|upon\s+(?:the\s+)?expir\w*\s+of)\s+the\s+(?:initial\s+)?term\b|month[\s-]+to[\s-]+month|"
    r"year[\s-]+to[\s-]+year|\bheld\s+to\s+be\b|\binvalid\b|\bunenforceable\b", re.I)
# Periods that run after the agreement ends or alongside it: survival, non-solicitation, audit, records.
_AFTER_TERM_RE = re.compile(
    r"\b(?:during|throughout)\s+the\s+(?:term|Term)\b|\bsurviv\w*|\b(?:years?|months?|days?|period|thereafter)\b[^.;]{0,30}?"
    r"\b(?:following|after|from)\s+(?:the\s+)?(?:date\s+of\s+)?(?:any\s+|its\s+|such\s+)?(?:termination|expiration|expiry|"
    r"cancellation|non-renewal)", re.I)
# A party's right to end the agreement early ("Vyera may terminate this Agreement on or after the second
# anniversary"): no term clause unless the sentence also states the term.
_TERMINATION_RIGHT_RE = re.compile(
    r"\b(?:right|entitled|option)\s+to\s+terminate|\bmay\s+(?:immediately\s+)?terminate", re.I)

_FROM_EFFECTIVE = re.compile(
    r"\b(?:Effective\s+Date|Commencement\s+Date|date\s+(?:hereof|of\s+this\s+Agreement|first\s+(?:written|set\s+forth|above|"
    r"stated))|execution|signing|date\s+above)\b", re.I)
# A term measured from another event ("three years from the Launch Date", "following the RFS Date", "after the
# First Commercial Sale", "from the date of delivery"): the effective date cannot stand in for it.
_OTHER_START_RE = re.compile(
    r"\b(?:from|after|following|subsequent\s+to|commencing\s+(?:on|with)|beginning\s+(?:on|with)|through)\s+(?:the\s+)?"
    r"(?:date\s+(?:of|on\s+which|when)\s+(?:the\s+)?)?(?:(?!Effective|Execution|Commencement|Signing|Agreement)"
    r"(?-i:[A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,3}\s+Date)|launch|closing|first\s+commercial|delivery|installation|acceptance|"
    r"in-service|purchase\s+order|completion|opening)", re.I)
_TERM_CLAUSE = re.compile(
    r"\b(?:the\s+term|initial\s+term|term\s+of\s+this|this\s+(?:agreement|contract))\b"
    r"|^\W*(?:\d[\d.]*\s*)?[\"“]?(?:Initial\s+)?Term[\"”]?\s+(?:shall\s+)?means?\b|\bterm\s*:"
    r"|\bshall\s+have\s+a\s+(?:term|duration)\s+of\b", re.I)
_TERM_VERB = re.compile(
    r"\b(?:continu\w*|remain\w*|expir\w*|terminat\w*|commenc\w*|conclud\w*|in\s+effect|in\s+force|term\s+of|shall\s+be|"
    r"valid|entered\s+into\s+for|means?)\b|\bterm\s*:", re.I)
# A term clause's heading just before (or at the start of) the sentence: "11. TERM AND TERMINATION", "Term.".
_TERM_HEADING_RE = re.compile(
    r"\b(?:TERM|Term|DURATION|Duration)(?:\s+(?:and|AND|&|;)\s+(?:Termination|TERMINATION|Renewal|RENEWAL))?"
    r"(?:\s+(?:of|OF)\s+(?:the\s+|THE\s+|this\s+|THIS\s+)?(?:Agreement|AGREEMENT|Contract|CONTRACT))?\s*(?:[.:\n]|\s{2,})")
_STARTS_ON_RE = re.compile(
    r"\b(?:commenc\w*|begin\w*|start\w*|effective|from)\s+(?:on\s+|as\s+of\s+)?(?:the\s+)?$", re.I)
_OUTER_LIMIT_RE = re.compile(r"\bno\s+(?:event\s+)?later\s+than\s*$", re.I)
# A sentence whose subject is the agreement's term: "The term of this Agreement is five (5) years", "This
# Agreement shall have an initial term of three (3) years", "This Agreement shall continue for two years".
_TERM_SUBJECT_RE = re.compile(
    r"\b(?:the\s+[\"“]?(?:initial\s+)?term[\"”]?(?:\s+of\s+(?:this|the)\s+(?:\w+\s+){0,2}(?:agreement|contract))?\s+"
    r"(?:shall|will|is)|this\s+"
    r"(?:agreement|contract)(?:[^.;]{0,80}?,)?\s+(?:shall|will)\s+(?:automatically\s+)?(?:have|be\s+for|continue|remain|"
    r"be\s+in\s+(?:full\s+)?(?:force|effect)|be\s+effective|become\s+effective|commence|begin|expire|terminate|end|run)"
    r"|this\s+(?:agreement|contract)\s+(?:is\s+for|is\s+effective|is\s+valid|expires|terminates|commences|begins|continues|"
    r"remains)"
    r"|(?:initial\s+)?term\s+of\s+(?:this|the)\s+(?:\w+\s+){0,2}(?:agreement|contract))\b", re.I)
_EVENT_START = (
    r"(?:the\s+)?(?!Effective\s+Date|Execution\s+Date|Commencement\s+Date|date\s+(?:hereof|of\s+(?:this|the)\s+"
    r"(?:Agreement|Contract)|(?:first\s+)?(?:above\s+)?(?:written|set\s+forth))|execution|signing|the\s+Effective)")
_MEASURED_FROM_EVENT_RE = re.compile(
    r"\s*(?:\(\s*\w*\s*\)\s*)?(?:full\s+)?(?:calendar\s+)?(?:years?|months?)?\s*(?:from|after|following|subsequent\s+to)\s+"
    + _EVENT_START + r"(?:date\s+(?:the|on\s+which|when)\b|(?-i:[A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,3}\s+Date)|launch|"
    r"closing|first\s+commercial|delivery|installation|acceptance|in-service|completion|opening|the\s+first)", re.I)
_COMMENCES_ON_EVENT_RE = re.compile(
    r"\b(?:commenc\w*|begin\w*|start\w*|effective)\s+(?:on|as\s+of|upon|with)\s+" + _EVENT_START
    + r"(?-i:[A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,3}\s+Date)", re.I)
_DATE_RANGE_GAP_RE = re.compile(r"\s*(?:to|through|thru|until|till|-|–|—)\s*(?:and\s+including\s+)?$", re.I)


@functools.lru_cache(maxsize=8)
def _document_sentences(doc_text: str) -> tuple[tuple[int, int], ...]:
    """The sentence spans of a whole document, split once for the readers that each walk them."""
    return tuple(sentence_spans(doc_text))


@functools.lru_cache(maxsize=8)
def _document_start(doc_text: str) -> date | None:
    """The effective date, else the agreement date (read once per document: each term sentence may ask)."""
    return effective_date(doc_text) or agreement_date(doc_text)


def _explicit_end(src: str, ds: list[Date]) -> date | None:
    """A date ``src`` calls the end ("expires on", "through", "Termination Date:", "in no event later than"), or
    the end of a range ("June 1, 2019 to May 31, 2021")."""
    for d in ds:
        if d.label == "expiration" or _OUTER_LIMIT_RE.search(src[max(0, d.start - 30) : d.start]):
            return d.value
    for a, b in itertools.pairwise(ds):
        if _DATE_RANGE_GAP_RE.match(src[a.end : b.start]) and b.value > a.value:
            return b.value
    return None


_TERM_DEFINED_RE = re.compile(
    r"^\W*(?:[\d.]+\s*)?[\"“](?:Initial\s+)?(?:Term|Contract\s+Period|Agreement\s+Period|Term\s+of\s+(?:the\s+)?Agreement|"
    r"Expiration\s+Date|Expiry\s+Date)"
    r"[\"”]", re.I)
_MONEY_WORDS_RE = re.compile(r"\b(?:pa(?:y|id|yable|yment)|fees?|invoic\w*|royalt\w*|price|rates?|charges?)\b", re.I)
# Periods named otherwise than "term": "Contract Period", "Promotion Period", the duration of a venture.
_PERIOD_WORDS_RE = re.compile(
    r"\b(?:term|period|duration|promotion|venture|cooperation|appointment|engagement)\b|\b(?:Termination|Expiration|Expiry)\s+"
    r"Date\b", re.I)


def expiration_from(src: str, doc_text: str, *, any_date: bool = True) -> date | Literal["perpetual"] | None:
    """The expiration that ``src`` (a term clause) gives, or ``None``.

    In order: a date it calls the expiration ("expires on", "until", "through", "shall terminate December
    31, 2023", "(the "Expiration Date")"); the end of a range ("November 1, 2014 to October 31, 2017"); the
    start plus the initial term, the start being a date in ``src`` that the term commences on, else the
    document's effective date (or its agreement date) when ``src`` measures the term from it or names no
    other start ("The term of this Agreement is five (5) years"); "perpetual" when ``src`` says the agreement
    runs without end ("perpetually", "indefinitely", "for an unlimited period", "until terminated"); else
    (``any_date``) the last date in ``src``.

    Refuses (``None``) a term measured from another event ("three years from the Launch Date", "following
    the RFS Date", "after the First Commercial Sale").
    """
    ds = dates(src)
    explicit = _explicit_end(src, ds)
    if explicit is not None:
        return explicit
    term = initial_term(src)
    if term is not None and (_MEASURED_FROM_EVENT_RE.match(src, term.end) or _COMMENCES_ON_EVENT_RE.search(src)):
        return None  # "three (3) years from the Launch Date", "commence on the Services Commencement Date"
    if term is not None:
        start = next((d.value for d in ds if d.label in ("effective", "agreement")), None)
        if start is None:
            start = next((d.value for d in ds if _STARTS_ON_RE.search(src[max(0, d.start - 40) : d.start])), None)
        named_no_other_start = _TERM_SUBJECT_RE.search(src) and not _OTHER_START_RE.search(src)
        if start is None and (_FROM_EFFECTIVE.search(src) or named_no_other_start):
            start = _document_start(doc_text)
        if start is not None:
            return term.add_to(start)
        return None
    if _PERPETUAL_TERM_RE.search(src) and not _NOT_PERPETUAL_RE.search(src):
        return "perpetual"
    return ds[-1].value if ds and any_date else None


_HEADING_LEAD_RE = re.compile(r"(?:^|\n|\s{2,}|\d[\d.]*\)?\s*|\b[A-Z]\.\s*|ARTICLE\s+\w+\s*[-–.:]?\s*)$")


def _term_headed(text: str, s0: int, s1: int) -> bool:
    """Whether a term heading ("11. TERM AND TERMINATION", "Term.") stands just before or at the start of the
    sentence: at the start of a line or after a clause number."""
    for m in _TERM_HEADING_RE.finditer(text, max(0, s0 - 60), min(s1, s0 + 40)):
        if _HEADING_LEAD_RE.search(text, max(0, m.start() - 16), m.start()):
            return True
    return False


def expiration_date(doc_text: str) -> date | Literal["perpetual"] | None:
    """When the contract expires: a date, ``"perpetual"``, or ``None`` when it cannot tell.

    Reads the sentences about the agreement's term (see :func:`expiration_from`) and prefers, in order, one
    under a term heading ("11. TERM AND TERMINATION", "Term.") that gives a date, one under such a heading
    that says perpetual, then the first elsewhere that gives a date, then one that says perpetual.
    """
    # rank: 3 under a term heading, + 2 for a date from a term clause, 1 for an explicit end of another named
    # period, 0 for perpetual
    best: tuple[int, date | Literal["perpetual"]] | None = None
    got: date | Literal["perpetual"] | None
    for s0, s1 in _document_sentences(doc_text):
        sent = doc_text[s0:s1]
        if _AFTER_TERM_RE.search(sent):
            continue
        if _TERMINATION_RIGHT_RE.search(sent) and not _TERM_SUBJECT_RE.search(sent):
            continue
        headed = _term_headed(doc_text, s0, s1)
        if not (_TERM_CLAUSE.search(sent) and _TERM_VERB.search(sent)) or (
                _DEFINITION_RE.match(sent) and not _TERM_CLAUSE.match(sent)):
            # outside the usual wording, only an explicit end of a named period ("Contract Period" means ...
            # concluding May 31, 2000", "Termination Date: December 31, 2023", "TERM OF EXECUTION From ... until")
            ds = dates(sent)
            if not ds or _MONEY_WORDS_RE.search(sent) or not _PERIOD_WORDS_RE.search(sent, max(0, ds[0].start - 80),
                                                                                        ds[0].start):
                continue
            if _DEFINITION_RE.match(sent) and not _TERM_DEFINED_RE.match(sent):
                continue  # the definition of another period ("Calendar Year", "Exclusive Period")
            got = _explicit_end(sent, ds)
            if got is None:
                continue
            kind = 1
        else:
            got = expiration_from(sent, doc_text, any_date=False)
            if got is None:
                continue
            if not headed and not (_TERM_SUBJECT_RE.search(sent) or _TERM_CLAUSE.match(sent)):
                continue  # outside a term clause, only a sentence about the agreement's own term counts
            kind = 0 if got == "perpetual" else 2
        rank = 3 * headed + kind
        if best is None or rank > best[0]:
            best = (rank, got)
        if rank == 5:
            break
    return None if best is None else best[1]


# --------------------------------------------------------------------------------------------- all at once


def _drop_nested(values: list[Any]) -> list[Any]:
    """Keep the outermost of overlapping values (a Money inside another Money's parentheses)."""
    values = sorted(values, key=lambda v: (v.start, -v.end))
    out: list[Any] = []
    for v in values:
        if out and v.start < out[-1].end:
            continue
        out.append(v)
    return out


def extract_terms(text: str) -> Terms:
    """Every value the extractors find in ``text``, grouped by kind (parties from the preamble only;
    jurisdictions with a role or a plain mention; see each extractor for what it accepts and refuses)."""
    return Terms(
        durations=tuple(durations(text)),
        money=tuple(_drop_nested(money(text))),
        fee_caps=tuple(_drop_nested(fee_caps(text))),
        percentages=tuple(percentages(text)),
        hours=tuple(hours(text)),
        jurisdictions=tuple(jurisdictions(text)),
        parties=tuple(parties(text)),
        dates=tuple(dates(text)),
    )


def iter_values(terms: Terms) -> Iterator[_Value]:
    """All values of ``terms`` in one stream (for callers that index evidence by offset)."""
    for f in fields(terms):
        yield from getattr(terms, f.name)
