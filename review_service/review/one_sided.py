"""Whether a clause the library cannot place reads as a one-sided term a lawyer should see.

POLICY.md flags a *substantive* clause that matches no clause type (a benchmark ban, a promise not to criticise
the vendor) so that a novel term is never silently passed. Most clauses the library cannot place are not
that: delivery mechanics, account set-up, who names the project lead, the order table of a schedule. Flagging
each of them `low` buried the real findings (on the held-out drafts, two flags in three were such clauses).

So an unrecognized clause is flagged at the playbook's severity only when its words carry a one-sided term:
a right to act at one's sole discretion or without notice, to suspend or disable, a perpetual or irrevocable
grant, a waiver, a restraint on what the customer may say or test, a deemed acceptance, a shortened time to
sue, a fee for hiring someone, a forfeit or liquidated damages. Other unrecognized clauses are still shown, at the
playbook's routine severity, for awareness; they do not route. The list is the team's reading of what makes a
vendor term one-sided, written from practice rather than from the evaluation drafts.
"""

from __future__ import annotations

import re
from functools import lru_cache

from review_service.review.terms import sentence_spans

_CUES = [
    # unilateral discretion
    r"\bsole(?:\s+and\s+absolute)?\s+(?:discretion|judge?ment|option|determination|opinion)",
    r"\babsolute\s+discretion", r"\bfor\s+any\s+reason\s+or\s+(?:for\s+)?no\s+reason",
    r"\bwithout\s+(?:cause|reason)\b",
    # acting with no warning, shutting the customer out
    r"\bwithout\s+(?:any\s+)?(?:prior\s+|further\s+|advance\s+|notice\s+or\s+)*notice",
    r"\bimmediately\s+and\s+without\b",
    r"\bsuspen(?:d|ds|ded|ding|sion)\b", r"\bdisabl(?:e|es|ed|ing)\b", r"\bdeactivat\w*", r"\bkill[- ]switch",
    r"\b(?:lock|shut)\s+(?:out|off|down)\b",
    # grants that never end
    r"\bperpetual\w*", r"\birrevocabl\w*",
    # giving up rights
    r"(?<!not )(?<!never )\bwaives?\b", r"\bwaiving\b",  # "does not waive Buyer's rights" keeps them
    r"\bjury\s+trial", r"\bclass\s+(?:action|or\s+representative)",
    r"\bwithout\s+(?:the\s+)?(?:necessity|need|requirement)\s+(?:of|to)\s+(?:post|prov|show)\w*",
    r"\bpost(?:ing)?\s+(?:of\s+)?(?:a|any)\s+bond\b",
    r"\b(?:must|shall|will)\s+be\s+(?:brought|commenced|filed)\s+within\b",
    r"\bdeemed\s+(?:to\s+(?:have\s+)?(?:been\s+)?)?(?:accept|approv|consent)\w*",
    # restraints on what the customer may say or test
    r"\bdisparag\w*", r"\bcritici[sz]\w*", r"\bbenchmark\w*", r"\bcomparative\s+(?:test|analys)\w*",
    # money taken rather than earned
    r"\bforfeit\w*", r"\bliquidated\s+damages\b",  # not "penalty": tax penalties the vendor pays are routine
    r"\b(?:placement|hiring|recruitment|finder'?s|conversion)\s+fee", r"\bsecurity\s+interest\b", r"\blien\b",
    r"\bwithout\s+(?:any\s+)?(?:set-?off|deduction|counterclaim)",
    # the vendor's own use of what the customer gives it
    r"\btrain\w*\s+(?:its|our|their|the|any)?\s*(?:own\s+)?(?:AI|artificial|machine|models?|algorithms?)",
    r"\b(?:sell|monetiz|commerciali[sz])\w*\b[^.;]{0,60}\b(?:data|information|content)\b",
]
_ONE_SIDED = re.compile("|".join(_CUES), re.IGNORECASE)
# A term both parties bear alike ("Each party waives trial by jury") is not one-sided.
_MUTUAL = re.compile(r"\b(?:each|either|neither|both)\s+(?:party|parties|of\s+us|of\s+the\s+parties)\b|"
                     r"\bthe\s+parties\b|\bmutual(?:ly)?\b", re.IGNORECASE)


# A promise the vendor makes is not a term against the customer: "Ploverleaf will not ... use it for benchmarking",
# "We'll remove your name from any benchmark". A restraint on what is said or tested binds the customer only when
# the vendor is not its subject; any other cue, when the vendor promises not to ("We will not suspend").
_RESTRAINT = re.compile(r"benchmark|comparative|disparag|critici", re.IGNORECASE)
_VENDOR_WORDS = r"we|our|us|vendor|supplier|provider|licensor|contractor|consultant|agency|seller"
_PROHIBITS = re.compile(r"\bprohibit\w*|\bforbid\w*|\bnot permitted\b", re.IGNORECASE)
_CUSTOMER_WORDS = re.compile(r"\b(?:customer|client|buyer|purchaser|licensee|subscriber|you|your|recipient|"
                             r"evaluating party|receiving party)\b", re.IGNORECASE)
_MODAL = re.compile(r"\b(?:will|shall|may|must|can|cannot)\b|['’]ll\b|\bwon['’]t\b", re.IGNORECASE)


