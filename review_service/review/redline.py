"""A word-level redline from the vendor's clause to the approved library text."""

from __future__ import annotations

import difflib
import re
from typing import Literal

Op = Literal["equal", "delete", "insert"]
_TOKEN = re.compile(r"\s+|[^\s]+")


def redline(vendor: str, approved: str) -> list[dict[str, str]]:
    """Runs of ``equal``, ``delete`` (vendor words to strike) and ``insert`` (approved words to add).

    Whitespace is normalised to single spaces so that line breaks in the vendor's PDF do not show as changes;
    joining the ``equal`` and ``delete`` runs gives the vendor text, ``equal`` and ``insert`` the approved one.
    """
    a = " ".join(vendor.split()).split(" ") if vendor.strip() else []
    b = " ".join(approved.split()).split(" ") if approved.strip() else []
    # Compare case-folded words without trailing punctuation, but show the words as written.
    key = lambda w: w.casefold().strip(".,;:()\"'“”’")  # noqa: E731
    matcher = difflib.SequenceMatcher(a=[key(w) for w in a], b=[key(w) for w in b], autojunk=False)
    runs: list[dict[str, str]] = []

    def add(op: Op, words: list[str]) -> None:
        if not words:
            return
        text = " ".join(words)
        if runs and runs[-1]["op"] == op:
            runs[-1]["text"] += " " + text
        else:
            runs.append({"op": op, "text": text})

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            # Equal by key; a word whose punctuation or case differs still shows as a change.
            for va, vb in zip(a[i1:i2], b[j1:j2], strict=True):
                if va == vb:
                    add("equal", [vb])
                else:
                    add("delete", [va])
                    add("insert", [vb])
        else:
            add("delete", a[i1:i2])
            add("insert", b[j1:j2])
    return runs


def render_redline(runs: list[dict[str, str]], *, markup: bool = False) -> str:
    """The redline as one line of text: ``[-struck-]{+added+}``, or rich markup for the terminal."""
    parts = []
    for r in runs:
        if r["op"] == "equal":
            parts.append(r["text"])
        elif r["op"] == "delete":
            parts.append(f"[red strike]{r['text']}[/]" if markup else f"[-{r['text']}-]")
        else:
            parts.append(f"[green underline]{r['text']}[/]" if markup else f"{{+{r['text']}+}}")
    return " ".join(parts)
