from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.fields import SingleLineCharField


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class AccountHistory(HistoricalRecords):
    """The account's history. When a person deletes their own account (a donor's
    erasure), the row recording it cannot name them: the account it would point at is
    gone, so it names nobody, like the other rows the erasure leaves."""

    def post_delete(self, instance, using=None, **kwargs):
        actor = self.get_history_user(instance)
        if actor is not None and actor.pk == instance.pk:
            instance._history_user = None
        super().post_delete(instance, using=using, **kwargs)


# Only the sign-in stamp changes: not a change to the account, no history row.
SIGN_IN_FIELDS = frozenset({"last_login"})


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their e-mail address.

    Roles are not flags here: they come from `schools.Membership` rows, so one person
    can be staff of a school and a donor, or an officer of two offices.
    """

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = SingleLineCharField(_("full name"), max_length=150)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    is_staff = models.BooleanField(
        _("staff status"), default=False, help_text=_("Can sign in to the administration site.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # How many of the person's in-portal notices (notices.Notice) are unread, kept by
    # notices.services with F() updates so the navigation's badge costs no query.
    unread_notices = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()
    # Who changed an account and when: its rights (active, staff, superuser) with their
    # values; the name, e-mail address and phone are left out, as a donor's identity is
    # everywhere (donations.models), so that erasing an account leaves nobody behind in
    # its history; the password hash and the last sign-in are never kept.
    history = AccountHistory(
        excluded_fields=["password", "last_login", "email", "full_name", "phone", "unread_notices"]
    )

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self):
        return self.full_name or self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) <= SIGN_IN_FIELDS:
            self.skip_history_when_saving = True
            try:
                super().save(*args, **kwargs)
            finally:
                del self.skip_history_when_saving
            return
        super().save(*args, **kwargs)

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        # Vietnamese names put the given name last: "Nguyễn Thị Lan" -> "Lan".
        return self.full_name.split()[-1] if self.full_name else self.email


class LoginThrottle(models.Model):
    """Sign-in attempts for one account from one address (accounts.lockout). A counter,
    not a record: no history, and rows are deleted a day after their last attempt. The
    login is kept as a keyed hash, so the table holds no e-mail address."""

    login_digest = models.CharField(max_length=64)
    address = models.CharField(max_length=64)
    failures = models.PositiveIntegerField(default=0)
    last_failed_at = models.DateTimeField()
    delayed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["login_digest", "address"], name="accounts_loginthrottle_login_address"),
        ]
        indexes = [models.Index(fields=["last_failed_at"], name="accounts_loginthrottle_last")]

    def __str__(self):
        return f"{self.address}: {self.failures}"
