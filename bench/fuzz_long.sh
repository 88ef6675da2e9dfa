#!/usr/bin/env bash
# The long fuzzing run (docs/fuzzing.md): every libFuzzer target of tests/fuzz for 10 minutes
# (or $1 seconds) each, with the working corpora kept in build-fuzz/corpus between runs. About
# 3 hours for all targets; name targets to run fewer:
#   bench/fuzz_long.sh            all targets, 600 s each
#   bench/fuzz_long.sh 600 hot_template heat_request
# Exits 1 when a target found a crash, a timeout, an out-of-memory or a leak (the inputs are in
# tests/fuzz/regressions/<target>/; see tests/fuzz/run.sh).
set -euo pipefail
seconds=${1:-600}
shift || true
exec "$(dirname "$0")/../tests/fuzz/run.sh" "$seconds" "$@"
