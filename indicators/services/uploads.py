"""Keeping every uploaded file (issue 13, item 3)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

from django.db import transaction

from indicators.models import Submission, UploadedFile
from institutions.roles import Account

PROBLEM_KEYS = ("sheet", "row", "column", "value", "message")


def upload_record(
    *,
    submission: Submission,
    user: Account,
    filename: str,
    content: bytes,
    problems: Iterable[object] = (),
) -> UploadedFile:
    """Keep `content` as uploaded into `submission` by `user`: accepted when
    `problems` is empty, else refused with them (objects or mappings carrying
    sheet, row, column, value and message, as indicators.excel.CellProblem does).
    Runs in its own transaction, after the import's has committed or rolled
    back, so a refused file is kept although none of its figures are. One INSERT."""
    listed = [_problem(p) for p in problems]
    upload = UploadedFile(
        submission=submission,
        uploaded_by=user,
        filename=filename[:255],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        accepted=not listed,
        problems=listed,
    )
    upload.full_clean(exclude=["content"])
    with transaction.atomic():
        upload.save()
    return upload


def _problem(p: object) -> dict[str, object]:
    get = p.get if isinstance(p, Mapping) else lambda key: getattr(p, key, "")
    out: dict[str, object] = {key: get(key) for key in PROBLEM_KEYS}
    out["row"] = out["row"] if isinstance(out["row"], int) else None
    for key in ("sheet", "column", "value", "message"):
        out[key] = "" if out[key] is None else str(out[key])
    return out
