#!/usr/bin/env bash
# Prepares the real Terraform toolchain for `npm run plan` / `npm run rehearse` and the workflow linter,
# cached outside the repo, and writes "$CACHE/toolchain.env" for other scripts to `source`:
#   TERRAFORM_BIN, TF_CLI_CONFIG_FILE, AWS_PROVIDER_VERSION, ARCHIVE_PROVIDER_VERSION, ACTIONLINT_BIN,
#   AWS_PROVIDER_OVERRIDE_FILE (copy it into a stack directory before `terraform init`; empty when the
#   registry serves the pinned provider), plus TOOLCHAIN_MODE and AWS_PROVIDER_SOURCE for reports.
# ARCHIVE_PROVIDER_VERSION is "none": the stacks zip their bundles at synth time (no hashicorp/archive).
#
# With Terraform registry access: the stacks' pinned providers come from the registry (`terraform init`).
# Without it (this project's machines): the AWS provider is built from the Go module proxy. The proxy
# serves terraform-provider-aws only by commit, and serves no commit of the pinned 6.25.0 here, so the
# build uses the newest commit it does serve (AWS_PROVIDER_MODULE_VERSION), installs it into a filesystem
# mirror under its own version (<version/VERSION>+<commit>) and pins the stacks to it through an override
# file (AWS_PROVIDER_OVERRIDE_FILE): every report prints the exact version used, checksums are checked.
# The build is trimmed to the service packages the stacks use (AWS_PROVIDER_SERVICES, see
# trim-aws-provider/main.go): a cold full build does not fit in CI's time together with the tests.
#
# Idempotent: whatever is already in the cache for the same inputs is reused.
# Settings: CQRS_TOOLCHAIN_CACHE (cache folder), CQRS_TOOLCHAIN_OFFLINE=1 (build even when the
# registry answers), CQRS_GO_BUILD_PARALLELISM (go build -p, default 2).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "$0")" && pwd)"
CACHE="${CQRS_TOOLCHAIN_CACHE:-$HOME/.cache/cqrs-projections}"

AWS_PROVIDER_PIN=6.25.0 # what the stacks' required_providers pin (@cdktf/provider-aws)
AWS_PROVIDER_MODULE=github.com/hashicorp/terraform-provider-aws
AWS_PROVIDER_MODULE_VERSION=v1.60.1-0.20260602190131-5f2286d6d836
# Service packages (internal/service/<name>) the stacks' resources and data sources belong to, plus
# `meta` (partition, region) and `sts` (caller identity), and the ones named for the stacks' near future.
# `s3control`: the provider reads S3 bucket tags through S3 Control (without it, aws_s3_bucket panics).
AWS_PROVIDER_SERVICES=apigateway,cloudwatch,dynamodb,iam,kms,lambda,logs,meta,s3,s3control,sns,sqs,sts,wafv2
TERRAFORM_MIN_VERSION=1.11.0
TERRAFORM_BUILD_VERSION=v1.11.4
ACTIONLINT_VERSION=v1.7.12
REGISTRY_PROBE=https://registry.terraform.io/.well-known/terraform.json

mkdir -p "$CACHE/bin" "$CACHE/logs" "$CACHE/src"
exec 9>"$CACHE/.toolchain.lock"
flock 9 # one run at a time per cache; a second one waits and then reuses what the first built

export GOMODCACHE="$CACHE/go/mod" GOCACHE="$CACHE/go/build" GOTOOLCHAIN=local
export GOFLAGS="-modcacherw -buildvcs=false"
GO_PARALLELISM="${CQRS_GO_BUILD_PARALLELISM:-2}"

log() { echo "toolchain: $*" >&2; }

need_go() {
  command -v go >/dev/null 2>&1 || {
    log "Go is needed to build $1 from the Go module proxy, and 'go' is not on PATH"
    exit 1
  }
}

version_at_least() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n 1)" = "$2" ]; }

