"""Term extraction on CUAD: do our typed extractors read the values CUAD's annotators wrote down?

For seven CUAD categories whose normalised answers are values (a jurisdiction, a duration, a date, party
names), two settings:

(a) *given the gold span*: the extractor reads only the text the annotators highlighted (all spans of the
    category, joined by blank lines), which isolates the extractor from finding the clause;
(b) *whole document*: the extractor finds the value itself, with the same whole-document readers the
    product's key-terms summary uses (``review.terms``). Governing law: anywhere in the contract. Agreement
    date: ``agreement_date()`` (the preamble's date, a date in the title block, else the latest date beside
    the signatures). Effective date, scored twice: (b) ``effective_date()`` (a date the contract states as its
    start, or a start event it can date: the last signature, "the date first written above"), (b*) or else
    the agreement date. Parties: ``parties()`` on the whole text (the preamble, a preamble pushed down by a
    table of contents, or the signatories of an agreement "the undersigned" make). Renewal term: sentences
    about renewing or extending the agreement. Notice period: sentences about renewal or automatic
    continuation. Expiration date: ``expiration_date()`` (the term clause's end: a date, the effective date
    plus the initial term, or "perpetual").

Per field: ``accuracy`` (prediction equals the normalised gold answer, both-empty counting as right, over all
contracts in setting (b), over contracts with a gold answer and located spans in setting (a)); ``precision``
(right among contracts where we predicted something); ``recall`` (right among contracts with a gold answer).

    python -m eval.cuad_terms [DATA_DIR]     # DATA_DIR has txt/ and labels.jsonl (default ../shared/data/cuad)

Data: The Atticus Project, CUAD v1 (CC BY 4.0).
"""

from __future__ import annotations

import difflib
import json
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from eval.report import DEFAULT_DATA, markdown_table, require_data, write_report
from review_service.review import terms as T

FIELDS = [
    "Governing Law", "Renewal Term", "Notice Period To Terminate Renewal", "Agreement Date", "Effective Date",
    "Expiration Date", "Parties",
]
PREAMBLE_CHARS = 3000
ATTRIBUTION = "The Atticus Project, CUAD v1 (CC BY 4.0)"

