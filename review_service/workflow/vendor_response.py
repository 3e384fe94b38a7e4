"""The response to the vendor: the review of one version written up as a Word document that procurement sends
back to the vendor.

What goes in, for each deviation above ``info`` in the review:

- the vendor's clause as the draft has it (or a note that the clause is missing);
- what is wrong, in plain words for someone outside the company: the engine's message with the internal
  vocabulary (the playbook, the library) taken out;
- the language proposed instead, once as Word tracked changes to the vendor's clause (the vendor's words as
  deletions, ours as insertions, which the vendor can accept or reject in Word) and once more as clean text: the
  fallback language when legal chose the fallback, the approved language otherwise;
- legal's decision and comments: the comment legal gave with the decision, and the comments legal wrote on that
  deviation. Comments by others and general comments on the contract are internal and stay out.

Deviations legal accepted are listed together as accepted. Severities, rule ids, the route and the business
context are internal and never written.

``gather`` reads the stored review, decisions and comments (no HTTP); ``build_docx`` turns what it gathered into
the document's bytes.

python-docx has no API for revisions, so the tracked changes are ``w:ins`` and ``w:del`` elements written with
``docx.oxml``, authored by whoever prepared the response and dated when it was prepared.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from docx import Document as new_document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from review_service.repository.errors import NotFoundError, NotReviewedError
from review_service.repository.models import Comment, Contract, Deviation, Review, User
from review_service.review.redline import redline

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LEGAL_ROLES = frozenset({"legal", "senior_legal"})
MUTED = RGBColor(0x55, 0x5F, 0x6D)
REVISION_AUTHOR = "Vetted"  # the tracked changes' author when the preparer has no name

# What the response says about each of legal's decisions (None: legal has not decided yet).
POSITIONS = {
    "reject": "Not acceptable as drafted: please replace it with our standard language below.",
    "fallback": "Acceptable with changes: we can agree to the compromise language below.",
    None: "Still under review by our legal team; our standard language is shown for reference.",
}
SHORT_POSITIONS = {"reject": "Replace with our standard language", "fallback": "Agree with changes",
                   None: "Under review", "accept": "Accepted as drafted"}


@dataclass(frozen=True)
class ResponseComment:
    author: str
    text: str
    at: dt.datetime | None


@dataclass(frozen=True)
class ResponseIssue:
    """One deviation found in a clause: what is wrong, and legal's decision on it."""

    reason: str
    decision: str | None  # accept | reject | fallback | None (undecided)
    decided_by: str | None = None
    decided_at: dt.datetime | None = None


@dataclass(frozen=True)
class ResponsePoint:
    """One clause of the vendor's draft (or one missing clause) as the vendor reads it, with every deviation
    found in it: a lawyer answers a clause once, not once per rule it breaks."""

    topic: str
    clause_ref: str  # "Clause 7 (Limitation of Liability)", or "Missing clause"
    vendor_text: str | None  # None when the clause is missing
    issues: list[ResponseIssue]
    proposal_kind: str | None  # "fallback" | "standard" | None (nothing to propose)
    proposed_text: str | None
    redline: list[dict[str, str]]
    comments: list[ResponseComment] = field(default_factory=list)

    @property
    def decision(self) -> str | None:
        """The clause's outcome: accepted when every issue is; rejected when any is; undecided while any is;
        otherwise settled with the fallback."""
        decisions = [i.decision for i in self.issues]
        if all(d == "accept" for d in decisions):
            return "accept"
        if "reject" in decisions:
            return "reject"
        if None in decisions:
            return None
        return "fallback"


