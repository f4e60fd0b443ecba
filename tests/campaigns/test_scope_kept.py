"""A campaign's scope is kept as it was made (issue 15): its figures, reviews and honour
roll count the same needs and gifts after its schools move to the new map as before.

Needs record where their school stood when they were made (`Need.province`, `district`,
`commune`); campaigns count them there (`AdministrativeUnit.need_filter`). The schools
move as an operator moves them: `load_units` with a mapping of old communes to new ones.
"""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from campaigns.models import Campaign, Review
from campaigns.reviews import review_figures, review_pdf
from campaigns.selectors import campaign_context, campaign_page, target_progress
from donations.services import DonorDetails, pledge_create, pledge_receive
from needs.models import Need
from needs.services import need_transition
from schools.models import AdministrativeUnit, School
from tests.campaigns.factories import ReviewFactory, TargetFactory
from tests.needs.factories import NeedFactory
from tests.support.documents import pdf_text

pytestmark = pytest.mark.django_db

# Old communes of the demo's Điện Biên to communes of the current map (codes of
# vietnam-provinces 2025.10.1). Illustrative, for the tests: the operator supplies the
# real mapping (schools/units.py). The old communes whose code the new map keeps
# (03253, 03260, 03268, 03283, 03295, 03301, 03382, 03385) follow their code.
DEMO_MAPPING = """old_code,new_code,school_id
03259,03260,
03262,03268,
03263,03268,
03265,03260,
03269,03268,
03271,03260,
03274,03253,
03277,03295,
03280,03295,
03284,03283,
03289,03253,
03298,03283,
03299,03283,
03304,03295,
03292,03256,
03302,03301,
"""
# The two communes of the `area` fixture: Pú Xi (district A) and Ẳng Tở (district B).
AREA_MAPPING = "old_code,new_code\n03269,03268\n03292,03256\n"


def move_schools(tmp_path, mapping: str = DEMO_MAPPING) -> str:
    """Load the current map of Điện Biên (province 11) over the old one."""
    path = tmp_path / "mapping.csv"
    path.write_text(mapping, encoding="utf-8")
    out = StringIO()
    call_command("load_units", "--province", "11", "--mapping", str(path), stdout=out, stderr=out)
    return out.getvalue()


def issue_in_2021(review: Review, user) -> Review:
    """The final review as issued at the end of the campaign's year, with the number its
    officer typed then (before reviews were numbered by the register): a document dated
    before the reform is the district's, whatever the map holds today (documents/issuers.py)."""
    issued_at = datetime.datetime(2021, 12, 28, 9, tzinfo=datetime.timezone(datetime.timedelta(hours=7)))
    Review.objects.filter(pk=review.pk).update(issued_at=issued_at, issued_by=user)
    review.refresh_from_db()
    return review


def figures_of(campaign: Campaign, review: Review | None = None) -> dict:
    """Everything a campaign shows in figures: its page, its target progress, its review
    figures and honour roll, and the issued review's text."""
    page = campaign_context(campaign_page(campaign.slug))
    figures = {
        "needs": sorted(campaign.needs().values_list("pk", flat=True)),
        "progress": [(row["target"].pk, row["achieved"], row["fraction"]) for row in target_progress(campaign)],
        "page": (page["totals"], page["roll"], [(row["target"].pk, row["achieved"]) for row in page["progress"]]),
        "review": review_figures(campaign),
    }
    if review is not None:
        figures["document"] = pdf_text(review_pdf(review))
    return figures


def test_a_campaign_counts_the_same_needs_and_gifts_after_its_schools_move(area, campaign, tmp_path):
    TargetFactory(campaign=campaign, category="toilets", measure="needs", quantity=4)
    TargetFactory(campaign=campaign, category="meals", measure="pupils", quantity=200)
    TargetFactory(campaign=campaign, category="books", measure="amount", quantity=10_000_000)
    NeedFactory(school=area.school_a, category="toilets", status=Need.Status.DELIVERED)
    NeedFactory(school=area.school_a, category="toilets", status=Need.Status.FUNDED)
    NeedFactory(school=area.school_a, category="meals", status=Need.Status.CLOSED, pupils_benefiting=150)
    books = NeedFactory(school=area.school_a, category="books", items=[("Sách", 100, "cuốn", 50_000)])
    NeedFactory(school=area.school_b, category="toilets", status=Need.Status.DELIVERED)  # outside the scope
    donor = DonorDetails(name="Trần Thu Hà", email="ha@example.vn")
    gift, _ = pledge_create(need=books, donor=donor, amount=2_000_000)
    pledge_receive(pledge=gift, actor=area.officer_a, amount=2_000_000, received_on=datetime.date(2026, 3, 2))
    pledge_create(need=books, donor=DonorDetails(name="Lê Minh", email="minh@example.vn"), amount=500_000)
    review = issue_in_2021(ReviewFactory(campaign=campaign, kind=Review.Kind.FINAL, number="125"), area.officer_a)

    before = figures_of(campaign, review)

    report = move_schools(tmp_path, AREA_MAPPING)

    school = School.objects.get(pk=area.school_a.pk)
    new_commune = AdministrativeUnit.objects.get(code="03268", abolished_on__isnull=True)
    assert "schools: 2 were moved" in report
    assert (school.commune, school.district_id) == (new_commune, None)
    # Today's place no longer holds the campaign's schools: the old way would count nothing.
    assert not School.objects.filter(area.district_a.school_filter()).exists()
    after = figures_of(campaign, review)
    assert after == before
    assert before["progress"] == [
        (campaign.targets.get(category="toilets").pk, 2, 0.5),
        (campaign.targets.get(category="meals").pk, 150, 0.75),
        (campaign.targets.get(category="books").pk, 2_000_000, 0.2),
    ]
    assert before["page"][1]["donors"] == [{"name": "Trần Thu Hà", "total": 2_000_000, "gifts": 1}]
    review = before["review"]
    assert [(row["commune__name"], row["school__name"]) for row in review["by_school"]] == [
        ("Xã Pú Xi", "Trường PTDTBT Tiểu học Pú Xi")
    ]
    assert (review["schools_posting"], review["schools_total"], review["totals"]["count"]) == (1, 1, 4)
    assert review["roll"] == before["page"][1] | {"donors": review["roll"]["donors"]}
    assert "Xã Pú Xi" in before["document"] and "Trần Thu Hà" in before["document"]
    assert "ỦY BAN NHÂN DÂN HUYỆN TUẦN GIÁO PHÒNG GIÁO DỤC VÀ ĐÀO TẠO CỘNG HÒA" in after["document"]
    assert "Số: 125/BC-PGDĐT Tuần Giáo, ngày 28 tháng 12 năm 2021" in after["document"]


