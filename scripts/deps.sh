#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Install every package needed to build and test syndicd on Debian 12
# (bookworm). Idempotent: when everything is already installed it does
# nothing and needs neither root nor the network.
#
#   bash scripts/deps.sh          # as root, or as a user with sudo
set -euo pipefail

packages=(
  # toolchain
  build-essential g++ cmake ninja-build pkg-config ccache git ca-certificates binutils
  # libraries of the daemon and its plugins
  libboost-dev libcurl4-openssl-dev libtinyxml2-dev libyaml-cpp-dev libxml2-dev
  libsqlite3-dev libsystemd-dev libutf8proc-dev nlohmann-json3-dev libkainjow-mustache-dev
  zlib1g-dev libbrotli-dev
  # tests, benchmarks, checks
  libgtest-dev libgmock-dev libbenchmark-dev clang-format python3 python3-feedparser systemd
  # a second feed reader for the rss sink's output (tests/integration/sink_rss)
  sfeed
  # the status page's browser test (headless)
  chromium
  # promtool, which checks /metrics (tests/e2e/daemon/metrics_e2e_test.cpp)
  prometheus
  # fuzz targets (scripts/fuzz.sh): clang 14, its libFuzzer and sanitizer runtimes
  clang libclang-rt-14-dev
  # the Debian package (scripts/package.sh): dpkg-buildpackage, the man
  # pages (pandoc), lintian
  debhelper dpkg-dev pandoc lintian
)

# One dpkg-query for all: packages it does not know are simply not listed.
declare -A installed=()
while read -r name status; do
  [[ $status == installed ]] && installed[$name]=1
done < <(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${packages[@]}" 2>/dev/null || true)
missing=()
for p in "${packages[@]}"; do
  [[ -n ${installed[$p]:-} ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  echo "deps: all ${#packages[@]} packages installed"
  exit 0
fi

echo "deps: installing ${missing[*]}"
if ((EUID == 0)); then
  as_root=()
elif command -v sudo >/dev/null; then
  as_root=(sudo)
else
  echo "deps: need root (or sudo) to install: ${missing[*]}" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt_install() {
  "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
}
# Refresh the package lists first when there are none (a fresh container);
# otherwise try the cached lists and refresh only if they are stale.
if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
  "${as_root[@]}" apt-get update -qq
  apt_install
elif ! apt_install; then
  "${as_root[@]}" apt-get update -qq
  apt_install
fi
echo "deps: done"
