"""The ``vetted`` command line."""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from review_service.errors import VettedError

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from review_service.repository.files import FileStore

app = typer.Typer(help="Vetted: AI-assisted contract review against your pre-vetted clause library.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


@app.callback()
def root() -> None:
    """Vetted reviews vendor contract drafts against your pre-vetted clause library."""


def fail(exc: VettedError) -> typer.Exit:
    """Print a domain error the way scripts expect (``code: message`` on stderr) and exit 2."""
    err.print(f"[bold red]error[/] {exc.code}: {exc.message}", soft_wrap=True)
    return typer.Exit(code=2)


@app.command()
def segment(
    path: Annotated[Path, typer.Argument(help="A contract: PDF, DOCX or TXT.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the document, its text and clauses as JSON.")] = False,
) -> None:
    """Extract a contract's text and split it into a clause tree."""
    from review_service.ingest import extract
    from review_service.ingest.segment import segment as segment_document

    try:
        doc = extract(path)
        clauses = segment_document(doc)
    except VettedError as exc:
        raise fail(exc) from None
    if as_json:
        payload = {"document": doc.summary(), "text": doc.text, "clauses": [c.to_dict() for c in clauses]}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
        return
    table = Table(title=f"{path.name}: {doc.page_count} page(s), {len(doc.text):,} characters, "
                        f"{len(clauses)} clauses", title_justify="left", show_lines=False, expand=True)
    table.add_column("id", style="dim", no_wrap=True)
    table.add_column("number", no_wrap=True)
    table.add_column("kind", style="cyan", no_wrap=True)
    table.add_column("heading", style="bold", max_width=28)
    table.add_column("page", justify="right")
    table.add_column("text", ratio=1, min_width=24, no_wrap=True, overflow="ellipsis")
    for c in clauses:
        indent = "  " * (c.level - 1)
        table.add_row(c.id, indent + (c.number or ""), c.kind, c.heading or "", str(c.page),
                      " ".join(c.text.split())[:200])
    out.print(table)
    for w in doc.warnings:
        err.print(f"[yellow]warning[/] {w}")


@app.command()
def review(
    path: Annotated[Path, typer.Argument(help="The vendor draft: PDF, DOCX or TXT.")],
    value: Annotated[float | None, typer.Option("--value", help="Contract value in USD over the initial term.",
                                                min=0)] = None,
    contract_type: Annotated[str, typer.Option("--type", help="saas, services, nda, dpa, software, goods or "
                                               "consulting.")] = "saas",
    as_json: Annotated[bool, typer.Option("--json", help="Print the review as JSON (see README).")] = False,
    as_markdown: Annotated[bool, typer.Option("--markdown", help="Print the review as Markdown.")] = False,
) -> None:
    """Review a vendor draft against the clause library and playbook: deviations, fallbacks and the route."""
    from review_service.ingest import extract
    from review_service.review.engine import CONTRACT_TYPES, Reviewer

    if contract_type not in CONTRACT_TYPES:
        err.print(f"[bold red]error[/] bad_contract_type: --type must be one of {', '.join(CONTRACT_TYPES)}")
        raise typer.Exit(code=2)
    try:
        with err.status("loading the model and the clause library...", spinner="dots") as status:
            reviewer = Reviewer()
            reviewer.warm_up()
            status.update(f"reading {path.name}...")
            doc = extract(path)
            status.update(f"reviewing {path.name} ({doc.page_count} pages)...")
            result = reviewer.review(doc, contract_type=contract_type, value=value)
    except VettedError as exc:
        raise fail(exc) from None
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
        return
    from review_service.review.report import markdown_report, terminal_report

    if as_markdown:
        sys.stdout.write(markdown_report(result, path.name))
        return
    terminal_report(out, result, path.name)


SEARCH_SCOPES = ("library", "contracts", "all")


@app.command()
def search(
    text: Annotated[str, typer.Argument(help="A clause, or a description of the position you look for.")],
    k: Annotated[int, typer.Option("-k", help="How many results (per scope).", min=1, max=200)] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
    scope: Annotated[str, typer.Option("--scope", help="library (the clause library's variants), contracts "
                                       "(clauses of stored contracts) or all.")] = "library",
    contracts: Annotated[bool, typer.Option("--contracts", help="Search stored contract clauses (--scope "
                                            "contracts).")] = False,
    as_user: Annotated[str | None, typer.Option("--user", help="Show only what this user may see (contract "
                                                "scopes).")] = None,
) -> None:
    """Find the library variants, and the clauses of stored contracts, closest in meaning to a clause or a
    description, as precedent."""
    from review_service.matching.search import search_library, search_tools
    from review_service.settings import get_settings

    scope = "contracts" if contracts else scope
    if scope not in SEARCH_SCOPES:
        err.print(f"[bold red]error[/] invalid_scope: --scope must be one of {', '.join(SEARCH_SCOPES)}")
        raise typer.Exit(code=2)
    try:
        library, embedder, index = search_tools(get_settings().library_dir, Path(get_settings().data_dir))
        hits = search_library(library, embedder, index, text, k) if scope in ("library", "all") else None
        precedents = _search_contracts(text, k, library, embedder, index, as_user) \
            if scope in ("contracts", "all") else None
    except VettedError as exc:
        raise fail(exc) from None
    if as_json:
        payload: dict[str, Any] = {"query": text, "scope": scope,
                                   "library": {"version": library.version, "model": embedder.model_id}}
        if hits is not None:
            payload["results"] = [
                {"rank": i + 1, "cosine": round(h.score, 4), "clause_type": h.entry.clause_type,
                 "position": h.entry.position, "position_id": h.entry.position_id, "style": h.entry.style,
                 "text": h.entry.text} for i, h in enumerate(hits)]
        if precedents is not None:
            payload["contracts"] = [{"rank": i + 1, **p.to_dict()} for i, p in enumerate(precedents)]
        sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
        return
    if hits is not None:
        table = Table(title=f"closest library language to: {text[:80]}", title_justify="left", expand=True)
        table.add_column("#", justify="right", style="dim")
        table.add_column("cosine", justify="right")
        table.add_column("clause type", style="bold", no_wrap=True)
        table.add_column("position", style="cyan", no_wrap=True)
        table.add_column("text", ratio=1)
        for i, h in enumerate(hits):
            position = h.entry.position + (f" ({h.entry.position_id})" if h.entry.position_id else "")
            table.add_row(str(i + 1), f"{h.score:.3f}", h.entry.clause_type, position, h.entry.text)
        out.print(table)
    if precedents is not None:
        _print_precedents(text, precedents)


def _search_contracts(text: str, k: int, library: Any, embedder: Any, index: Any, as_user: str | None) -> list[Any]:
    """Stored contract clauses for ``text`` (as ``as_user`` may see them), audited as ``search.contracts``."""
    import getpass

    from review_service.repository import audit, service
    from review_service.repository.db import database_url, get_engine, session_scope
    from review_service.repository.migrations import upgrade
    from review_service.repository.precedents import search_contracts

    url = database_url()
    upgrade(url)
    engine = get_engine(url)
    with session_scope(engine) as s:
        viewer = None
        if as_user is not None:
            viewer = service.get_user(s, username=as_user)
            if viewer is None:
                raise VettedError(f"no user named {as_user!r}", code="unknown_user")
        same = index.library_version == library.version
        found = search_contracts(s, query=text, embedder=embedder, k=k, viewer=viewer, library=library,
                                 library_vectors=index.vectors if same else None)
        audit.record(s, actor=f"cli:{getpass.getuser()}", action="search.contracts", target="search",
                     detail={"q": text[:500], "k": k, "as_user": as_user,
                             "shown": sorted({p.clause.contract_id for p in found})})
    return found


def _print_precedents(text: str, found: list[Any]) -> None:
    if not found:
        out.print("no stored contract clause to search yet (contracts are searchable once reviewed)")
        return
    table = Table(title=f"closest clauses of stored contracts to: {text[:80]}", title_justify="left", expand=True,
                  show_lines=True)
    table.add_column("#", justify="right", style="dim")
    table.add_column("cosine", justify="right")
    table.add_column("contract, version, clause", min_width=24, max_width=40)
    table.add_column("text", ratio=1, min_width=30)
    for i, p in enumerate(found):
        c = p.clause
        clause = " ".join(x for x in (c.number, c.heading) if x) or c.clause_id
        where = (f"[bold]{p.title}[/]\n{p.vendor} · contract {c.contract_id} · v{c.version}\n{clause}"
                 + (f"\n[cyan]{c.clause_type}[/]" if c.clause_type else ""))
        table.add_row(str(i + 1), f"{p.cosine:.3f}", where, p.snippet())
    out.print(table)


@app.command()
def worker(once: Annotated[bool, typer.Option("--once", help="Run the jobs that are due, then exit.")] = False) -> None:
    """Run the background worker that reviews uploaded contracts (for deployments with a separate worker)."""
    from review_service.jobs.worker import run_worker_process

    raise typer.Exit(code=run_worker_process(once=once))


ROOT = Path(__file__).resolve().parents[1]
# The sample contracts a demo starts with: one per route, in TXT and PDF (file, type, value, business context).
DEMO_CONTRACTS = (
    ("brightpath_saas_subscription.txt", "Brightpath subscription", "Brightpath", "saas", 72_000,
     "Team analytics seats for the operations group; vendor paper, renewal in January."),
    ("pinecrest_hr_saas_agreement.txt", "Pinecrest HR platform", "Pinecrest", "saas", 36_000,
     "Replaces the spreadsheet onboarding process; vendor wants Net 15."),
    ("nimbusdesk_saas_subscription.txt", "NimbusDesk subscription", "NimbusDesk Software", "saas", 54_000,
     "Vendor needs Net 60 because its cash-flow cycle changed; support desk for 40 agents."),
    ("kestrel_mutual_nda.pdf", "Kestrel mutual NDA", "Kestrel", "nda", 0,
     "Mutual NDA before a pilot."),
)
DEMO_USERS = (("procurement", "pat", "Pat Rivera", "operations"), ("legal", "lee", "Lee Park", None),
              ("legal", "morgan", "Morgan Diaz", None), ("senior_legal", "gc", "Grace Chen (General Counsel)", None),
              ("finance", "fin", "Finn Okafor", None), ("admin", "admin", "Admin", None))


def _demo_secret(data_dir: Path) -> str:
    """The demo's signing key: random, made on first start and kept (0600) so sessions survive a restart."""
    import os
    import secrets as secrets_module

    path = data_dir / "demo_secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets_module.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key + "\n")
    return key


def _print_passwords(rows: list[tuple[str, str, str]]) -> None:
    # Plain lines (no table drawing), so that scripts and the end-to-end test can read them.
    sys.stdout.write("Sign in with these (shown this once; only their hashes are stored):\n")
    sys.stdout.write(f"  {'role':<13} {'username':<9} password\n")
    for role, username, password in rows:
        sys.stdout.write(f"  {role:<13} {username:<9} {password}\n")
    sys.stdout.flush()


def _first_start(engine: Engine, store: FileStore, *, demo: bool) -> None:
    """On an empty database: the demo's users, assignments, library record and sample uploads; or, without
    ``--demo``, one admin whose password is printed once."""
    import secrets as secrets_module

    from review_service.library import load_library
    from review_service.repository import service
    from review_service.repository.db import session_scope
    from review_service.repository.models import User
    from review_service.review.engine import CONTRACT_TYPES
    from review_service.settings import get_settings

    with session_scope(engine, readonly=True) as s:
        if s.query(User.id).first() is not None:
            if demo:
                out.print("demo database already set up: the passwords were printed at its first start")
            return
    if not demo:
        password = secrets_module.token_urlsafe(12)
        with session_scope(engine) as s:
            service.create_user(s, username="admin", display_name="Admin", role="admin", password=password)
        sys.stdout.write("First start: created the admin user.\n")
        _print_passwords([("admin", "admin", password)])
        return
    library = load_library(get_settings().library_dir)
    rows, users = [], {}
    with session_scope(engine) as s:
        for role, username, name, team in DEMO_USERS:
            password = secrets_module.token_urlsafe(12)
            users[username] = service.create_user(s, username=username, display_name=name, role=role,
                                                  password=password, team=team)
            rows.append((role, username, password))
        for contract_type in CONTRACT_TYPES:
            service.set_legal_assignment(s, contract_type=contract_type, partner_id=users["lee"].id,
                                         backup_id=users["morgan"].id, actor="admin")
        service.note_library(s, library=library)
    uploaded = 0
    drafts = ROOT / "corpora" / "drafts"
    for filename, title, vendor, contract_type, value, context in DEMO_CONTRACTS:
        path = drafts / filename
        if not path.exists():
            continue
        with session_scope(engine) as s:
            buyer = s.get(User, users["pat"].id)
            assert buyer is not None
            service.upload_contract(s, store=store, data=path.read_bytes(), filename=filename, title=title,
                                    vendor=vendor, contract_type=contract_type, buyer=buyer, value=value,
                                    business_context=context)
        uploaded += 1
    sys.stdout.write(f"Demo: created the database, {len(rows)} users (one per role, and a backup legal partner), "
                     f"legal assignments for every contract type, and {uploaded} sample contracts from "
                     "corpora/drafts, which the worker reviews now.\n")
    _print_passwords(rows)


RENEWAL_NOTICE_DAYS = 30
RENEWAL_CHECK_SECONDS = 6 * 3600


def _remind_renewals(engine: Engine, stop: threading.Event) -> None:
    """Tell buyers and assignees of notice deadlines in the next 30 days (once per deadline), now and every
    six hours while the server runs."""
    import datetime as dt
    import logging

    from review_service.repository.db import session_scope
    from review_service.repository.service import renewal_reminders

    while not stop.is_set():
        try:
            with session_scope(engine) as s:
                sent = renewal_reminders(s, today=dt.datetime.now(dt.UTC).date(), within_days=RENEWAL_NOTICE_DAYS)
            if sent:
                logging.getLogger(__name__).info("sent %d renewal reminder(s)", sent)
        except Exception:
            logging.getLogger(__name__).exception("renewal reminders failed; trying again later")
        stop.wait(RENEWAL_CHECK_SECONDS)


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.", min=1, max=65535)] = 8000,
    demo: Annotated[bool, typer.Option("--demo", help="First start: create the database, one user per role "
                                       "(passwords printed once), legal assignments and sample contracts; "
                                       "a random signing key if none is set.")] = False,
) -> None:
    """Run the API (http://HOST:PORT/api, docs at /docs) with the background worker in the same process."""
    import logging
    import os

    import uvicorn

    from review_service.jobs.worker import start_in_process
    from review_service.library import load_library
    from review_service.repository.db import database_url, get_engine, session_scope
    from review_service.repository.files import default_store
    from review_service.repository.migrations import upgrade
    from review_service.repository.service import note_library, reconcile_files
    from review_service.settings import get_settings

    settings = get_settings()
    problem = settings.secret_key_problem()
    if problem and demo:
        os.environ["VETTED_SECRET_KEY"] = _demo_secret(Path(settings.data_dir))
        get_settings.cache_clear()
        settings = get_settings()
    elif problem:
        err.print(f"[bold red]error[/] unsafe_secret: {problem}. Set VETTED_SECRET_KEY to a random value of at "
                  "least 32 characters, for example\n  export VETTED_SECRET_KEY=$(python3 -c 'import secrets; "
                  "print(secrets.token_urlsafe(48))')\nor try Vetted out with `vetted serve --demo`.",
                  soft_wrap=True)
        raise typer.Exit(code=2)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # faiss reports at INFO every CPU build it tries and fails to import, which reads like an error.
    logging.getLogger("faiss.loader").setLevel(logging.WARNING)
    try:
        url = database_url(settings)
        upgrade(url)
        engine, store = get_engine(url), default_store()
        _first_start(engine, store, demo=demo)
        with session_scope(engine) as s:
            note_library(s, library=load_library(settings.library_dir))
        check = reconcile_files(engine, store=store)
    except VettedError as exc:
        raise fail(exc) from None
    for sha in check.missing:
        err.print(f"[bold red]error[/] stored_file_missing: {sha} is missing from the file store: restore it "
                  "from backup")
    worker = start_in_process(engine, store)
    stop_reminders = threading.Event()
    threading.Thread(target=_remind_renewals, args=(engine, stop_reminders), name="vetted-renewals",
                     daemon=True).start()
    sys.stdout.write(f"Vetted is running: open http://{host}:{port}/ in a browser and sign in (the API is under "
                     "/api, its documentation at /docs); Ctrl-C stops it.\n")
    sys.stdout.flush()
    try:
        uvicorn.run("api.main:create_app", factory=True, host=host, port=port, log_level="info")
    finally:
        stop_reminders.set()
        if not worker.stop(timeout=30):
            err.print("[yellow]warning[/] the worker is still busy with a job: it goes back to the queue")


