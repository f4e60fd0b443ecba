import factory

from schools.models import AdministrativeUnit, Membership, Office, School, SchoolSite
from tests.accounts.factories import UserFactory


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit

    code = factory.Sequence(lambda n: f"{n % 90 + 10}")
    name = factory.Sequence(lambda n: f"Tỉnh Thử {n}")
    level = "province"
    parent = None


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit

    code = factory.Sequence(lambda n: f"{n + 100:03d}")
    name = factory.Sequence(lambda n: f"Huyện Thử {n}")
    level = "district"
    parent = factory.SubFactory(ProvinceFactory)


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit

    code = factory.Sequence(lambda n: f"{n + 10000:05d}")
    name = factory.Sequence(lambda n: f"Xã Thử {n}")
    level = "commune"
    parent = factory.SubFactory(DistrictFactory)


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office

    name = factory.Sequence(lambda n: f"Phòng Giáo dục và Đào tạo {n}")
    code = factory.Sequence(lambda n: f"office-{n}")
    kind = "education_office"
    unit = factory.SubFactory(DistrictFactory)
    digest_emails = factory.Sequence(lambda n: f"office{n}@example.vn")


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    code = factory.Sequence(lambda n: f"S{n:07d}")
    name = factory.Sequence(lambda n: f"Trường Tiểu học Thử {n}")
    level = "primary"
    commune = factory.SubFactory(CommuneFactory)
    pupils = 300
    ethnic_minority_percent = 95
    boarding = "semi"


class SchoolSiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolSite

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Điểm trường bản {n}")
    village = factory.Sequence(lambda n: f"Bản {n}")
    distance_km = 7
    pupils = 40
    electricity = "none"
    water_source = "stream"
    toilet = "degraded"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = "school_staff"
    school = None
    office = None
