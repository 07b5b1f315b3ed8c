#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Install the packages scripts/package.sh built and run them as shipped:
# apt installs build-deb/*.deb, the installed example configuration passes
# `syndicd check`, the installed unit passes `systemd-analyze verify`, and
# the offline demo runs with the installed binary and plugins (no build
# tree, no --plugin-path). As root: it installs into the system.
#
#   bash scripts/package.sh && bash scripts/package-check.sh
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
if ((EUID != 0)); then
  echo "package-check: run as root (it installs the packages)" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# The "./" makes apt read the files, and pulls in their dependencies from
# the mirror. systemd is not PID 1 here, so the postinst enables the unit
# without starting it.
apt-get install -y -qq --no-install-recommends ./build-deb/syndicd_*.deb ./build-deb/syndicd-dev_*.deb

echo "package-check: $(syndicd version | head -1) at $(command -v syndicd)"
test "$(command -v syndicd)" = /usr/bin/syndicd
syndicd plugins
syndicd check -c /etc/syndicd/syndicd.yaml
systemd-analyze verify /lib/systemd/system/syndicd.service
man -w syndicd.8 syndicd.yaml.5 >/dev/null 2>&1 || test -e /usr/share/man/man8/syndicd.8.gz
test -e /usr/share/man/man5/syndicd.yaml.5.gz
test -e /usr/share/doc/syndicd/copyright
test -e /usr/include/syndicd/abi.h

# The offline demo against the installed files: the demo config names no
# plugin_path, so the installed plugins are the ones found.
out=$repo/demo-out
rm -rf "$out"
syndicd check -c config/demo.yaml
syndicd once -c config/demo.yaml
feed=$out/feeds/thainguyen.xml
items=$(grep -c '<item>' "$feed")
echo "package-check: the installed daemon wrote $items items to $feed"
((items > 0))
