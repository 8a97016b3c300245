from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demonstration province (`seed_demo`): above the three domain apps,
    which never import it."""

    name = "demo"
    verbose_name = "Tỉnh trình diễn"
