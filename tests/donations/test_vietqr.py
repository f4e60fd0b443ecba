import binascii

import pytest

from donations.vietqr import Transfer, crc16_ccitt, payload, svg


def parse_tlv(text):
    """An EMVCo TLV reader written for the test, independent of the generator."""
    fields, index = {}, 0
    while index < len(text):
        tag, length = text[index : index + 2], int(text[index + 2 : index + 4])
        fields[tag] = text[index + 4 : index + 4 + length]
        index += 4 + length
    return fields


def test_the_payload_carries_bank_account_amount_and_reference():
    text = payload(Transfer(bank_bin="970405", account_number="8800211223344", amount=1_000_000, reference="DUAB23CD"))

    fields = parse_tlv(text)
    assert fields["00"] == "01"
    assert fields["01"] == "12"
    merchant = parse_tlv(fields["38"])
    assert merchant["00"] == "A000000727"
    assert merchant["02"] == "QRIBFTTA"
    beneficiary = parse_tlv(merchant["01"])
    assert beneficiary == {"00": "970405", "01": "8800211223344"}
    assert fields["53"] == "704"
    assert fields["54"] == "1000000"
    assert fields["58"] == "VN"
    assert parse_tlv(fields["62"])["08"] == "DUAB23CD"
    # The CRC covers everything up to and including "6304"; Python's binascii agrees.
    assert fields["63"] == f"{binascii.crc_hqx(text[:-4].encode('ascii'), 0xFFFF):04X}"


def test_the_crc_matches_the_standard_check_value():
    # CRC-16/CCITT-FALSE of "123456789" is 0x29B1.
    assert crc16_ccitt(b"123456789") == 0x29B1


def test_a_bad_bin_is_refused():
    with pytest.raises(ValueError):
        payload(Transfer(bank_bin="9704", account_number="1", amount=1, reference="X"))


def test_the_code_is_drawn_as_svg():
    markup = svg(Transfer(bank_bin="970405", account_number="8800211223344", amount=50_000, reference="DUAB23CD"))
    assert markup.startswith("<svg") and "</svg>" in markup
