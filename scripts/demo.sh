#!/usr/bin/env bash
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

echo "==> syndicd once -c config/demo.yaml"
if [[ -z ${SYNDICD_DEMO_KEEP:-} ]]; then
  rm -rf demo-out
fi
"${as_user[@]}" mkdir -p demo-out
set +e
"${as_user[@]}" build/daemon/syndicd once -c config/demo.yaml
rc=$?
set -e

echo
if ((rc == 0)); then
  echo "==> demo finished"
else
  echo "==> demo: syndicd once exited with status $rc"
fi
outputs=$(find demo-out -type f 2>/dev/null | sort)
if [[ -n $outputs ]]; then
  echo "Outputs (under $repo/demo-out/):"
  while read -r f; do
    printf '  %-48s %8s bytes\n' "$f" "$(stat -c %s "$f")"
  done <<<"$outputs"
  feed=demo-out/feeds/thainguyen.xml
  [[ -f $feed ]] && echo "The RSS feed: $repo/$feed"
else
  echo "No outputs were written under $repo/demo-out/."
fi
exit "$rc"