NORMALISATION = {
    "Governing Law": (
        "answer split at ';' and ','; each piece mapped to a canonical jurisdiction with the extractor's alias "
        "table (\"England\", \"Wales\", \"England and Wales\" -> England and Wales; \"People's Republic of China\" "
        "-> China); a country dropped when a place inside it is listed (\"Ontario, Canada\" -> Ontario); pieces "
        "that are no jurisdiction (\"[* * *]\", \"the state in which the franchised restaurant is located\", "
        "treaties) kept as text, so they can never be matched. Compared as sets."),
    "Renewal Term": (
        "answer parsed as a duration (\"successive 1 year\", \"12 months\", \"2 successive 5 years\"; misspelt "
        "'successive' accepted); compared by length in days (12 months = 1 year). A prediction is right when it "
        "equals one of the answer's durations. Answers that are not durations (\"perpetual\", dates, \"[]\") "
        "cannot be matched. The 'successive' flag is scored separately."),
    "Notice Period To Terminate Renewal": (
        "answer parsed as one or more durations (\"60) days\", \"180 days / 6 months\" as alternatives); right "
        "when the predicted length in days equals one of them (within half a day)."),
    "Agreement Date": (
        "answer m/d/yy or m/d/yyyy (read day first when the first number exceeds 12: \"31/01/2025\"); compared on "
        "month, day and year (two-digit years compared modulo 100). "
        "Template dates with blanks (\"[]/[]/2020\") and multi-date answers need a partial or second date and "
        "count as misses."),
    "Effective Date": "as Agreement Date.",
    "Expiration Date": (
        "as Agreement Date; \"perpetual\" answers are scored as a class: right when we also say perpetual."),
    "Parties": (
        "answer split at top-level ';' (not inside (...) or [...]; an answer wrapped in one pair of parentheses "
        "unwrapped); aliases in parentheses removed; collective entries (\"each a Party\", \"Lender, Endorser and "
        "Fitness (AS Parties)\", \"Acme Inc. and Beta LLC (the Parties)\": entries naming other entries by name or "
        "alias) dropped. Names (ours and CUAD's alike) compared after "
        "removing parentheticals, quoted aliases, trade names (\"d/b/a ...\", \"formerly known as ...\") and "
        "qualifiers (\"and its subsidiaries\", \"on behalf of itself ...\", \"including its successors ...\"), "
        "lower-casing, "
        "'&' -> 'and', removing punctuation and legal forms (Inc, LLC, Ltd, Corp, Co, Company, Limited...), with "
        "a similarity ratio of at least 0.85 (CUAD's answers carry typos). Per-party precision/recall; a contract "
        "is right when its party sets match exactly."),
}
SCORER_CORRECTIONS = """Scorer corrections (November 2026): the Parties answers were misread where CUAD wraps a whole
answer in parentheses, puts ';' inside brackets ("Section 1(c)[Confidentiality; Non-competition]"), writes a
quoted alias after a name without parentheses, or adds qualifiers ("and all of its subsidiaries", "on behalf
of itself and ...", "including its successors and permitted assigns"); entries that name other entries again
("Marathon Petroleum Company LP and Marathon Pipe Line LLC (the Parties)") were counted as parties; and date
answers written day first ("31/01/2025") were unreadable. Read correctly, the extractor as it was before
this round scores parties 0.619 (was reported 0.581), party precision 0.876 and recall 0.649 (were 0.842 and
0.631), expiration 0.602 (was 0.599); the other fields are unchanged."""
KNOWN_FAILURES = """Where it fails (read from the error lists in the JSON report):

- Parties: preambles written as prose without "between" and without defined terms ("under which X
  authorizes Y"), parties named only on a cover sheet or a form ("Company Name: ..."), persons acting for a
  company ("Jane Doe, director of Acme"), parties joined to the preamble by "each other party identified on
  the signature page", and CUAD answers that list affiliates, parents ("a subsidiary of X") or a role for a
  blank party ("Distributor"). The signatories of agreements "the undersigned" make are many parties each
  (joint filing agreements), so they weigh heavily in party recall; CUAD's lists of them are sometimes
  shorter than the signature pages.
- Dates: CUAD answers for unsigned templates ("[]/[]/2020", "March ___, 1999") are partial; the extractor
  only returns full calendar dates, so these are misses by construction. CUAD's effective date is often the
  agreement date of an "entered into as of" preamble and as often left blank for the same wording (see
  b*), so a stated effective date is what we report. Effective dates defined by an event the text cannot
  date ("the Closing", "the Launch Date") stay empty, as do signature dates written in forms we do not read
  ("24 OCT 2011 Place Date").
- Expiration: terms measured from an event ("from the Launch Date", "following the RFS Date") are refused
  on purpose; CUAD calls "perpetual" many terms that run until an event ("until the last Patent expires",
  "for so long as X remains a shareholder"), which we do not; fixed terms that roll into an evergreen ("and
  thereafter until terminated") are read as their first end when a length is given, else missed.
- Governing law: CUAD sometimes files an arbitration venue or an anaphora ("the laws thereof") as governing
  law; the extractor reports arbitration seats and venues separately and does not resolve "thereof".
- Renewal: "perpetual" renewal answers (agreements that continue until terminated) have no renewal term."""


# ------------------------------------------------------------------------------------------ loading


