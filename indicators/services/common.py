"""What every write to the yearly figures shares.

Every write to a submission runs in one transaction (`submission_write`),
refuses a locked period, and bumps Submission.version with a conditional UPDATE
so that two people editing the same submission cannot silently overwrite each
other. `user=None` stands for the system (a management command run by an
operator on the server); views always pass request.user, so the reviewer checks
hold there.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import PeriodState, ReportingPeriod, Submission
from institutions.models import Institution
from institutions.roles import Account, is_reviewer


@dataclass(frozen=True)
class RowProblem:
    """A problem with one institution's row, before a caller maps it to a cell."""

    institution_id: int | None
    institution: str  # "code – name", for messages
    field: str
    value: str
    message: str
    ref: object = None  # the caller's row reference (an Excel row), passed through


class FiguresInvalid(ValidationError):
    """Nothing was saved; `problems` lists every bad value."""

    def __init__(self, problems: list[RowProblem]) -> None:
        self.problems = problems
        super().__init__([f"{p.institution}: {p.message}" for p in problems])


def require_reviewer(user: Account | None) -> None:
    """Refuse anyone but a reviewer; the system (`user=None`) passes."""
    if user is not None and not is_reviewer(user):
        raise ValidationError(_("Chỉ chuyên viên Sở VHTTDL mới được thực hiện thao tác này."))


def ensure_period_open(period: ReportingPeriod) -> None:
    # Read again inside the transaction: a lock taken a second ago must win.
    state = ReportingPeriod.objects.filter(pk=period.pk).values_list("state", flat=True).first()
    if state == PeriodState.LOCKED:
        raise ValidationError(
            _(
                "Kỳ báo cáo năm %(year)s đã khóa: không thể thay đổi số liệu, hoạt động "
                "hay trạng thái báo cáo. Liên hệ Sở VHTTDL nếu cần mở lại kỳ báo cáo."
            )
            % {"year": period.year},
            code="locked",
        )


STALE_MESSAGE = (
    "Báo cáo này vừa được người khác thay đổi sau khi bạn mở trang. Không có gì được lưu: "
    "hãy tải lại trang để xem phiên bản mới nhất rồi nhập lại thay đổi của bạn."
)


VERSION_MISSING_MESSAGE = (
    "Trang gửi lên thiếu phiên bản của báo cáo (hoặc phiên bản không hợp lệ): không có gì "
    "được lưu hay xóa. Hãy tải lại trang rồi thử lại."
)


def require_version(version: object, user: Account | None) -> None:
    """A person's write must say which version of the submission their page was
    built from; only the system (`user=None`) may write without one."""
    if user is not None and not isinstance(version, int):
        raise ValidationError(_(VERSION_MISSING_MESSAGE), code="version_missing")


def bump_version(submission: Submission, version: int | None) -> None:
    """Claim the next version, or refuse when `version` (what the user's page was
    built from) is no longer current. A conditional UPDATE, so it also holds on
    SQLite where SELECT ... FOR UPDATE does nothing."""
    expected = submission.version if version is None else int(version)
    if expected != submission.version:
        raise ValidationError(_(STALE_MESSAGE), code="stale")
    updated = Submission.objects.filter(pk=submission.pk, version=expected).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    if not updated:
        raise ValidationError(_(STALE_MESSAGE), code="stale")
    submission.version = expected + 1


@contextmanager
def submission_write(submission: Submission, version: int | None) -> Iterator[None]:
    """One write to a submission: a transaction that refuses a locked period and
    claims the next version. If anything fails, the in-memory submission is read
    back so that its version and state match the rolled-back database."""
    try:
        with transaction.atomic():
            ensure_period_open(submission.period)
            bump_version(submission, version)
            yield
    except Exception:
        submission.refresh_from_db()
        raise


def ensure_editable(submission: Submission) -> None:
    """Refuse a submission that is neither a draft nor returned. No query."""
    if not submission.is_editable:
        raise ValidationError(
            _(
                "Báo cáo đang ở trạng thái «%(state)s»: chỉ xem, không sửa được. "
                "Chỉ sửa được khi đang nhập hoặc bị trả lại."
            )
            % {"state": submission.get_state_display()},
            code="read_only",
        )


def institution_label(inst: Institution) -> str:
    return f"{inst.code} – {inst.name}"
