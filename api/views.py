"""Base classes for every API view, and the JSON 404 for unknown API paths.

Inherit from ``APIView`` or ``GenericViewSet`` here (not DRF's) to get, without a line of
your own: JSON in and out with the 1 MiB body limit (413), idempotent writes
(``Idempotency-Key``), and the shared OpenAPI additions of ``api.schema``.
"""

from django.http import Http404
from django.urls import Resolver404, resolve, reverse
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, permissions, status, views, viewsets
from rest_framework.response import Response

from api.idempotency import IdempotencyMixin
from api.parsers import JSONParser
from api.renderers import JSONRenderer
from api.schema import AutoSchema


class APIView(IdempotencyMixin, views.APIView):
    parser_classes = [JSONParser]
    renderer_classes = [JSONRenderer]
    schema = AutoSchema()


class GenericViewSet(IdempotencyMixin, viewsets.GenericViewSet):
    parser_classes = [JSONParser]
    renderer_classes = [JSONRenderer]
    schema = AutoSchema()

    #: Shown in 404s: "No topic 'x'."
    object_name = "object"
    #: The URL name of one object (``"topic-detail"``): a 201 then says where the new object
    #: is in ``Location`` (a replayed 201 too), and the schema documents the header.
    location_route: str | None = None
    #: The field of the created object's body that fills that URL's lookup argument.
    location_field = "id"

    def finalize_response(self, request, response, *args, **kwargs):
        if response.status_code == status.HTTP_201_CREATED and self.location_route:
            lookup = self.lookup_url_kwarg or self.lookup_field
            url = reverse(self.location_route, kwargs={lookup: response.data[self.location_field]})
            response["Location"] = request.build_absolute_uri(url)
        return super().finalize_response(request, response, *args, **kwargs)

    def is_schema_generation(self) -> bool:
        """True while drf-spectacular inspects the view (there is no real caller then)."""
        return getattr(self, "swagger_fake_view", False)

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            lookup = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field)
            shown = repr(lookup) if isinstance(lookup, str) else lookup
            raise exceptions.NotFound(f"No {self.object_name} {shown}.") from None


@extend_schema(exclude=True)
class NotFoundView(views.APIView):
    """Anything under /api/v1/ that no endpoint matches: a JSON 404, never an HTML page.

    It also stops Django's APPEND_SLASH redirect, which cannot carry a POST body; the
    message points at the slashed URL instead.
    """

    catch_all = True
    permission_classes = [permissions.AllowAny]
    parser_classes = [JSONParser]
    renderer_classes = [JSONRenderer]

    def _not_found(self, request, *args, **kwargs):
        message = f"No API endpoint at {request.path}."
        if not request.path.endswith("/"):
            try:
                match = resolve(request.path + "/")
            except Resolver404:
                match = None
            if match is not None and getattr(match.func, "cls", None) is not NotFoundView:
                message += f" Did you mean {request.path}/ (with the trailing slash)?"
        raise exceptions.NotFound(message)

    get = post = put = patch = delete = options = _not_found


class EditableViewSet(GenericViewSet):
    """Reads through ``get_object``/``get_serializer``; writes through services.

    A subclass names its ``write_serializer_class`` (validates shape; PATCH is partial)
    and implements ``create_object``, ``update_object`` and ``delete_object`` as one
    service call each. Bind only the actions it offers in its ``urls.py``.
    """

    write_serializer_class = None

    def retrieve(self, request, *args, **kwargs):
        return self.object_response(self.get_object())

    def create(self, request, *args, **kwargs):
        instance = self.create_object(self.write_data(partial=False))
        return self.object_response(instance, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        instance = self.get_object()
        return self.object_response(self.update_object(instance, self.write_data(partial=True)))

    def destroy(self, request, *args, **kwargs):
        self.delete_object(self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    def write_data(self, *, partial: bool) -> dict:
        serializer = self.write_serializer_class(
            data=self.request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def object_response(self, instance, status_code=status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(instance).data, status=status_code)

    def create_object(self, data: dict):
        raise NotImplementedError

    def update_object(self, instance, data: dict):
        raise NotImplementedError

    def delete_object(self, instance) -> None:
        raise NotImplementedError
