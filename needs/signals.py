from django.dispatch import Signal

# Sent inside the transaction of every status change: sender=Need, need, action, actor.
# Other apps (donations) follow needs through it, so needs never imports them.
need_status_changed = Signal()
