"""Test settings: the real settings, with the database from LUOSHI_TEST_DATABASE_URL.

SQLite in memory by default; CI also runs the suite on PostgreSQL by setting the variable.
"""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("LUOSHI_SECRET_KEY", "test-only-" + "x" * 60)
os.environ.setdefault("LUOSHI_DEBUG", "0")
os.environ.setdefault("LUOSHI_HTTPS", "0")
os.environ.setdefault("LUOSHI_TASKS", "immediate")
os.environ.setdefault("LUOSHI_VAR_DIR", os.path.join(os.path.dirname(__file__), "..", "var", "test"))

from luoshi.settings import *  # noqa: F403
from luoshi.settings import database_from_url

DATABASES = {"default": database_from_url(os.environ.get("LUOSHI_TEST_DATABASE_URL") or "sqlite:///:memory:")}
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # S303: speed, tests only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# WhiteNoise only warns when the directory is missing; tests serve from the finders.
STATIC_ROOT = Path(tempfile.gettempdir()) / "luoshi-test-static"
STATIC_ROOT.mkdir(exist_ok=True)
