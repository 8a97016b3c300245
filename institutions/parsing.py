"""Parsing what people type, shared by every import and command."""

from __future__ import annotations

import datetime as dt


def parse_day(text: str) -> dt.date | None:
    """A day typed as DD/MM/YYYY (as Vietnamese officials write it) or
    YYYY-MM-DD; None when it is neither."""
    text = (text or "").strip()
    for parse in (
        lambda t: dt.datetime.strptime(t, "%d/%m/%Y").date(),
        dt.date.fromisoformat,
    ):
        try:
            return parse(text)
        except ValueError:
            continue
    return None