def load_labels(data_dir: Path) -> list[dict]:
    with (data_dir / "labels.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def read_text(data_dir: Path, filename: str) -> str:
    return (data_dir / "txt" / filename).read_text(encoding="utf-8")


def gold_span_text(row: dict, category: str, text: str) -> str | None:
    spans = [s for s in row["labels"].get(category, {}).get("spans", []) if s.get("start") is not None]
    if not spans:
        return None
    return "\n\n".join(text[s["start"] : s["end"]] for s in sorted(spans, key=lambda s: s["start"]))


# ------------------------------------------------------------------------------------------ normalisation

_SUCC = re.compile(r"\bsuc\w*", re.I)
_DUR = re.compile(
    r"(?:(?P<count>\d+|two|three|four|five|ten)\s+(?:(?P<succ1>suc\w*)\s+)?(?=\d))?(?P<succ2>suc\w*\s+)?"
    r"\(?(?P<n>\d+(?:\.\d+)?)\)?\s*(?P<unit>day|week|month|year)s?", re.I)
_UNIT = {"day": "days", "week": "weeks", "month": "months", "year": "years"}


def gold_durations(answer: str) -> list[tuple[float, bool]]:
    """(days, successive) for each duration in a CUAD duration answer; [] when it holds none."""
    out = []
    for m in _DUR.finditer(answer):
        unit = _UNIT[m.group("unit").lower()]
        days = float(m.group("n")) * T._UNIT_DAYS[unit]
        out.append((round(days, 2), bool(m.group("succ1") or m.group("succ2") or _SUCC.search(answer))))
    return out


def same_days(a: float, b: float) -> bool:
    return abs(a - b) <= 0.5


_GOLD_DATE = re.compile(r"(\[\]|\d{1,2})\s*/\s*(\[\]|\d{1,2})\s*/\s*(\[\]|\d{2,4}|\d{2}\[\]|19\[\]|20\[\])")


def gold_dates(answer: str) -> list[tuple[int | None, int | None, int | None]]:
    """(month, day, year-mod-100) triples from a CUAD date answer; None for a blank ("[]")."""
    out: list[tuple[int | None, int | None, int | None]] = []
    for m in _GOLD_DATE.finditer(answer):
        mo, d, y = (None if "[" in g else int(g) for g in m.groups())
        if mo is not None and d is not None and mo > 12 >= d:
            mo, d = d, mo  # written day first ("31/01/2025")
        out.append((mo, d, None if y is None else y % 100))
    return out


def date_key(d: date) -> tuple[int, int, int]:
    return (d.month, d.day, d.year % 100)


def gold_jurisdictions(answer: str) -> set[str]:
    pieces = [p.strip() for p in re.split(r"[;,]", answer) if p.strip()]
    found: list[tuple[str, str, str | None]] = []
    raw: set[str] = set()
    for p in pieces:
        got = T.lookup_jurisdiction(p)
        if got is None:
            raw.add(p.lower())
        else:
            found.append(got)
    inner = {c for n, k, c in found if not (k == "country" and n == c)}
    names = {n for n, k, c in found if not (k == "country" and n == c and n in inner)}
    return names | raw


_LEGAL = re.compile(
    r"\b(?:inc|incorporated|llc|l l c|ltd|limited|corp|corporation|co|company|plc|lp|l p|llp|sa|s a|ag|gmbh|nv|"
    r"bv|pty|s a s|ltda|spa|s p a|na|n a|the)\b")


# Words after a party's name that say whom it acts for or includes, not who it is ("Acme Inc. and all of its
# subsidiaries", "Beta LLC, on behalf of itself and its affiliates", "including its successors and assigns").
_QUALIFIER = re.compile(
    r",?\s+(?:(?:and|together\s+with|including)\s+(?:all\s+of\s+)?(?:its|his|her|their)\s+"
    r"(?:\w+\s+)?(?:subsidiar|affiliat|successor|heir|assign|related)|on\s+behalf\s+of\b|solely\s+(?:for|as|in)\b"
    r"|not\s+individually\b).*$", re.I | re.S)


def norm_name(s: str) -> str:
    """Lower case, no parentheticals or quoted aliases, no trade names ("d/b/a ...", "formerly known as ..."),
    no qualifiers ("and its subsidiaries", "on behalf of itself ..."), no punctuation, no legal forms."""
    s = re.sub(r"\([^()]*\)", " ", s)
    s = re.sub(r"[\"“][^\"“”]{1,80}[\"”]", " ", s)
    s = _QUALIFIER.sub("", s)
    s = re.split(r"\b(?:d/b/a|dba|doing\s+business\s+as|formerly\s+known\s+as|f/k/a|a/k/a)\b", s, flags=re.I)[0]
    s = s.lower().replace("&", " and ").replace("’", "'")
    s = re.sub(r"[^\w\s]", " ", s)
    s = _LEGAL.sub(" ", s)
    return re.sub(r"\s+", " ", s).strip()


def _top_split(s: str, sep: str = ";") -> list[str]:
    out: list[str] = []
    cur: list[str] = []
    depth = 0
    for ch in s:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        if ch == sep and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur))
    return [p.strip() for p in out if p.strip()]


def _wrapped(s: str) -> bool:
    """Whether ``s`` is one parenthesis from its first character to its last."""
    if not (s.startswith("(") and s.endswith(")")):
        return False
    depth = 0
    for i, ch in enumerate(s):
        depth += (ch == "(") - (ch == ")")
        if depth == 0 and i < len(s) - 1:
            return False
    return True


_ALIAS_IN = re.compile(r"[\"“”']([^\"“”']{1,80})[\"“”']")


