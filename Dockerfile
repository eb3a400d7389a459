# Ringkas: a slim, non-root image. Build: docker build -t ringkas .
# Stage 1 builds wheels for the project and its dependencies; stage 2 installs only those
# wheels, so no compiler, pip cache or source tree reaches the final image.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY summarizer summarizer
COPY web web
COPY service service
COPY storage storage
COPY handlers handlers
COPY bot bot
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN useradd --system --create-home --home-dir /var/lib/ringkas --uid 10001 ringkas
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links /wheels ringkas && rm -rf /wheels
USER ringkas
WORKDIR /var/lib/ringkas
# Webhook mode listens here (PORT); polling needs no port.
EXPOSE 8443
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
    CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\", \"8443\")}/healthz', timeout=4)" || exit 1
ENTRYPOINT ["ringkasbot"]
CMD ["run"]
