"""System checks of what the portal needs from the machine."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Warning, register

from .documents import DOCUMENT_FONT_FILES


@register()
def document_font_installed(app_configs, **kwargs):
    folder = Path(settings.DOCUMENT_FONT_DIR)
    missing = [name for name in DOCUMENT_FONT_FILES if not (folder / name).is_file()]
    if not missing:
        return []
    return [
        Warning(
            f"Official documents need Liberation Serif 2.x: {', '.join(missing)} not found in {folder}.",
            hint="Install Debian's fonts-liberation2 (make system-deps does), or set DOCUMENT_FONT_DIR.",
            id="core.W001",
        )
    ]