def gold_parties(answer: str) -> tuple[list[str], set[str]]:
    """(party names, aliases) from a CUAD Parties answer."""
    names: list[str] = []
    aliases: set[str] = set()
    answer = answer.strip()
    if _wrapped(answer):
        answer = answer[1:-1]  # the whole answer in parentheses: "(A ("a"); B ("b"))"
    for piece in _top_split(answer):
        quoted = [a.strip().lower() for a in _ALIAS_IN.findall(piece)]
        if re.match(r"^\(?\s*(?:each|collectively|individually|together|\(?[\"“]?part(?:y|ies))", piece, re.I):
            continue
        name = re.sub(r"\([^()]*[\"“”'][^()]*\)", " ", piece)  # parenthesised aliases
        name = re.sub(r"^\(+", "", name).strip(" ,;")
        if name.count(")") > name.count("("):
            name = name.rstrip(")").strip(" ,;")
        if not name or re.search(r"\b(?:collectively|individually|referred)\b", name, re.I):
            continue
        if not norm_name(name):
            continue
        names.append(name)
        aliases.update(a for a in quoted if not re.match(r"^(?:the\s+)?part(?:y|ies)\.?$", a))
    # A collective entry names other entries again, by name or alias, joined by "and", "and/or", "together
    # with" ("Lender, Endorser and Fitness ("AS Parties")", "Acme Inc. and Beta LLC ("Parties")").
    def collective(i: int, n: str) -> bool:
        parts = [w for w in re.split(r",|\band/or\b|\band\b|\btogether\s+with\b|\bor\b", n) if w.strip(" ,")]
        others = names[:i] + names[i + 1:]
        return len(parts) >= 2 and all(
            p.strip(" ,\"“”").lower() in aliases or any(names_match(p, o) for o in others)
            or any(names_match(p, a) for a in aliases) for p in parts)

    names = [n for i, n in enumerate(names) if not collective(i, n)]
    return names, aliases


def names_match(a: str, b: str) -> bool:
    na, nb = norm_name(a), norm_name(b)
    if not na or not nb:
        return False
    return na == nb or difflib.SequenceMatcher(None, na, nb).ratio() >= 0.85


# ------------------------------------------------------------------------------------------ scoring


@dataclass
class Score:
    """Document-level counts for one field in one setting."""

    docs: int = 0
    gold: int = 0
    pred: int = 0
    right_pred: int = 0  # predicted something and it was right
    right: int = 0  # including both empty
    extra: Counter = field(default_factory=Counter)
    errors: list[dict] = field(default_factory=list)

    def add(self, has_gold: bool, has_pred: bool, correct: bool, example: dict | None = None) -> None:
        self.docs += 1
        self.gold += has_gold
        self.pred += has_pred
        self.right_pred += has_pred and correct
        self.right += correct or (not has_gold and not has_pred)
        if example is not None and not (correct or (not has_gold and not has_pred)) and len(self.errors) < 400:
            self.errors.append(example)

    def figures(self) -> dict:
        acc = self.right / self.docs if self.docs else None
        prec = self.right_pred / self.pred if self.pred else None
        rec = self.right_pred / self.gold if self.gold else None
        return {"contracts": self.docs, "with_gold": self.gold, "predicted": self.pred, "right": self.right_pred,
                "accuracy": acc, "precision": prec, "recall": rec, **dict(self.extra)}


# ------------------------------------------------------------------------------------------ predictors


# The whole-document date readers live in ``review.terms`` (the product uses them too); these names keep the
# evaluation's vocabulary.
preamble_dates = T.preamble_dates
signature_dates = T.signature_dates
predict_agreement_date = T.agreement_date
expiration_from = T.expiration_from
predict_expiration = T.expiration_date


def predict_effective_date(text: str, *, fallback_to_agreement: bool = False) -> date | None:
    """A date the contract states as its effective date; else (optionally) the agreement date."""
    got = T.effective_date(text)
    if got is None and fallback_to_agreement:
        return T.agreement_date(text)
    return got


# Sentences about renewing the agreement itself: a renewal word, or "extend"/"continue" near "term",
# "agreement" or "contract"; definitions ("Calendar Quarter means each successive period ...") left out.
_RENEW_SENT = re.compile(
    r"\b(?:renew\w*|non-?renewal|year[\s-]+to[\s-]+year|month[\s-]+to[\s-]+month)\b"
    r"|\b(?:extend\w*|extension|continu\w*|prolong\w*)\b[^.;]{0,80}\b(?:term|agreement|contract)\b"
    r"|\b(?:term|agreement|contract)\b[^.;]{0,80}\b(?:extend\w*|extension|continu\w*|prolong\w*)\b",
    re.I)
