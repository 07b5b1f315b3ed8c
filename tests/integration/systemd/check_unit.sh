#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The shipped unit must pass `systemd-analyze verify` and keep its
# `systemd-analyze security` exposure at or below 1.5 (issue 17).
#   check_unit.sh UNIT.in BINDIR WORKDIR
set -euo pipefail
unit_in=$1 bindir=$2 work=$3
mkdir -p "$work"
unit=$work/syndicd.service
# verify checks that ExecStart exists: point it at the binary just built.
sed "s|@SYNDICD_BINDIR@|$bindir|" "$unit_in" >"$unit"
systemd-analyze verify "$unit"
report=$(systemd-analyze security --offline=true "$unit" 2>&1)
exposure=$(sed -nE 's/.*Overall exposure level for syndicd.service: ([0-9.]+).*/\1/p' <<<"$report")
if [[ -z $exposure ]]; then
  echo "could not read the exposure level:" >&2
  echo "$report" >&2
  exit 1
fi
echo "syndicd.service exposure: $exposure (limit 1.5)"
if ! awk -v e="$exposure" 'BEGIN { exit !(e <= 1.5) }'; then
  echo "$report" | grep -E '✗' >&2
  exit 1
fi
