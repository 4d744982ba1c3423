#!/bin/sh
# Applies pending migrations (under an advisory lock, so api and worker containers starting together apply
# each one once), then replaces this shell with the command: `node dist/main.js` unless another is given,
# e.g. `docker compose run --rm api node dist/cli.js api-key list`. exec keeps Node as PID 1 so SIGTERM
# reaches its graceful shutdown.
set -eu
node dist/cli.js migrate
exec "$@"
