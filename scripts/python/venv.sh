#!/usr/bin/env bash
# Creates (once) the Python virtual environment holding requirements.txt at the versions of
# constraints.txt, in the toolchain cache, and prints its directory on stdout (everything else on stderr).
# The directory is named after a hash of both files and the Python version, so an unchanged
# set of pins reuses it and a changed one gets a new environment.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="${CQRS_TOOLCHAIN_CACHE:-$HOME/.cache/cqrs-projections}"
python="${PYTHON:-python3}"

if ! command -v "$python" >/dev/null 2>&1; then
  echo "venv.sh: $python not found; install Python 3.9+ or set PYTHON to its path" >&2
  exit 1
fi
key="$( { cat "$here/requirements.txt" "$here/constraints.txt"; "$python" --version; } | sha256sum | cut -c1-16)"
venv="$cache/venv/$key"
mkdir -p "$cache/venv"

exec 9>"$venv.lock"
flock 9
if [[ ! -f "$venv/.complete" ]]; then
  echo "venv.sh: creating $venv from scripts/python/requirements.txt" >&2
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    -r "$here/requirements.txt" -c "$here/constraints.txt" >&2
  touch "$venv/.complete"
fi
echo "$venv"
