"""Django's file email backend, slowed down like a real mail server, so a worker killed
mid-batch is killed while it sends. Used by the failure tests' Celery worker."""

import time

from django.core.mail.backends.filebased import EmailBackend as FileEmailBackend

SECONDS_PER_MESSAGE = 0.2


class EmailBackend(FileEmailBackend):
    def send_messages(self, email_messages):
        time.sleep(SECONDS_PER_MESSAGE * len(email_messages))
        return super().send_messages(email_messages)