@dataclass(frozen=True)
class VendorResponse:
    contract_id: int
    title: str
    vendor: str
    contract_type: str
    state: str
    version_number: int
    filename: str
    reviewed_at: dt.datetime
    prepared_by: str  # display name, else username
    prepared_at: dt.datetime
    changes: list[ResponsePoint]  # reject, fallback or undecided
    accepted: list[ResponsePoint]

    @property
    def undecided(self) -> int:
        return sum(1 for p in self.changes if p.decision is None)

    @property
    def filename_for_download(self) -> str:
        stem = f"response {self.vendor} {self.title} v{self.version_number}"
        safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in stem)
        while "--" in safe:
            safe = safe.replace("--", "-")
        return safe.strip("-")[:150] + ".docx"


# ------------------------------------------------------------------------------------------ gathering


def topic_name(clause_type: str | None) -> str:
    """``limitation_of_liability`` → ``Limitation of liability`` (the review stores ids, not titles)."""
    if not clause_type:
        return "Unrecognised term"
    words = clause_type.replace("_", " ")
    return words[:1].upper() + words[1:]


def plain_reason(entry: dict[str, Any]) -> str:
    """What is wrong with the vendor's wording, for the vendor: no internal vocabulary."""
    kind = entry.get("kind")
    topic = topic_name(entry.get("clause_type")).lower()
    if kind == "missing":
        return f"The draft has no {topic} clause; we need one in this agreement."
    if kind == "unrecognized":
        return ("This term is not one we usually agree to, and we could not match it to any of our standard "
                "positions. Please tell us why it is needed, or remove it.")
    if kind == "non_standard":
        return f"This {topic} clause is worded differently from the positions we can accept."
    message = str(entry.get("message") or "").strip()
    for internal, outside in (("the playbook requires", "our contracting policy requires"),
                              ("The playbook requires", "Our contracting policy requires"),
                              ("the playbook", "our contracting policy"), ("the library", "our standard terms")):
        message = message.replace(internal, outside)
    return message or f"This {topic} clause departs from the positions we can accept."


def _clause_body(clause: dict[str, Any]) -> str:
    text = str(clause.get("text") or "")
    number = clause.get("number")
    if number and text.startswith(number):
        text = text[len(number):]
    return " ".join(text.split())


def _clause_ref(clause: dict[str, Any] | None, topic: str) -> str:
    if clause is None:
        return "Missing clause"
    label = f"Clause {str(clause['number']).rstrip('.')}" if clause.get("number") else "Clause"
    heading = clause.get("heading")
    return f"{label} ({heading.strip().rstrip('.')})" if heading else f"{label} ({topic})"


def _proposal(group: list[tuple[dict[str, Any], Deviation | None]], clause: dict[str, Any] | None,
              decision: str | None) -> tuple[str | None, str | None, list[dict[str, str]]]:
    """The language proposed for a clause and its redline from the vendor's wording: the fallback when legal
    settled the clause with it, the approved text otherwise."""
    open_entries = [e for e, row in group if row is None or row.decision != "accept"] or [e for e, _ in group]
    fallback = next((e.get("fallback_text") for e, row in group if row is not None and row.decision == "fallback"
                     and e.get("fallback_text")), None)
    standard = next((e for e in open_entries if e.get("library_text")), None)
    if decision == "fallback" and fallback:
        kind, text, stored = "fallback", str(fallback), None
    elif standard is not None:
        kind, text, stored = "standard", str(standard["library_text"]), standard.get("redline")
    else:
        return None, None, []
    if clause is None:
        return kind, text, [{"op": "insert", "text": " ".join(text.split())}]
    if stored:
        return kind, text, list(stored)  # the engine's own redline, vendor wording → approved text
    return kind, text, redline(_clause_body(clause), text)


def _review_of(session: Session, contract: Contract, version_number: int | None) -> Review:
    versions = {v.number: v for v in contract.versions}
    if not versions:
        raise NotReviewedError("the contract has no version yet")
    number = version_number if version_number is not None else max(versions)
    version = versions.get(number)
    if version is None:
        raise NotFoundError(f"the contract has no version {number} (it has {', '.join(map(str, sorted(versions)))})")
    review = session.scalars(select(Review).where(Review.version_id == version.id).order_by(Review.id.desc())
                             .limit(1).options(selectinload(Review.deviations))).first()
    if review is None:
        raise NotReviewedError(f"version {number} is not reviewed yet: wait for its review, then download the "
                               "response")
    return review


