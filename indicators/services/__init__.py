"""Writes for the plan, its indicators and targets, and for the yearly figures:
periods, submissions, figures, activities and their audit trail.

One module per concern; callers import from here (`from indicators import
services; services.figures_save(...)`), which re-exports the public names:

- plan.py: `plan_load`
- periods.py: `period_open`, `period_set_deadline`,
  `period_set_reminders`, `period_lock`, `period_reopen`
- submissions.py: `submission_open`, `submission_check`, `submission_submit`,
  `submission_return`, `submission_approve`
- figures.py: `figures_save`, `figures_import`, `FiguresImportStream` (by chunks)
- activities.py: `activity_create`, `activity_update`, `activity_delete`
- uploads.py: `upload_record` (every uploaded file, kept)
- common.py, audit.py: the transaction, lock and version rules every write
  shares, and how values are written into the audit trail.
"""

from __future__ import annotations

from indicators.services.activities import (
    ACTIVITY_FIELDS,
    activity_create,
    activity_delete,
    activity_update,
)
from indicators.services.common import STALE_MESSAGE, FiguresInvalid, RowProblem
from indicators.services.figures import (
    FIGURE_FIELDS,
    FiguresImportStream,
    FiguresSaveResult,
    ImportRow,
    figures_import,
    figures_save,
)
from indicators.services.periods import (
    period_lock,
    period_open,
    period_reopen,
    period_set_deadline,
    period_set_reminders,
)
from indicators.services.plan import PLAN_FILE, plan_load
from indicators.services.submissions import (
    submission_approve,
    submission_check,
    submission_open,
    submission_return,
    submission_submit,
)
from indicators.services.uploads import upload_record
from indicators.validation import Problem

__all__ = [
    "ACTIVITY_FIELDS",
    "FIGURE_FIELDS",
    "PLAN_FILE",
    "STALE_MESSAGE",
    "FiguresInvalid",
    "FiguresSaveResult",
    "FiguresImportStream",
    "ImportRow",
    "Problem",
    "RowProblem",
    "activity_create",
    "activity_delete",
    "activity_update",
    "figures_import",
    "figures_save",
    "period_lock",
    "period_open",
    "period_reopen",
    "period_set_deadline",
    "period_set_reminders",
    "plan_load",
    "submission_approve",
    "submission_check",
    "submission_open",
    "submission_return",
    "submission_submit",
    "upload_record",
]
