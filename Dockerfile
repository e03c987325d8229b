# safeguarding-bot: build with the Rust toolchain, run on a slim base as a non-root user.
# docker build -t safeguarding-bot .
# docker run -e DISCORD_TOKEN=... -v safeguarding-data:/app/data safeguarding-bot
FROM rust:1.88-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock build.rs ./
COPY src ./src
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
ENV RUST_LOG=info
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["safeguarding-bot", "check"]
CMD ["safeguarding-bot", "serve"]
