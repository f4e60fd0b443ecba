"""The rules of documents/issuers.py on both shapes of the map: who issues, under which
parent body, with which symbol, signer's title and place, on the document's date."""

from datetime import date

import pytest

from documents.issuers import NoIssuer, issuer_of_office, issuer_of_school, name_on, place_name
from schools.services import office_save
from tests.schools.factories import DistrictFactory, OfficeFactory, ProvinceFactory, SchoolFactory

OLD_DAY = date(2021, 3, 15)  # the Tuần Giáo campaign's year, three-tier map
NEW_DAY = date(2026, 2, 20)  # the two-tier map
REFORM_DAY = date(2025, 7, 1)


def header(issuer) -> tuple:
    return (issuer.parent_body, issuer.name, issuer.symbol, issuer.signer_authority, issuer.signer_title, issuer.place)


def test_a_district_office_issues_as_the_district_phong_on_the_old_map(area):
    issuer = issuer_of_office(area.office_a, on=OLD_DAY)

    assert header(issuer) == (
        "ỦY BAN NHÂN DÂN HUYỆN TUẦN GIÁO",
        "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO",
        "PGDĐT",
        "",
        "TRƯỞNG PHÒNG",
        "Tuần Giáo",
    )
    assert issuer.text_name == "Phòng Giáo dục và Đào tạo huyện Tuần Giáo"
    assert issuer.number("BC") == "…/BC-PGDĐT"
    assert issuer.office == area.office_a and issuer.on == OLD_DAY


def test_the_department_issues_under_the_provincial_peoples_committee(area):
    issuer = issuer_of_office(area.office_province, on=NEW_DAY)

    assert header(issuer) == (
        "ỦY BAN NHÂN DÂN TỈNH ĐIỆN BIÊN",
        "SỞ GIÁO DỤC VÀ ĐÀO TẠO",
        "SGDĐT",
        "",
        "GIÁM ĐỐC",
        "Điện Biên",
    )
    assert issuer.number("KH", "12") == "12/KH-SGDĐT"
    assert issuer.text_name == "Sở Giáo dục và Đào tạo tỉnh Điện Biên"


def test_a_commune_office_is_the_culture_and_society_division_of_the_commune(reform):
    issuer = issuer_of_office(reform.commune_office, on=NEW_DAY)

    assert header(issuer) == (
        "ỦY BAN NHÂN DÂN XÃ PÚ XI",
        "PHÒNG VĂN HÓA - XÃ HỘI",
        "VHXH",
        "",
        "TRƯỞNG PHÒNG",
        "Pú Xi",
    )


