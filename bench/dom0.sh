#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# Runs inside dom0 (tests/xenlab): xlbench-run with the three builds loaded
# side by side (their batches interleave, the order rotating each repeat, so
# drift in the emulator falls on all three), then the memory run of each.
# Raw samples go to /xenlab/out/raw.csv; bench/report makes the results.
set -u
D=/usr/local/libexec/xenlibs-bench
OUT=/xenlab/out
REPEATS=${BENCH_REPEATS:-5}
TARGET=${BENCH_TARGET_MS:-200}
MEMOPS=${BENCH_MEM_OPS:-1000000}
mkdir -p "$OUT"
# Each build finds its own libraries through its rpath; nothing else.
unset LD_LIBRARY_PATH LD_PRELOAD

{
	echo "kernel: $(uname -r)"
	echo "date: $(date -u)"
	echo "repeats=$REPEATS target_ms=$TARGET mem_ops=$MEMOPS"
} >"$OUT/meta.txt"
if command -v xl >/dev/null 2>&1; then
	xl info 2>/dev/null | grep -E '^(xen_version|xen_caps|nr_cpus)' >>"$OUT/meta.txt"
fi

G=$(xenlab-guest pvh 2>"$OUT/guest.err") || G=
case $G in
''|*[!0-9]*) echo "no PVH guest: $(cat "$OUT/guest.err")" >>"$OUT/meta.txt"; GARG= ;;
*) echo "pvh guest: domid $G" >>"$OUT/meta.txt"; GARG="-g $G" ;;
esac

: >"$OUT/raw.csv"
# One process, three namespaces (dlmopen): batches interleaved per operation.
# Its progress (one line per operation) goes to the console.
echo "timing: floor xenlibs upstream" >&2
# shellcheck disable=SC2086
"$D/xlbench-run" $GARG -r "$REPEATS" -t "$TARGET" "$D/xlbench-floor.so" \
    "$D/xlbench-xenlibs.so" "$D/xlbench-upstream.so" \
    >>"$OUT/raw.csv" || echo "E,all,run,exit status $?" >>"$OUT/raw.csv"
# Memory: one process per build, each holding one handle of each library,
# then MEMOPS hypercalls; the three run side by side.
echo "memory: $MEMOPS operations each" >&2
for v in floor xenlibs upstream; do
	"$D/xlbench-$v" --memory -n "$MEMOPS" >"$OUT/mem-$v.csv" \
	    2>>"$OUT/stderr.txt" || echo "E,$v,memory,exit status $?" >>"$OUT/mem-$v.csv" &
done
wait
cat "$OUT"/mem-*.csv >>"$OUT/raw.csv"
echo "bench done" >&2