def gather(session: Session, contract: Contract, *, prepared_by: User, version_number: int | None = None,
           now: dt.datetime | None = None) -> VendorResponse:
    """The response for a version of ``contract`` (default: the latest), from its newest review, legal's decisions
    and legal's comments on the deviations. Raises ``NotReviewedError`` when that version has no review yet."""
    review = _review_of(session, contract, version_number)
    entries: list[dict[str, Any]] = list(review.result.get("deviations", []))
    clauses = {c["id"]: c for c in review.result.get("clauses", [])}
    order = {cid: i for i, cid in enumerate(clauses)}
    rows: dict[int, Deviation] = {d.ordinal: d for d in review.deviations}

    people = {u.id: u for u in session.scalars(select(User).where(
        User.id.in_({d.decided_by for d in review.deviations if d.decided_by is not None})))}
    by_deviation: dict[int, list[ResponseComment]] = {}
    if rows:
        for c in session.scalars(select(Comment).where(Comment.deviation_id.in_([d.id for d in rows.values()]))
                                 .order_by(Comment.id).options(selectinload(Comment.author))):
            if c.author.role in LEGAL_ROLES and c.deviation_id is not None:
                by_deviation.setdefault(c.deviation_id, []).append(
                    ResponseComment(c.author.display_name, c.body.strip(), c.created_at))

    # Deviations above info, grouped by clause in the draft's order; missing clauses after, one each.
    groups: dict[str, list[tuple[dict[str, Any], Deviation | None]]] = {}
    for ordinal, entry in enumerate(entries):
        if entry.get("severity") == "info":
            continue
        key = entry.get("clause_id") if entry.get("clause_id") in clauses else f"missing:{ordinal}"
        groups.setdefault(str(key), []).append((entry, rows.get(ordinal)))

    def name(user_id: int | None) -> str | None:
        person = people.get(user_id) if user_id is not None else None
        return person.display_name if person else None

    points: list[tuple[int, ResponsePoint]] = []
    for index, (key, group) in enumerate(groups.items()):
        clause = clauses.get(key)
        topics = list(dict.fromkeys(topic_name(e.get("clause_type")) for e, _ in group))
        issues, comments = [], []
        for entry, row in group:
            issues.append(ResponseIssue(plain_reason(entry), row.decision if row else None,
                                        name(row.decided_by) if row else None, row.decided_at if row else None))
            if row is not None and row.comment and row.comment.strip():
                comments.append(ResponseComment(name(row.decided_by) or "Legal", row.comment.strip(),
                                                row.decided_at))
            if row is not None:
                comments += by_deviation.get(row.id, [])
        point = ResponsePoint(topic=" and ".join(topics), clause_ref=_clause_ref(clause, topics[0]),
                              vendor_text=_clause_body(clause) if clause is not None else None, issues=issues,
                              proposal_kind=None, proposed_text=None, redline=[], comments=comments)
        kind, text, runs = _proposal(group, clause, point.decision)
        point = dataclasses.replace(point, proposal_kind=kind, proposed_text=text, redline=runs)
        points.append((order.get(key, len(order) + index), point))
    points.sort(key=lambda p: p[0])
    version = review.version
    return VendorResponse(
        contract_id=contract.id, title=contract.title, vendor=contract.vendor, contract_type=contract.contract_type,
        state=contract.state, version_number=version.number, filename=version.filename,
        reviewed_at=review.created_at,
        prepared_by=(prepared_by.display_name or "").strip() or prepared_by.username,
        prepared_at=now or dt.datetime.now(dt.UTC),
        changes=[p for _, p in points if p.decision != "accept"],
        accepted=[p for _, p in points if p.decision == "accept"])


# ------------------------------------------------------------------------------------------ the document


