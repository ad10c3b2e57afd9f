"""Hosts the curators' linter knows: vendors' product pages, and addresses that have moved.

Both lists are kept by hand (extend them as new vendors and moves turn up); the linter's
``vendor-core`` and ``legacy-url`` rules read them. Pure.
"""

from __future__ import annotations

from urllib.parse import urlsplit

# Product and console pages of cloud and tool vendors (host, or a parent domain of it): fine
# as supplemental reading, but a core resource should teach the concept, not sell the tool.
VENDOR_HOSTS = frozenset(
    {
        "aws.amazon.com",
        "docs.aws.amazon.com",
        "cloud.google.com",
        "console.cloud.google.com",
        "azure.microsoft.com",
        "learn.microsoft.com",
        "developer.nvidia.com",
        "neptune.ai",
        "aporia.com",
        "dagshub.com",
        "split.io",
        "launchdarkly.com",
        "databricks.com",
        "datadoghq.com",
        "wandb.ai",
    }
)

# URL prefixes (host and path, without the scheme) that have moved, and where to.
LEGACY_URLS = {
    "docs.microsoft.com/": "learn.microsoft.com/",
    "eng.uber.com/": "www.uber.com/blog/",
    "medium.com/netflix-techblog/": "netflixtechblog.com/",
    "git-lfs.github.com/": "git-lfs.com/",
    "ray.readthedocs.io/": "docs.ray.io/",
    "cloud.google.com/ai-platform/": "cloud.google.com/vertex-ai/ (AI Platform is now Vertex AI)",
    "medium.com/hackernoon/": "hackernoon.com/",
    "keras.io/keras_core/": "keras.io/keras_3/ (Keras Core became Keras 3)",
    "dataorigami.net/": "camdavidsonpilon.github.io/",
}


def _host_and_path(url: str) -> str:
    parts = urlsplit(url)
    return (parts.hostname or "") + (parts.path or "/")


def is_vendor_page(url: str) -> bool:
    """Whether ``url`` is on a vendor's host listed in ``VENDOR_HOSTS`` (or a sub-domain).

    >>> is_vendor_page("https://aws.amazon.com/dynamodb/"), is_vendor_page("https://www.aporia.com/")
    (True, True)
    >>> is_vendor_page("https://martinfowler.com/bliki/CanaryRelease.html")
    False
    """
    host = urlsplit(url).hostname or ""
    return any(host == vendor or host.endswith("." + vendor) for vendor in VENDOR_HOSTS)


def legacy_replacement(url: str) -> str | None:
    """Where a URL on a moved host or path now lives (per ``LEGACY_URLS``), or None.

    >>> legacy_replacement("https://eng.uber.com/scaling-michelangelo/")
    'www.uber.com/blog/'
    >>> legacy_replacement("https://www.uber.com/blog/scaling-michelangelo/") is None
    True
    """
    location = _host_and_path(url)
    return next((new for old, new in LEGACY_URLS.items() if location.startswith(old)), None)
