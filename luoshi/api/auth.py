from ninja.security import APIKeyCookie, HttpBearer

from luoshi.org.services import authenticate_token


class TokenAuth(HttpBearer):
    """``Authorization: Bearer ls_…``: a token issued on the API令牌 page."""

    def authenticate(self, request, token):
        user = authenticate_token(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The browser's session, with Django's CSRF check on unsafe methods."""

    param_name = "sessionid"

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        return user if user is not None and user.is_authenticated else None