def test_a_need_made_after_the_move_is_recorded_under_the_new_commune(area, campaign, tmp_path):
    old_need = NeedFactory(school=area.school_a, status=Need.Status.SUBMITTED)
    assert (old_need.province, old_need.district, old_need.commune) == (area.province, area.district_a, area.commune_a)

    move_schools(tmp_path, AREA_MAPPING)

    new_commune = AdministrativeUnit.objects.get(code="03268", abolished_on__isnull=True)
    new_need = NeedFactory(school=School.objects.get(pk=area.school_a.pk))
    assert (new_need.province, new_need.district, new_need.commune) == (area.province, None, new_commune)
    assert list(campaign.needs()) == [old_need]
    # Later saves keep the place a need was made in.
    need_transition(need=Need.objects.get(pk=old_need.pk), action="verify", actor=area.officer_province)
    old_need.refresh_from_db()
    assert (old_need.status, old_need.district, old_need.commune) == ("verified", area.district_a, area.commune_a)
    # A campaign of the new commune counts the needs made there only.
    assert list(Need.objects.filter(new_commune.need_filter())) == [new_need]


def test_the_demo_tuan_giao_campaign_keeps_its_figures_when_the_demo_schools_move(settings, tmp_path):
    """The demo as it stood before 1 July 2025, then the reform with the real merger of
    its communes (schools/data/communes_2025.csv) and today's programme: the 2021 campaign's
    needs, money, honour roll and final review are the same before and after."""
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", "--before-reform", stdout=StringIO())
    demo = Campaign.objects.get(slug="dieu-uoc-cho-em-tuan-giao")
    review = demo.reviews.get(kind=Review.Kind.FINAL)
    tuan_giao = AdministrativeUnit.objects.get(level="district", code="099")
    assert tuan_giao.is_current and School.objects.filter(tuan_giao.school_filter()).count() == 23
    before = figures_of(demo, review)

    out = StringIO()
    call_command("seed_demo", stdout=out)

    assert "32 schools moved to their new communes" in out.getvalue()
    tuan_giao.refresh_from_db()
    assert tuan_giao.abolished_on == datetime.date(2025, 7, 1)
    assert not School.objects.filter(tuan_giao.school_filter()).exists()
    assert School.objects.filter(code__startswith="11099", district__isnull=True).count() == 23
    # Today's needs (and two school-lunch needs) count elsewhere.
    assert Need.objects.filter(created_at__year__gte=2025).count() == 66
    demo.refresh_from_db()
    assert demo.scope == tuan_giao and str(demo.scope) == "Huyện Tuần Giáo"
    assert figures_of(demo, review) == before
    # The figures of the seed: 9 needs made public and delivered at 8 of the 23 schools,
    # every đồng received, four named donors.
    figures = before["review"]
    assert figures["totals"] == {
        "count": 9,
        "delivered": 9,
        "pupils": 1857,
        "requested": 391_200_000,
        "pledged": 391_200_000,
        "received": 391_200_000,
    }
    assert (figures["schools_posting"], figures["schools_total"]) == (8, 23)
    assert ("Xã Pú Xi", "Trường PTDTBT Tiểu học Pú Xi") in [
        (row["commune__name"], row["school__name"]) for row in figures["by_school"]
    ]
    roll = figures["roll"]
    assert (roll["total"], roll["gifts"], roll["donor_count"]) == (391_200_000, 9, 4)
    assert roll["donors"][0] == {"name": "Trần Thu Hà", "total": 236_900_000, "gifts": 4}
    assert before["page"][1]["total"] == 391_200_000
    assert "huyện Tuần Giáo" in before["document"] and "318/BC-UBND" in before["document"]
    # The campaign's lead office, the district's People's Committee, issued it in 2021.
    assert "ỦY BAN NHÂN DÂN HUYỆN TUẦN GIÁO CỘNG HÒA" in before["document"]
    assert "Số: 318/BC-UBND Tuần Giáo, ngày 28 tháng 12 năm 2021" in before["document"]
    assert "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH" in before["document"]
