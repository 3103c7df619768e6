# ideabox: one image for every role; the command picks it
# (`ideabox run` = listener + worker, `ideabox intake`, `ideabox worker`), always with a
# Redis server in IDEABOX_REDIS_URL: the image leaves out the embedded Redis (the
# `embedded` extra), so every pinned dependency has wheels for amd64 and arm64 alike.
FROM python:3.12.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    IDEABOX_VAR_DIR=/app/var \
    IDEABOX_SMTP_LISTEN=0.0.0.0:2525

RUN groupadd --system --gid 10001 ideabox \
 && useradd --system --uid 10001 --gid ideabox --home-dir /app --no-create-home \
      --shell /usr/sbin/nologin ideabox

WORKDIR /app

COPY pyproject.toml README.md LICENSE ./
COPY ideabox ./ideabox
COPY core ./core
COPY intake ./intake
COPY workflows ./workflows
COPY templates ./templates
COPY db ./db

RUN pip install --no-cache-dir . \
 && rm -rf build ./*.egg-info \
 && mkdir -p /app/var \
 && chown ideabox:ideabox /app/var

USER ideabox

EXPOSE 2525

CMD ["ideabox", "run"]
