# crowd production image: N uvicorn workers behind a proxy, PostgreSQL, Redis for rate limits,
# theme runs in a separate `crowd worker` container from the same image.
#   docker build -t crowd .
#   docker run -e DATABASE_URL=postgresql+psycopg://... -e SECRET_KEY=... -e PSEUDONYM_KEY=... \
#     -e TRUSTED_PROXIES=172.18.0.2 -e RATE_LIMIT_STORAGE=redis://redis:6379/0 -p 8000:8000 crowd
# TRUSTED_PROXIES: the address (or network) of the reverse proxy in front; X-Forwarded-For from anyone
# else is ignored, so a visitor cannot choose the address the rate limits count.
#   docker run ... crowd crowd worker
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 WORKER_IN_PROCESS=false \
    PIP_NO_CACHE_DIR=1 ENVIRONMENT=production SECURE_COOKIES=true HSTS_SECONDS=31536000

RUN apt-get update && apt-get install -y --no-install-recommends libgomp1 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 crowd

WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY crowd ./crowd
COPY clustering ./clustering
COPY exports ./exports
COPY opinions ./opinions
COPY templates ./templates
COPY static ./static
RUN pip install "torch==2.13.0" --index-url https://download.pytorch.org/whl/cpu \
    && pip install -c constraints.txt -e .

USER crowd
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
CMD ["sh", "-c", "crowd migrate && crowd serve --host 0.0.0.0 --port 8000 --workers ${WORKERS:-4}"]
