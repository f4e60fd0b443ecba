"""Issue 19, finding 2: the campaign banner, the one image uploaded through the admin,
passes the same header check as every other upload."""

from campaigns.admin import CampaignAdminForm
from tests.support.images import png, png_bomb


def test_it_refuses_a_banner_that_would_be_a_decompression_bomb(db):
    form = CampaignAdminForm(data={}, files={"banner": png_bomb("bang-ron.png")})
    form.is_valid()
    assert form.errors["banner"] == [
        "“bang-ron.png” cần 152 MB bộ nhớ để mở; giới hạn là 64 MB. Vui lòng gửi ảnh nhỏ hơn."
    ]


def test_it_keeps_an_ordinary_banner(db):
    form = CampaignAdminForm(data={}, files={"banner": png("bang-ron.png", size=(1200, 400))})
    form.is_valid()
    assert "banner" not in form.errors
    assert form.cleaned_data["banner"].read(8) == b"\x89PNG\r\n\x1a\n"
