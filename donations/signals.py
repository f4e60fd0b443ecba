from allauth.account.signals import email_confirmed
from django.dispatch import receiver

from needs.models import Need
from needs.signals import need_status_changed

from . import services


@receiver(need_status_changed, sender=Need)
def deliver_pledges_with_their_need(sender, need, action, actor, **kwargs):
    if action == "deliver":
        services.pledges_delivered(need=need)


@receiver(email_confirmed)
def claim_pledges_on_confirmed_email(request, email_address, **kwargs):
    # Only a confirmed address proves the guest pledges are this person's.
    services.claim_guest_pledges(user=email_address.user, email=email_address.email)
