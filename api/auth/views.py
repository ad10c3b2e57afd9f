"""Tokens (one per device, listed and revoked per device) and sign-up. Not
idempotent-replayable: a stored response would hold a token."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status
from rest_framework.response import Response

from api.auth import serializers, services
from api.auth.authentication import idle_limit
from api.models import DeviceToken
from api.throttling import AnonRateThrottle
from api.views import APIView, GenericViewSet


class TokenView(APIView):
    idempotent_writes = False

    def get_permissions(self):
        if self.request.method == "DELETE":
            return [permissions.IsAuthenticated()]
        return [permissions.AllowAny()]

    @extend_schema(
        summary="Exchange a username and password for an API token",
        description=(
            "Returns a new token for this device; send it as `Authorization: Token <token>`. It "
            "stops working after the configured number of days without use. Too many failures for "
            "a username from your address, or from your address for any username, answer 429 "
            "with Retry-After (seconds) until the lockout lifts, even with the right password."
        ),
        operation_id="auth_login",
        request=serializers.CredentialsSerializer,
        responses={
            200: serializers.TokenSerializer,
            429: OpenApiResponse(description="Too many failed sign-ins: wait `Retry-After` seconds."),
        },
        auth=[],
    )
    def post(self, request):
        credentials = serializers.CredentialsSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        data = dict(credentials.validated_data)
        data["device"] = _device(request, data.get("device", ""))
        token = services.token_for_credentials(**data, request=request._request)
        return Response(serializers.TokenSerializer(token).data)

    @extend_schema(
        summary="Sign this device out: revoke the token this request was sent with",
        description="The next request with this token gets 401; your other devices stay signed in.",
        operation_id="auth_logout",
        request=None,
        responses={status.HTTP_204_NO_CONTENT: None},
    )
    def delete(self, request):
        if isinstance(request.auth, DeviceToken):
            services.token_revoke(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(
        summary="Your signed-in devices: each token, when it was last used and expires",
        description=(
            "One entry per token: the device name it was issued to, when, when it was last used and "
            "when it stops working unless used before; `current` marks the token of this request."
        ),
        operation_id="auth_devices_list",
    ),
    destroy=extend_schema(
        summary="Sign one of your devices out (revoke its token)",
        description="That device's next request gets 401. Someone else's token id is a 404.",
        operation_id="auth_devices_revoke",
    ),
)
class DeviceTokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, GenericViewSet):
    serializer_class = serializers.DeviceTokenSerializer
    queryset = DeviceToken.objects.none()  # what the schema generator sees
    object_name = "device token"

    def get_queryset(self):
        if self.is_schema_generation():
            return self.queryset
        return services.tokens_of(user=self.request.user)

    def get_serializer(self, *args, **kwargs):
        auth = getattr(self.request, "auth", None)
        current = auth.pk if isinstance(auth, DeviceToken) else None
        expiry = idle_limit()
        for token in args[0] if kwargs.get("many") else args[:1]:
            token.expires_at = token.last_used_at + expiry
            token.current = token.pk == current
        return super().get_serializer(*args, **kwargs)

    def perform_destroy(self, instance):
        services.token_revoke(token=instance)


class SignupRateThrottle(AnonRateThrottle):
    # Per client address; generous enough for a classroom behind one NAT.
    rate = "30/hour"


class SignupView(APIView):
    idempotent_writes = False
    permission_classes = [permissions.AllowAny]
    throttle_classes = [SignupRateThrottle]

    @extend_schema(
        summary="Create a learner account and get its API token",
        description=(
            "Creates a learner with the password rules applied (a weak or taken password or "
            "username is a 400 naming the field) and returns their token. Limited per client "
            "address (429)."
        ),
        operation_id="auth_signup",
        request=serializers.SignupSerializer,
        responses={status.HTTP_201_CREATED: serializers.SignupResultSerializer},
        auth=[],
    )
    def post(self, request):
        signup = serializers.SignupSerializer(data=request.data)
        signup.is_valid(raise_exception=True)
        data = dict(signup.validated_data)
        data["device"] = _device(request, data.get("device", ""))
        token = services.learner_signup(**data)
        return Response(
            serializers.SignupResultSerializer(token).data, status=status.HTTP_201_CREATED
        )


def _device(request, name: str) -> str:
    """The device's name as the client gave it, or its User-Agent."""
    return name.strip() or request.headers.get("User-Agent", "").strip()
