import factory

from needs.models import Need, NeedItem, NeedPhoto
from tests.accounts.factories import UserFactory
from tests.schools.factories import SchoolFactory


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Need
        skip_postgeneration_save = True

    school = factory.SubFactory(SchoolFactory)
    category = "toilets"
    title = factory.Sequence(lambda n: f"Xây nhà vệ sinh điểm trường số {n}")
    description = "Điểm trường chưa có nhà vệ sinh, học sinh phải đi vào rừng."
    pupils_benefiting = 45
    urgency = Need.Urgency.HIGH
    status = Need.Status.VERIFIED
    amount_requested = 0

    @factory.post_generation
    def items(obj, create, extracted, **kwargs):
        """Items as (description, quantity, unit, unit_cost); one default line."""
        if not create:
            return
        lines = extracted if extracted is not None else [("Nhà vệ sinh 2 buồng", 1, "công trình", 45_000_000)]
        for position, (description, quantity, unit, unit_cost) in enumerate(lines):
            NeedItem.objects.create(
                need=obj, description=description, quantity=quantity, unit=unit, unit_cost=unit_cost, position=position
            )
        obj.amount_requested = sum(quantity * unit_cost for _d, quantity, _u, unit_cost in lines)
        obj.save(update_fields=["amount_requested"])


class NeedPhotoFactory(factory.django.DjangoModelFactory):
    """A photo of the need as the upload leaves it: a large picture and its thumbnail."""

    class Meta:
        model = NeedPhoto

    need = factory.SubFactory(NeedFactory)
    uploaded_by = factory.SubFactory(UserFactory)
    large = factory.django.ImageField(filename="photo.jpg", format="JPEG", width=8, height=8, color=(200, 200, 200))
    thumb = factory.django.ImageField(filename="photo.jpg", format="JPEG", width=8, height=8, color=(200, 200, 200))
