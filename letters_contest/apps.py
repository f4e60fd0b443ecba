from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LettersContestConfig(AppConfig):
    name = "letters_contest"
    verbose_name = _("Letters contest")
