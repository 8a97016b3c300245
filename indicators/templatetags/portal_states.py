"""`{% submission_state state %}`: the one badge for a submission's state."""

from __future__ import annotations

from django import template

from indicators.models import SubmissionState
from indicators.states import NOT_STARTED, state_style

register = template.Library()


@register.inclusion_tag("indicators/_state.html")
def submission_state(state: str | None) -> dict[str, object]:
    return {"state": state or NOT_STARTED, "style": state_style(state)}


@register.inclusion_tag("indicators/_awaiting.html")
def awaiting_approval_badge() -> dict[str, object]:
    """A figure that counts sent, not yet approved reports: the sent state's colour
    and icon, so that "waiting for review" looks the same on every page."""
    return {"style": state_style(SubmissionState.SUBMITTED)}
