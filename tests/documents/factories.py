import factory

from documents.models import Signer


class SignerFactory(factory.django.DjangoModelFactory):
    """The head of an office, signing in their own right (give `office` or `school`)."""

    class Meta:
        model = Signer

    full_name = "Nguyễn Văn An"
    authority = Signer.Authority.HEAD
    title = ""
