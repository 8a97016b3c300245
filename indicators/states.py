"""How every page, file and report names a submission's state: its words, a
colour (a Bootstrap contextual class) and an icon, defined once. A unit that has
not started its report has no submission: its state is `NOT_STARTED`."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from indicators.models import SubmissionState

NOT_STARTED = "not_started"


@dataclass(frozen=True)
class StateStyle:
    label: Promise
    css: str  # Bootstrap contextual class: text-bg-<css>
    icon: str
    meaning: Promise  # one line for legends: what the state includes


STATE_STYLES: dict[str, StateStyle] = {
    NOT_STARTED: StateStyle(_("Chưa nhập"), "secondary", "○", _("đơn vị chưa mở báo cáo của năm")),
    SubmissionState.DRAFT: StateStyle(
        _("Đang nhập"), "warning", "✎", _("đơn vị đang nhập, chưa gửi")
    ),
    SubmissionState.SUBMITTED: StateStyle(
        _("Đã gửi, chờ duyệt"), "info", "◷", _("đã gửi, Sở VHTTDL chưa xem xét")
    ),
    SubmissionState.RETURNED: StateStyle(
        _("Bị trả lại"), "danger", "↩", _("Sở VHTTDL trả lại để đơn vị sửa và gửi lại")
    ),
    SubmissionState.APPROVED: StateStyle(_("Đã duyệt"), "success", "✔", _("Sở VHTTDL đã duyệt")),
}


def state_style(state: str | None) -> StateStyle:
    return STATE_STYLES.get(state or NOT_STARTED, STATE_STYLES[NOT_STARTED])
