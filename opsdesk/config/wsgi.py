"""WSGI entry point (gunicorn: opsdesk.config.wsgi:application)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opsdesk.config.settings")
application = get_wsgi_application()
