"""The broker's visibility timeout is explicit and outlasts every task's hard time limit."""

from django.conf import settings

from config.celery import app


def test_every_task_finishes_or_is_killed_before_redis_would_hand_it_to_another_worker():
    app.loader.import_default_modules()  # every app's tasks.py, as a worker loads them
    ours = {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}
    limits = {name: task.time_limit for name, task in ours.items()}

    assert ours, "no Pathwise task is registered"
    assert all(limits.values()), f"tasks without a hard time limit: {[n for n, t in limits.items() if not t]}"
    assert max(limits.values()) < settings.CELERY_VISIBILITY_TIMEOUT
    assert settings.CELERY_VISIBILITY_TIMEOUT == 7200


def test_redis_is_given_the_visibility_timeout(monkeypatch):
    import importlib

    import config.settings as module

    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:6379/4")
    try:
        reloaded = importlib.reload(module)
        assert reloaded.CELERY_BROKER_TRANSPORT_OPTIONS == {"visibility_timeout": 7200}
    finally:
        monkeypatch.delenv("CELERY_BROKER_URL")
        importlib.reload(module)
