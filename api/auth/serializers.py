from django.contrib.auth.validators import UnicodeUsernameValidator
from rest_framework import serializers

from api.fields import NumberField
from progress.models import validate_time_zone

PASSWORD_MAX_LENGTH = 4096  # hashing is deliberately slow; do not let a request make it slower


class CredentialsSerializer(serializers.Serializer):
    # Checking the shape first also keeps control characters out of the throttle's cache keys.
    username = serializers.CharField(max_length=150, validators=[UnicodeUsernameValidator()])
    password = serializers.CharField(
        max_length=PASSWORD_MAX_LENGTH,
        trim_whitespace=False,
        write_only=True,
        style={"input_type": "password"},
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        source="key", read_only=True, help_text='Send as "Authorization: Token <token>".'
    )


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


class SignupResultSerializer(serializers.Serializer):
    username = serializers.CharField(source="user.username", read_only=True)
    token = serializers.CharField(source="key", read_only=True)
