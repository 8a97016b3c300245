"""The Celery application: background work (report files) off the request.

The broker and every option come from Django's settings (the `CELERY_` names in
gialai_lifelong/settings.py); tasks live in each app's `tasks.py`. Start a worker
with `celery -A gialai_lifelong worker` (bin/serve does).
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gialai_lifelong.settings")

app = Celery("gialai_lifelong")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
