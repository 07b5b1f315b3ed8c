#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Build the Debian packages syndicd and syndicd-dev from this tree with
# dpkg-buildpackage (debian/), then check them with lintian.
#
#   bash scripts/package.sh          # the .debs land in build-deb/
#   apt install ./build-deb/syndicd_*.deb
#
# Needs the build dependencies of debian/control (scripts/deps.sh installs
# them). The lintian tags we accept are listed with the reason in
# debian/*.lintian-overrides; any error fails this script.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
source "$repo/scripts/ccache-env.sh"

out=$repo/build-deb
rm -rf "$out"
mkdir -p "$out"
# dpkg-buildpackage writes next to the source tree; the names are ours, so
# moving them into build-deb/ leaves nothing behind.
dpkg-buildpackage --build=binary --no-sign -j"${SYNDICD_JOBS:-$(nproc)}"
version=$(dpkg-parsechangelog --show-field Version)
arch=$(dpkg --print-architecture)
mv ../syndicd_"$version"_"$arch".{buildinfo,changes} ../syndicd*_"$version"_"$arch".*deb "$out"/
echo "package: built $(cd "$out" && ls *.deb | tr '\n' ' ')"

# --fail-on error: warnings are reported (and explained by the overrides),
# errors stop the build.
lintian --fail-on error --display-info --info "$out"/syndicd_"$version"_"$arch".changes
echo "package: lintian found no errors"
