#!/usr/bin/env bash
# Lints every GitHub workflow with actionlint, built from the Go module proxy by the toolchain script.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash tools/terraform/toolchain.sh
# shellcheck source=/dev/null
source "${CQRS_TOOLCHAIN_CACHE:-$HOME/.cache/cqrs-projections}/toolchain.env"
[ -n "${ACTIONLINT_BIN:-}" ] || {
  echo "lint:workflows: no actionlint (the toolchain script builds it with Go from the Go module proxy)" >&2
  exit 1
}
"$ACTIONLINT_BIN" -no-color .github/workflows/*.yml
echo "lint:workflows: actionlint found no problem in $(ls .github/workflows/*.yml | wc -l) workflows"
