#!/usr/bin/env bash
# Set up what the project needs, idempotently. Sourced by generate.sh and test.sh.
#   setup_python        .venv with the generator and its test extra (editable install)
#   setup_node          node_modules/ from package-lock.json (Prism, Spectral, Redocly CLI)
#   setup_chromium      Debian's chromium, for the rendered-HTML tests
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="$ROOT/.venv/bin/python"

setup_python() {
  if [ ! -x "$PY" ]; then
    python3 -m venv "$ROOT/.venv"
  fi
  # Reinstall only when the packaging (pyproject.toml, setup.py) changed since
  # the last install: the editable install maps templates/ as a package too.
  local stamp="$ROOT/.venv/.clientgen-installed"
  if [ ! -f "$stamp" ] || [ "$ROOT/pyproject.toml" -nt "$stamp" ] || [ "$ROOT/setup.py" -nt "$stamp" ]; then
    "$PY" -m pip install --quiet --disable-pip-version-check --upgrade pip
    "$PY" -m pip install --quiet --disable-pip-version-check -e "$ROOT[test,bench]"
    touch "$stamp"
  fi
  # The generated packages import by their own names from the venv
  # (`from pienteger import Pienteger`), as they would once vendored.
  local site
  site="$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
  echo "$ROOT/generated" > "$site/clientgen-generated.pth"
}

setup_node() {
  if [ ! -d "$ROOT/node_modules/@stoplight/prism-cli" ] || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

setup_chromium() {
  if command -v chromium >/dev/null 2>&1; then
    return
  fi
  local sudo=""
  if [ "$(id -u)" != "0" ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null
}
