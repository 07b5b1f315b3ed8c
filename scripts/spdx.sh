#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Every source file of the project says its licence in its first lines, as
# an SPDX tag (https://spdx.dev/learn/handling-license-info/), so a file
# copied out of the tree (a plugin built from sdk/template, say) keeps it.
#
#   bash scripts/spdx.sh          list the files without the tag; fails if any
#   bash scripts/spdx.sh --fix    add the tag where it is missing
#
# Source files: C/C++ (.cpp .hpp .h), CMake (CMakeLists.txt, .cmake,
# .cmake.in), shell and Python scripts, the systemd unit template and
# debian/rules, tracked by git, outside tests/fixtures/ (test data, whose
# bytes are what the tests read). The tag goes first, or after a #! line.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

readonly tag='SPDX-License-Identifier: Apache-2.0'
fix=false
case ${1:-} in
  "") ;;
  --fix) fix=true ;;
  *)
    sed -n '7,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac

mapfile -t files < <(git ls-files -- '*.cpp' '*.hpp' '*.h' '*CMakeLists.txt' '*.cmake' \
  '*.cmake.in' '*.sh' '*.py' '*.service.in' .ci/run debian/rules | grep -v '^tests/fixtures/' | sort)

# The comment marker of a file's language.
marker() {
  case $1 in
    *.cpp | *.hpp | *.h) echo '//' ;;
    *) echo '#' ;;
  esac
}

missing=()
for f in "${files[@]}"; do
  [[ -f $f ]] || continue
  head -n 3 "$f" | grep -q "$tag" && continue
  missing+=("$f")
  $fix || continue
  line="$(marker "$f") $tag"
  if head -n 1 "$f" | grep -q '^#!'; then
    sed -i "1a $line" "$f"
  else
    sed -i "1i $line" "$f"
  fi
done

if $fix; then
  echo "spdx: tagged ${#missing[@]} of ${#files[@]} files"
elif ((${#missing[@]} > 0)); then
  printf '%s\n' "${missing[@]}" | head -n 40
  echo "spdx: ${#missing[@]} of ${#files[@]} source files lack '$tag' (fix: bash scripts/spdx.sh --fix)"
  exit 1
else
  echo "spdx: ${#files[@]} files tagged"
fi