# build_module MODULE VERSION PACKAGE OUTPUT [PREPARE_COMMAND...]: downloads MODULE@VERSION and builds
# PACKAGE inside a writable copy (needed where the module's go.mod has `replace` lines).
build_module() {
  local module="$1" version="$2" package="$3" output="$4"
  shift 4
  need_go "$module"
  local name="${module##*/}"
  local src="$CACHE/src/$name@$version"
  local logfile="$CACHE/logs/build-$name.log"
  log "building $module@$version (log: $logfile)"
  local dir
  dir="$(cd "$CACHE" && go mod download -json "$module@$version" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
  [ -n "$dir" ] || {
    log "the Go module proxy did not serve $module@$version"
    exit 1
  }
  rm -rf "$src"
  cp -R "$dir" "$src"
  chmod -R u+w "$src"
  if [ "$#" -gt 0 ]; then "$@" "$src"; fi
  local start=$SECONDS
  (cd "$src" && go build -p "$GO_PARALLELISM" -trimpath -ldflags "-s -w" -o "$output.tmp" "$package") >"$logfile" 2>&1 || {
    tail -n 30 "$logfile" >&2
    log "build of $module@$version failed"
    exit 1
  }
  mv "$output.tmp" "$output"
  rm -rf "$src"
  log "built $output in $((SECONDS - start)) s"
}

trim_aws_provider() {
  (cd "$SCRIPT_DIR/trim-aws-provider" && go run main.go "$1" "$AWS_PROVIDER_SERVICES") >&2
}

terraform_version_of() {
  TF_CLI_CONFIG_FILE=/dev/null "$1" version -json 2>/dev/null | sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p'
}

find_or_build_terraform() {
  local candidate version
  for candidate in "${CQRS_TERRAFORM_BIN:-}" "$(command -v terraform || true)" "$CACHE/bin/terraform-$TERRAFORM_BUILD_VERSION"; do
    [ -n "$candidate" ] && [ -x "$candidate" ] || continue
    version="$(terraform_version_of "$candidate")"
    if [ -n "$version" ] && version_at_least "$version" "$TERRAFORM_MIN_VERSION"; then
      echo "$candidate"
      return
    fi
    log "$candidate is Terraform ${version:-of unknown version}; need >= $TERRAFORM_MIN_VERSION"
  done
  build_module github.com/hashicorp/terraform "$TERRAFORM_BUILD_VERSION" . "$CACHE/bin/terraform-$TERRAFORM_BUILD_VERSION"
  echo "$CACHE/bin/terraform-$TERRAFORM_BUILD_VERSION"
}

ensure_actionlint() {
  local bin="$CACHE/bin/actionlint-$ACTIONLINT_VERSION"
  if [ ! -x "$bin" ]; then
    if ! command -v go >/dev/null 2>&1; then
      log "no Go on PATH: actionlint not built (ACTIONLINT_BIN is empty; npm run lint:workflows needs it)"
      return
    fi
    log "building actionlint $ACTIONLINT_VERSION"
    GOBIN="$CACHE/bin/.actionlint-$ACTIONLINT_VERSION" go install -trimpath -ldflags "-s -w" \
      "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION" >&2
    mv "$CACHE/bin/.actionlint-$ACTIONLINT_VERSION/actionlint" "$bin"
    rmdir "$CACHE/bin/.actionlint-$ACTIONLINT_VERSION"
  fi
  echo "$bin"
}

registry_reachable() {
  [ "${CQRS_TOOLCHAIN_OFFLINE:-0}" != 1 ] && curl -fsS --max-time 5 -o /dev/null "$REGISTRY_PROBE" 2>/dev/null
}

TERRAFORM_BIN="$(find_or_build_terraform)"
ACTIONLINT_BIN="$(ensure_actionlint)"

if registry_reachable; then
  TOOLCHAIN_MODE=registry
  TF_CLI_CONFIG_FILE="$CACHE/terraform-registry.tfrc"
  mkdir -p "$CACHE/plugin-cache"
  printf 'plugin_cache_dir = "%s"\n' "$CACHE/plugin-cache" >"$TF_CLI_CONFIG_FILE"
  AWS_PROVIDER_VERSION="$AWS_PROVIDER_PIN"
  AWS_PROVIDER_SOURCE="registry.terraform.io (as pinned by the stacks)"
  AWS_PROVIDER_OVERRIDE_FILE=""