_DEFINITION = re.compile(
    r"^\W*(?:\d[\d.]*\s*)?[\"“][^\"”]{1,60}[\"”]\s+(?:means|shall\s+mean|has\s+the\s+meaning)", re.I)


_NOTICE_SENT = re.compile(
    r"\b(?:renew\w*|non-?renewal|automatic\w*)\b|\b(?:continu|remain)\w*[^.;]{0,80}\buntil\b"
    r"|\b(?:following|after)\s+the\s+initial\s+term\b", re.I)


def notice_sentences(text: str) -> str:
    """Sentences that can carry the notice to stop a renewal: renewal words, automatic continuation."""
    keep = []
    for s, e in T.sentence_spans(text):
        sent = text[s:e]
        if _NOTICE_SENT.search(sent) and not _DEFINITION.match(sent):
            keep.append(sent)
    return "\n\n".join(keep)


def renewal_sentences(text: str) -> str:
    keep = []
    for s, e in T.sentence_spans(text):
        sent = text[s:e]
        if _RENEW_SENT.search(sent) and not _DEFINITION.match(sent):
            keep.append(sent)
    return "\n\n".join(keep)


def parties_region(row: dict, text: str) -> str | None:
    spans = [s for s in row["labels"]["Parties"]["spans"] if s.get("start") is not None and s["start"] < 6000]
    if not spans:
        return None
    lo = min(s["start"] for s in spans)
    hi = max(s["end"] for s in spans)
    return text[max(0, lo - 400) : hi + 200]


# ------------------------------------------------------------------------------------------ evaluation


def _score_set(score: Score, gold: set[str], pred: set[str], example: dict) -> None:
    score.add(bool(gold), bool(pred), bool(gold) and pred == gold, example)
    if gold and pred and pred & gold:
        score.extra["overlap"] += 1


