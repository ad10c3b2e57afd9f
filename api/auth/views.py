"""Tokens and sign-up. Not idempotent-replayable: a stored response would hold a token."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from api.auth import serializers, services
from api.views import APIView
from progress.throttle import client_ip


class TokenView(APIView):
    idempotent_writes = False

    def get_permissions(self):
        if self.request.method == "DELETE":
            return [permissions.IsAuthenticated()]
        return [permissions.AllowAny()]

    @extend_schema(
        summary="Exchange a username and password for an API token",
        description=(
            "Returns your API token (the same one until you sign out); send it as "
            "`Authorization: Token <token>`. Too many failures for a username, or from an "
            "address, answer 429 for a while, even with the right password."
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
        token = services.token_for_credentials(**credentials.validated_data, ip=client_ip(request))
        return Response(serializers.TokenSerializer(token).data)

    @extend_schema(
        summary="Revoke your API token",
        description="Signs you out of every API client: the next request with the old token gets 401.",
        operation_id="auth_logout",
        request=None,
        responses={status.HTTP_204_NO_CONTENT: None},
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
        token = services.learner_signup(**signup.validated_data)
        return Response(
            serializers.SignupResultSerializer(token).data, status=status.HTTP_201_CREATED
        )
