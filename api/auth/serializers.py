from django.contrib.auth.validators import UnicodeUsernameValidator
from rest_framework import serializers

from api.fields import NumberField
from progress.models import validate_time_zone

PASSWORD_MAX_LENGTH = 4096  # hashing is deliberately slow; do not let a request make it slower


DEVICE_HELP = "A name for this client, shown in your list of signed-in devices (default: its User-Agent)."


class DeviceField(serializers.CharField):
    def __init__(self, **kwargs):
        super().__init__(max_length=100, required=False, allow_blank=True, help_text=DEVICE_HELP, **kwargs)


class CredentialsSerializer(serializers.Serializer):
    # Checking the shape first also keeps control characters out of the throttle's cache keys.
    username = serializers.CharField(max_length=150, validators=[UnicodeUsernameValidator()])
    password = serializers.CharField(
        max_length=PASSWORD_MAX_LENGTH,
        trim_whitespace=False,
        write_only=True,
        style={"input_type": "password"},
    )
    device = DeviceField()


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        source="key",
        read_only=True,
        help_text='Send as "Authorization: Token <token>". Shown only now; it stops working after '
        "the configured number of days without use.",
    )
    id = serializers.IntegerField(read_only=True, help_text="This device's id in `auth/tokens/`.")
    device = serializers.CharField(read_only=True)


class DeviceTokenSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    device = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    last_used_at = serializers.DateTimeField(read_only=True)
    expires_at = serializers.DateTimeField(
        read_only=True, help_text="When the token stops working unless it is used before."
    )
    current = serializers.BooleanField(read_only=True, help_text="The token of this request.")


class SignupSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150, help_text="Letters, digits and @.+-_ only.")
    password = serializers.CharField(
        max_length=PASSWORD_MAX_LENGTH,
        trim_whitespace=False,
        write_only=True,
        style={"input_type": "password"},
    )
    email = serializers.EmailField(max_length=254)
    time_zone = serializers.CharField(
        max_length=64,
        required=False,
        validators=[validate_time_zone],
        help_text="An IANA name, e.g. Europe/Berlin.",
    )
    hours_per_week = NumberField(min_value=0.5, max_value=80, required=False)
    device = DeviceField()


class SignupResultSerializer(serializers.Serializer):
    username = serializers.CharField(source="user.username", read_only=True)
    token = serializers.CharField(source="key", read_only=True)