else
  TOOLCHAIN_MODE=local-build
  need_go "the AWS provider"
  module_dir="$GOMODCACHE/$AWS_PROVIDER_MODULE@$AWS_PROVIDER_MODULE_VERSION"
  [ -f "$module_dir/version/VERSION" ] || (cd "$CACHE" && go mod download "$AWS_PROVIDER_MODULE@$AWS_PROVIDER_MODULE_VERSION")
  commit="${AWS_PROVIDER_MODULE_VERSION##*-}"
  # The release version the commit's version/VERSION names, plus the commit as semver build metadata.
  AWS_PROVIDER_VERSION="$(tr -d '[:space:]' <"$module_dir/version/VERSION")+$commit"
  platform="$(go env GOOS)_$(go env GOARCH)"
  mirror="$CACHE/mirror"
  package_dir="$mirror/registry.terraform.io/hashicorp/aws/$AWS_PROVIDER_VERSION/$platform"
  binary="$package_dir/terraform-provider-aws_v${AWS_PROVIDER_VERSION}_x5"
  if [ ! -x "$binary" ] || [ "$(cat "$package_dir/.services" 2>/dev/null)" != "$AWS_PROVIDER_SERVICES" ]; then
    rm -rf "$package_dir"
    mkdir -p "$package_dir"
    build_module "$AWS_PROVIDER_MODULE" "$AWS_PROVIDER_MODULE_VERSION" . "$binary" trim_aws_provider
    echo "$AWS_PROVIDER_SERVICES" >"$package_dir/.services"
  fi
  AWS_PROVIDER_SOURCE="Go module proxy $AWS_PROVIDER_MODULE@$AWS_PROVIDER_MODULE_VERSION (commit $commit), trimmed to $AWS_PROVIDER_SERVICES; the stacks pin $AWS_PROVIDER_PIN, which the proxy does not serve"
  TF_CLI_CONFIG_FILE="$CACHE/terraform-local.tfrc"
  cat >"$TF_CLI_CONFIG_FILE" <<EOF
# Written by tools/terraform/toolchain.sh: the AWS provider from the locally built mirror, the rest as usual.
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/aws"]
  }
}
EOF
  # The stacks pin $AWS_PROVIDER_PIN; a stack directory planned or applied with the built provider gets this
  # override file copied in (Terraform merges required_providers from *_override.tf.json files).
  AWS_PROVIDER_OVERRIDE_FILE="$CACHE/aws_provider_override.tf.json"
  printf '{"terraform":{"required_providers":{"aws":{"source":"hashicorp/aws","version":"%s"}}}}\n' \
    "$AWS_PROVIDER_VERSION" >"$AWS_PROVIDER_OVERRIDE_FILE"
fi

# KEY=value lines, single-quoted where a value has more than path characters: bash `source`s them.
env_line() {
  if [[ "$2" =~ ^[A-Za-z0-9_./:+@=,-]*$ ]]; then echo "$1=$2"; else echo "$1='$2'"; fi
}
{
  echo "# Written by tools/terraform/toolchain.sh; \`source\` it. AWS_PROVIDER_OVERRIDE_FILE, when not empty:"
  echo "# copy it into a stack directory before \`terraform init\` (it pins the locally built AWS provider)."
  env_line TOOLCHAIN_MODE "$TOOLCHAIN_MODE"
  env_line TERRAFORM_BIN "$TERRAFORM_BIN"
  env_line TF_CLI_CONFIG_FILE "$TF_CLI_CONFIG_FILE"
  env_line AWS_PROVIDER_VERSION "$AWS_PROVIDER_VERSION"
  env_line AWS_PROVIDER_SOURCE "$AWS_PROVIDER_SOURCE"
  env_line AWS_PROVIDER_OVERRIDE_FILE "$AWS_PROVIDER_OVERRIDE_FILE"
  env_line ARCHIVE_PROVIDER_VERSION none
  env_line ACTIONLINT_BIN "$ACTIONLINT_BIN"
} >"$CACHE/toolchain.env.tmp"
mv "$CACHE/toolchain.env.tmp" "$CACHE/toolchain.env"
log "wrote $CACHE/toolchain.env:"
sed 's/^/  /' "$CACHE/toolchain.env" >&2
