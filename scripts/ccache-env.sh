# SPDX-License-Identifier: Apache-2.0
# Sourced by build.sh and package.sh: where ccache keeps its objects and how
# it hashes paths, so every build of this repository shares one cache.
# Needs $repo (the repository's root).
#
# CCACHE_DIR: /var/cache/syndicd-ccache when that is writable (root, CI),
# else ~/.cache/syndicd-ccache.
if [[ -z ${CCACHE_DIR:-} ]]; then
  if mkdir -p /var/cache/syndicd-ccache 2>/dev/null && [[ -w /var/cache/syndicd-ccache ]]; then
    CCACHE_DIR=/var/cache/syndicd-ccache
  else
    CCACHE_DIR=${XDG_CACHE_HOME:-$HOME/.cache}/syndicd-ccache
  fi
fi
export CCACHE_DIR
# Hits across build directories and clones: paths under the repository are
# hashed relative to it, and the working directory is left out of the hash
# (it only ends up in debug info).
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$repo}
export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
mkdir -p "$CCACHE_DIR"
