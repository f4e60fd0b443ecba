"""VietQR payloads: the EMVCo merchant-presented QR format as NAPAS publishes it for
account transfers, so any Vietnamese banking app fills in bank, account, amount and the
pledge's reference by itself."""

from dataclasses import dataclass

import segno

NAPAS_GUID = "A000000727"
SERVICE_TRANSFER_TO_ACCOUNT = "QRIBFTTA"
CURRENCY_VND = "704"
COUNTRY = "VN"
# What banking apps read, on screen or from a saved picture: a quiet zone of four modules (the QR
# standard's own) and, whatever the code's version, at least this many pixels a side.
PNG_QUIET_ZONE = 4
PNG_MIN_PIXELS = 600


def _tlv(tag: str, value: str) -> str:
    if len(value) > 99:
        raise ValueError(f"EMVCo field {tag} is longer than 99 characters")
    return f"{tag}{len(value):02d}{value}"


def crc16_ccitt(data: bytes) -> int:
    """CRC-16/CCITT-FALSE (polynomial 0x1021, initial value 0xFFFF), as EMVCo requires."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


@dataclass(frozen=True)
class Transfer:
    bank_bin: str  # the bank's six-digit NAPAS code, e.g. 970405 for Agribank
    account_number: str
    amount: int  # whole VND
    reference: str  # goes in the transfer's description


def payload(transfer: Transfer) -> str:
    """The text a VietQR code carries, ending with its CRC."""
    if not (transfer.bank_bin.isdigit() and len(transfer.bank_bin) == 6):
        raise ValueError("The bank BIN has six digits")
    beneficiary = _tlv("00", transfer.bank_bin) + _tlv("01", transfer.account_number)
    merchant = _tlv("00", NAPAS_GUID) + _tlv("01", beneficiary) + _tlv("02", SERVICE_TRANSFER_TO_ACCOUNT)
    body = (
        _tlv("00", "01")  # payload format indicator
        + _tlv("01", "12")  # dynamic: used for one transfer with an amount
        + _tlv("38", merchant)
        + _tlv("53", CURRENCY_VND)
        + _tlv("54", str(int(transfer.amount)))
        + _tlv("58", COUNTRY)
        + _tlv("62", _tlv("08", transfer.reference))
        + "6304"
    )
    return body + f"{crc16_ccitt(body.encode('ascii')):04X}"


def svg(transfer: Transfer, *, scale: int = 5) -> str:
    """The QR code as inline SVG markup."""
    code = segno.make(payload(transfer), error="m", micro=False)
    return code.svg_inline(scale=scale, border=PNG_QUIET_ZONE, dark="#0a2f27", omitsize=True)


def png(transfer: Transfer, *, min_pixels: int = PNG_MIN_PIXELS) -> bytes:
    """The QR code as a PNG picture to save and open in a banking app's scanner."""
    import io
    import math

    code = segno.make(payload(transfer), error="m", micro=False)
    modules = code.symbol_size(scale=1, border=PNG_QUIET_ZONE)[0]
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=math.ceil(min_pixels / modules), border=PNG_QUIET_ZONE)
    return buffer.getvalue()
