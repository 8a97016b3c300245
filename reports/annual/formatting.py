"""Vietnamese number, percent and date formats for the printed report.

Written out here rather than through Django's localisation so that the PDF reads
the same whatever language the reviewer's browser asked for: an official
Vietnamese document always writes 1.234,5.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

DASH = "–"


def vn_number(value: int | float | Decimal | None, decimals: int = 0) -> str:
    """1234.5 → "1.234,5" (decimals fixed, half up); None → "–"."""
    if value is None:
        return DASH
    quantum = Decimal(1).scaleb(-decimals)
    rounded = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    text = f"{rounded:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def vn_percent(value: Decimal | None, decimals: int = 1) -> str:
    return DASH if value is None else f"{vn_number(value, decimals)}%"


def vn_date_words(day: dt.date | None, *, year: int) -> str:
    """Decree 30's date line: "ngày 05 tháng 02 năm 2025" (days below 10 and
    months below 3 take a leading zero); a blank date leaves room to write it."""
    if day is None:
        gap = "\u2002" * 5
        return f"ngày{gap}tháng{gap}năm {year}"
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def vn_date(day: dt.date | None) -> str:
    return DASH if day is None else f"{day.day:02d}/{day.month:02d}/{day.year}"
