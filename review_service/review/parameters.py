"""Reading a clause's playbook parameters: the typed values its bounds are checked against.

Each numeric or jurisdiction parameter of the library has a reader here: which kind of term to look for
(durations, percentages, money, fee caps, hours, jurisdictions) and in which sentences (a cue, and words
that rule a sentence out). Some yes/no parameters have readers too, for positions wording settles better than
similarity does (``increase_capped``, ``service_credits``, ``customer_convenience_termination``,
``vendor_responsible_for_subcontractors``...); each reads only the answer the wording settles, with its
evidence, and leaves the rest undecided. The others (``vendor_own_use_of_data``...) are decided by the
clause's position (a red-flag match).

A reader returns nothing rather than guess: an unread parameter is never reported as a breach.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from review_service.review import terms as t


@dataclass(frozen=True, slots=True)
class Reading:
    """A parameter value read from a clause; ``start``/``end`` index into the clause text."""

    name: str
    value: float | str | list[str] | bool
    start: int
    end: int
    text: str


CUSTOMER = re.compile(r"\b(?:Customer|Client|Buyer|Purchaser|Licensee|Subscriber|Company|[Yy]ou|[Yy]our)\b")
VENDOR = re.compile(r"\b(?:Vendor|Supplier|Provider|Licensor|Seller|Contractor|Consultant|[Ww]e|[Uu]s|[Oo]ur)\b")
EITHER = re.compile(r"\b(?:either party|each party|both parties|either of the parties)\b", re.IGNORECASE)


def _sentences(text: str) -> list[tuple[int, int, str]]:
    return [(a, b, text[a:b]) for a, b in t.sentence_spans(text)]


def _mentions(text: str, *words: str) -> bool:
    """Whether ``text`` holds one of ``words`` (lower case), far faster than a case-blind regex: a first look."""
    low = text.lower()
    return any(w in low for w in words)


def _cued(text: str, cue: re.Pattern[str], exclude: re.Pattern[str] | None = None) -> list[tuple[int, str]]:
    """Sentences matching ``cue`` and not ``exclude``, with their offsets."""
    if not cue.search(text):
        return []  # splitting sentences costs far more than one search of the whole text
    return [(a, s) for a, _, s in _sentences(text) if cue.search(s) and not (exclude and exclude.search(s))]


def _days(d: t.Duration) -> float:
    return round(d.days, 1)


def _durations_in(text: str, cue: str, exclude: str | None = None, *, unit: str = "days",
                  pick: Callable[[list[float]], float] = min,
                  worded: Callable[[str, t.Duration], bool] | None = None) -> Reading | None:
    """A duration in the sentences that match ``cue``, converted to ``unit`` (days, months, years); with
    ``worded``, only the durations it accepts in their sentence."""
    found: list[tuple[float, int, int, str]] = []
    for offset, sentence in _cued(text, re.compile(cue, re.I), re.compile(exclude, re.I) if exclude else None):
        for d in t.durations(sentence):
            if worded is not None and not worded(sentence, d):
                continue
            value = {"days": d.days, "months": d.days * 12 / 365, "years": d.days / 365}[unit]
            found.append((round(value, 1), offset + d.start, offset + d.end, d.text))
    if not found:
        return None
    best = pick([f[0] for f in found])
    v, a, b, s = next(f for f in found if f[0] == best)
    return Reading("", v, a, b, s)


# A time to pay is worded as one: "within 30 days", "net 45", "30 days after receipt", "30-day payment terms".
# A duration that only describes the term or the billing period ("the three-year Subscription Term", "for each
# 12-month period") is no payment period, even in a sentence about paying.
_PAY_BEFORE = re.compile(r"(?:within|net|no later than|not later than|not more than|up to|in|of)\s*(?:\(\s*)?$", re.I)
_PAY_AFTER = re.compile(r"^[\s)]*(?:(?:calendar|business|working)\s+days?\s+)?(?:after|from|following|of (?:the )?"
                        r"(?:receipt|date|invoice)|payment terms?|net\b)", re.I)


# The time the vendor has to put a failure right is no warranty period: "we'll fix it; if we can't within thirty
# (30) days, you may terminate".
_REMEDY_TIME = re.compile(r"\b(?:fix|repair|remed\w*|correct|cure|re-?perform|replace|refund|respond|resolve|"
                          r"can['’]?t|cannot|unable)\b[^.]{0,80}?\bwithin\s*(?:\(\s*)?$", re.I)


def _warranty_period(sentence: str, d: t.Duration) -> bool:
    return not _REMEDY_TIME.search(sentence[max(0, d.start - 120):d.start])


def _warranty_days(text: str) -> Reading | None:
    """The warranty period; in a clause that warrants, also the time to report defects ("Seller warrants the
    workmanship. Any defect notified within sixty (60) days after completion shall be corrected")."""
    cue = r"warrant|guarantee|\bpromise"
    if re.search(r"warrant|guarantee", text, re.I):
        cue += r"|\bdefect[^.;]{0,80}\b(?:notif|report)"
    return _durations_in(text, cue, r"disclaim", pick=min, worded=_warranty_period)


def _time_to_pay(sentence: str, d: t.Duration) -> bool:
    return bool(_PAY_BEFORE.search(sentence[max(0, d.start - 24):d.start]) or _PAY_AFTER.search(sentence[d.end:]))


_LATE = r"\blate\b|overdue|past due|interest|finance charge|unpaid"  # not "any later SOW"
# A rate written as money: "a late charge of $2.00 for every $100.00 of the unpaid balance for each month" is 2%.
_PER_HUNDRED = re.compile(r"(?:US)?\$\s?(\d+(?:\.\d+)?)\s+(?:for|per|on)\s+(?:every|each)\s+(?:US)?\$\s?(\d+(?:\.\d+)?)"
                          r"(?=[^.;]{0,60}\b(?:each|every|per|a)\s+month)", re.I)


def _late_fee(text: str) -> Reading | None:
    found = _percent_in(text, _LATE, per_month=True)
    if found is None and "$" in text:
        for offset, sentence in _cued(text, re.compile(_LATE, re.I)):
            m = _PER_HUNDRED.search(sentence)
            if m and float(m.group(2)) > 0:
                value = round(100.0 * float(m.group(1)) / float(m.group(2)), 3)
                return Reading("", value, offset + m.start(), offset + m.end(), m.group(0))
    return found


def _percent_in(text: str, cue: str, *, per_month: bool = False, minimum: float = 0.0) -> Reading | None:
    for offset, sentence in _cued(text, re.compile(cue, re.I)):
        for p in t.percentages(sentence):
            if p.value is None or p.value < minimum:
                continue
            value = p.value / 12 if per_month and p.period == "year" else p.value
            return Reading("", round(value, 3), offset + p.start, offset + p.end, p.text)
    return None


_AVAILABILITY = re.compile(r"availab|uptime|up time|up and running|accessible|\bonline\b|operational", re.I)


_BELOW_NAMED_TARGET = re.compile(r"\b(?:below|less than|under|short of)\s+the\s+(?:[A-Z][\w-]*\s+){0,3}"
                                 r"(?:Target|Commitment|Service Level|SLA|Level)\b")


def _availability(text: str) -> Reading | None:
    """The availability the vendor commits to. A sentence of credit tiers ("5% for availability between 99.0% and
    99.5%, 10% below 99.0%") states the commitment as its highest figure; another sentence states it first."""
    tiers: list[Reading] = []
    for offset, sentence in _cued(text, _AVAILABILITY):
        found = [p for p in t.percentages(sentence) if p.value is not None and p.value >= 80.0]
        if not found or _BELOW_NAMED_TARGET.search(sentence):
            continue  # "below the Availability Target but at least 99.0%": a credit band under a target named elsewhere
        if re.search(r"\bcredit", sentence, re.I) and len(found) > 1:
            top = max(found, key=lambda p: p.value or 0.0)
            tiers.append(Reading("", round(top.value or 0.0, 3), offset + top.start, offset + top.end, top.text))
            continue
        p = found[0]
        return Reading("", round(p.value or 0.0, 3), offset + p.start, offset + p.end, p.text)
    return tiers[0] if tiers else _downtime_allowance(text)


_DOWNTIME = re.compile(r"downtime|unavailab|outage", re.I)
_PER_MONTH = re.compile(r"^[^.;]{0,60}?\b(?:per|each|every|in any|a) (?:calendar )?month\b", re.I)
_AND_MINUTES = re.compile(r"^\s*and\s+[\w-]+\s*(?:\((\d{1,2})\)|(?<=\s)(\d{1,2}))?\s*minutes?\b", re.I)
HOURS_IN_A_MONTH = 730.0  # 365 x 24 / 12


def _downtime_allowance(text: str) -> Reading | None:
    """Availability stated as downtime allowed a month: "seven (7) hours and twelve (12) minutes per calendar
    month" is 99.01% of a month's 730 hours."""
    if not _mentions(text, "downtime", "unavailab", "outage") or not _mentions(text, "month"):
        return None
    for offset, sentence in _cued(text, _DOWNTIME):
        if re.search(r"maintenance|scheduled", sentence, re.I) and not re.search(r"unplanned|unscheduled", sentence,
                                                                                 re.I):
            continue  # a maintenance window is time excluded from the commitment, not the commitment
        for h in t.hours(sentence):
            if h.value is None:
                continue
            end, hours = h.end, h.value
            minutes = _AND_MINUTES.match(sentence[end:])
            if minutes and (minutes.group(1) or minutes.group(2)):
                end, hours = end + minutes.end(), hours + int(minutes.group(1) or minutes.group(2)) / 60
            month = _PER_MONTH.match(sentence[end:])
            if month:
                end += month.end()
                value = round(100.0 * (1 - hours / HOURS_IN_A_MONTH), 2)
                return Reading("", value, offset + h.start, offset + end, sentence[h.start:end])
    return None


def _not_for_trade_secrets(sentence: str, d: t.Duration) -> bool:
    """A duration that is not the longer one kept for trade secrets ("five years; trade secrets for ten")."""
    return not re.search(r"trade secrets?", sentence[max(0, d.start - 80):d.start], re.I)


# what an anniversary must be counted from to say how long the duty outlives the agreement
_AFTER_THE_END = re.compile(r"\s+of\s+(?:the\s+)?(?:date\s+of\s+)?(?:the\s+)?(?:expiration|expiry|termination|end)\b",
                            re.I)


def _survival_years(text: str) -> Reading | None:
    """How long confidentiality lasts after the agreement ends, in years: a period ("for three (3) years after
    termination") or an anniversary ("until the first (1st) anniversary of the expiration")."""
    found = _durations_in(
        text, r"surviv|for a period of|after (?:the )?(?:termination|expiration|expiry)|following (?:termination|"
        r"expir)|after (?:this|the|it|the [\w ]{1,30}?) ?(?:agreement|contract)? ?(?:ends|terminates|expires)|"
        r"after the end of|\blasts? for\b|\bafterwards\b|\bthereafter\b",
        None, unit="years", pick=min, worded=_not_for_trade_secrets)
    if found is None and "anniversary" in text.lower():
        for d in t.anniversaries(text):
            if _AFTER_THE_END.match(text, d.end):
                return Reading("", d.value, d.start, d.end, d.text)
    return found


def _money_in(text: str, cue: str) -> Reading | None:
    for offset, sentence in _cued(text, re.compile(cue, re.I)):
        amounts = t.money(sentence)
        if amounts:
            m = max(amounts, key=lambda m: m.amount)
            return Reading("", float(m.amount), offset + m.start, offset + m.end, m.text)
    return None


def _cap_months(text: str) -> Reading | None:
    for cap in t.fee_caps(text):
        if cap.months is not None:
            return Reading("", round(cap.months * cap.multiple, 1), cap.start, cap.end, cap.text)
    return None


def _cap_fixed(text: str) -> Reading | None:
    if any(True for _ in t.fee_caps(text)):
        return None  # a cap measured in fees is read as months, not as a fixed sum
    return _money_in(text, r"liab|damages")


def _jurisdictions(found: list[t.Jurisdiction]) -> Reading | None:
    if not found:
        return None
    names = sorted({j.name for j in found})
    return Reading("", names if len(names) > 1 else names[0], found[0].start, found[-1].end, found[0].text)


def _advance_months(text: str) -> Reading | None:
    found = _durations_in(text, r"in advance|upfront|up-front|prepa", unit="months", pick=max)
    if found is None:
        m = re.search(r"\b(annual(?:ly)?|yearly|quarterly|monthly)\b[^.;]{0,40}?\bin advance\b", text, re.I)
        if m:
            months = {"quarterly": 3.0, "monthly": 1.0}.get(m.group(1).lower(), 12.0)
            return Reading("", months, m.start(), m.end(), m.group(0))
    return found


_BREACH_NOTICE = re.compile(r"notif|inform|tell|report|let (?:you|the customer|customer|client) know|advise|alert",
                            re.I)


def _breach_time_stated(text: str) -> Reading | None:
    """False when a breach-notice sentence gives no time ("without undue delay", "promptly"). The customer telling
    the vendor of misused credentials is not the vendor's notice."""
    for offset, sentence in _cued(text, _BREACH_NOTICE):
        if not re.search(r"breach|incident|unauthori[sz]ed|security", sentence, re.I):
            continue
        verb = _BREACH_NOTICE.search(sentence)
        if verb is not None and _party_before(sentence[:verb.start()]) == "customer":
            continue
        times = [d.end for d in t.durations(sentence)] + [h.end for h in t.hours(sentence) if h.value is not None]
        late = [_LATE_CLOCK.search(sentence[end:]) for end in times]
        if times and all(late):
            m, end = late[0], times[0]
            assert m is not None
            a, b = end + m.start("clock"), end + m.end()
            return Reading("", False, offset + a, offset + b, sentence[a:b])
        if t.durations(sentence) or any(h.value is not None for h in t.hours(sentence)) or re.search(
                r"\bwithin (?:the )?[A-Z][\w-]*(?: [A-Z][\w-]*)*", sentence):
            return None  # a time, or one defined elsewhere ("within the Notification Window")
        m = re.search(r"without undue delay|promptly|as soon as (?:reasonably )?practicable|in a timely manner",
                      sentence, re.I)
        if m:
            return Reading("", False, offset + m.start(), offset + m.end(), m.group(0))
    return None


# The vendor's own prices at the time, however worded: "then-current list price", "then-prevailing rates",
# "its standard support pricing in effect at the time of renewal", "the rates then in force".
_PRICES = r"(?:(?:price|rate|fee|charge)s?|pricing)"  # grouped: it is spliced into larger patterns
_VENDOR_PRICES = re.compile(
    r"(?:sole |absolute )?discretion|then[- ](?:current|prevailing|applicable|effective|existing) (?:[\w-]+ ){0,2}"
    + _PRICES + r"|\b(?:list|standard|published) (?:[\w-]+ ){0,2}(?:" + _PRICES + r") (?:then )?(?:in effect|"
    r"prevailing|in force|applicable|published)\b|\bprice list (?:then )?in effect\b|"
    r"\b(?:" + _PRICES + r") (?:then )?(?:in effect|prevailing|in force) (?:on the date of|"
    r"at (?:that|the) time\b)|without (?:limit|cap)|any amount", re.I)


# A percentage added to a price index ("CPI plus 2%", "RPI + 3%", "the rise in the index plus two per cent") is
# a margin over an index with no ceiling of its own, not the increase: POLICY.md accepts CPI, not CPI and more.
_INDEX_MARGIN = re.compile(r"\b(?:CPI(?:-U)?|RPI|HICP|price index|prices index|inflation|index)\b[^.;%]{0,60}?"
                           r"(?:\bplus\b|\+|\babove\b|\bin excess of\b|\bover\b)\s*(?:an? )?(?:additional |further )?$",
                           re.I)
_INCREASE = re.compile(r"increase|adjust|uplift|raise|revis|vary|index|escalat", re.I)
# A ceiling on the whole increase: "the lesser of CPI plus 2% and 5%", "shall not exceed 5%".
_CEILING = re.compile(r"\b(?:lesser|lower|smaller) of\b|\bnot (?:to )?exceed|\bno (?:more|greater) than\b|\bup to\b|"
                      r"\bat most\b|\bmaximum\b|\bcapped\b", re.I)


def _index_margins(sentence: str) -> list[t.Percentage]:
    """The percentages of ``sentence`` that are a margin over a price index."""
    return [p for p in t.percentages(sentence)
            if p.value is not None and _INDEX_MARGIN.search(sentence[max(0, p.start - 80):p.start])]


def _renewal_increase(text: str) -> Reading | None:
    """The yearly increase in percent; a margin over an index is not one ("CPI plus 2%" is not a 2% cap)."""
    for offset, sentence in _cued(text, _INCREASE):
        margins = {p.start for p in _index_margins(sentence)}
        for p in t.percentages(sentence):
            if p.value is not None and p.start not in margins:
                return Reading("", round(p.value, 3), offset + p.start, offset + p.end, p.text)
    return None


# "twenty percent (20%) of the list license fee then published": a share of the vendor's own price, which it sets.
_SHARE_OF_VENDOR_PRICE = re.compile(r"\)?\s+of\s+(?:the\s+|its\s+|our\s+)?(?:[\w-]+\s+){0,3}?(?:list|then[- ]current|"
                                    r"standard|published)\b", re.I)


def _increase_capped(text: str) -> Reading | None:
    """False when price increases are left to the vendor ("at its discretion", "then-current list price", "its
    standard rates in effect at the time of renewal") or follow an index plus a margin with no ceiling ("CPI
    plus 2%"); any other percentage in the clause leaves it undecided."""
    percentages = t.percentages(text)  # (a first look: sentences are split only where they can matter)
    for offset, _, sentence in _sentences(text) if percentages else []:  # an index with a margin, in any words
        margins = _index_margins(sentence)
        if margins and not _CEILING.search(sentence):
            m = _INDEX_MARGIN.search(sentence[max(0, margins[0].start - 80):margins[0].start])
            start = max(0, margins[0].start - 80) + (m.start() if m else 0)
            return Reading("", False, offset + start, offset + margins[0].end, sentence[start:margins[0].end])
    shares = [p for p in percentages if _SHARE_OF_VENDOR_PRICE.match(text, p.end)]
    if len(percentages) > len(shares):
        return None  # a percentage that may be the cap: "no more than 3%"
    m = _VENDOR_PRICES.search(text)
    if m and re.search(r"increase|adjust|change|raise|modify|revis|vary|renew", text, re.I):
        return Reading("", False, m.start(), m.end(), m.group(0))
    # "The Supplier may review the Charges with effect from each anniversary": a revision with no index or limit
    for offset, _, sentence in _sentences(text) if MAY_REPRICE.search(text) else []:
        m = MAY_REPRICE.search(sentence)
        if m and _party_before(sentence[:m.start()]) != "customer" and not re.search(
                r"\b(?:index|indices|indexed)\b|\bCPI\b|\bRPI\b|%|percent", text, re.I):  # "Indexation" names none
            return Reading("", False, offset + m.start(), offset + m.end(), m.group(0))
    return None


# A right to revise prices stated with no limit in its own words (the limit may sit in the next clause).
MAY_REPRICE = re.compile(r"\b(?:may|can|reserves? the right to|is entitled to)\s+(?:\w+\s+){0,2}?(?:review|revise|"
                          r"adjust|change|increase|vary|reset)\s+(?:the|its|our|all|any)\s+(?:\w+\s+){0,2}?"
                          r"(?:charges|fees|prices|rates|pricing)\b", re.I)


# Take-or-pay in any words: "commits to purchasing ... not less than US$30,000 in each Contract Year", "the shortfall
# is payable", "minimum annual spend". A minimum the vendor must meet (a minimum service level) is not one.
_VOLUME_COMMITMENT = re.compile(
    r"\b(?:commits?|agrees?|undertakes?|is obliged|shall|must|will)\s+(?:to\s+)?(?:purchas|buy|order|spend|consume)"
    r"\w*[^.;]{0,80}?\b(?:not less than|at least|a minimum|minimum)\b|"
    r"\bminimum (?:annual |monthly |quarterly )?(?:purchase|order|spend|volume|commitment|quantity|consumption)s?\b|"
    r"\btake[- ]or[- ]pay\b|\bshortfall\b[^.;]{0,60}?\b(?:payable|invoice|pay|charge)", re.I)


def _customer_volume_commitment(text: str) -> Reading | None:
    """True when the customer must buy a minimum or pay for the shortfall; its absence is not read."""
    if not _mentions(text, "commit", "minimum", "at least", "not less than", "shortfall", "take"):
        return None
    for offset, _, sentence in _sentences(text):
        m = _VOLUME_COMMITMENT.search(sentence)
        if m and re.search(r"\b(?:no|not|never|without|neither|nor)\b[^.;]{0,25}$", sentence[:m.start()], re.I):
            continue  # "Customer has no minimum purchase obligation"
        if m and _party_before(sentence[:m.start()]) in ("customer", "either", None):
            return Reading("", True, offset + m.start(), offset + m.end(), m.group(0))
    return None


# Credits refused in words: "no service credits", "we don't give credits or refunds", "shall not entitle Customer
# to any credit, refund or compensation", "without any service credit". A credit or refund for something else (a
# credit note for returned goods) is no service credit: unless it says "service credit", the sentence must be
# about the service level. The "not" must govern the verb: "where the level is not attained the Client shall be
# entitled to a credit" grants credits.
_NOT = r"(?:\b(?:not|never)|n['’]t)\s+(?:(?!shall\b|will\b|may\b|must\b|can\b)\w+\s+){0,4}?"
_NO_CREDITS = re.compile(
    r"\bno (?:service )?credits?\b|" + _NOT + r"(?:give|provide|issue|offer|owe|pay|grant|earn|entitle|give rise to|"
    r"be entitled to|receive|get)\b[^.;]{0,60}?\b(?:credits?|refunds?|compensation|reduction in the (?:fees|charges))"
    r"\b|\bwithout (?:any )?(?:service )?credits?\b", re.I)
_NO_SERVICE_CREDITS = re.compile(r"\bservice credits?\s*(?::|-|–)\s*(?:none|not applicable|n/a)\b", re.I)
_SERVICE_LEVEL = re.compile(r"availab|uptime|up time|up and running|downtime|outage|target|service level|\bSLA\b|"
                            r"service credit|\bmiss|\bfail|falls? short", re.I)


def _service_credits(text: str) -> Reading | None:
    """False when the clause refuses credits for missing the service level; otherwise undecided (a clause that
    does not mention credits may have them in a schedule, and the red-flag match judges the rest)."""
    m = _NO_SERVICE_CREDITS.search(text)
    if m:
        return Reading("", False, m.start(), m.end(), m.group(0))
    for offset, sentence in _cued(text, _SERVICE_LEVEL):
        m = _NO_CREDITS.search(sentence)
        if m:
            return Reading("", False, offset + m.start(), offset + m.end(), m.group(0))
    m = _CREDITS_GIVEN.search(text) if "credit" in text.lower() else None
    if m and not _NEGATION.search(m.group(0)):  # "the Customer is entitled ... to a credit ... of five percent"
        return Reading("", True, m.start(), m.end(), m.group(0))
    return None


_CREDITS_GIVEN = re.compile(r"\b(?:is entitled|are entitled|will receive|shall receive|will (?:issue|apply)|shall "
                            r"(?:issue|apply)|will credit|shall credit)\b[^.;]{0,120}?\bcredit", re.I)


# The vendor disclaiming its subcontractors: "shall not be responsible or liable for the acts ... of any
# subcontractor", "has no liability for its sub-processors", "Customer's sole recourse ... shall be against such
# subcontractor". Staying responsible ("shall not be relieved of its obligations") is the standard position.
_SUBCONTRACTOR = r"(?:sub-?contractors?|sub-?processors?|third[- ]party (?:service )?providers?|service providers?|" \
                 r"hosting providers?|suppliers? (?:it|we) (?:use|engage)s?)"
_DISCLAIMS = re.compile(
    r"(?:\b(?:not|never)|n['’]t)\s+(?:be\s+)?(?:held\s+)?(?:responsible|liable|answerable|accountable)\b[^.;]{0,100}?\b"
    + _SUBCONTRACTOR + r"|\bno (?:responsibility|liability)\b[^.;]{0,100}?\b" + _SUBCONTRACTOR
    + r"|\brecourse\b[^.;]{0,120}?\b(?:lie|be|is|lies)\s+(?:solely\s+|only\s+|exclusively\s+)?against\s+(?:the|such|"
    r"that|any|each|its)\s+(?:\w+\s+)?" + _SUBCONTRACTOR, re.I)


def _vendor_responsible_for_subcontractors(text: str) -> Reading | None:
    """False when the vendor disclaims its subcontractors' acts or sends the customer to them for recourse; a
    disclaimer by the customer ("Customer is not liable for Supplier's subcontractors") is not the vendor's.
    Otherwise undecided: staying responsible is read by the match."""
    for offset, _, sentence in _sentences(text):
        m = _DISCLAIMS.search(sentence)
        if not m:
            continue
        # Who disclaims: the words between the last break before the disclaimer and the disclaimer itself.
        subject = re.split(r"[,;:]|\b(?:that|but|and|provided)\b", sentence[:m.start()])[-1]
        if CUSTOMER.search(subject) and not (VENDOR.search(subject) or EITHER.search(subject)) \
                and "recourse" not in m.group(0).lower():
            continue
        return Reading("", False, offset + m.start(), offset + m.end(), m.group(0))
    return _first(_STAYS_RESPONSIBLE, text, True)


# Staying responsible: "remains responsible for any approved subcontractor as for its own personnel", "shall not be
# relieved of its obligations by subcontracting".
_STAYS_RESPONSIBLE = re.compile(
    r"\bremains?\s+(?:fully\s+|solely\s+|wholly\s+)?(?:responsible|liable|accountable)\b[^.;]{0,80}?\b"
    + _SUBCONTRACTOR + r"|\b(?:not|never)\s+be\s+relieved\b", re.I)


_MUTUAL = re.compile(r"\b(?:each|either|neither) party\b|\bboth parties\b|\bmutual(?:ly)?\b|"
                     r"\bthe parties'?\b|\beach of the parties\b|\b(?:each|either|neither|both) of (?:us|our)\b", re.I)


def _first(pattern: re.Pattern[str], text: str, value: bool) -> Reading | None:
    m = pattern.search(text)
    return Reading("", value, m.start(), m.end(), m.group(0)) if m else None


# Renewal by a new signed agreement is no automatic renewal ("It does not renew automatically", "may be renewed
# only by the parties' written agreement"); "renews for successive one-year terms" is.
_NO_AUTO_RENEWAL = re.compile(
    r"(?:does|will|shall) not (?:automatically )?(?:renew|be renewed|roll over)|not renew automatically|"
    r"no automatic (?:renewal|extension)|"
    r"(?:renew|extend)\w* (?:only )?(?:by|with|upon|through) (?:the )?(?:parties['’] )?(?:mutual )?(?:written|signed) "
    r"(?:agreement|amendment)|(?:renew|extend)\w* only by (?:signing|a written|mutual)",
    re.I)
_AUTO_RENEWAL = re.compile(
    r"renew(?:s|ed)? automatically|automatic(?:ally)? (?:renew|extend)|auto-?renew|evergreen|"
    r"(?:renew|extend)(?:s|ed)? (?:itself )?for (?:successive|further|additional|consecutive|another)|"
    r"(?:be|is) (?:automatically )?(?:renewed|extended) for (?:successive|further|additional|consecutive)", re.I)


def _auto_renewal(text: str) -> Reading | None:
    """True when the agreement renews by itself; False when it renews only by a new written agreement."""
    if not _mentions(text, "renew", "evergreen", "extend", "roll over"):
        return None
    for offset, _, sentence in _sentences(text):
        found = _AUTO_RENEWAL.search(sentence)
        if found and not _NO_AUTO_RENEWAL.search(sentence):
            return Reading("", True, offset + found.start(), offset + found.end(), found.group(0))
    return _first(_NO_AUTO_RENEWAL, text, False)


# A written security programme or a standard the vendor keeps to: POLICY.md row 11 asks for any at all.
_SECURITY_PROGRAMME = re.compile(
    r"\bSOC ?2\b|\bISO(?:/IEC)? ?27001\b|\bISO(?:/IEC)? ?27701\b|\bNIST\b|\bPCI[- ]DSS\b|\bCSA STAR\b|"
    r"(?:information |written |formal |documented |comprehensive )security (?:management )?"
    r"(?:program(?:me)?|policy|policies|system|standards?)|"
    r"(?:administrative|technical|physical|organi[sz]ational)[a-z ,]{0,40}(?:and|&) "
    r"(?:administrative|technical|physical|organi[sz]ational) (?:safeguards|measures|controls)", re.I)
_NO_SECURITY_PROMISE = re.compile(r"(?:cannot|can['’]t|do not|does not|not) (?:guarantee|warrant|promise)[^.;]{0,40}"
                                  r"secur|no (?:method|system)[^.;]{0,60}(?:completely |100% )?secure", re.I)


def _security_commitment(text: str) -> Reading | None:
    """True when the vendor keeps to a named security standard or a written programme; False when it only says
    security cannot be guaranteed; undecided otherwise."""
    found = _SECURITY_PROGRAMME.search(text)
    if found:
        return Reading("", True, found.start(), found.end(), found.group(0))
    return _first(_NO_SECURITY_PROMISE, text, False)


_NO_ASSIGNING = re.compile(r"\b(?:shall|may|will|must|can)\s*(?:not|never)\b[^.;]{0,60}?\bassign|"
                           r"\b(?:cannot|can['’]t|won['’]t)\b[^.;]{0,60}?\bassign|"
                           r"\bneither (?:party|of us|of the parties)\b[^.;]{0,40}?\bassign", re.I)
_SUCCESSOR = re.compile(r"merg|consolidat|reorgani[sz]|change (?:of|in) control|acqui|successor|"
                        r"substantially all|sale of (?:all|the whole)", re.I)


def _customer_consent_in_merger(text: str) -> Reading | None:
    """True when the customer (alone or as either party) may not assign without consent and no exception lets it
    pass the agreement to a successor in a merger or sale; False when such an exception covers it; undecided
    when the clause does not restrict the customer's assignment."""
    if not _mentions(text, "assign"):
        return None
    restricted = None
    for offset, _, sentence in _sentences(text):
        found = _NO_ASSIGNING.search(sentence)
        if not found or not _CONSENT.search(sentence):
            continue
        party = _party_before(sentence[:found.start()]) or _last_party(found.group(0))  # "Neither party may"
        if party in ("customer", "either"):
            restricted = Reading("", True, offset + found.start(), offset + found.end(), found.group(0))
            break
    if restricted is None:
        return None
    for offset, _, sentence in _sentences(text):
        successor = _SUCCESSOR.search(sentence)
        if successor is None:
            continue
        # a permission to assign to a successor held by the customer or either party ("except that either of us may
        # assign it to"; "Licensor may assign ... only to a successor" is the vendor's), or a bare exception of the
        # restriction ("except to a successor"); "including upon any merger" widens the restriction instead
        before = sentence[:successor.start()]
        permits = list(_MAY_ASSIGN.finditer(before))
        if permits:
            actor = _party_before(before[:permits[-1].start()])
            excepted = actor in ("customer", "either") or (actor is None and _EXCEPTED.search(before))
        else:
            excepted = ((bool(_EXCEPTED.search(before)) and bool(_NO_ASSIGNING.search(sentence)))
                        or bool(_CONSENT_WAIVED.search(before)))
        if excepted:
            return Reading("", False, offset + successor.start(), offset + successor.end(), successor.group(0))
    return restricted


_EXCEPTED = re.compile(r"\b(?:except|save|other than|provided(?: that)?|but|however|notwithstanding)\b", re.I)
# "The consent is not required for an assignment to a legal successor": an exception of its own sentence.
_CONSENT_WAIVED = re.compile(r"\b(?:consent|approval)\s+(?:is|shall\s+be|will\s+be)\s+not\s+(?:required|needed|"
                             r"necessary)\b|\bno\s+(?:such\s+)?(?:consent|approval)\s+(?:is\s+)?(?:required|needed)\b",
                             re.I)
_MAY_ASSIGN = re.compile(r"\b(?:may|can|is free to|shall be entitled to),?\s+(?:[\w,]+\s+){0,3}?(?:assign|transfer)",
                         re.I)  # "may, however, assign"


def _confidentiality_mutual(text: str) -> Reading | None:
    """True when the duties read as both parties' ("each party", "both parties"); otherwise undecided (a one-way
    agreement also speaks of "the Recipient": who discloses is read from the whole document)."""
    return _first(_MUTUAL, text, True)


def _about_information_only(sentence: str) -> bool:
    return bool(re.search(r"\binformation\b|evaluation materials", sentence, re.I)) and not re.search(
        r"\b(?:services?|software|products?|deliverables?|platform|goods|system|solution)\b", sentence, re.I)


_TRIAL_ONLY = re.compile(r"\bbeta\b|\bpreview\b|\btrial\b|evaluation|pre-?release|early access|"
                         r"free (?:tier|version|plan)|experimental", re.I)


def _sentence_at(text: str, at: int) -> str:
    """The sentence around offset ``at`` (from the last full stop before it to the next)."""
    start = text.rfind(".", 0, at) + 1
    end = text.find(".", at)
    return text[start:end if end >= 0 else len(text)]


def _all_warranties_disclaimed(text: str) -> Reading | None:
    """True for an "as is" disclaimer; False for a disclaimer of everything *else* ("apart from the promises in
    this Agreement", "in lieu of all other warranties"); undecided otherwise."""
    # "as is" for beta or trial features only leaves the warranties on the service itself standing
    # and information disclosed "as is" (an NDA's standard words) is no disclaimer of what the vendor supplies
    said = list(re.finditer(r"\bas[ -]is\b|\bas[ -]available\b|with all faults", text, re.I))
    of_information = [m for m in said if _about_information_only(_sentence_at(text, m.start()))]
    as_is = next((m for m in said if not _TRIAL_ONLY.search(_sentence_at(text, m.start())) and m not in of_information),
                 None)
    if of_information and len(of_information) == len(said):
        m = of_information[0]
        return Reading("", False, m.start(), m.end(), m.group(0))
    if as_is and not re.search(r"except (?:as|for)|apart from|other than|save (?:as|for)", text[:as_is.start()], re.I):
        return Reading("", True, as_is.start(), as_is.end(), as_is.group(0))
    partial = re.search(r"apart from|except (?:as|for) (?:expressly|specifically|the)|other than (?:the|those)|"
                        r"save (?:as|for)|except as (?:expressly )?(?:set (?:forth|out)|provided|stated)|"
                        r"in lieu of all other|(?:all|no|any) other (?:\w+ ){0,2}(?:warranties|representations|"
                        r"conditions|terms)", text, re.I)
    if partial and not as_is:
        return Reading("", False, partial.start(), partial.end(), partial.group(0))
    if not _WARRANTY_DISCLAIMER.search(text):
        return Reading("", False, 0, 0, "")  # promises only ("Each party warrants it has authority")
    return None


# Words without which a clause disclaims nothing.
_WARRANTY_DISCLAIMER = re.compile(
    r"disclaim|exclud|\bno (?:\w+ )?(?:warrant|representation|guarantee|promise|condition)|without (?:any )?"
    r"(?:warrant|representation|guarantee)|not (?:make|give|provide)\w* any|makes? no|gives? no|"
    r"(?:does|do) not (?:warrant|guarantee|promise)|not (?:be )?(?:responsible|liable)|"
    r"is not (?:warranted|guaranteed)|no (?:liability|responsibility)", re.I)


def _broad_customer_indemnity(text: str) -> Reading | None:
    """True when the customer must indemnify for any use of the service; False when the clause has the customer
    indemnify nothing, or only for its own breach, data or content."""
    for offset, sentence in _cued(text, re.compile(r"indemnif|defend|hold harmless", re.I)):
        # the party before the verb: "We'll defend", "Tallowood indemnifies the Customer"
        subject = re.split(r"\b(?:shall|will|agrees? to|must)\b|['’]ll\b|\b(?:indemnifies|defends|holds harmless)\b",
                           sentence, maxsplit=1)[0]
        if not CUSTOMER.search(subject) or EITHER.search(subject):
            continue
        broad = re.search(r"any (?:and all )?(?:use|claims?|losses)[^.;]{0,60}\b(?:use|access|service)|"
                          r"arising (?:out of|from)[^.;]{0,40}\buse\b", sentence, re.I)
        if broad and not re.search(r"\b(?:data|content|materials)\b", broad.group(0), re.I):
            # (claims about the customer's own data, "or Vendor's use of it", are the standard position)
            return Reading("", True, offset + broad.start(), offset + broad.end(), broad.group(0))
    return Reading("", False, 0, 0, "")


_INDEMNIFIES = re.compile(r"indemnif|\bdefend|hold\s+harmless", re.I)


def _vendor_ip_indemnity(text: str) -> Reading | None:
    """True when the vendor (or each party) defends or indemnifies against third-party claims of infringement
    ("Licensor shall defend Customer against any claim ... that the Licensed Software infringes"); False when it
    says it will not; undecided otherwise (the indemnity may sit in another clause)."""
    if not _mentions(text, "infring", "misappropriat", "intellectual property"):
        return None
    for offset, sentence in _cued(text, _INDEMNIFIES):
        if not re.search(r"infring|misappropriat|intellectual property", sentence, re.I):
            continue
        verb = _MODAL.search(sentence)
        if verb is None:
            continue
        subject = sentence[:verb.start()]
        if not (EITHER.search(subject) or _party_before(subject) == "vendor"):
            continue
        act = _INDEMNIFIES.search(sentence, verb.end())
        if act is None or act.start() - verb.end() > 60:
            continue
        denied = re.search(r"\b(?:not|no|never)\b", sentence[verb.start():act.start()], re.I)
        return Reading("", not denied, offset + act.start(), offset + act.end(), act.group(0))
    return None


def _cap_mutual(text: str) -> Reading | None:
    """True when the cap binds both parties, or the clause only lists what the cap does not cover (who the cap
    protects is judged where the cap is set); False when the sentence setting the cap names only the vendor's
    liability ("Supplier's total liability", or "Our total liability" in a vendor's we/you terms); undecided
    otherwise."""
    lists_exceptions = re.search(r"(?:shall|does|do|will) not apply|(?:don|doesn|won)['’]t apply|"
                                 r"not (?:be )?subject to|excluded from|exceptions?|carve", text, re.I)
    sets_cap = re.search(r"exceed|limited to|in excess of|maximum|not be liable for more|\bcapped at\b", text, re.I)
    if lists_exceptions and not sets_cap:
        return Reading("", True, 0, 0, "")
    mutual = _first(_MUTUAL, text, True)
    if mutual:
        return mutual
    for offset, sentence in _cued(text, re.compile(r"exceed|limited to|in excess of|maximum|\bcapped\b", re.I)):
        m = re.search(r"\b([A-Z][\w&.-]*(?: [A-Z][\w&.-]*){0,3})(?:'s|’s) (?:total |aggregate |entire |cumulative |"
                      r"maximum )*liability", sentence)
        m = m or re.search(r"\b[Oo]ur (?:total |aggregate |entire |cumulative |maximum )*liability", sentence)
        if m and not CUSTOMER.search(m.group(0).split("liability")[0]) and not _MUTUAL.search(sentence):
            return Reading("", False, offset + m.start(), offset + m.end(), m.group(0))
    return None


# The customer's liability in general taken out of the cap: "Customer's liability for any breach of this Agreement ...
# shall not be subject to the limitation". Its duty to pay the fees, excepted in most drafts, is not that.
_CUSTOMER_EXCEPTED = re.compile(r"\b(?:Customer|Client|Buyer|Purchaser|Licensee|Subscriber|[Yy]our)(?:'s|’s)?\s+"
                                r"(?:total\s+|entire\s+)?liabilit(?:y|ies)\s+(?:for|under|arising)\s+(?:any|all)\b")
_CUSTOMER_UNLIMITED = re.compile(
    r"\bnothing in this [^.;]{0,40}\blimits?\b[^.;]{0,80}?\b(?:your|(?:the )?(?:customer|client|licensee|buyer)['’]s) "
    r"liabilit|\b(?:limits?|caps?)\b[^.;]{0,40}\bappl(?:y|ies) (?:only )?to [\w'’ ]{1,30}?liability only\b|"
    r"\b(?:limits?|limitations?|caps?)\b[^.;]{0,40}\bfor the (?:sole |exclusive )?benefit of [\w'’ ]{1,30}?"
    r"(?:alone|only)\b", re.I)
_ONLY_PAYMENT_KEPT = re.compile(
    r"\bnothing in this [^.;]{0,40}\blimits?\b[^.;]{0,30}?\b(?:your|(?:the )?(?:customer|client|licensee|buyer)['’]s) "
    r"(?:obligations? to pay|payment obligations?)\b(?:(?!liabilit)[^.;]){0,60}\.", re.I)
_NOT_CAPPED = re.compile(r"not (?:be )?(?:subject to|limited)|(?:shall|does|do|will) not apply|unlimited|uncapped",
                         re.I)


def _customer_liability_capped(text: str) -> Reading | None:
    """False when the customer's liability in general is excepted from the cap, or said to be unlimited ("Nothing
    in this Section 9 limits ... your liability to us", "The limit applies to Northgable's liability only"); True
    when the cap binds both parties. A cap worded for the vendor alone is read as that (``cap_mutual``), not a
    second time here: POLICY.md's two rows describe one position."""
    if "liabilit" in text.lower():
        for offset, sentence in _cued(text, _NOT_CAPPED):
            m = _CUSTOMER_EXCEPTED.search(sentence)
            if m:
                return Reading("", False, offset + m.start(), offset + m.end(), m.group(0))
        m = _CUSTOMER_UNLIMITED.search(text)
        if m:
            return Reading("", False, m.start(), m.end(), m.group(0))
    m = _ONLY_PAYMENT_KEPT.search(text)
    if m:  # "Nothing in this clause 13 shall limit the Customer's obligation to pay the Charges": the usual carve-out
        return Reading("", True, m.start(), m.end(), m.group(0))
    mutual = _cap_mutual(text)
    return mutual if mutual is not None and mutual.value is True else None


_DATA_LOSS = re.compile(r"data (?:breach|protection|security)|personal data|(?:security|privacy) (?:incident|breach)|"
                        r"unauthori[sz]ed (?:access|disclosure)|loss of [^.;]{0,30}\bdata\b|"
                        r"(?:customer|client)(?:'s|’s)? data", re.I)


# The cap still applies, in words that follow what it covers (the engine's whole-draft check uses it too).
STILL_CAPPED = re.compile(r"\b(?:remains?|shall remain|will remain|continues? to be)\s+subject to\b|"
                           r"\bis not an? (?:excluded|exception|carve)|\bcounts? towards\b|"
                           r"\b(?:be|is|are)\s+subject to the (?:\w+\s+){0,2}(?:cap|limit)", re.I)


def _data_breach_carve_out(text: str) -> Reading | None:
    """Whether the cap's exceptions name data breaches (data protection, personal data, unauthorised access to the
    customer's data). True when the words sit in what the limits "shall not apply to"; False when the text says
    the limit *does* apply to them ("the limit shall apply to any loss ... of Client Data"); undecided when the
    clause does not speak of data (the carve-outs may sit in another clause)."""
    m = _DATA_LOSS.search(text)
    if m is None:
        return None
    for offset, sentence in _cued(text, STILL_CAPPED):  # "liability for any Security Incident ... remains subject
        data = _DATA_LOSS.search(sentence)                 # to the limit": the words that govern follow the mention
        still = STILL_CAPPED.search(sentence)
        assert still is not None
        if data and data.start() < still.start() and not re.search(r"\bnot\s+(?:\w+\s+)?$",
                                                                   sentence[:still.start()]):
            return Reading("", False, offset + data.start(), offset + data.end(), data.group(0))
    # The governing words are those since the last semicolon or ", but" before the mention.
    lead = re.split(r";|,\s*but\b|\.\s", text[:m.start()])[-1]
    if re.search(r"\b(?:shall|will|does|do)\s+apply\b|\bapplies\b|\bsubject to the (?:cap|limit)", lead, re.I) and \
            not re.search(r"\bnot\b", lead, re.I):
        return Reading("", False, m.start(), m.end(), m.group(0))
    return Reading("", True, m.start(), m.end(), m.group(0))


# The customer paying for the rest of the term when the agreement ends early: "On termination Customer shall pay
# all fees owed through the end of the Subscription Term", "an early termination fee equal to the remaining fees",
# "the balance of the Charges for the unexpired Term becomes immediately due". An early-exit sum in all but name.
_REST_OF_TERM = re.compile(
    r"\b(?:fees|charges|amounts|payments)\b[^.;]{0,80}\b(?:through|until|for|to) (?:the )?(?:end|remainder|rest|"
    r"balance|expiry|expiration)\b[^.;]{0,40}?\b(?:term|(?:subscription|commitment|contract|minimum) period)\b|"
    r"\bunexpired (?:portion of the )?(?:term|period)\b|"
    r"\bearly[- ](?:termination|exit|cancellation) (?:fee|charge|payment)|\bliquidated damages\b", re.I)
_ON_EARLY_END = re.compile(r"terminat|cancel|\bend(?:s|ed)? early|early[- ]exit|expir|before the end of", re.I)


_PAYS = re.compile(r"(?:\b(?:shall|will|must|agrees? to)|['’]ll)\s+(?:immediately\s+)?(?:pay|be liable for|"
                   r"remain liable for)", re.I)
_FALLS_DUE = re.compile(r"\bbecomes? (?:immediately )?(?:due|payable)|\bshall (?:immediately )?become (?:due|payable)",
                        re.I)


def _customer_liquidated_damages(text: str) -> Reading | None:
    """True when the customer must pay for the rest of the term (or a fixed early-exit sum) when the agreement ends
    early; otherwise undecided. The vendor paying or refunding ("Vendor shall refund ...") is not this position."""
    if not (_mentions(text, "fee", "charge", "amount", "payment", "liquidated")
            and _mentions(text, "terminat", "cancel", "expir", " end")):
        return None  # a cheap first look: the whole test runs over every clause of a draft
    for offset, sentence in _cued(text, _ON_EARLY_END):
        m = _REST_OF_TERM.search(sentence)
        if m is None or re.search(r"\brefund", sentence, re.I):
            continue
        pays = _PAYS.search(sentence)
        payer = sentence[:pays.start()].split(",")[-1] if pays else ""
        by_customer = bool(pays) and bool(CUSTOMER.search(payer)) and not VENDOR.search(payer)
        if by_customer or _FALLS_DUE.search(sentence) or "liquidated" in m.group(0).lower():
            return Reading("", True, offset + m.start(), offset + m.end(), m.group(0))
    return None


def _no_customer_data(text: str) -> Reading | None:
    """False (the vendor takes nothing of the customer's data) when the clause does not mention that data, or only
    says that the customer owns it ("The Customer owns all rights ... in the Customer Data")."""
    if not _CUSTOMER_DATA.search(text):
        return Reading("", False, 0, 0, "")
    owns = _CUSTOMER_OWNS_DATA.search(text)
    if owns and not re.search(r"\blicen[cs]|\bgrants?\b|\bassign|\bperpetual|\birrevocabl|\bown(?:s|ed)? by (?:the )?"
                              r"(?:vendor|supplier|provider|licensor|us)\b", text, re.I):
        return Reading("", False, owns.start(), owns.end(), owns.group(0))
    return None


# "the Customer grants Cedarline a non-exclusive, perpetual, irrevocable ... licence to retain, copy, use ...
# the Customer Data", under any heading ("Record Continuity").
_PERPETUAL_GRANT = re.compile(r"\b(?:perpetual|irrevocabl\w*)\b[^.;]{0,120}?\blicen[cs]e\b[^.;]{0,200}?"
                              r"\b(?:data|content|information)\b", re.I)
_CUSTOMER_GRANTS = re.compile(r"\b(?:customer|client|you|licensee|buyer)\b[^.;,]{0,20}\bgrants?\b", re.I)


def _vendor_perpetual_data_licence(text: str) -> Reading | None:
    """True when the customer grants the vendor a perpetual or irrevocable licence to its data; False as
    :func:`_no_customer_data` reads it; otherwise undecided."""
    base = _no_customer_data(text)
    if base is not None or not _mentions(text, "perpetual", "irrevocab"):
        return base
    for offset, sentence in _cued(text, _PERPETUAL_GRANT):
        m = _PERPETUAL_GRANT.search(sentence)
        assert m is not None
        if _CUSTOMER_GRANTS.search(sentence, 0, m.start()) or _party_before(sentence[:m.start()]) == "vendor":
            return Reading("", True, offset + m.start(), offset + m.end(), m.group(0))
    return None


_CUSTOMER_OWNS_DATA = re.compile(r"\b(?:the )?(?:customer|client|you|licensee|buyer)\b (?:owns|retains|keeps|shall own|"
                                 r"will own)\b[^.;]{0,80}\b(?:data|content)\b", re.I)


# A notice time whose clock starts when the vendor's own assessment ends ("within 72 hours after completing its
# assessment", the assessment taking up to 30 days) is no time from becoming aware of the breach.
_LATE_CLOCK = re.compile(r"^[^.;]{0,20}?\b(?P<clock>after) (?:completing|the completion of|concluding|"
                         r"the conclusion of|finishing) (?:its|an|the|any|that) (?:\w+ )?"
                         r"(?:assessment|investigation|review|analysis)", re.I)


def _breach_hours(text: str) -> Reading | None:
    for offset, sentence in _cued(text, _BREACH_NOTICE):
        for h in t.hours(sentence):
            if h.value is not None and not _LATE_CLOCK.search(sentence[h.end:]):
                return Reading("", h.value, offset + h.start, offset + h.end, h.text)
        for d in t.durations(sentence):
            if not _LATE_CLOCK.search(sentence[d.end:]):
                return Reading("", round(d.days * 24, 1), offset + d.start, offset + d.end, d.text)
    return None


_CUSTOMER_AUDITS = re.compile(r"\baudits? (?:by|conducted by) (?:the )?(?:customer|client|you|licensee|buyer)\b|"
                              r"\b(?:customer|client|you|licensee|buyer)\b[^.;]{0,60}\b(?:may|can|is entitled to|"
                              r"has the right to) (?:audit|inspect|visit)\b", re.I)
_VENDOR_AUDITS = re.compile(r"\b(?:vendor|supplier|provider|licensor|we)\b[^.;]{0,30}\b(?:may|shall be entitled to|"
                            r"has the right to) (?:audit|inspect|verify)", re.I)


def customer_is_auditor(text: str) -> bool:
    """The customer auditing the vendor (a DPA's audit right) is not row 15, the vendor auditing the customer."""
    return bool(_CUSTOMER_AUDITS.search(text)) and not _VENDOR_AUDITS.search(text)
_ON_DEMAND = re.compile(r"\b(?:at any time|from time to time|on demand|upon request|as often as)\b", re.I)
_PAID = re.compile(r"\b(?:pay|repay|reimburse|refund)\w*\b[^.;]{0,60}$", re.I)


def _audits_per_year(text: str) -> Reading | None:
    if customer_is_auditor(text):
        return None
    # "reimburse the costs on demand" says when a sum is paid, not how often audits happen
    m = next((m for m in _ON_DEMAND.finditer(text) if not _PAID.search(text, max(0, m.start() - 60), m.start())), None)
    if m and re.search(r"audit|inspect|verify", text, re.I):
        return Reading("", 99.0, m.start(), m.end(), m.group(0))  # no limit on how often
    m = re.search(r"\b(?:once (?:per|a|in any|in each|every)\b[^.;]{0,30}?(?:year|twelve|12)|annual(?:ly)?)",
                  text, re.I)
    if m:
        return Reading("", 1.0, m.start(), m.end(), m.group(0))
    m = re.search(r"\btwice (?:per|a|in any|each) (?:calendar )?year\b", text, re.I)
    if m:
        return Reading("", 2.0, m.start(), m.end(), m.group(0))
    return None


_AUDIT_COST = re.compile(r"\b(?:costs?|expenses?)\b", re.I)
_OWN_COST = re.compile(r"\b(?:its|their) own (?:costs?|expense)|\bat its (?:sole )?(?:cost|expense)|"
                       r"\bat (?:the )?(?:[A-Z]\w+['’]s|our|your) (?:own |sole )?(?:cost|expense)", re.I)
_PAYS_COST = re.compile(r"\b(?:pay|reimburse|bear|cover)s?\b[^.;]{0,60}?\b(?:costs?|expenses?)\b", re.I)
_AUDITS = re.compile(r"audit|inspect|verif|\bcheck", re.I)
_COST_OF_AUDIT = re.compile(r"(?:costs?|expenses?)\s+(?:of|for|incurred|associated|related|arising|in connection)"
                            r"[^.;]{0,40}?(?:audit|inspect|verif|check)", re.I)
_IF_FOUND = re.compile(r"\b(?:if|where|in the event|should|to the extent)\b[^.;]{0,120}?\b(?:underpa|under-pa|"
                       r"exceed|discrepan|non-?complian|shortfall|more than|greater than|in excess)", re.I)


def _audit_cost_on_customer(text: str) -> Reading | None:
    """True when the customer pays for the vendor's audit whatever it finds ("Licensee shall reimburse Licensor
    for all costs of any such audit", "at Customer's expense"); False when the vendor bears it ("at its own
    cost", "Licensor shall bear its own costs"). The payer is the party named in "at X's cost", else the one
    before the sentence's verb. The customer's own expense counts only when it is the audit's ("the cost of
    the audit"), not its record keeping. A cost that moves to the customer only when the audit finds it
    under-licensed is left unread: the red-flag match sees that whole wording. The customer paying for its own
    audit of the vendor is not read either."""
    if not _mentions(text, "audit", "inspect", "verif", "check") or customer_is_auditor(text):
        return None
    found = None
    for offset, sentence in _cued(text, _AUDIT_COST):
        if not _AUDITS.search(sentence):
            continue
        match = _OWN_COST.search(sentence) or _PAYS_COST.search(sentence)
        if match is None:
            continue
        at_whose = re.match(r"at (?:the )?(?:(\S+?)['’]s|(our|your)\b)", match.group(0), re.I)
        payer = (at_whose.group(1) or at_whose.group(2)) if at_whose else _MODAL.split(sentence, maxsplit=1)[0]
        if CUSTOMER.search(payer) and not VENDOR.search(payer):
            if (at_whose or _COST_OF_AUDIT.search(sentence, match.start())) and not _IF_FOUND.search(sentence):
                return Reading("", True, offset + match.start(), offset + match.end(), match.group(0))
        elif VENDOR.search(payer) and not CUSTOMER.search(payer) and found is None:
            found = Reading("", False, offset + match.start(), offset + match.end(), match.group(0))
    return found


# Who acts is what comes before the modal verb ("You can cancel", "We'll stop billing").
_MODAL = re.compile(r"\bmay\b|\bshall\b|\bcan\b|\bwill\b|['’]ll\b")


# Who holds a right: what comes before the verb that grants it ("Provider reserves the right to terminate").
_GRANT = re.compile(_MODAL.pattern + r"|\breserves?\b|\bis entitled\b|\bhas the right\b")


def right_held_by(text: str, cues: list[str], holder: str) -> bool:
    """Whether a sentence of ``text`` with one of ``cues`` gives the right to ``holder`` (vendor or customer),
    or to either party. A sentence whose subject names no party counts for both: only a right given to the
    other party alone rules the holder out. Sentences with no granting verb (may, shall, reserves...) grant
    nothing and are passed over; when no sentence has one, the holder is not ruled out."""
    cue = re.compile("|".join(r"\b" + re.escape(c) for c in cues), re.I)
    granted = False
    for _, sentence in _cued(text, cue):
        parts = _GRANT.split(sentence, maxsplit=1)
        if len(parts) == 1:
            continue  # grants nothing: a caption ("5.1 For Convenience.") or a statement of fact
        granted = True
        if re.match(r"\s*(?:not|never)\b", parts[1], re.I):
            continue  # a prohibition ("Supplier shall not make any change") gives its subject no right
        permitted = re.match(r"\s*(?:permit|allow|let|authori[sz]e|enable)s?\s+(?:the\s+)?([\w-]+)", parts[1], re.I)
        subject = permitted.group(1) if permitted else parts[0]  # "Customer shall permit the Supplier to audit"
        names = {"customer": bool(CUSTOMER.search(subject)), "vendor": bool(VENDOR.search(subject))}
        if EITHER.search(subject) or names[holder] or not any(names.values()):
            return True
    return not granted  # no sentence grants the right in words it can read: it cannot rule the holder out


def _last_party(subject: str) -> str | None:
    """The party a subject ends with ("You agree that we" is the vendor's act), "either" for both ("Neither
    party", "each of us"); None when it names no party."""
    both = [(m.start(), m.end()) for m in _BOTH_PARTIES.finditer(subject)]  # "Neither party", "each of us"
    found = [(a, "either") for a, _ in both]
    found += [(m.start(), "customer") for m in CUSTOMER.finditer(subject)]
    found += [(m.start(), "vendor") for m in VENDOR.finditer(subject)
              if not any(a <= m.start() < b for a, b in both)]  # the "us" of "either of us" is both of us
    return max(found)[1] if found else None


def _party_before(head: str) -> str | None:
    """The party acting in ``head``, the words before a verb: the one named in its last part ("If such an event
    stops Vendor from performing, Customer"), else the last one named ("Vendor, at its option,")."""
    return _last_party(re.split(r"[,;:]", head)[-1]) or _last_party(head)


_NAME_USE = re.compile(r"\b(?:name|logos?|(?:trade|service )?marks?|identify|reference customer|case stud(?:y|ies)|"
                       r"customer lists?|publicity|press release)\b", re.I)
_CONSENT = re.compile(r"consent|approv|permission|authori[sz]", re.I)
_FREE_OF_CONSENT = re.compile(r"without (?:the need (?:for|to \w+) |needing |having to \w+ |further |additional |"
                              r"any (?:further )?|requiring |seeking |asking (?:for )?|obtaining )"
                              r"[^.;]{0,30}?(?:consent|approv|permission)", re.I)
_NEGATION = re.compile(r"\b(?:not|never|no|nothing|neither|nor)\b|n['’]t\b", re.I)
_GRANTS_USE = re.compile(r"\bgrants?\b([^.;]{0,40}?)\b(?:the |a |an )?(?:right|licen[cs]e|permission)\b", re.I)


def _vendor_may_use_customer_name(text: str) -> Reading | None:
    """True when the vendor may use the Customer's name or logo without asking ("we may identify you as a
    customer", "Customer grants Provider the right to use its logo", "Lumenfield may name Customer as a
    customer"); False when it may not, or only with consent. A sentence whose actor is the Customer (using the
    vendor's marks) says nothing of it; an actor who is neither party by a generic name is taken as the vendor,
    the party that names its customers."""
    if not _mentions(text, "name", "logo", "mark", "identif", "reference", "case stud", "publicity", "press"):
        return None
    found = None
    for offset, sentence in _cued(text, _NAME_USE):
        granted = _GRANTS_USE.search(sentence)
        parts = _GRANT.split(sentence, maxsplit=1)
        if granted:
            actor = _last_party(granted.group(1)) or "vendor"
        elif len(parts) == 2:
            actor = _last_party(re.split(r"[:;]", parts[0])[-1]) or "vendor"  # past a run-in heading's colon
        else:
            continue  # grants nothing: a caption or a statement of fact
        if actor == "customer":
            continue
        cue = _NAME_USE.search(sentence, len(parts[0]) if len(parts) == 2 else 0) or _NAME_USE.search(sentence)
        assert cue is not None
        where = (offset + cue.start(), offset + cue.end(), cue.group(0))
        if _FREE_OF_CONSENT.search(sentence) and not _NEGATION.search(sentence.split("without", 1)[0]):
            return Reading("", True, *where)
        if _CONSENT.search(sentence) or _NEGATION.search(sentence):
            found = found or Reading("", False, *where)
            continue
        return Reading("", True, *where)
    return found


_ENDS = re.compile(r"terminat|cancel|\bend (?:this|the|your|its|their|our|that|an?|any|each)\b|\bto an end\b|rescind|"
                   r"withdraw from", re.I)
FORCE_MAJEURE = re.compile(r"force majeure|(?:beyond|outside) (?:its|their|our|your|the [\w ]{0,30}?|a party['’]s) "
                           r"(?:reasonable )?"
                           r"control|act of god", re.I)


def _customer_fm_termination_right(text: str) -> Reading | None:
    """True when the Customer (or either party, or "the other party") may end the agreement: read in a force
    majeure clause, where ending it is what a long event allows. The party is the one just before the verb that
    grants ending ("..., the Client may bring the Agreement to an end"). A right of the vendor alone, or a denial
    ("Customer may not terminate"), is no such right; its absence is a fact of the whole draft (the right may sit
    in the termination clause), judged there."""
    if not _mentions(text, "terminat", "cancel", "end ", "an end", "rescind", "withdraw"):
        return None
    for offset, sentence in _cued(text, _ENDS):
        for end in _ENDS.finditer(sentence):
            before = sentence[:end.start()]
            grants = list(_GRANT.finditer(before))
            grant = grants[-1] if grants else None
            if grant is None or re.search(r"\b(?:not|never)\b", before[grant.end():]):
                continue
            head = before[:grant.start()]
            party = _party_before(head)
            if party != "vendor":
                return Reading("", True, offset + end.start(), offset + end.end(), end.group(0))
    return None


_RELIEF = re.compile(r"\b(?:liable|liability|responsible|excused|in breach|deemed in default)\b", re.I)
_BOTH_PARTIES = re.compile(r"\b(?:neither|either|each|both|no) (?:part(?:y|ies)|of us|of the parties)\b", re.I)
_KEEPS_PAYING = re.compile(r"(?:pay|payment|fees|price)[^.;]{0,80}?(?:not be excused|shall continue|will continue|"
                           r"continues?|remains?|notwithstanding)|(?:not excuse|not relieve|remain bound to pay)", re.I)


def _fm_mutual(text: str) -> Reading | None:
    """Whether force majeure relief is given to both parties (True: "Neither party is responsible for a delay
    caused by events beyond its reasonable control") or to the vendor alone (False: "The Supplier shall not be
    liable ..."). Relief to both with the Customer's payments kept going is left unread: the red-flag match
    weighs that wording."""
    for offset, sentence in _cued(text, _RELIEF):
        relief = _RELIEF.search(sentence)
        assert relief is not None
        before = sentence[:relief.start()]
        where = (offset + relief.start(), offset + relief.end(), relief.group(0))
        if _BOTH_PARTIES.search(before):
            return None if _KEEPS_PAYING.search(text) else Reading("", True, *where)
        if _last_party(before) == "vendor":
            return Reading("", False, *where)
    return None


_SOLICITS = re.compile(r"solicit|recruit|\bhire|employ|engage|entice", re.I)
_BINDS = re.compile(_MODAL.pattern + r"|\bagrees?\b|\bundertakes?\b|\bcovenants?\b|\bmust\b|\bwon['’]t\b")


def _non_solicit_mutual(text: str) -> Reading | None:
    """Whether the no-poaching promise binds both parties (True: "Neither party shall solicit the other's
    employees", or one sentence for each) or only the Customer (False: "Customer shall not ... solicit or hire
    any employee of Consultant"). A promise by the vendor alone spares the customer and a subject of another
    name is not guessed: neither is read."""
    if not _mentions(text, "solicit", "recruit", "hire", "employ", "engage", "entice"):
        return None
    bound: dict[str, tuple[int, int, str]] = {}
    for offset, sentence in _cued(text, _SOLICITS):
        parts = _BINDS.split(sentence, maxsplit=1)
        if len(parts) == 1 or not _SOLICITS.search(parts[1]):
            continue
        party = _last_party(parts[0])
        if party is not None and party not in bound:
            head = parts[0].rstrip()  # the promise up to its verb: "..., Customer"
            bound[party] = (offset, offset + len(head), head)
    if "either" in bound or {"customer", "vendor"} <= set(bound):
        return Reading("", True, *bound.get("either", bound.get("customer", (0, 0, ""))))
    if "customer" in bound:
        return Reading("", False, *bound["customer"])
    return None


_HIRING_FEE = re.compile(r"(?:placement|recruit\w*|finder['’]?s?|hiring|conversion|introduction|referral|search|"
                         r"transfer) fee|fee (?:equal to|of)[^.;]{0,60}?(?:salary|compensation|remuneration|%|percent)",
                         re.I)


def _hiring_fee(text: str) -> Reading | None:
    """True when the customer owes a fee for hiring the vendor's people ("a placement fee equal to 35% of such
    employee's first-year compensation"); its absence is not read. A fee of a percentage is one only in a
    sentence about hiring ("an early-exit fee equal to 50% of the retainer" is not)."""
    if not _mentions(text, " fee"):
        return None
    for offset, sentence in _cued(text, _HIRING_FEE):
        m = _HIRING_FEE.search(sentence)
        if m and (not m.group(0).lower().startswith("fee") or _SOLICITS.search(sentence)):
            return Reading("", True, offset + m.start(), offset + m.end(), m.group(0))
    return None


_MADE_FOR_CUSTOMER = re.compile(r"deliverables?|work product|customi[sz]ations?|bespoke|developed for|"
                                r"creat(?:e|es|ed) for|made for|prepared for|produced for", re.I)
_OWNS = re.compile(r"\b(?:owned (?:\w+ )?by|owns?|retains?|keeps?|vests?|remains?|belongs?|"
                   r"(?:is|are) the (?:sole |exclusive )*property|property of|assigns?|title to)\b", re.I)
_OWN_TOOLS = re.compile(r"pre-?existing|background (?:ip|intellectual|technology|materials)|know-?how|\btools\b|"
                        r"residual|generic|general skills|before the (?:effective|commencement|start) date|"
                        r"developed independently|independently developed|"
                        r"\b(?:the|its) (?:software|platform|service|products?)\b(?! code)", re.I)


def _customer_owns_deliverables(text: str) -> Reading | None:
    """Who owns what the vendor makes for the customer: True for the customer ("All Deliverables shall be the sole
    property of Customer", "Supplier hereby assigns to Customer all right, title and interest"), False for the
    vendor ("We own all rights ... in the Deliverables", "Consultant shall retain all right, title and interest in
    all work product", "shall vest in the Supplier"). The owner is the party named with the verb of owning: before
    it for "own", "retain", "keep"; after it for "vest in", "property of", "belong to", "assigns to". Undecided
    when a sentence about deliverables names no owner."""
    for offset, sentence in _cued(text, _MADE_FOR_CUSTOMER):
        verb = _OWNS.search(sentence)
        if verb is None:
            continue
        word = verb.group(0).lower()
        before = _party_before(sentence[:verb.start()])
        if re.match(r"(?:own|retain|keep)", word) and not word.startswith("owned"):
            owner = before
        elif word.startswith("assign") and before in ("customer", "vendor"):
            owner = "customer" if before == "vendor" else "vendor"  # the assignor gives it to the other party
        else:  # vests in / is the property of / belongs to / assigns to: the first party after the verb
            named = [m for m in (CUSTOMER.search(sentence, verb.end()), VENDOR.search(sentence, verb.end())) if m]
            first = min(named, key=lambda m: m.start()) if named else None
            owner = None if first is None else "customer" if CUSTOMER.fullmatch(first.group(0)) else "vendor"
        if owner == "vendor" and _OWN_TOOLS.search(sentence):
            continue  # the vendor keeping its pre-existing tools and know-how is the standard position
        if owner in ("customer", "vendor"):
            start = offset + verb.start()
            return Reading("", owner == "customer", start, offset + verb.end(), verb.group(0))
    return None


_CUSTOMER_DATA = re.compile(r"\bservice data\b|(?:customer|client|your|its|such)\s+(?:personal\s+)?(?:data|content|"
                            r"information|materials|records)|personal data|(?:call|meeting|end[- ]user) (?:audio|"
                            r"data|recordings|content)|recordings|transcripts|usage data "
                            r"(?:relating to|of|about) (?:customer|you)", re.I)
# (not the staff's "training in data protection")
_OWN_PURPOSES = re.compile(r"(?<!received )(?<!awareness )\btrain\w*(?!\s+in\b)|machine learning|"
                           r"artificial intelligence|\bAI\b|\bmodels?\b|\bsell\w*|"
                           r"commerciali[sz]|benchmark|(?:its|our) own (?:business )?purposes|other customers|"
                           r"all (?:of )?(?:its|our) customers|third parties for (?:their|its) own", re.I)
_DATA_USE = re.compile(r"\buse\b|\bprocess\b|\banaly[sz]e\b|exploit|\bshare\b|\bdisclose\b|\bsell\b", re.I)


_PERMITS_VENDOR = re.compile(r"\b(?:authori[sz]es?|permits?|allows?|entitles?|licen[cs]es?)\s+(?:the\s+)?(\w+)\s+"
                             r"(?:to|the right to)\b", re.I)


def _vendor_own_use_of_data(text: str) -> Reading | None:
    """True when the vendor may use the customer's data for its own ends: to train or tune models, for its other
    customers or its own business purposes, to sell or benchmark ("Customer agrees that Sableridge may use Customer
    Personal Data ... to train ... models ... for all of its customers"); False when it promises not to ("will not
    use Customer Data to train any model"). Using data to provide or improve the customer's own service is not
    read either way."""
    if not _mentions(text, "data", "content", "transcript", "recording", "information") or not _mentions(
            text, "train", "machine", "artificial", " ai", "(ai", "model", "sell", "commerciali", "benchmark",
            "own purposes", "own business", "other customers", "its customers", "our customers", "third parties for"):
        return None  # a cheap first look: the whole-draft check runs this over every clause
    for offset, sentence in _cued(text, _OWN_PURPOSES):
        data, use = _CUSTOMER_DATA.search(sentence), _DATA_USE.search(sentence)
        if not data or not use:
            continue
        grants = list(_GRANT.finditer(sentence[:use.start()]))
        permit = _PERMITS_VENDOR.search(sentence, 0, use.end())  # "Customer authorizes Vendor to use"
        if permit and VENDOR.fullmatch(permit.group(1)):
            grants = [permit]
        elif not grants:
            continue
        elif _party_before(re.split(r"\bthat\b", sentence[:grants[-1].start()])[-1]) == "customer":
            continue  # the customer's own use of its data
        purpose = _OWN_PURPOSES.search(sentence, use.end()) or _OWN_PURPOSES.search(sentence)
        assert purpose is not None
        denied = re.search(r"\b(?:not|never|no)\b", sentence[grants[-1].start():use.end() + 5], re.I)
        return Reading("", not denied, offset + purpose.start(), offset + purpose.end(), purpose.group(0))
    return None


def _convenience(text: str, *, customer: bool) -> Reading | None:
    """Notice for termination for convenience, by the customer or by the vendor."""
    cue = re.compile(r"convenience|for any reason|without cause|for no reason|at will", re.I)
    for offset, sentence in _cued(text, cue):
        subject = _MODAL.split(sentence, maxsplit=1)[0]
        is_either = bool(EITHER.search(subject))
        is_customer = bool(CUSTOMER.search(subject))
        if not (is_either or is_customer == customer):
            continue
        for d in t.durations(sentence):
            return Reading("", round(d.days, 1), offset + d.start, offset + d.end, d.text)
    return None


# A convenience right in other words: terminating "at any time by giving 30 days' notice", "on 60 days' written
# notice", with no cause named in the sentence.
_ON_NOTICE_ALONE = (r"at any time\b[^.;]{0,60}\bnotice\b|\b(?:on|upon|by giving|giving|with)\s+"
                    r"(?:not less than |at least |no less than )?[\w()-]+(?:\s+\(\d+\))?\s+(?:days|months)['’]?\s+"
                    r"(?:prior\s+)?(?:written\s+)?notice\b")
_FOR_CAUSE = re.compile(r"breach|insolv|bankrupt|administration|liquidat|\bfails?\b|default|\bcause\b|remed|\bcure|"
                        r"force majeure|prevented|change of control|\bif\b|\bwhere\b|\bin the event\b", re.I)


_DENIAL = re.compile(r"\b(?:not|no)\b(?! (?:less|later|fewer|more) than)|\bnever\b|non-?cancell?able|only\b", re.I)


def _customer_may_terminate(text: str) -> Reading | None:
    """True when the customer (or either party) may end the agreement for convenience on notice; otherwise
    undecided: saying the customer may *not* is left to the red-flag match, which sees the whole wording."""
    if not _mentions(text, "terminat", "cancel", " end"):
        return None  # most clauses never speak of ending the agreement: spare them the sentence split
    cue = re.compile(r"convenience|for any reason|without cause|for no reason|at will|" + _ON_NOTICE_ALONE, re.I)
    for offset, sentence in _cued(text, cue):
        subject = _MODAL.split(sentence, maxsplit=1)[0]
        verb = re.search(r"\b(?:terminat\w*|cancel\w*|end)\b", sentence, re.I)
        # The denial sits before or just after the verb ("may not terminate", "no right to terminate", "terminate
        # only for cause"); a "not" later in the sentence is about something else ("... is not refundable").
        limit = verb.end() + 40 if verb else len(sentence)
        if any(m.start() < limit for m in _DENIAL.finditer(sentence)):
            continue
        if not re.search(r"convenience|for any reason|without cause|for no reason|at will", sentence, re.I) and \
                _FOR_CAUSE.search(sentence):
            continue  # "may terminate on 30 days' notice if the other party materially breaches"
        if verb and (CUSTOMER.search(subject) or EITHER.search(subject)):
            m = cue.search(sentence)
            assert m is not None
            return Reading("", True, offset + m.start(), offset + m.end(), m.group(0))
    return None


# Changes need both parties: "agreed in writing by both of us", "a written amendment signed by both parties".
_BOTH_AGREE = re.compile(r"(?:agreed|signed|executed|approved)\s+(?:to\s+)?(?:in writing\s+)?by\s+(?:both|each|all)\s+"
                         r"(?:of us|of the parties|parties|party)|mutual(?:ly)?\s+(?:written\s+)?(?:agree|consent)|"
                         r"written (?:amendment|agreement|instrument) (?:duly )?signed by", re.I)
# The vendor changing them alone: "we may update these Terms", "posted on our website", "continued use".
_ALONE = re.compile(r"\b(?:we|vendor|provider|supplier|licensor)\b[^.;]{0,40}\b(?:may|can|reserves? the right to)\b"
                    r"[^.;]{0,30}\b(?:change|modify|amend|update|revise|vary)|posted|continued use|from time to time",
                    re.I)


# Unmistakable: a party may revise "these Terms" or "this Agreement", or using the service on is acceptance.
_CHANGES_ALONE = re.compile(
    r"\b(?:may|can|reserves? the right to)\s+(?:\w+\s+){0,3}?(?:change|modify|amend|update|revise|vary)\s+"
    r"(?:these|this|the|its|our)\s+(?:\w+\s+){0,2}?(?:terms|agreement|conditions|policies|policy)\b|"
    r"continued use[^.;]{0,80}?\b(?:is|constitutes|means|shall be|will be|deemed)\b[^.;]{0,20}?"
    r"(?:accept|agree|consent)", re.I)


def _vendor_may_change_terms(text: str) -> Reading | None:
    """True when a party other than the customer (or both) may revise the terms alone, or continued use is
    acceptance; False when changes need both parties' written agreement and nothing lets the vendor change them
    alone; otherwise undecided (the red-flag match judges other wording)."""
    if not _mentions(text, "chang", "modif", "amend", "updat", "revis", "vary", "continued use", "posted", "time to"):
        return None
    # one search of the whole text first: splitting it into sentences costs far more
    for offset, _, sentence in _sentences(text) if _CHANGES_ALONE.search(text) else []:
        if not _mentions(sentence, "chang", "modif", "amend", "updat", "revis", "vary", "continued use"):
            continue
        for found in _CHANGES_ALONE.finditer(sentence):
            if re.search(r"\b(?:not|never)\b|n['’]t\b", found.group(0), re.I):
                continue  # "Wrenfield may not change the Agreement by posting revised terms": a prohibition
            # the customer's continued use is the vendor's change taking effect: no party check for it
            if found.group(0).lower().startswith("continued use") or _party_before(
                    sentence[:found.start()]) not in ("customer", "either"):
                return Reading("", True, offset + found.start(), offset + found.end(), found.group(0))
    if _ALONE.search(text):
        return None
    return _first(_BOTH_AGREE, text, False)


def _renewal_term(text: str) -> Reading | None:
    r = t.renewal_term(text)
    if r is None:
        return None
    return Reading("", round(r.duration.days * 12 / 365, 1), r.duration.start, r.duration.end, r.duration.text)


def _renewal_notice(text: str) -> Reading | None:
    d = t.renewal_notice(text)
    return Reading("", round(d.days, 1), d.start, d.end, d.text) if d else None


READERS: dict[str, Callable[[str], Reading | None]] = {
    "payment_days": lambda s: _durations_in(
        s, r"\b(?:pay|paid|payable|due|invoice[sd]?|net)\b",
        r"late|overdue|past due|interest|\bdisputes?\b|\bdisputed\b|advance|refund", worded=_time_to_pay),
    "late_fee_percent_per_month": _late_fee,
    "advance_payment_months": _advance_months,
    "breach_notice_time_stated": _breach_time_stated,
    "increase_capped": _increase_capped,
    "confidentiality_mutual": _confidentiality_mutual,
    "all_warranties_disclaimed": _all_warranties_disclaimed,
    "broad_customer_indemnity": _broad_customer_indemnity,
    "cap_mutual": _cap_mutual,
    "data_breach_carve_out": _data_breach_carve_out,
    "customer_liquidated_damages": _customer_liquidated_damages,
    "customer_volume_commitment": _customer_volume_commitment,
    "customer_liability_capped": _customer_liability_capped,
    "vendor_ip_indemnity": _vendor_ip_indemnity,
    "vendor_owns_customer_data": _no_customer_data,
    "vendor_perpetual_data_licence": _vendor_perpetual_data_licence,
    "cap_months_of_fees": _cap_months,
    "cap_fixed_amount": _cap_fixed,
    "renewal_term_months": _renewal_term,
    "non_renewal_notice_days": _renewal_notice,
    "convenience_notice_days": lambda s: _convenience(s, customer=True),
    "customer_convenience_termination": _customer_may_terminate,
    "vendor_may_change_terms": _vendor_may_change_terms,
    "vendor_convenience_notice_days": lambda s: _convenience(s, customer=False),
    "cure_period_days": lambda s: _durations_in(
        s, r"\b(?:un)?cur(?:e|ed|es|ing)\b|remed|\bfix|\bput\b(?:\s+\w+){0,3}\s+right|rectif|\bcorrect|make good",
        None),
    "governing_law": lambda s: _jurisdictions(t.governing_law(s)),
    "venue": lambda s: _jurisdictions([j for j in t.venue(s) if j.kind in ("state", "country", "region")]),
    "arbitration_seat": lambda s: _jurisdictions(t.arbitration_seat(s)),
    "survival_years": _survival_years,
    "breach_notice_hours": _breach_hours,
    "auto_renewal": _auto_renewal,
    "customer_consent_in_merger": _customer_consent_in_merger,
    "security_commitment": _security_commitment,
    "warranty_days": _warranty_days,
    "cgl_per_occurrence": lambda s: _money_in(s, r"general liability|\bCGL\b"),
    "cyber_eo_cover": lambda s: _money_in(
        s, r"cyber|errors and omissions|\bE&O\b|professional (?:indemnity|liability)|technology"),
    "availability_percent": _availability,
    "service_credits": _service_credits,
    "vendor_responsible_for_subcontractors": _vendor_responsible_for_subcontractors,
    "renewal_increase_percent": _renewal_increase,
    "audits_per_year": _audits_per_year,
    "audit_cost_on_customer": _audit_cost_on_customer,
    "vendor_may_use_customer_name": _vendor_may_use_customer_name,
    "customer_fm_termination_right": _customer_fm_termination_right,
    "customer_owns_deliverables": _customer_owns_deliverables,
    "vendor_own_use_of_data": _vendor_own_use_of_data,
    "fm_mutual": _fm_mutual,
    "non_solicit_mutual": _non_solicit_mutual,
    "hiring_fee": _hiring_fee,
    "audit_notice_days": lambda s: None if customer_is_auditor(s) else _durations_in(
        s, r"audit|inspect", r"within .* after the audit", pick=min),
    "non_solicit_months": lambda s: _durations_in(s, r"solicit|hire|employ|engage", unit="months", pick=max),
    "fm_termination_after_days": lambda s: _durations_in(s, r"terminat|continues|lasts|persists|exceed", pick=max),
}


def read_parameters(names: list[str], text: str) -> list[Reading]:
    """The values of the named parameters that ``text`` states (offsets into ``text``)."""
    return [r for name in names if (r := _read(name, text)) is not None]


# A reading depends on the words alone: the whole-draft checks ask the same clause the same question, and a
# re-scan of one contract asks again, so the latest readings are kept (16,384: a few contracts' worth, a few
# megabytes).
@functools.lru_cache(maxsize=16384)
def _read(name: str, text: str) -> Reading | None:
    reader = READERS.get(name)
    found = reader(text) if reader is not None else None
    return Reading(name, found.value, found.start, found.end, found.text) if found is not None else None


def forget_readings() -> None:
    """Empty the readings kept from earlier clauses (a benchmark's cold start)."""
    _read.cache_clear()
