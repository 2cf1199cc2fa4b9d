import os

from django.core.wsgi import get_wsgi_application

# Served by gunicorn means production unless the operator says otherwise.
os.environ.setdefault("SAFEGUARD_ENV", "production")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.settings")

application = get_wsgi_application()
