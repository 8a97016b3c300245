from __future__ import annotations

from django.db import models


class DemoMarker(models.Model):
    """Written by `seed_demo` into the database it fills: a database holding one
    is the demonstration province, which `seed_demo` may refresh again; any
    other database with data in it is refused unless `--reset-demo` is given."""

    seeded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "dấu cơ sở dữ liệu minh họa"

    def __str__(self) -> str:
        return f"Tỉnh minh họa ({self.seeded_at:%d/%m/%Y %H:%M})"
