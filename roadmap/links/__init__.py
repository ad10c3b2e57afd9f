"""Link health: is every resource's URL still alive? Checked nightly, politely and safely.

Pure of Django: ``addresses`` and ``guard`` (the SSRF guard), ``rules`` (what a check
found and how a resource's health moves), ``config`` (``CheckConfig``), ``fetch`` (one URL
over HTTP) and ``check`` (a run of many URLs, the checker's front door). With Django:
``store`` (which resources are due, claims, results written back) and ``tasks`` (the
nightly Celery fan-out).
"""
