"""Background tasks of the figures app (Celery: gialai_lifelong/celery.py)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from indicators.services.reminders import reminders_send


@shared_task(name="indicators.send_reminders")
def send_reminders() -> dict[str, int]:
    """The day's reminders and digest (scheduled daily: CELERY_BEAT_SCHEDULE)."""
    sent = reminders_send(on=timezone.localdate())
    return {"reminders": sent.reminders, "digests": sent.digests}
