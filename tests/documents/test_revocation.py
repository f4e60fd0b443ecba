"""Online (SIGNATURE_VALIDATION_ONLINE), verification fetches the certificate authority's
revocation list: a revoked certificate is reported as revoked, and one whose list cannot be
fetched is not trusted. Offline, nothing is fetched and the result says so."""

import pytest

from documents.verification import verify_pdf
from tests.support.pki import ThrowawayCA, sign_as_office
from tests.support.remote_signer import FileServer


@pytest.fixture
def crl_server():
    server = FileServer().start()
    yield server
    server.stop()


@pytest.fixture
def world(crl_server, settings, tmp_path, document_pdf):
    ca = ThrowawayCA("Revoking CA")
    crl_url = crl_server.url + "/ca.crl"
    person = ca.issue("Nguyễn Văn An", "Phòng GD&ĐT Tuần Giáo", crl_url=crl_url)
    organisation = ca.issue("Phòng Giáo dục và Đào tạo huyện Tuần Giáo", crl_url=crl_url)
    root = tmp_path / "root.pem"
    root.write_bytes(ca.pem())
    settings.SIGNATURE_TRUST_ROOTS = [str(root)]
    return {"ca": ca, "person": person, "signed": sign_as_office(document_pdf, person, organisation)}


def test_online_a_revoked_signer_is_reported_and_the_other_still_trusted(world, crl_server, settings):
    settings.SIGNATURE_VALIDATION_ONLINE = True
    crl_server.files["/ca.crl"] = world["ca"].crl(revoked=[world["person"].certificate])
    result = verify_pdf(world["signed"])
    person, organisation = result.signatures
    assert result.revocation_checked
    assert person.intact and person.revoked and not person.trusted
    assert organisation.intact and organisation.trusted and not organisation.revoked
    assert not result.all_good
    assert "/ca.crl" in crl_server.requests


def test_online_a_list_that_cannot_be_fetched_means_not_trusted(world, crl_server, settings):
    settings.SIGNATURE_VALIDATION_ONLINE = True  # and the server has no list to give: 404
    result = verify_pdf(world["signed"])
    assert [(s.intact, s.trusted) for s in result.signatures] == [(True, False), (True, False)]


def test_offline_nothing_is_fetched_and_revocation_is_not_checked(world, crl_server, settings):
    settings.SIGNATURE_VALIDATION_ONLINE = False
    crl_server.files["/ca.crl"] = world["ca"].crl(revoked=[world["person"].certificate])
    result = verify_pdf(world["signed"])
    assert not result.revocation_checked
    assert all(s.trusted for s in result.signatures)  # the revocation goes unseen, as the page warns
    assert crl_server.requests == []


@pytest.mark.django_db
def test_the_page_shows_a_revoked_certificate(client, world, crl_server, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.SIGNATURE_VALIDATION_ONLINE = True
    crl_server.files["/ca.crl"] = world["ca"].crl(revoked=[world["person"].certificate])
    html = client.post(
        "/documents/verify/", {"document": SimpleUploadedFile("d.pdf", world["signed"])}
    ).content.decode()
    assert "Đã thu hồi" in html
    assert "đã được kiểm tra trực tuyến" in html
