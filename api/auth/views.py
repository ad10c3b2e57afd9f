"""Tokens and sign-up. Not idempotent-replayable: a stored response would hold a token."""

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.response import Response

from api.auth import serializers, services
from api.throttling import AnonRateThrottle
from api.views import APIView


class TokenView(APIView):
    idempotent_writes = False

    def get_permissions(self):
        if self.request.method == "DELETE":
            return [permissions.IsAuthenticated()]
        return [permissions.AllowAny()]

    @extend_schema(
        summary="Exchange a username and password for an API token",
        description=(
            "Too many failures for a username from your address, or from your address for any "
            "username, answer 429 with Retry-After (seconds) until the lockout lifts."
        ),
        request=serializers.CredentialsSerializer,
        responses=serializers.TokenSerializer,
        auth=[],
    )
    def post(self, request):
        credentials = serializers.CredentialsSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        token = services.token_for_credentials(**credentials.validated_data, request=request._request)
        return Response(serializers.TokenSerializer(token).data)

    @extend_schema(
        summary="Revoke your API token", request=None, responses={status.HTTP_204_NO_CONTENT: None}
    )
    def delete(self, request):
        services.token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SignupRateThrottle(AnonRateThrottle):
    # Per client address; generous enough for a classroom behind one NAT.
    rate = "30/hour"


class SignupView(APIView):
    idempotent_writes = False
    permission_classes = [permissions.AllowAny]
    throttle_classes = [SignupRateThrottle]

    @extend_schema(
        summary="Create a learner account and get its API token",
        request=serializers.SignupSerializer,
        responses={status.HTTP_201_CREATED: serializers.SignupResultSerializer},
        auth=[],
    )
    def post(self, request):
        signup = serializers.SignupSerializer(data=request.data)
        signup.is_valid(raise_exception=True)
        token = services.learner_signup(**signup.validated_data)
        return Response(
            serializers.SignupResultSerializer(token).data, status=status.HTTP_201_CREATED
        )
