# safeguarding-bot: build with the Rust toolchain, run on a slim base as a non-root user.
# docker build -t safeguarding-bot .
# docker run -d --name safeguarding-bot -e DISCORD_TOKEN=... \
#   -e SAFEGUARDING_BOT__DISCORD__GUILD_IDS=123456789012345678 \
#   -v safeguarding-data:/app/data safeguarding-bot
# docker inspect --format '{{.State.Health.Status}}' safeguarding-bot   # starting → healthy
# Several processes (HTTP interactions mode, PostgreSQL): see compose.yaml and
# docs/operations-http.md; there SAFEGUARDING_BOT__DISCORD__LISTEN=0.0.0.0:8080 serves
# POST /interactions and GET /health on the port below.
FROM rust:1.90-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock build.rs ./
COPY src ./src
COPY assets ./assets
COPY knowledge ./knowledge
COPY migrations ./migrations
COPY benches ./benches
COPY config ./config
RUN cargo build --release --locked --bin safeguarding-bot

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --home-dir /app --uid 10001 bot
WORKDIR /app
COPY --from=build /src/target/release/safeguarding-bot /usr/local/bin/safeguarding-bot
COPY knowledge ./knowledge
COPY config ./config
RUN mkdir -p /app/data && chown -R bot:bot /app
USER bot
VOLUME ["/app/data"]
# Logs: [log] in config/default.toml (info, serenity at warn); set
# SAFEGUARDING_BOT__LOG__FORMAT=json for a log collector, RUST_LOG to override the filter.
# Liveness: `serve` answers GET /health on this address inside the container, and the
# HEALTHCHECK asks it (`health` checks http://127.0.0.1:8080/health unless told otherwise):
# healthy once the gateway is connected and the commands are registered.
ENV SAFEGUARDING_BOT__HEALTH__LISTEN=127.0.0.1:8080
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["safeguarding-bot", "health"]
CMD ["safeguarding-bot", "serve"]