def _date(at: dt.datetime) -> str:
    return f"{at:%d %B %Y}".lstrip("0")


def _label(paragraph: Paragraph, label: str) -> None:
    run = paragraph.add_run(label)
    run.bold = True


def _revision_date(at: dt.datetime) -> str:
    """``w:date``: ISO 8601 in UTC to the second, as Word writes it (a naive time is taken as UTC)."""
    if at.tzinfo is not None:
        at = at.astimezone(dt.UTC)
    return f"{at:%Y-%m-%dT%H:%M:%S}Z"


# Elements of w:settings that the schema places after w:trackRevisions (Word rejects a settings part out of order).
_AFTER_TRACK_REVISIONS = frozenset(qn(f"w:{t}") for t in (
    "doNotTrackMoves", "doNotTrackFormatting", "documentProtection", "autoFormatOverride", "styleLockTheme",
    "styleLockQFSet", "defaultTabStop", "autoHyphenation", "consecutiveHyphenLimit", "hyphenationZone",
    "doNotHyphenateCaps", "showEnvelope", "summaryLength", "clickAndTypeStyle", "defaultTableStyle",
    "evenAndOddHeaders", "bookFoldRevPrinting", "bookFoldPrinting", "bookFoldPrintingSheets",
    "drawingGridHorizontalSpacing", "drawingGridVerticalSpacing", "displayHorizontalDrawingGridEvery",
    "displayVerticalDrawingGridEvery", "doNotUseMarginsForDrawingGridOrigin", "drawingGridHorizontalOrigin",
    "drawingGridVerticalOrigin", "doNotShadeFormData", "noPunctuationKerning", "characterSpacingControl",
    "printTwoOnOne", "strictFirstAndLastChars", "noLineBreaksAfter", "noLineBreaksBefore", "savePreviewPicture",
    "doNotValidateAgainstSchema", "saveInvalidXml", "ignoreMixedContent", "alwaysShowPlaceholderText",
    "doNotDemarcateInvalidXml", "saveXmlDataOnly", "useXSLTWhenSaving", "saveThroughXslt", "showXMLTags",
    "alwaysMergeEmptyNamespace", "updateFields", "hdrShapeDefaults", "footnotePr", "endnotePr", "compat",
    "docVars", "rsids", "attachedSchema", "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures", "forceUpgrade", "captions", "readModeInkLockDown", "smartTagType",
    "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol", "listSeparator",
))


def _track_changes(doc: Any) -> None:
    """Switch Word's Track Changes on, so that the vendor's edits to our proposal come back as revisions too."""
    settings = doc.settings.element
    if settings.find(qn("w:trackRevisions")) is not None:
        return
    track = OxmlElement("w:trackRevisions")
    later = next((child for child in settings if child.tag in _AFTER_TRACK_REVISIONS
                  or child.tag.startswith("{http://schemas.openxmlformats.org/officeDocument/2006/math}")), None)
    if later is None:
        settings.append(track)
    else:
        later.addprevious(track)


class _Revisions:
    """The document's tracked changes: one author and date for all of them, and ids unique in the document."""

    def __init__(self, doc: Any, author: str, at: dt.datetime) -> None:
        self.author = author.strip() or REVISION_AUTHOR
        self.date = _revision_date(at)
        taken = [int(v) for v in doc.element.xpath("//@w:id") if str(v).isdigit()]
        self._next = max(taken, default=0) + 1

    def _run(self, text: str, text_tag: str) -> Any:
        run = OxmlElement("w:r")
        t = OxmlElement(text_tag)
        t.text = text
        if text != text.strip():
            t.set(qn("xml:space"), "preserve")
        run.append(t)
        return run

    def add(self, paragraph: Paragraph, op: str, text: str) -> None:
        """Append ``text`` to ``paragraph``: as a plain run (``equal``), a tracked deletion (``delete``: ``w:del``
        around a run whose text is ``w:delText``) or a tracked insertion (``insert``: ``w:ins``)."""
        if op == "equal":
            paragraph.add_run(text)
            return
        tag, text_tag = ("w:del", "w:delText") if op == "delete" else ("w:ins", "w:t")
        change = OxmlElement(tag)
        change.set(qn("w:id"), str(self._next))
        change.set(qn("w:author"), self.author)
        change.set(qn("w:date"), self.date)
        self._next += 1
        change.append(self._run(text, text_tag))
        paragraph._p.append(change)


