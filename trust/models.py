"""What the verification queue warns about: a photo also on another need (PhotoMatch),
a unit cost far from what other schools asked (CostBenchmark), and the officers' notes
that set a warning aside (SignalDismissal). Matches and benchmarks are derived data,
recomputed from the needs at any time; dismissals are people's decisions, with history."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from needs.models import Category, Need, NeedPhoto


class PhotoMatch(models.Model):
    """`photo` looks the same as `other`, a photo of another need (trust.matching).
    Kept in both directions, so a need's matches are one indexed lookup."""

    photo = models.ForeignKey(NeedPhoto, on_delete=models.CASCADE, related_name="trust_matches")
    other = models.ForeignKey(NeedPhoto, on_delete=models.CASCADE, related_name="+")
    phash_distance = models.PositiveSmallIntegerField()
    dhash_distance = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("photo match")
        verbose_name_plural = _("photo matches")
        constraints = [
            models.UniqueConstraint(fields=["photo", "other"], name="trust_photomatch_once"),
            models.CheckConstraint(condition=~Q(photo=models.F("other")), name="trust_photomatch_not_itself"),
        ]

    def __str__(self):
        return f"{self.photo_id} ≈ {self.other_id}"


class CostBenchmark(models.Model):
    """What verified needs of a category asked per unit (the unit's text folded:
    "Cái", "cái ", "cai" are one unit), refreshed nightly (trust.benchmarks)."""

    category = models.CharField(max_length=20, choices=Category.choices)
    unit_key = models.CharField(max_length=30)
    unit = models.CharField(_("unit"), max_length=30)  # the spelling most schools used
    samples = models.PositiveIntegerField()
    schools = models.PositiveIntegerField()
    q1 = models.BigIntegerField()
    median = models.BigIntegerField()
    q3 = models.BigIntegerField()
    refreshed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("cost benchmark")
        verbose_name_plural = _("cost benchmarks")
        constraints = [models.UniqueConstraint(fields=["category", "unit_key"], name="trust_costbenchmark_once")]

    def __str__(self):
        return f"{self.category} / {self.unit}: {self.q1}–{self.q3}"

    @property
    def iqr(self) -> int:
        return self.q3 - self.q1


class SignalDismissal(models.Model):
    """An officer set a signal aside, with the reason. The signal stops alarming; the
    note stays beside it. `key` names the matched thing: the two photos, the item at its
    cost (a new cost is a new signal), nothing for the school's pace."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photo also on another need")
        COST = "cost", _("Unit cost far from other schools")
        PACE = "pace", _("Many needs in a short time")

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="trust_dismissals")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    key = models.CharField(max_length=64, blank=True)
    note = models.TextField(_("note"), max_length=1000)
    dismissed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    dismissed_at = models.DateTimeField()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dismissed signal")
        verbose_name_plural = _("dismissed signals")
        constraints = [models.UniqueConstraint(fields=["need", "kind", "key"], name="trust_signaldismissal_once")]

    def __str__(self):
        return f"{self.need_id} {self.kind} {self.key}"
