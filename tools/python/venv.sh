#!/usr/bin/env bash
# Creates (once) the Python virtual environment holding requirements.txt at the versions of
# constraints.txt, in the toolchain cache, and prints its directory on stdout (everything else on stderr).
# Usage: venv.sh [set]. Without an argument: the files in tools/python (moto); with one, the files in
# tools/python/<set> in an environment of its own, for tools whose pins clash with the others'
# (checkov pins boto3 and networkx to versions moto's set does not use).
# The directory is named after a hash of both files and the Python version, so an unchanged
# set of pins reuses it and a changed one gets a new environment.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
set_name="${1:-}"
set_dir="$here${set_name:+/$set_name}"
if [[ ! -f "$set_dir/requirements.txt" || ! -f "$set_dir/constraints.txt" ]]; then
  echo "venv.sh: no requirements.txt and constraints.txt in $set_dir" >&2
  exit 1
fi
cache="${CQRS_TOOLCHAIN_CACHE:-$HOME/.cache/cqrs-projections}"
python="${PYTHON:-python3}"

if ! command -v "$python" >/dev/null 2>&1; then
  echo "venv.sh: $python not found; install Python 3.9+ or set PYTHON to its path" >&2
  exit 1
fi
key="$( { cat "$set_dir/requirements.txt" "$set_dir/constraints.txt"; "$python" --version; } | sha256sum | cut -c1-16)"
venv="$cache/venv/${set_name:+$set_name-}$key"
mkdir -p "$cache/venv"

exec 9>"$venv.lock"
flock 9
if [[ ! -f "$venv/.complete" ]]; then
  echo "venv.sh: creating $venv from $set_dir/requirements.txt" >&2
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    -r "$set_dir/requirements.txt" -c "$set_dir/constraints.txt" >&2
  touch "$venv/.complete"
fi
echo "$venv"
