"""Background work for the API."""

from celery import shared_task
from django.utils import timezone

from api.idempotency import KEY_LIFETIME, forget_old_requests


@shared_task(soft_time_limit=300, time_limit=360)
def forget_old_idempotency_keys() -> int:
    """Daily: drop stored responses to ``Idempotency-Key`` writes older than ``KEY_LIFETIME``."""
    return forget_old_requests(before=timezone.now() - KEY_LIFETIME)