def test_a_peoples_committee_has_no_parent_body_and_signs_on_behalf_of_the_committee(reform):
    issuer = issuer_of_office(reform.commune_committee, on=NEW_DAY)

    assert header(issuer) == ("", "ỦY BAN NHÂN DÂN XÃ PÚ XI", "UBND", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Pú Xi")
    assert issuer.number("BC") == "…/BC-UBND"


def test_an_abolished_district_office_hands_a_2026_document_to_the_provincial_department(area, reform):
    issuer = issuer_of_office(area.office_a, on=NEW_DAY)

    assert issuer.office == area.office_province
    assert header(issuer)[:3] == ("ỦY BAN NHÂN DÂN TỈNH ĐIỆN BIÊN", "SỞ GIÁO DỤC VÀ ĐÀO TẠO", "SGDĐT")
    assert issuer.place == "Điện Biên"
    assert "HUYỆN" not in " ".join(header(issuer))


def test_before_its_abolition_the_district_office_still_issues_as_itself(area, reform):
    issuer = issuer_of_office(area.office_a, on=date(2025, 6, 30))

    assert issuer.office == area.office_a
    assert issuer.parent_body == "ỦY BAN NHÂN DÂN HUYỆN TUẦN GIÁO"
    assert issuer_of_office(area.office_a, on=REFORM_DAY).office == area.office_province


def test_an_abolished_commune_office_hands_over_to_the_office_of_its_one_successor(area, reform):
    old_commune_office = OfficeFactory(unit=area.commune_a, kind="education_office", name="Ban văn hóa xã Pú Xi cũ")
    old_committee = OfficeFactory(unit=area.commune_a, kind="peoples_committee", name="UBND xã Pú Xi cũ")

    assert issuer_of_office(old_commune_office, on=NEW_DAY).office == reform.commune_office
    assert issuer_of_office(old_committee, on=NEW_DAY).office == reform.commune_committee
    # A commune whose successor has no such office: the province's body takes over.
    ang_to_committee = OfficeFactory(unit=area.commune_b, kind="peoples_committee", name="UBND xã Ẳng Tở")
    with pytest.raises(NoIssuer):
        issuer_of_office(ang_to_committee, on=NEW_DAY)
    province_committee = OfficeFactory(unit=area.province, kind="peoples_committee", name="UBND tỉnh Điện Biên")
    assert issuer_of_office(ang_to_committee, on=NEW_DAY).office == province_committee


def test_a_merged_province_hands_over_to_the_province_it_merged_into(reform):
    before = issuer_of_office(reform.bac_giang_information, on=date(2024, 2, 20))
    after = issuer_of_office(reform.bac_giang_information, on=NEW_DAY)

    assert header(before) == (
        "ỦY BAN NHÂN DÂN TỈNH BẮC GIANG",
        "SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
        "STTTT",
        "",
        "GIÁM ĐỐC",
        "Bắc Giang",
    )
    # The information departments became part of Science and Technology on 1 March 2025.
    assert after.office == reform.bac_ninh_information
    assert header(after) == (
        "ỦY BAN NHÂN DÂN TỈNH BẮC NINH",
        "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
        "SKHCN",
        "",
        "GIÁM ĐỐC",
        "Bắc Ninh",
    )


def test_nothing_current_to_hand_over_to_is_a_clear_error(db):
    province = ProvinceFactory(name="Tỉnh Lai Châu", code="12")
    district = DistrictFactory(parent=province, name="Huyện Phong Thổ", abolished_on=REFORM_DAY)
    office = OfficeFactory(unit=district, name="Phòng GD&ĐT Phong Thổ")

    assert issuer_of_office(office, on=date(2025, 6, 1)).parent_body == "ỦY BAN NHÂN DÂN HUYỆN PHONG THỔ"
    with pytest.raises(NoIssuer) as refused:
        issuer_of_office(office, on=NEW_DAY)
    message = str(refused.value)
    assert "Phòng GD&ĐT Phong Thổ" in message and "Huyện Phong Thổ" in message and "01/07/2025" in message


def test_a_renamed_unit_is_printed_under_the_name_it_had_on_the_date(db):
    province = ProvinceFactory(name="Tỉnh Điện Biên", code="11")
    city = DistrictFactory(
        parent=province,
        name="Thành phố Điện Biên Phủ",
        former_names=[{"name": "Thị xã Điện Biên Phủ", "until": "2003-09-26"}],
    )
    committee = OfficeFactory(unit=city, kind="peoples_committee", name="UBND Điện Biên Phủ")

    assert issuer_of_office(committee, on=date(2003, 9, 25)).name == "ỦY BAN NHÂN DÂN THỊ XÃ ĐIỆN BIÊN PHỦ"
    assert issuer_of_office(committee, on=date(2003, 9, 26)).name == "ỦY BAN NHÂN DÂN THÀNH PHỐ ĐIỆN BIÊN PHỦ"
    assert name_on(city, date(2000, 1, 1)) == "Thị xã Điện Biên Phủ"
    assert issuer_of_office(committee, on=date(2003, 9, 25)).place == "Điện Biên Phủ"


def test_place_names_drop_the_kind_but_a_numbered_ward_keeps_it():
    assert place_name("Tỉnh Bắc Giang") == "Bắc Giang"
    assert place_name("Thành phố Hồ Chí Minh") == "Hồ Chí Minh"
    assert place_name("Thị trấn Tuần Giáo") == "Tuần Giáo"
    assert place_name("Đặc khu Côn Đảo") == "Côn Đảo"
    assert place_name("Phường 1") == "Phường 1"


def test_an_office_override_wins_over_the_rule_and_is_kept_in_its_history(area):
    office = area.office_province
    office.document_symbol = "SGD"
    office.document_signer_title = "PHÓ GIÁM ĐỐC PHỤ TRÁCH"
    office_save(office=office, user=area.officer_province)

    issuer = issuer_of_office(office, on=NEW_DAY)

    assert (issuer.symbol, issuer.signer_title, issuer.name) == (
        "SGD",
        "PHÓ GIÁM ĐỐC PHỤ TRÁCH",
        "SỞ GIÁO DỤC VÀ ĐÀO TẠO",
    )
    latest = office.history.first()
    assert (latest.document_symbol, latest.history_user) == ("SGD", area.officer_province)


def test_other_kinds_issue_under_their_own_name_with_their_initials(area):
    post = OfficeFactory(unit=area.province, kind="post", name="Bưu điện tỉnh Điện Biên")
    issuer = issuer_of_office(post, on=NEW_DAY)

    assert header(issuer) == ("", "BƯU ĐIỆN TỈNH ĐIỆN BIÊN", "BĐTĐB", "", "GIÁM ĐỐC", "Điện Biên")


def test_a_school_on_the_old_map_issues_under_the_district_office(area):
    area.school_a.principal_name = "Lò Văn Hùng"
    issuer = issuer_of_school(area.school_a, on=OLD_DAY)

    assert header(issuer) == (
        "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO HUYỆN TUẦN GIÁO",
        "TRƯỜNG PTDTBT TIỂU HỌC PÚ XI",
        "PTDTBTTHPX",
        "",
        "HIỆU TRƯỞNG",
        "Pú Xi",
    )
    assert issuer.signer_name == "Lò Văn Hùng"
    assert issuer.school == area.school_a and issuer.office is None


def test_a_school_handled_by_a_commune_office_issues_under_the_commune_committee(area, reform):
    issuer = issuer_of_school(area.school_a, on=NEW_DAY)

    assert issuer.parent_body == "ỦY BAN NHÂN DÂN XÃ PÚ XI"
    assert issuer.place == "Pú Xi"


def test_an_upper_secondary_school_issues_under_the_department(area, reform):
    school = SchoolFactory(commune=reform.tuan_giao, level="upper_secondary", name="Trường THPT Tuần Giáo")
    issuer = issuer_of_school(school, on=NEW_DAY)

    assert (issuer.parent_body, issuer.name, issuer.symbol, issuer.place) == (
        "SỞ GIÁO DỤC VÀ ĐÀO TẠO TỈNH ĐIỆN BIÊN",
        "TRƯỜNG THPT TUẦN GIÁO",
        "THPTTG",
        "Tuần Giáo",
    )


def test_a_school_left_in_an_abolished_commune_issues_from_its_one_successor_or_not_at_all(area, reform):
    school = SchoolFactory(commune=area.commune_b, name="Trường Mầm non Ẳng Tở")
    assert issuer_of_school(school, on=NEW_DAY).parent_body == "ỦY BAN NHÂN DÂN XÃ MƯỜNG ẢNG"
    area.commune_b.successors.add(reform.tuan_giao)  # split between two communes
    with pytest.raises(NoIssuer):
        issuer_of_school(school, on=NEW_DAY)
