# Load the Celery application with Django, so that @shared_task binds to it.
from __future__ import annotations

from gialai_lifelong.celery import app as celery_app

__all__ = ["celery_app"]
