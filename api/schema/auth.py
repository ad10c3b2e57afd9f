"""How the schema tells clients to authenticate: ``Authorization: Token <key>``.

OpenAPI 3.0 has no scheme for a custom prefix, and code generators default an API key in
``Authorization`` to ``Bearer``. The scheme is an API key whose value is the whole header,
prefix included, and its description says so with an example: generated clients take the
value as given (openapi-generator's ``apiKey``), or a prefix setting (openapi-python-client's
``AuthenticatedClient(prefix="Token")``).
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension

EXAMPLE_KEY = "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "rest_framework.authentication.TokenAuthentication"
    name = "tokenAuth"
    match_subclasses = True
    priority = 1  # over drf-spectacular's own description of the same class

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "The word `Token`, a space, then the key from `POST /api/v1/auth/token/` (or sign-up): "
                f"`Authorization: Token {EXAMPLE_KEY}`. Not `Bearer`: set the whole value "
                '(`"Token " + key`) as the API key, or the client\'s prefix to `Token`.'
            ),
        }
