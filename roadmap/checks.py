from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def linkcheck_allow_list_is_off(app_configs, **kwargs):
    if getattr(settings, "LINKCHECK_ALLOW_NETWORKS", None):
        return [
            Warning(
                "LINKCHECK_ALLOW_NETWORKS is set: the link checker may reach private or loopback "
                f"addresses ({', '.join(settings.LINKCHECK_ALLOW_NETWORKS)}).",
                hint="Unset LINKCHECK_ALLOW_NETWORKS in production; only tests need it.",
                id="pathwise.W001",
            )
        ]
    return []
