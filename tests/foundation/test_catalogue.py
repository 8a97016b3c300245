"""The English catalogue is complete and compiled: every string of the portal
has an English text, and the committed .mo (what Django reads; nothing compiles
it on start-up) says the same as the .po."""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

LOCALE = Path(__file__).resolve().parents[2] / "locale"
PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
MO = LOCALE / "en" / "LC_MESSAGES" / "django.mo"


def _entries(path: Path) -> list[dict[str, object]]:
    """The .po's entries (header and obsolete ones left out): a small reader,
    enough for what makemessages writes, so the test needs no extra package."""
    entries: list[dict[str, object]] = []
    entry: dict[str, object] = {}
    key = None

    def close() -> None:
        if "msgid" in entry and entry["msgid"]:
            entries.append(dict(entry))
        entry.clear()

    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            close()
            key = None
        elif line.startswith("#,"):
            entry["flags"] = {f.strip() for f in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[key] = entry[key] + ast.literal_eval(line)  # type: ignore[operator]
        else:
            key, _space, value = line.partition(" ")
            entry[key] = ast.literal_eval(value)
    return entries


def test_every_string_has_an_english_text_not_marked_fuzzy() -> None:
    entries = _entries(PO)
    assert len(entries) > 500
    untranslated = [
        e["msgid"]
        for e in entries
        if any(not e[k] for k in e if str(k).startswith("msgstr"))
        or "fuzzy" in e.get("flags", set())  # type: ignore[operator]
    ]
    assert not untranslated, untranslated[:10]


def test_the_committed_mo_says_what_the_po_says() -> None:
    with MO.open("rb") as f:
        mo = gettext.GNUTranslations(f)
    stale = []
    for e in _entries(PO):
        context = e.get("msgctxt")
        if "msgid_plural" in e:
            got = (
                mo.npgettext(context, e["msgid"], e["msgid_plural"], 1)  # type: ignore[arg-type]
                if context
                else mo.ngettext(e["msgid"], e["msgid_plural"], 1)  # type: ignore[arg-type]
            )
            want = e["msgstr[0]"]
        else:
            got = mo.pgettext(context, e["msgid"]) if context else mo.gettext(e["msgid"])  # type: ignore[arg-type]
            want = e["msgstr"]
        if got != want:
            stale.append(e["msgid"])
    assert not stale, f"run manage.py compilemessages -l en: {stale[:5]}"


def test_every_string_of_the_code_is_in_the_catalogue(tmp_path: Path) -> None:
    """makemessages, run on a copy of the project, finds no string that the
    committed catalogue lacks: a new string without its English fails here."""
    import shutil
    import subprocess
    import sys

    root = LOCALE.parent
    copy = tmp_path / "project"
    shutil.copytree(
        root,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "test-output", "staticfiles", "node_modules", "__pycache__", "tests"
        ),
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete", "-v", "0"],
        cwd=copy,
        env={**__import__("os").environ, "SECRET_KEY": "catalogue-test"},
        check=True,
        timeout=300,
    )
    fresh = {e["msgid"]: e for e in _entries(copy / "locale" / "en" / "LC_MESSAGES" / "django.po")}
    committed = {e["msgid"] for e in _entries(PO)}
    missing = sorted(set(fresh) - committed)
    assert not missing, f"run makemessages -l en and translate: {missing[:10]}"
