#!/usr/bin/env bash
# Set up everything the tests need (Python venv, Node tools, Chromium) and run the whole suite.
# Extra arguments go to pytest (e.g. -k sse, -x).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
setup_python
setup_node
setup_chromium
cd "$ROOT"
exec "$PY" -m pytest "$@"
