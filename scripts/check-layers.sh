#!/usr/bin/env bash
# Checks that no layer of src/ includes a header of a layer above it or beside it
# (docs/design/architecture.md). Prints each offending include; exits 1 if there is one.
set -euo pipefail
cd "$(dirname "$0")/../src"
ranks="common=0 substrate=1 runtime=2 dataplane=2 monitor=2 emulator=3 orchestration=4 frontends=5
  endpoints=6 app=7 cli=8"
bad=0
for layer in */; do
  layer=${layer%/}
  if [[ " $ranks " != *[[:space:]]$layer=* ]]; then
    echo "unknown layer src/$layer: give it a rank in scripts/check-layers.sh and the docs" >&2
    bad=1
  fi
done
# One pass over every include of a layer's header: file:line:#include "layer/...".
grep -rnE '^#include "[a-z_]+/' . | awk -v ranks="$ranks" '
  BEGIN { n = split(ranks, kv, /[ \n]+/); for (i = 1; i <= n; i++) if (split(kv[i], p, "=") == 2) rank[p[1]] = p[2] }
  {
    split($0, f, ":"); file = substr(f[1], 3); line = f[2]
    split(file, d, "/"); layer = d[1]
    match($0, /#include "[a-z_]+\//); target = substr($0, RSTART + 10, RLENGTH - 11)
    match($0, /"[^"]*"/); header = substr($0, RSTART + 1, RLENGTH - 2)
    if (target == layer || !(target in rank) || !(layer in rank)) next
    if (rank[target] >= rank[layer]) { printf "src/%s:%s: %s includes %s (%s)\n", file, line, layer, target, header; bad = 1 }
  }
  END { exit bad }' || bad=1
# Headers are self-contained only if they do not rely on a layer's order: checked by the build.
exit $bad
