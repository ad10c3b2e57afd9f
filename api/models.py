from django.conf import settings
from django.db import models


class IdempotentRequest(models.Model):
    """The first response to a write sent with an ``Idempotency-Key`` header.

    A client that retries the same key (an offline phone syncing twice) gets this
    response back instead of the write being applied again.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    request_fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user")
        ]

    def __str__(self):
        return f"{self.method} {self.path} [{self.key}]"


class DeviceToken(models.Model):
    """One signed-in API client (a phone, a script): ``Authorization: Token <key>``.

    Only a digest of the key is kept; the key itself is shown once, when it is issued. A
    token unused for ``API_TOKEN_IDLE_DAYS`` stops working (see ``api.auth.authentication``).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    key_digest = models.CharField(max_length=64, unique=True, editable=False)
    device = models.CharField(max_length=100, help_text="What the client called itself when it signed in.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField()

    class Meta:
        ordering = ["-last_used_at", "-id"]
        indexes = [models.Index(fields=["user", "-last_used_at"])]

    def __str__(self):
        return f"{self.user} on {self.device}"