def evaluate(data_dir: Path, limit: int | None = None) -> dict:
    rows = load_labels(data_dir)[:limit]
    scores: dict[tuple[str, str], Score] = defaultdict(Score)
    party_counts: dict[str, Counter] = defaultdict(Counter)
    succ: Counter[str] = Counter()
    seconds = reader_seconds = 0.0
    chars = 0
    for row in rows:
        text = read_text(data_dir, row["filename"])
        labels = row["labels"]
        t0 = time.perf_counter()
        T.extract_terms(text)
        seconds += time.perf_counter() - t0
        t0 = time.perf_counter()
        T.agreement_date(text), T.effective_date(text), T.expiration_date(text)
        reader_seconds += time.perf_counter() - t0
        chars += len(text)
        doc = row["filename"]

        # Governing law
        ans = labels["Governing Law"]["answer"]
        gold = gold_jurisdictions(ans) if ans else set()
        span = gold_span_text(row, "Governing Law", text)
        if gold and span is not None:
            pred = {j.name for j in T.governing_law(span)}
            _score_set(scores["Governing Law", "a"], gold, pred, {"doc": doc, "gold": ans, "pred": sorted(pred),
                                                                   "text": span[:300]})
        pred = {j.name for j in T.governing_law(text)}
        _score_set(scores["Governing Law", "b"], gold, pred, {"doc": doc, "gold": ans, "pred": sorted(pred)})

        # Renewal term
        ans = labels["Renewal Term"]["answer"]
        gd = gold_durations(ans) if ans else []
        span = gold_span_text(row, "Renewal Term", text)
        for setting, src in (("a", span if ans else None), ("b", renewal_sentences(text))):
            if src is None:
                continue
            rt = T.renewal_term(src)
            correct = rt is not None and any(same_days(rt.duration.days, g[0]) for g in gd)
            scores["Renewal Term", setting].add(bool(ans), rt is not None, correct, {
                "doc": doc, "gold": ans, "pred": None if rt is None else
                f"{'successive ' if rt.successive else ''}{rt.duration.value:g} {rt.duration.unit}",
                "text": (src or "")[:300]})
            if correct and setting == "a":
                succ["right"] += rt.successive == any(g[1] for g in gd)  # type: ignore[union-attr]
                succ["n"] += 1

        # Notice period to terminate renewal
        ans = labels["Notice Period To Terminate Renewal"]["answer"]
        gd = gold_durations(ans) if ans else []
        span = gold_span_text(row, "Notice Period To Terminate Renewal", text)
        for setting, src in (("a", span if ans else None), ("b", notice_sentences(text))):
            if src is None:
                continue
            nd = T.renewal_notice(src)
            correct = nd is not None and any(same_days(nd.days, g[0]) for g in gd)
            scores["Notice Period To Terminate Renewal", setting].add(bool(ans), nd is not None, correct, {
                "doc": doc, "gold": ans, "pred": None if nd is None else nd.text, "text": (src or "")[:300]})

        # Dates
        for cat, whole_fn in (("Agreement Date", predict_agreement_date), ("Effective Date", predict_effective_date),
                              ("Effective Date*", lambda t: predict_effective_date(t, fallback_to_agreement=True))):
            setting_b = "b" if not cat.endswith("*") else "b*"
            cat = cat.rstrip("*")
            ans = labels[cat]["answer"]
            gkeys = gold_dates(ans) if ans else []
            span = gold_span_text(row, cat, text)
            if ans and span is not None and setting_b == "b":
                ds = T.dates(span)
                pa = ds[0].value if ds else None
                ok = pa is not None and date_key(pa) in gkeys
                scores[cat, "a"].add(True, pa is not None, ok, {"doc": doc, "gold": ans, "pred": str(pa),
                                                                "text": span[:200]})
            pb = whole_fn(text)
            ok = pb is not None and date_key(pb) in gkeys
            scores[cat, setting_b].add(bool(ans), pb is not None, ok, {"doc": doc, "gold": ans, "pred": str(pb)})
            if ans and not any(all(x is not None for x in k) for k in gkeys):
                scores[cat, setting_b].extra["gold_not_a_full_date"] += 1

        ans = labels["Expiration Date"]["answer"]
        gkeys = gold_dates(ans) if ans else []
        g_perp = ans.strip().lower() == "perpetual"
        span = gold_span_text(row, "Expiration Date", text)
        for setting, src in (("a", span if ans else None), ("b", text)):
            if src is None:
                continue
            pe = expiration_from(src, text) if setting == "a" else predict_expiration(text)
            ok = (pe == "perpetual" and g_perp) or (isinstance(pe, date) and date_key(pe) in gkeys)
            example = {"doc": doc, "gold": ans, "pred": str(pe), "text": (src or "")[:200]}
            scores["Expiration Date", setting].add(bool(ans), pe is not None, ok, example)

        # Parties
        ans = labels["Parties"]["answer"]
        gnames, galiases = gold_parties(ans) if ans else ([], set())
        region = parties_region(row, text)
        for setting, src in (("a", region if gnames else None), ("b", text)):
            if src is None:
                continue
            ps = T.parties(src)
            c = party_counts[setting]
            matched_gold = sum(any(names_match(g, p.name) for p in ps) for g in gnames)
            matched_pred = sum(any(names_match(g, p.name) for g in gnames) for p in ps)
            c["gold"] += len(gnames)
            c["pred"] += len(ps)
            c["gold_found"] += matched_gold
            c["pred_right"] += matched_pred
            paliases = {a.lower() for p in ps for a in p.aliases}
            c["gold_aliases"] += len(galiases)
            c["pred_aliases"] += len(paliases)
            c["aliases_right"] += len(galiases & paliases)
            exact = bool(gnames) and matched_gold == len(gnames) and matched_pred == len(ps)
            scores["Parties", setting].add(bool(gnames), bool(ps), exact, {
                "doc": doc, "gold": ans[:200], "pred": [p.name for p in ps]})

    out: dict = {
        "data": str(data_dir),
        "attribution": ATTRIBUTION,
        "contracts": len(rows),
        "normalisation": NORMALISATION,
        "scorer_corrections": SCORER_CORRECTIONS,
        "settings": {
            "a": "given the gold span text (all spans of the category joined)",
            "b": "whole document (governing law: anywhere; agreement date: the preamble's date, a date in the title "
                 "block, else the latest date beside the signatures; effective date: a date the contract states as "
                 "its start or a start event it can date; parties: the preamble, or the signatories of an agreement "
                 "'the undersigned' make; renewal term: sentences about renewing or extending the agreement; "
                 "notice: sentences about renewal or automatic continuation; expiration: the term clause's end, "
                 "a date, effective date + initial term, or perpetual)",
            "b*": "as (b), effective date falling back to the agreement date",
        },
        "fields": {},
        "extract_terms_seconds": seconds,
        "extract_terms_ms_per_100k_chars": 1000 * seconds / chars * 100_000 if chars else None,
        "document_dates_seconds": reader_seconds,
        "document_dates_ms_per_100k_chars": 1000 * reader_seconds / chars * 100_000 if chars else None,
    }
    for f in FIELDS:
        out["fields"][f] = {s: scores[f, s].figures() for s in ("a", "b", "b*") if (f, s) in scores}
    out["fields"]["Renewal Term"]["successive_flag_agreement_when_duration_right"] = (
        succ["right"] / succ["n"] if succ["n"] else None)
    for s, c in party_counts.items():
        out["fields"]["Parties"][s].update({
            "party_precision": c["pred_right"] / c["pred"] if c["pred"] else None,
            "party_recall": c["gold_found"] / c["gold"] if c["gold"] else None,
            "alias_precision": c["aliases_right"] / c["pred_aliases"] if c["pred_aliases"] else None,
            "alias_recall": c["aliases_right"] / c["gold_aliases"] if c["gold_aliases"] else None,
        })
    # error examples: contract, CUAD's answer and ours only (no contract text in the repository)
    out["errors"] = {f"{f} ({s})": [{k: v for k, v in e.items() if k != "text"} for e in scores[f, s].errors[:25]]
                     for f, s in scores}
    return out


