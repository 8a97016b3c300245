from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from gialai_lifelong import health
from indicators import views_home
from institutions.forms import PortalAuthenticationForm

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    # Browsers ask for /favicon.ico whatever the page says.
    path(
        "favicon.ico",
        RedirectView.as_view(url=f"{settings.STATIC_URL}img/favicon.svg", permanent=True),
    ),
    path("admin/", admin.site.urls),
    # For load balancers and monitors: no sign-in, JSON, 503 when unhealthy.
    path("healthz", health.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=PortalAuthenticationForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views_home.home, name="home"),
    path("", include("indicators.urls")),
    path("", include("institutions.urls")),
    path("", include("reports.urls")),
    path("api/v1/", include("reports.api_urls")),
]

admin.site.site_header = "Cổng theo dõi Kế hoạch 3632/KH-UBND"
admin.site.site_title = "Quản trị"
admin.site.index_title = "Dữ liệu tham chiếu"
