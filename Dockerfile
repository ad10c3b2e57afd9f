# The production image: gunicorn serves the web app, whitenoise its static files; the same
# image runs the Celery worker and beat (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATHWISE_ENV=production PATHWISE_VAR_DIR=/app/var
WORKDIR /app

# Only the runtime lock: the test and lint tools (requirements-dev.lock) never enter the image.
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock

COPY . .
RUN SECRET_KEY=build-only-not-used-at-runtime-0123456789abcdefghijklmnopqrstuvwxyz \
    ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput -v0 \
 && useradd --system --uid 1000 pathwise && mkdir -p /app/var && chown -R pathwise /app/var
USER pathwise

EXPOSE 8000
# Forwarded headers are trusted from nobody by default; docker-compose.yml names its proxy.
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--forwarded-allow-ips", "127.0.0.1", "--access-logfile", "-"]
