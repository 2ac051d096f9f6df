#!/usr/bin/env bash
# Set up the environment and regenerate every package in generated/ from specs/.
# Extra arguments go to `python -m generator generate` (e.g. a spec path, --out DIR).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
setup_python
cd "$ROOT"
exec "$PY" -m generator generate "$@"
