"""One route class for routers that answer errors in their own format (the OGC API's exception
documents, the web pages' HTML error page) instead of the application's JSON error handlers."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from ecozone.errors import EcozoneError


class ErrorFormatRoute(APIRoute):
    """A route that turns domain errors and rejected parameters into its subclass's responses."""

    def domain_error(self, request: Request, exc: EcozoneError) -> Response:
        raise NotImplementedError

    def validation_error(self, request: Request, exc: RequestValidationError) -> Response:
        raise NotImplementedError

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except EcozoneError as exc:
                return self.domain_error(request, exc)
            except RequestValidationError as exc:
                return self.validation_error(request, exc)

        return handle
