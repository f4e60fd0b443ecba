import os
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from documents.models import Signer, SigningKey
from documents.services import signing_key_add_pkcs12, signing_key_add_remote
from schools.models import Office, School


class Command(BaseCommand):
    help = (
        "Register a key an office or a school signs documents with: a PKCS#12 file (stored "
        "encrypted with its password; the password is read from an environment variable, "
        "never from the command line, so it stays out of shell history and process lists) "
        "or a key held by the remote signing service (REMOTE_SIGNING_URL). The file on "
        "disk can be deleted afterwards."
    )

    def add_arguments(self, parser):
        owner = parser.add_mutually_exclusive_group(required=True)
        owner.add_argument("--office", metavar="CODE", help="the office's code")
        owner.add_argument("--school", metavar="CODE", help="the school's official code")
        parser.add_argument(
            "--holder",
            choices=SigningKey.Holder.values,
            required=True,
            help="person: the signer's own signature; organisation: the seal",
        )
        parser.add_argument("--label", required=True, help="e.g. “Nguyễn Văn An – Trưởng phòng”")
        parser.add_argument(
            "--signer",
            type=int,
            metavar="ID",
            help="for a person's key: the id of the body's signer whose key it is (the signers' page)",
        )
        material = parser.add_mutually_exclusive_group(required=True)
        material.add_argument("--file", type=Path, help="the PKCS#12 file (.p12, .pfx)")
        material.add_argument("--remote-key-id", help="the key's id at the remote signing service")
        parser.add_argument(
            "--password-env",
            default="SIGNING_KEY_PASSWORD",
            metavar="VARIABLE",
            help="environment variable holding the PKCS#12 password (default SIGNING_KEY_PASSWORD)",
        )

    def handle(self, *args, **options):
        owner = self._owner(options)
        signer = None
        if options["signer"] is not None:
            signer = Signer.objects.filter(pk=options["signer"]).first()
            if signer is None:
                raise CommandError(f"No signer with id {options['signer']}.")
        try:
            if options["file"]:
                password = os.environ.get(options["password_env"])
                if password is None:
                    variable = options["password_env"]
                    raise CommandError(f"Set the PKCS#12 password in the environment variable {variable}.")
                try:
                    data = options["file"].read_bytes()
                except OSError as error:
                    raise CommandError(f"Cannot read {options['file']}: {error.strerror}") from error
                key = signing_key_add_pkcs12(
                    owner=owner,
                    holder=options["holder"],
                    label=options["label"],
                    pkcs12_file=data,
                    password=password,
                    signer=signer,
                )
            else:
                key = signing_key_add_remote(
                    owner=owner,
                    holder=options["holder"],
                    label=options["label"],
                    key_id=options["remote_key_id"],
                    signer=signer,
                )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            f"Signing key {key.pk} added for {owner}: {key.certificate_subject}, serial {key.certificate_serial}, "
            f"valid {key.valid_from:%Y-%m-%d} to {key.valid_until:%Y-%m-%d}."
        )

    def _owner(self, options):
        if options["office"]:
            try:
                return Office.objects.get(code=options["office"])
            except Office.DoesNotExist:
                raise CommandError(f"No office with code {options['office']}.") from None
        try:
            return School.objects.get(code=options["school"])
        except School.DoesNotExist:
            raise CommandError(f"No school with code {options['school']}.") from None