def _vendors_own_promise(head: str, cue: str, vendor: str | None) -> bool:
    """Whether the sentence up to ``cue`` (``head``) is the vendor promising something: a promise not to do it
    by anyone but the customer ("Corvane ... shall not use it to train"), or a restraint word in what the vendor
    undertakes ("We'll remove your name from any benchmark")."""
    banned = _PROHIBITS.search(head)  # "a contract that prohibits ... any use of them to train its models"
    if banned and not _CUSTOMER_WORDS.search(head[:banned.start()]):
        return True
    modals = list(_MODAL.finditer(head))
    if not modals:
        return False
    subject = re.split(r"[,;:]", head[:modals[0].start()])[-1]
    last = modals[-1]
    if re.search(r"\bnot\b|n['’]t\b|\bnever\b", head[last.start():last.end() + 6], re.IGNORECASE):
        return not _CUSTOMER_WORDS.search(subject)
    return bool(_RESTRAINT.match(cue)) and bool(_vendor_words(vendor).search(subject))


@lru_cache(maxsize=64)
def _vendor_words(vendor: str | None) -> re.Pattern[str]:
    names = _VENDOR_WORDS + (f"|{re.escape(vendor)}" if vendor else "")
    return re.compile(rf"\b(?:{names})\b", re.IGNORECASE)


# A suspension kept to an urgent danger and hedged with the customer's safeguards ("if a User's activity poses an
# imminent threat to the security of the Service, provided that Vendor notifies Customer promptly ... and restores
# access as soon as the threat is resolved") is the balanced wording, not a one-sided right.
_SUSPENSION = re.compile(r"suspen|disabl|deactivat", re.IGNORECASE)
_URGENT = re.compile(r"imminent|threat|security|integrity|unlawful|required by law|harm", re.IGNORECASE)
_SAFEGUARD = re.compile(r"notif|notice|restor|reinstat|necessary|only to the extent|as soon as", re.IGNORECASE)


def _hedged_suspension(sentence: str, cue: str) -> bool:
    return bool(_SUSPENSION.match(cue) and _URGENT.search(sentence) and len(_SAFEGUARD.findall(sentence)) >= 2)


# Title kept, or a security interest taken, only until the goods are paid for is the ordinary seller's protection.
def _until_paid(text: str, cue: str) -> bool:
    return bool(re.match(r"security|lien", cue, re.IGNORECASE)) and bool(
        re.search(r"(?:until|upon|on)\s+(?:\w+\s+){0,3}?(?:payment|paid)\s+in\s+full", text, re.IGNORECASE))


def _first_one_sided(pattern: re.Pattern[str], text: str, vendor: str | None = None) -> re.Match[str] | None:
    spans: list[tuple[int, int]] | None = None  # found only when a cue is: most clauses have none
    for found in pattern.finditer(text):
        spans = sentence_spans(text) if spans is None else spans
        a, b = next(((a, b) for a, b in spans if a <= found.start() < b), (0, len(text)))
        if _MUTUAL.search(text, a, found.start()) or _vendors_own_promise(text[a:found.start()], found.group(0),
                                                                          vendor):
            continue
        if not _hedged_suspension(text[a:b], found.group(0)) and not _until_paid(text, found.group(0)):
            return found
    return None


# Word stems every cue above holds: a lower-case look for them is far cheaper than the cues' search.
_STEMS = ("discretion", "judg", "option", "determination", "opinion", "reason", "cause", "notice", "without",
          "suspen", "disabl", "deactivat", "kill", "lock", "shut", "perpetual", "irrevocabl", "waiv", "jury",
          "class", "bond", "brought", "commenced", "filed", "deemed", "disparag", "critici", "benchmark",
          "comparative", "forfeit", "liquidated", " fee", "security interest", "lien", "train", "sell", "monetiz",
          "commerciali")


def one_sided_cue(text: str, vendor: str | None = None) -> re.Match[str] | None:
    """The first words of ``text`` that make it a one-sided term, or None when it reads as routine; ``vendor`` is
    the vendor's short name in the draft ("Ploverleaf"), when it has one."""
    low = text.lower()
    if not any(stem in low for stem in _STEMS):
        return None
    return _first_one_sided(_ONE_SIDED, text, vendor)


# Novel terms that drafters tuck into a clause the library knows (a benchmark ban at the end of the use
# restrictions, a licence to feedback inside the grant): the clause's type passes, the term inside must not.
_TUCKED_IN = re.compile(
    r"\bbenchmark\w*|\bcomparative\s+(?:test|analys)\w*|\bdisparag\w*|\bcritici[sz]\w*|"
    r"\bwaives?\b[^.;]{0,80}\b(?:jury|class)\b|"
    r"\b(?:feedback|suggestions?|ideas)\b[^.]{0,160}\b(?:perpetual|irrevocabl\w*)|"
    r"\b(?:perpetual|irrevocabl\w*)\b[^.]{0,160}\b(?:feedback|suggestions?|ideas)\b",
    re.IGNORECASE,
)


def tucked_in_term(text: str, vendor: str | None = None) -> re.Match[str] | None:
    """A novel one-sided term inside a clause of a known, unregulated type (scope, boilerplate), or None."""
    return _first_one_sided(_TUCKED_IN, text, vendor)
