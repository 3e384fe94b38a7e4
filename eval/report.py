"""Shared plumbing for evaluations: the machine description and the JSON + Markdown report files."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

REPORTS = Path(__file__).resolve().parent / "reports"
DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def machine() -> dict[str, object]:
    """What the figures were measured on: they mean little without it."""
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False,
            cwd=Path(__file__).parent,
        ).stdout.strip()
    except OSError:
        commit = ""
    return {
        "host": platform.node(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "commit": commit,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def median_seconds(fn: Callable[[], object], repeat: int = 5) -> float:
    """Median wall time of ``fn`` over ``repeat`` runs: these machines are shared and noisy."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def markdown_table(header: list[str], rows: Iterable[Iterable[object]]) -> str:
    def cell(v: object) -> str:
        return f"{v:.3f}" if isinstance(v, float) else str(v)

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def write_report(name: str, figures: dict[str, object], markdown_body: str, out_dir: Path | None = None) -> Path:
    """Write ``<name>.json`` and ``<name>.md`` (with the machine) and return the Markdown path."""
    out_dir = out_dir or REPORTS
    out_dir.mkdir(parents=True, exist_ok=True)
    meta = machine()
    (out_dir / f"{name}.json").write_text(json.dumps({"machine": meta, **figures}, indent=2) + "\n")
    md = f"{markdown_body.rstrip()}\n\nMeasured on {meta['cpu']} ({meta['cores']} cores), Python {meta['python']}, "
    md += f"commit {meta['commit']}, {meta['date']}.\n"
    path = out_dir / f"{name}.md"
    path.write_text(md)
    return path


def require_data(path: Path, what: str) -> Path:
    if not path.exists():
        raise SystemExit(f"{what} not found at {path}: pass the data folder as the first argument")
    return path
