"""PKCS#12 keys kept encrypted in SigningKey rows: registered by the command or the
service, read back only through the backend."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from documents.models import SigningKey
from documents.services import signing_key_add_pkcs12, signing_key_retire
from documents.signing import (
    Pkcs12Backend,
    SignatureRequest,
    SigningFailed,
    backend_for,
    person_appearance,
    sign_document,
)
from documents.verification import verify_pdf
from tests.support.pki import SIGNATURE_SPACE

pytestmark = pytest.mark.django_db


@pytest.fixture
def office_key(area, pki):
    return signing_key_add_pkcs12(
        owner=area.office_a,
        holder=SigningKey.Holder.PERSON,
        label="Nguyễn Văn An – Trưởng phòng",
        pkcs12_file=pki["person"].pkcs12("mật-khẩu"),
        password="mật-khẩu",
        actor=area.officer_a,
    )


def test_it_keeps_the_file_and_password_encrypted(office_key, pki):
    office_key.refresh_from_db()
    stored = bytes(office_key.pkcs12_encrypted)
    plain = pki["person"].pkcs12("mật-khẩu")
    assert stored != plain
    assert plain[:64] not in stored
    assert b"m\xe1\xba\xadt" not in bytes(office_key.password_encrypted)  # "mật", UTF-8
    assert office_key.certificate_subject == pki["person"].certificate.subject.rfc4514_string()
    assert office_key.certificate_serial == format(pki["person"].certificate.serial_number, "X")
    assert office_key.valid_until == pki["person"].certificate.not_valid_after_utc


def test_the_stored_key_signs_a_document_that_verifies(office_key, document_pdf, trusted_ca):
    office_key.refresh_from_db()
    backend = backend_for(office_key)
    assert isinstance(backend, Pkcs12Backend)
    signed = sign_document(
        document_pdf, [(backend, SignatureRequest("Signer", SIGNATURE_SPACE, person_appearance("Nguyễn Văn An")))]
    )
    (report,) = verify_pdf(signed).signatures
    assert report.signer_name == "Nguyễn Văn An"
    assert report.intact and report.trusted


def test_its_history_records_who_added_it_and_never_the_key(office_key, area):
    row = office_key.history.get()
    assert row.history_user == area.officer_a
    assert row.history_type == "+"
    assert not hasattr(row, "pkcs12_encrypted")
    assert not hasattr(row, "password_encrypted")


def test_another_secret_cannot_open_it(office_key, settings):
    settings.SIGNING_KEYS_SECRET = "a different secret"
    office_key.refresh_from_db()
    with pytest.raises(SigningFailed, match="SIGNING_KEYS_SECRET"):
        backend_for(office_key)


def test_a_wrong_password_is_refused_and_nothing_is_stored(area, pki):
    with pytest.raises(ValidationError, match="không mở được bằng mật khẩu này"):
        signing_key_add_pkcs12(
            owner=area.office_a,
            holder=SigningKey.Holder.PERSON,
            label="x",
            pkcs12_file=pki["person"].pkcs12("right"),
            password="wrong",
        )
    assert not SigningKey.objects.exists()


def test_a_retired_key_signs_nothing_and_keeps_no_key_material(office_key, area, pki):
    signing_key_retire(key=office_key, actor=area.officer_a)
    office_key.refresh_from_db()
    assert not office_key.is_active
    assert pki["person"].pkcs12("mật-khẩu")[:64] not in bytes(office_key.pkcs12_encrypted)
    with pytest.raises(SigningFailed, match="đã ngừng sử dụng"):
        backend_for(office_key)
    assert [h.is_active for h in office_key.history.order_by("history_date")] == [True, False]


def test_the_database_wants_one_owner(office_key, area):
    office_key.school = area.school_a
    with transaction.atomic(), pytest.raises(IntegrityError):
        office_key.save()


def test_the_command_reads_the_password_from_the_environment(area, pki, tmp_path, monkeypatch, capsys):
    p12 = tmp_path / "seal.p12"
    p12.write_bytes(pki["organisation"].pkcs12("con dấu"))
    monkeypatch.setenv("SIGNING_KEY_PASSWORD", "con dấu")
    call_command("add_signing_key", office=area.office_a.code, holder="organisation", label="Con dấu phòng", file=p12)
    key = SigningKey.objects.get()
    assert (key.office, key.holder, key.kind) == (area.office_a, "organisation", "pkcs12")
    assert key.certificate_serial in capsys.readouterr().out
    assert bytes(key.pkcs12_encrypted) != p12.read_bytes()


def test_the_command_without_the_password_variable_stops(area, pki, tmp_path, monkeypatch):
    p12 = tmp_path / "seal.p12"
    p12.write_bytes(pki["organisation"].pkcs12("con dấu"))
    monkeypatch.delenv("SIGNING_KEY_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="SIGNING_KEY_PASSWORD"):
        call_command("add_signing_key", school=area.school_a.code, holder="organisation", label="x", file=p12)
    monkeypatch.setenv("SIGNING_KEY_PASSWORD", "sai")
    with pytest.raises(CommandError, match="không mở được bằng mật khẩu này"):
        call_command("add_signing_key", school=area.school_a.code, holder="organisation", label="x", file=p12)
    assert not SigningKey.objects.exists()


def test_a_persons_key_is_linked_to_its_signer_of_the_same_body(area, pki, tmp_path, monkeypatch):
    from tests.documents.factories import SignerFactory

    signer = SignerFactory(office=area.office_a)
    elsewhere = SignerFactory(office=area.office_b)
    p12 = tmp_path / "person.p12"
    p12.write_bytes(pki["person"].pkcs12("mật-khẩu"))
    monkeypatch.setenv("SIGNING_KEY_PASSWORD", "mật-khẩu")
    options = {"office": area.office_a.code, "label": "Nguyễn Văn An", "file": p12}
    with pytest.raises(CommandError, match="cơ quan khác"):
        call_command("add_signing_key", holder="person", signer=elsewhere.pk, **options)
    with pytest.raises(CommandError, match="khóa con dấu"):
        call_command("add_signing_key", holder="organisation", signer=signer.pk, **options)
    assert not SigningKey.objects.exists()
    call_command("add_signing_key", holder="person", signer=signer.pk, **options)
    assert SigningKey.objects.get().signer == signer