@app.command()
def rescan(
    contract: Annotated[list[int] | None, typer.Option("--contract", help="Only this contract (repeatable).")]
    = None,
) -> None:
    """Re-assess stored contracts against the current library and playbook from their stored embeddings, with a
    progress bar; run it again after an interruption and it carries on. Ends with what newly passes or fails."""
    import getpass
    import time

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from sqlalchemy import select

    from review_service.jobs.worker import Worker, rescan_version
    from review_service.repository import audit
    from review_service.repository.db import database_url, get_engine, session_scope
    from review_service.repository.files import default_store
    from review_service.repository.migrations import upgrade
    from review_service.repository.models import AuditEvent, Job
    from review_service.repository.service import RESCAN_JOB, enqueue_rescans, rescan_report

    url = database_url()
    upgrade(url)
    engine, store = get_engine(url), default_store()
    with session_scope(engine) as s:
        # Resume the last re-scan if some of its jobs are still waiting (an interrupted run).
        last = s.scalars(select(AuditEvent).where(AuditEvent.action == "rescan.start")
                         .order_by(AuditEvent.seq.desc()).limit(1)).first()
        previous = [int(j) for j in (last.detail.get("job_ids", []) if last else [])]
        unfinished = bool(previous) and s.scalars(select(Job.id).where(
            Job.id.in_(previous), Job.status.in_(("queued", "running")))).first() is not None
        new = enqueue_rescans(s, contract_ids=contract)
        if unfinished and last is not None:
            job_ids, rescan_id = previous + new, last.seq
            if new:
                audit.record(s, actor=f"cli:{getpass.getuser()}", action="rescan.extend", target="rescan",
                             detail={"rescan_id": rescan_id, "job_ids": new})
        else:
            job_ids = new
            rescan_id = audit.record(s, actor=f"cli:{getpass.getuser()}", action="rescan.start", target="rescan",
                                     detail={"job_ids": new, "contract_ids": contract}).seq
    if not job_ids:
        out.print("nothing to re-scan: no reviewed contract" + (" among those given" if contract else ""))
        return
    out.print(f"re-scan {rescan_id}: {len(job_ids)} contract(s)" + (" (resumed)" if unfinished else ""))
    worker = Worker(engine, store=store, handlers={RESCAN_JOB: rescan_version})

    def finished() -> int:
        with session_scope(engine, readonly=True) as s:
            return len(s.scalars(select(Job.id).where(Job.id.in_(job_ids), Job.status.in_(("done", "failed"))))
                       .all())

    try:
        with Progress(TextColumn("re-scanning"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=err) as bar:
            task = bar.add_task("rescan", total=len(job_ids), completed=finished())
            while (done := finished()) < len(job_ids):
                bar.update(task, completed=done)
                if not worker.run_once():
                    time.sleep(worker.poll_seconds)  # another worker (vetted serve) holds the rest
            bar.update(task, completed=len(job_ids))
    except KeyboardInterrupt:
        err.print("interrupted: run `vetted rescan` again to carry on where it stopped")
        raise typer.Exit(code=130) from None
    with session_scope(engine, readonly=True) as s:
        report = rescan_report(s, job_ids=job_ids)
    table = Table(title=f"re-scan {rescan_id}: {len(report['changed'])} changed, {len(report['failed'])} failed",
                  title_justify="left")
    for column in ("contract", "change", "before", "after", "why"):
        table.add_column(column)
    for c in report["changed"]:
        why = [f"+ {d['rule']} ({d['severity']})" for d in c["why"]["raised"]]
        why += [f"- {d['rule']} ({d['severity']})" for d in c["why"]["cleared"]]
        table.add_row(str(c["contract_id"]), c["change"], f"{c['before']['route']} / {c['before']['worst_severity']}",
                      f"{c['after']['route']} / {c['after']['worst_severity']}", "\n".join(why) or "route rules")
    out.print(table)
    for f in report["failed"]:
        err.print(f"[bold red]failed[/] version {f['version_id']}: {f['code']}: {f['message']}")
    if report["failed"]:
        raise typer.Exit(code=1)


IMPORT_SUFFIXES = (".pdf", ".docx", ".txt", ".md")
IMPORT_COLUMNS = ("file", "title", "vendor", "contract_type", "value", "currency", "buyer", "state",
                  "business_context", "confidential")


def _import_metadata(path: Path | None) -> dict[str, dict[str, str]]:
    """The CSV's rows by file path (relative to the folder, forward slashes, any case)."""
    import csv

    if path is None:
        return {}
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        if not reader.fieldnames or "file" not in reader.fieldnames:
            raise VettedError(f"{path} needs a header row with a 'file' column (and any of "
                              f"{', '.join(IMPORT_COLUMNS[1:])})", code="invalid_metadata")
        return {row["file"].strip().replace("\\", "/").lower(): {k: (v or "").strip() for k, v in row.items() if k}
                for row in reader if row.get("file")}


@app.command("import")
def import_contracts(
    folder: Annotated[Path, typer.Argument(help="A folder of contracts (PDF, DOCX, TXT), searched recursively.",
                                           exists=True, file_okay=False)],
    metadata: Annotated[Path | None, typer.Option("--metadata", help="CSV with a 'file' column (path relative to "
                                                  "FOLDER) and any of title, vendor, contract_type, value, "
                                                  "currency, buyer, state, business_context, confidential.",
                                                  exists=True, dir_okay=False)] = None,
    buyer: Annotated[str | None, typer.Option("--buyer", help="Username of the buyer for rows that name none.")]
    = None,
    contract_type: Annotated[str, typer.Option("--type", help="Contract type for rows that give none.")]
    = "services",
    workers: Annotated[int, typer.Option("--workers", help="Reviews run at once.", min=1, max=8)] = 2,
    report_path: Annotated[Path | None, typer.Option("--report", help="Also write the report as JSON here.")]
    = None,
) -> None:
    """Bulk-load an existing contract repository: store each file (duplicates skipped by checksum), review them
    in parallel with a progress bar, and end with what was imported and which files failed, with their codes.
    Run it again after an interruption: stored files are skipped and their unfinished reviews carried on.
    Imported contracts are executed ones: their state is signature_ready unless the CSV says otherwise."""
    import getpass
    import time

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from sqlalchemy import select

    from review_service.ingest import extract_bytes
    from review_service.jobs.worker import Worker, embed_for_search, review_version
    from review_service.repository import audit, service
    from review_service.repository.db import database_url, get_engine, session_scope
    from review_service.repository.files import default_store, sha256_of
    from review_service.repository.migrations import upgrade
    from review_service.repository.models import CONTRACT_STATES, Contract, Job, User
    from review_service.repository.service import REVIEW_JOB, SEARCH_JOB
    from review_service.review.engine import CONTRACT_TYPES, Reviewer

    try:
        rows = _import_metadata(metadata)
    except (VettedError, OSError, UnicodeDecodeError) as exc:
        raise fail(exc if isinstance(exc, VettedError) else VettedError(str(exc), code="invalid_metadata")) from None
    url = database_url()
    upgrade(url)
    engine, store = get_engine(url), default_store()
    actor = f"cli:{getpass.getuser()}"
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in IMPORT_SUFFIXES
                   and not any(part.startswith(".") for part in p.relative_to(folder).parts))
    imported: list[dict[str, object]] = []
    skipped: list[dict[str, object]] = []
    failed: list[dict[str, object]] = []
    jobs: dict[int, str] = {}

    def refuse(rel: str, code: str, message: str) -> None:
        failed.append({"file": rel, "code": code, "message": message})

    with Progress(TextColumn("storing  "), BarColumn(), MofNCompleteColumn(), console=err) as bar:
        task = bar.add_task("store", total=len(files))
        for path in files:
            bar.advance(task)
            rel = path.relative_to(folder).as_posix()
            meta = rows.get(rel.lower(), {})
            try:
                data = path.read_bytes()
            except OSError as exc:
                refuse(rel, "unreadable_file", str(exc))
                continue
            sha = sha256_of(data)
            with session_scope(engine, readonly=True) as s:
                stored = service.find_by_checksum(s, sha256=sha)
                if stored:
                    job = service.job_for_version(s, version_id=stored[0].id)
                    skipped.append({"file": rel, "contract_id": stored[0].contract_id, "reason": "duplicate"})
                    if job is not None and job.status in ("queued", "running"):
                        jobs[job.id] = rel  # an interrupted import: carry on with its review
                    continue
                owner = service.get_user(s, username=meta.get("buyer") or buyer or "")
            kind = meta.get("contract_type") or contract_type
            state = meta.get("state") or "signature_ready"
            if owner is None:
                refuse(rel, "unknown_buyer", "no buyer: give --buyer USERNAME or a 'buyer' column naming a user")
                continue
            if kind not in CONTRACT_TYPES or state not in CONTRACT_STATES:
                refuse(rel, "invalid_metadata", f"contract_type must be one of {', '.join(CONTRACT_TYPES)} and "
                                                f"state one of {', '.join(CONTRACT_STATES)}")
                continue
            try:
                extract_bytes(data, path.name)  # refuse here what the review could never read
                with session_scope(engine) as s:
                    up = service.upload_contract(
                        s, store=store, data=data, filename=path.name, title=meta.get("title") or path.stem,
                        vendor=meta.get("vendor") or "unknown vendor", contract_type=kind,
                        buyer=s.get(User, owner.id) or owner, value=meta.get("value") or None,
                        currency=meta.get("currency") or "USD", business_context=meta.get("business_context", ""),
                        confidential=meta.get("confidential", "").lower() in ("1", "true", "yes"))
                with session_scope(engine) as s:
                    contract = s.get(Contract, up.contract_id)
                    assert contract is not None
                    if contract.state == "submitted":
                        contract.state = state
                    audit.record(s, actor=actor, action="contract.import", target=f"contract:{up.contract_id}",
                                 detail={"file": rel, "sha256": up.sha256, "state": state})
            except VettedError as exc:
                refuse(rel, exc.code, exc.message)
                continue
            imported.append({"file": rel, "contract_id": up.contract_id, "version_id": up.version_id,
                             "job_id": up.job_id})
            jobs[up.job_id] = rel

    if jobs:
        # One reviewer for the pool: extraction, segmentation and assessment run in parallel, and the embedder
        # runs one encode at a time itself.
        reviewer = Reviewer()
        # The pool also runs the search jobs the reviews queue (definitions and boilerplate embedded for
        # precedent search), so that an imported repository is searchable when the command returns.
        pool = [Worker(engine, store=store, handlers={REVIEW_JOB: review_version, SEARCH_JOB: embed_for_search},
                       reviewer_factory=lambda: reviewer) for _ in range(workers)]
        versions = {v for i in imported if isinstance(v := i["version_id"], int)}

        def finished() -> list[Job]:
            with session_scope(engine, readonly=True) as s:
                return list(s.scalars(select(Job).where(Job.id.in_(list(jobs)), Job.status.in_(("done", "failed")))))

        def indexing() -> int:
            with session_scope(engine, readonly=True) as s:
                waiting = s.scalars(select(Job.payload).where(Job.kind == SEARCH_JOB,
                                                              Job.status.in_(("queued", "running"))))
                return sum(1 for p in waiting if int(p.get("version_id", -1)) in versions)

        try:
            reviewer.warm_up()
            for w in pool:
                w.start()
            with Progress(TextColumn("reviewing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                          console=err) as bar:
                task = bar.add_task("review", total=len(jobs))
                while len(done := finished()) < len(jobs):
                    bar.update(task, completed=len(done))
                    time.sleep(0.5)
                bar.update(task, completed=len(jobs))
            with Progress(TextColumn("indexing for search"), BarColumn(), MofNCompleteColumn(),
                          TimeElapsedColumn(), console=err) as bar:
                total = indexing()
                task = bar.add_task("index", total=total)
                while (left := indexing()) > 0:
                    bar.update(task, completed=total - left)
                    time.sleep(0.5)
                bar.update(task, completed=total)
        except KeyboardInterrupt:
            err.print("interrupted: run the same `vetted import` again to carry on")
            raise typer.Exit(code=130) from None
        finally:
            for w in pool:
                w.stop(timeout=60)
        for job in finished():
            if job.status == "failed":
                failed.append({"file": jobs[job.id], "code": job.last_error_code or "review_failed",
                               "message": job.last_error_message or ""})
    report = {"folder": str(folder), "imported": imported, "skipped": skipped, "failed": failed}
    if report_path is not None:
        report_path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    out.print(f"imported {len(imported)}, skipped {len(skipped)} already stored, failed {len(failed)}")
    if failed:
        table = Table(title="files that failed", title_justify="left")
        for column in ("file", "code", "message"):
            table.add_column(column)
        for f in failed:
            table.add_row(str(f["file"]), str(f["code"]), str(f["message"]))
        out.print(table)
        raise typer.Exit(code=1)


audit_app = typer.Typer(help="The audit trail.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def audit_verify() -> None:
    """Check the audit trail's hash chain; exit 1 at the first broken event."""
    from review_service.repository import audit
    from review_service.repository.db import database_url, session_scope
    from review_service.repository.migrations import upgrade

    upgrade(database_url())
    with session_scope(readonly=True) as s:
        broken, total, top = audit.find_break(s), audit.count(s), audit.head(s)
    if broken:
        err.print(f"[bold red]error[/] audit_chain_broken: event {broken.seq}: {broken.reason}")
        raise typer.Exit(code=1)
    out.print(f"audit trail intact: {total} events" + (f"; head {top[0]} {top[1]}" if top else ""))


def _mount() -> None:
    from review_service.library.cli import library_app

    app.add_typer(library_app, name="library")


_mount()


def main() -> None:
    from pydantic import ValidationError

    from review_service.settings import get_settings

    try:
        get_settings()
    except ValidationError as exc:
        # A mistyped VETTED_* variable: name it and what it accepts, not a traceback.
        for problem in exc.errors():
            name = "VETTED_" + "_".join(str(part) for part in problem["loc"]).upper()
            err.print(f"[bold red]error[/] invalid_setting: {name}: {problem['msg']}", soft_wrap=True)
        raise SystemExit(2) from None
    app()
