#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The offline demo: install dependencies, build, and run syndicd once over the
# sample sites bundled in tests/fixtures (file:// URLs, no network), writing
# every output under demo-out/.
#
#   sudo bash scripts/demo.sh        (or as root: bash scripts/demo.sh)
#
# Root is needed only to install missing packages. Under sudo the build and
# the demo run as the invoking user, so build/ and demo-out/ stay theirs.
# Set SYNDICD_DEMO_KEEP=1 to keep demo-out/ (and its state) from the last run.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

as_user=()
if ((EUID == 0)) && [[ -n ${SUDO_USER:-} && $SUDO_USER != root ]]; then
  as_user=(sudo -H -u "$SUDO_USER" --)
fi

echo "==> dependencies"
bash scripts/deps.sh

echo "==> build (build/)"
"${as_user[@]}" bash scripts/build.sh build

syndicd=build/daemon/syndicd
if [[ -z ${SYNDICD_DEMO_KEEP:-} ]]; then
  rm -rf demo-out
fi
"${as_user[@]}" mkdir -p demo-out

echo "==> syndicd check -c config/demo.yaml"
"${as_user[@]}" "$syndicd" check -c config/demo.yaml

echo
echo "==> syndicd preview -c config/demo.yaml thainguyen-demo   (what the source extracts)"
set +e
"${as_user[@]}" "$syndicd" preview -c config/demo.yaml thainguyen-demo >demo-out/preview.txt
preview_rc=$?
"${as_user[@]}" "$syndicd" preview -c config/demo.yaml thainguyen-demo --json >demo-out/preview.jsonl 2>/dev/null
set -e
head -n 40 demo-out/preview.txt
if ((preview_rc != 0)); then
  echo "==> demo: syndicd preview exited with status $preview_rc"
fi

echo
echo "==> syndicd once -c config/demo.yaml   (pipelines: store, filter, deliver to sinks)"
set +e
"${as_user[@]}" "$syndicd" once -c config/demo.yaml
once_rc=$?
set -e
echo
rc=$((preview_rc != 0 ? preview_rc : once_rc))
if ((rc == 0)); then
  echo "==> demo finished"
else
  echo "==> demo failed (status $rc)"
fi
outputs=$(find demo-out -type f 2>/dev/null | sort)
if [[ -n $outputs ]]; then
  echo "Outputs (under $repo/demo-out/):"
  while read -r f; do
    printf '  %-48s %8s bytes\n' "$f" "$(stat -c %s "$f")"
  done <<<"$outputs"
  feed=demo-out/feeds/thainguyen.xml
  if [[ -f $feed ]]; then
    echo "The RSS feed: $repo/$feed ($(grep -c '<item>' "$feed") items)"
    echo "SYNDICD_DEMO_KEEP=1 bash scripts/demo.sh keeps demo-out/state.db: a second run delivers nothing twice."
  fi
else
  echo "No outputs were written under $repo/demo-out/."
fi
exit "$rc"