def _fmt(v: object) -> object:
    return "-" if v is None else v


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    data_dir = require_data(Path(args[0]) if args else DEFAULT_DATA / "cuad", "CUAD data")
    limit = int(args[1]) if len(args) > 1 else None
    r = evaluate(data_dir, limit)
    rows = []
    for f in FIELDS:
        for s, v in r["fields"][f].items():
            if not isinstance(v, dict):
                continue
            rows.append((f, s, v["contracts"], v["with_gold"], v["predicted"], v["right"], _fmt(v["accuracy"]),
                         _fmt(v["precision"]), _fmt(v["recall"])))
    table = markdown_table(["field", "setting", "contracts", "with gold", "predicted", "right", "accuracy",
                            "precision", "recall"], rows)
    p = r["fields"]["Parties"]
    party_rows = [(s, _fmt(p[s].get("party_precision")), _fmt(p[s].get("party_recall")),
                   _fmt(p[s].get("alias_precision")), _fmt(p[s].get("alias_recall"))) for s in ("a", "b") if s in p]
    norm = "\n".join(f"- **{k}**: {v}" for k, v in NORMALISATION.items())
    body = (
        f"# Term extraction on CUAD\n\nData: `{data_dir}` ({r['contracts']} contracts; {ATTRIBUTION}).\n\n"
        f"Settings: (a) {r['settings']['a']}; (b) {r['settings']['b']}; (b*) {r['settings']['b*']}.\n\n"
        f"{table}\n\n"
        "Accuracy counts a contract right when the prediction equals the normalised answer (in setting (b) "
        "also when both are empty); precision is over contracts where we predicted a value, recall over "
        "contracts with a gold answer.\n\n"
        "Parties, per party and per alias:\n\n"
        + markdown_table(["setting", "party precision", "party recall", "alias precision", "alias recall"],
                         party_rows)
        + "\n\nRenewal term: when the duration is right, the 'successive' flag agrees with CUAD's answer in "
        f"{r['fields']['Renewal Term']['successive_flag_agreement_when_duration_right'] or 0:.3f} of cases.\n\n"
        f"Speed: `extract_terms` on the whole contract, {r['extract_terms_ms_per_100k_chars']:.1f} ms per "
        f"100,000 characters ({r['extract_terms_seconds']:.2f} s for all {r['contracts']} contracts); the "
        "whole-document date readers (agreement_date, effective_date, expiration_date) "
        f"{r['document_dates_ms_per_100k_chars']:.1f} ms per 100,000 characters. Timings taken on a shared "
        "machine: compare within one run.\n\n"
        f"How answers were normalised for comparison:\n\n{norm}\n\n{SCORER_CORRECTIONS}\n\n{KNOWN_FAILURES}\n"
    )
    print(body)
    path = write_report("cuad_terms", r, body)
    print(f"\nwritten: {path} and {path.with_suffix('.json')}")


if __name__ == "__main__":
    main()
