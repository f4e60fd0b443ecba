from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from core import media, views

# Vietnamese pages have no prefix; English ones live under /en/.
urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz/", views.health, name="health"),
    path("livez/", views.livez, name="livez"),
    # The service worker: at the root so its scope is the whole site (core.views).
    path("sw.js", views.service_worker, name="service_worker"),
    path("admin/", admin.site.urls),
    # The open-data API: JSON and CSV, the same in every language (opendata).
    path("api/v1/", include("opendata.urls")),
    # Public uploads only (need photos, banners); letters go through their own views.
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", media.public_media, name="media"),
]
urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("privacy/", views.privacy, name="privacy"),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("inbox/", include("notices.urls")),
    path("schools/", include("schools.urls")),
    path("needs/", include("needs.urls")),
    path("trust/", include("trust.urls")),
    path("donations/", include("donations.urls")),
    path("receiving/", include("receiving.urls")),
    path("campaigns/", include("campaigns.urls")),
    path("dashboard/", include("oversight.urls")),
    path("documents/", include("documents.urls")),
    path("contest/", include("letters_contest.urls")),
    prefix_default_language=False,
)

handler400 = "core.views.error_400"
handler403 = "core.views.error_403"
handler404 = "core.views.error_404"
handler500 = "core.views.error_500"
# Not a Django handler: allauth's rate limits look it up here (ROOT_URLCONF.handler429),
# and core.ratelimit uses it too.
handler429 = "core.views.error_429"
