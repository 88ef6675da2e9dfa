#!/usr/bin/env bash
# Runs the libFuzzer targets of tests/fuzz (docs/fuzzing.md).
#
#   tests/fuzz/run.sh SECONDS [TARGET...]      every target (or the ones named) for SECONDS each
#   tests/fuzz/run.sh --build-only [TARGET...]  only configure and build them
#   tests/fuzz/run.sh --unit-tests              build unit_tests in the same clang build and run
#                                               them under ASan+UBSan (before a stop; not in CI)
#
# Configures a clang build directory with -DCHAINLAB_FUZZ=ON (build-fuzz, or $FUZZ_BUILD_DIR),
# builds the `<target>_fuzz` binaries and runs each one on its corpus: a working corpus kept in
# the build directory (new inputs go there, never into the repository), tests/fuzz/seeds/<target>,
# tests/fuzz/regressions/<target> and the extra folders the target names (examples, and
# ../shared/fixtures/<dir> when present; $CHAINLAB_FIXTURES overrides where the fixtures are), all
# read-only. Each run has -rss_limit_mb ($FUZZ_RSS_MB, 2048), -timeout ($FUZZ_TIMEOUT, 10 s per
# input) and -max_len ($FUZZ_MAX_LEN, 65536; longer corpus files are cut for mutation). Crash,
# timeout, out-of-memory and leak inputs are copied to tests/fuzz/regressions/<target>/ (the smoke
# tests replay them from then on) and make the script exit 1. $FUZZ_FLAGS adds libFuzzer flags
# (e.g. "-fork=1 -ignore_crashes=1" to keep going after a crash).
set -euo pipefail

if [[ $# -lt 1 || ! $1 =~ ^([0-9]+|--build-only|--unit-tests)$ ]]; then
  echo "usage: $0 SECONDS|--build-only|--unit-tests [TARGET...]" >&2
  exit 2
fi
seconds=$1
shift
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${FUZZ_BUILD_DIR:-$repo/build-fuzz}
rss_mb=${FUZZ_RSS_MB:-2048}
max_len=${FUZZ_MAX_LEN:-65536}
timeout_s=${FUZZ_TIMEOUT:-10}
fixtures=${CHAINLAB_FIXTURES:-$repo/../shared/fixtures}
read -r -a extra_flags <<<"${FUZZ_FLAGS:-}"

launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
echo "== configure $build (clang, CHAINLAB_FUZZ=ON)"
# -O1 with line tables (what libFuzzer's docs suggest, and quicker to build than -O2 -g); no
# NDEBUG: assertions are invariants too.
CC=clang CXX=clang++ cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Fuzz \
  -DCMAKE_CXX_FLAGS="-O1 -gline-tables-only" -DCHAINLAB_FUZZ=ON -DCHAINLAB_BENCH=OFF \
  "${launcher[@]}" >/dev/null

declare -A extra
while read -r name dirs; do
  [[ -n $name ]] && extra[$name]=$dirs
done <"$build/fuzz-targets.txt"
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  mapfile -t targets < <(cut -d' ' -f1 "$build/fuzz-targets.txt")
fi
for t in "${targets[@]}"; do
  if [[ ! -v extra[$t] ]]; then
    echo "unknown fuzz target '$t' (known: ${!extra[*]})" >&2
    exit 2
  fi
done

if [[ $seconds == --unit-tests ]]; then
  echo "== build unit_tests (clang, ASan+UBSan)"
  cmake --build "$build" -j "${FUZZ_BUILD_JOBS:-2}" --target unit_tests
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 "$build/unit_tests" --gtest_brief=1
  exit
fi
echo "== build ${targets[*]/%/_fuzz}"
if [[ $seconds == --build-only ]]; then
  cmake --build "$build" -j "${FUZZ_BUILD_JOBS:-2}" --target "${targets[@]/%/_fuzz}"
  exit 0
fi
cmake --build "$build" -j "${FUZZ_BUILD_JOBS:-2}" --target "${targets[@]/%/_fuzz}"

failed=0
summary=()
for t in "${targets[@]}"; do
  corpus=$build/corpus/$t
  artifacts=$build/artifacts/$t
  rm -rf "$artifacts"
  mkdir -p "$corpus" "$artifacts"
  dirs=("$repo/tests/fuzz/seeds/$t")
  [[ -d $repo/tests/fuzz/regressions/$t ]] && dirs+=("$repo/tests/fuzz/regressions/$t")
  for d in ${extra[$t]}; do
    d=${d/#$repo\/..\/shared\/fixtures/$fixtures}
    [[ -d $d ]] && dirs+=("$d")
  done
  dict=()
  [[ -f $repo/tests/fuzz/dicts/$t.dict ]] && dict=("-dict=$repo/tests/fuzz/dicts/$t.dict")
  echo "== $t: ${seconds}s on ${dirs[*]/#$repo\//}"
  log=$build/artifacts/$t.log
  set +e
  "$build/${t}_fuzz" -max_total_time="$seconds" -rss_limit_mb="$rss_mb" -timeout="$timeout_s" \
    -max_len="$max_len" \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "${dict[@]}" "${extra_flags[@]}" \
    "$corpus" "${dirs[@]}" >"$log" 2>&1
  rc=$?
  set -e
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
  found=()
  for f in "$artifacts"/crash-* "$artifacts"/timeout-* "$artifacts"/oom-* "$artifacts"/leak-*; do
    [[ -e $f ]] && found+=("$f")
  done
  if [[ ${#found[@]} -gt 0 || $rc -ne 0 ]]; then
    failed=1
    mkdir -p "$repo/tests/fuzz/regressions/$t"
    for f in "${found[@]}"; do
      cp "$f" "$repo/tests/fuzz/regressions/$t/"
      echo "   NEW $(basename "$f") -> tests/fuzz/regressions/$t/"
    done
    grep -E "ERROR: |SUMMARY: |fuzz invariant failed|terminate called|what\(\)" "$log" | head -5 |
      sed 's/^/   /' || true
    echo "   (exit $rc; full log: $log)"
  fi
  summary+=("$(printf '%-20s %10s execs %8s/s  peak %5s MB  %s' "$t" "${execs:-?}" "${rate:-?}" \
    "${rss:-?}" "$([[ ${#found[@]} -gt 0 || $rc -ne 0 ]] && echo "FAILED (${#found[@]} inputs)" || echo ok)")")
done

echo "== summary (${seconds}s per target)"
printf '%s\n' "${summary[@]}"
exit $failed
