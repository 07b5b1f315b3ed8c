#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Configure and build syndicd with Ninja and ccache.
#
#   bash scripts/build.sh [BUILD_DIR] [EXTRA CMAKE ARGS...]
#
# BUILD_DIR defaults to build/ in the repository. Extra arguments go to the
# configure step and win over the defaults here, e.g.
#   bash scripts/build.sh build-asan -DSYNDICD_SANITIZE=ON
#   bash scripts/build.sh build-dbg -DCMAKE_BUILD_TYPE=Debug
# The build type defaults to RelWithDebInfo (-O2 -g; SYNDICD_BUILD_TYPE overrides
# it). Not Release: g++ 12 at -O3 reports false -Wrestrict errors in std::string.
# ccache keeps its objects in CCACHE_DIR: /var/cache/syndicd-ccache when that
# is writable (root, CI), else ~/.cache/syndicd-ccache.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

build_dir=${1:-build}
shift $(($# > 0 ? 1 : 0))

source "$repo/scripts/ccache-env.sh"

launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
else
  echo "build: ccache not found; building without it (bash scripts/deps.sh installs it)" >&2
fi

jobs=${SYNDICD_JOBS:-$(nproc)}

# Re-running cmake on an existing directory is cheap and picks up new arguments.
cmake -S "$repo" -B "$build_dir" -G Ninja \
  -DCMAKE_BUILD_TYPE="${SYNDICD_BUILD_TYPE:-RelWithDebInfo}" \
  "${launcher[@]}" "$@"

echo "build: $build_dir (ninja -j$jobs, CCACHE_DIR=$CCACHE_DIR)"
cmake --build "$build_dir" -j "$jobs"
if command -v ccache >/dev/null; then
  ccache --show-stats 2>/dev/null | grep -E '^ *(Hits|Misses):' | sed 's/^ */build: ccache /' || true
fi