def _redline_paragraph(paragraph: Paragraph, runs: list[dict[str, str]], revisions: _Revisions) -> None:
    """The redline as Word tracked changes: deletions of the vendor's words, insertions of ours, unchanged words
    as plain text. Word draws the changes itself, so the runs carry no strike, underline or colour.

    The space between two runs belongs to whichever reading needs it, so that accepting every change gives the
    proposed text and rejecting every change gives the vendor's, each with single spaces: a space before a
    deleted word is deleted with it, one before an inserted word is inserted with it, and one before unchanged
    words is plain only when both readings have words before it.
    """
    accepted = rejected = False  # whether the accepted / rejected reading has words so far
    for r in runs:
        op, text = r["op"], r["text"]
        if op == "delete":
            revisions.add(paragraph, "delete", (" " if rejected else "") + text)
            rejected = True
        elif op == "insert":
            revisions.add(paragraph, "insert", (" " if accepted else "") + text)
            accepted = True
        else:
            if accepted and rejected:
                text = " " + text
            elif rejected:
                revisions.add(paragraph, "delete", " ")
            elif accepted:
                revisions.add(paragraph, "insert", " ")
            revisions.add(paragraph, "equal", text)
            accepted = rejected = True


def _summary_line(response: VendorResponse) -> str:
    n_changes = len(response.changes) - response.undecided
    parts = [f"We have reviewed version {response.version_number} of {response.title} ({response.filename}), "
             f"received from {response.vendor}."]
    if not response.changes and not response.accepted:
        parts.append("We found nothing that needs to change: the draft is acceptable as it stands.")
    else:
        counts = []
        if n_changes:
            counts.append(f"{n_changes} {'point needs' if n_changes == 1 else 'points need'} changes")
        if response.accepted:
            counts.append(f"{len(response.accepted)} we accept as drafted")
        if response.undecided:
            counts.append(f"{response.undecided} {'is' if response.undecided == 1 else 'are'} still under review "
                          "by our legal team")
        parts.append("Of the points we raise, " + _join(counts) + ".")
    return " ".join(parts)


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def build_docx(response: VendorResponse) -> bytes:
    """The response as a .docx: title, summary, an overview table, one numbered section per point that needs a
    change, and the points accepted as drafted."""
    doc = new_document()
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    doc.core_properties.title = f"Response to {response.vendor}: {response.title}"
    doc.core_properties.author = response.prepared_by
    doc.core_properties.comments = f"Vetted contract {response.contract_id}, version {response.version_number}"
    revisions = _Revisions(doc, response.prepared_by, response.prepared_at)
    _track_changes(doc)

    doc.add_heading(f"Response to {response.vendor}", level=0)
    meta = doc.add_paragraph()
    _label(meta, "Contract: ")
    meta.add_run(f"{response.title} (our reference {response.contract_id}, version {response.version_number})")
    meta.add_run().add_break()
    _label(meta, "Prepared by: ")
    meta.add_run(f"{response.prepared_by}, {_date(response.prepared_at)}")
    meta.add_run().add_break()
    _label(meta, "Reviewed: ")
    meta.add_run(_date(response.reviewed_at))

    doc.add_heading("Summary", level=1)
    doc.add_paragraph(_summary_line(response))
    if response.undecided:
        note = doc.add_paragraph()
        run = note.add_run("This is a draft response: some points are still under review, and our position on them "
                           "may change.")
        run.italic = True
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW

    points = response.changes + response.accepted
    if points:
        table = doc.add_table(rows=1, cols=4)
        table.style = doc.styles["Light Grid Accent 1"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, text in zip(table.rows[0].cells, ("#", "Clause", "Topic", "Our position"), strict=True):
            cell.text = text
        for i, p in enumerate(points, 1):
            row = table.add_row().cells
            row[0].text, row[1].text, row[2].text = str(i), p.clause_ref, p.topic
            row[3].text = SHORT_POSITIONS[p.decision]

    if response.changes:
        doc.add_heading("Changes we ask for", level=1)
        legend = doc.add_paragraph()
        legend.add_run("How changes are marked: ").bold = True
        legend.add_run("the language we propose is written into your clause as tracked changes, your wording we "
                       "ask you to remove as deletions and ours as insertions; in Word you can accept or reject "
                       "each change (Review, Accept or Reject). The same language follows as clean text.")
        for i, p in enumerate(response.changes, 1):
            _point(doc, i, p, revisions)

    if response.accepted:
        doc.add_heading("Points we accept as drafted", level=1)
        for p in response.accepted:
            item = doc.add_paragraph(style="List Bullet")
            _label(item, f"{p.clause_ref}: ")
            item.add_run(f"{p.topic}. ")
            for c in p.comments:
                item.add_run(f"{c.text} ({c.author})").italic = True

    closing = doc.add_paragraph()
    closing.add_run("Please send us a revised draft that takes up these points, or reply to this document with "
                    "your comments.").italic = True

    section = doc.sections[0]
    footer = section.footer.paragraphs[0]
    footer.text = f"{response.title}, version {response.version_number}. Prepared with Vetted."
    footer.runs[0].font.size = Pt(8)
    footer.runs[0].font.color.rgb = MUTED

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _point(doc: Any, number: int, p: ResponsePoint, revisions: _Revisions) -> None:
    doc.add_heading(f"{number}. {p.topic}: {p.clause_ref}", level=2)
    if p.vendor_text is not None:
        para = doc.add_paragraph()
        _label(para, "Your clause: ")
        para.add_run(p.vendor_text).italic = True
    para = doc.add_paragraph()
    _label(para, "What needs to change:" if len(p.issues) > 1 else "What needs to change: ")
    if len(p.issues) == 1:
        para.add_run(p.issues[0].reason)
    else:
        for issue in p.issues:
            item = doc.add_paragraph(style="List Bullet")
            item.add_run(issue.reason + " ")
            item.add_run(f"({SHORT_POSITIONS[issue.decision].lower()})").font.color.rgb = MUTED
    para = doc.add_paragraph()
    _label(para, "Our position: ")
    para.add_run(POSITIONS.get(p.decision, POSITIONS[None]))
    deciders = sorted({f"{i.decided_by}, {_date(i.decided_at)}" for i in p.issues if i.decided_by and i.decided_at})
    if deciders and p.decision is not None:
        para.add_run(f" (decided by {'; '.join(deciders)})").font.color.rgb = MUTED
    if p.proposed_text:
        label = "Compromise language" if p.proposal_kind == "fallback" else "Our standard language"
        para = doc.add_paragraph()
        _label(para, f"{label}, changes marked: " if p.vendor_text is not None else f"{label} to add: ")
        marked = doc.add_paragraph()
        marked.paragraph_format.left_indent = Cm(0.75)
        _redline_paragraph(marked, p.redline, revisions)
        para = doc.add_paragraph()
        _label(para, f"{label}, clean: ")
        para.add_run(p.proposed_text)
    if p.comments:
        para = doc.add_paragraph()
        _label(para, "Comments from our legal team:")
        for c in p.comments:
            item = doc.add_paragraph(style="List Bullet")
            item.add_run(c.text)
            who = item.add_run(f" ({c.author}{', ' + _date(c.at) if c.at else ''})")
            who.font.color.rgb = MUTED
