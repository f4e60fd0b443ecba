"""Key material at rest: PKCS#12 files and their passwords are stored encrypted (Fernet,
AES-128-CBC with HMAC-SHA256), under a key derived from `SIGNING_KEYS_SECRET`.

That secret defaults to SECRET_KEY; a deployment that may rotate SECRET_KEY sets
SIGNING_KEYS_SECRET on its own, or the stored keys can no longer be opened. A database
dump alone never yields a usable key."""

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


class KeyUnreadable(Exception):
    """The stored key was encrypted under another secret, or was altered."""


def _fernet() -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"documents.signing-keys").derive(
        settings.SIGNING_KEYS_SECRET.encode()
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def seal(plain: bytes) -> bytes:
    return _fernet().encrypt(plain)


def unseal(token: bytes) -> bytes:
    try:
        return _fernet().decrypt(token)
    except InvalidToken as error:
        raise KeyUnreadable("the signing key cannot be decrypted with SIGNING_KEYS_SECRET") from error
