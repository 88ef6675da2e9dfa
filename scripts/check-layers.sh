#!/usr/bin/env bash
# Checks that no layer of src/ includes a header of a layer above it or beside it
# (docs/design/architecture.md). Prints each offending include; exits 1 if there is one.
set -euo pipefail
cd "$(dirname "$0")/../src"
declare -A rank=([common]=0 [substrate]=1 [runtime]=2 [dataplane]=2 [monitor]=2 [emulator]=3
  [orchestration]=4 [frontends]=5 [endpoints]=6 [app]=7 [cli]=8)
bad=0
for layer in */; do
  layer=${layer%/}
  if [[ ! -v rank[$layer] ]]; then
    echo "unknown layer src/$layer: give it a rank in scripts/check-layers.sh and the docs" >&2
    bad=1
    continue
  fi
  while IFS=: read -r file line inc; do
    target=$(sed -E 's/.*#include "([a-z_]+)\/.*/\1/' <<<"$inc")
    [[ $target == "$layer" || ! -v rank[$target] ]] && continue
    if ((rank[$target] >= rank[$layer])); then
      echo "src/$file:$line: $layer includes $target ($(sed -E 's/.*"(.*)".*/\1/' <<<"$inc"))"
      bad=1
    fi
  done < <(grep -rnE '^#include "[a-z_]+/' "$layer" || true)
done
# Headers are self-contained only if they do not rely on a layer's order: checked by the build.
exit $bad
