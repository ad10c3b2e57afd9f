"""The Celery application. Tasks live in each app's ``tasks.py`` (link checks in ``roadmap.links.tasks``)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("pathwise")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["roadmap.links"])


@app.on_after_configure.connect
def _ensure_broker_folders(sender, **kwargs):
    # The filesystem transport does not create its own folders.
    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            os.makedirs(options[key], exist_ok=True)
