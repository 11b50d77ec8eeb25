#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# crash_boot.sh [--xen VER] --root STAGE [--out DIR] [--xenlab PATH]
#
# Issue 15 item 4, a boot of its own: in dom0 on real Xen, the patched kexec
# (staged into STAGE/usr/local/tests/xenlibs/kexec-tools by build_kexec.sh)
# loads the dom0 kernel and crash_initrd.sh's initramfs with `kexec -p`,
# kexec_helper checks Xen has it, dom0 panics (sysrq c), Xen runs the
# crash kernel natively, and its init prints /proc/vmcore's first bytes on
# the serial port.  Passes when the serial log shows Xen entering the crash
# image and the ELF magic (7f 45 4c 46) read from /proc/vmcore; otherwise
# fails with the serial log's tail.  Needs xenlab's --expect-crash (QEMU
# otherwise stops a second after the crash line).  STAGE is a DESTDIR (its
# usr/local is dom0's /usr/local).  The kernel comes from xenlab's cache.
set -u

XENVER=${XENLAB_XEN:-4.17} STAGE= OUT= XENLAB=
while [ $# -gt 0 ]; do
	case $1 in
	--xen) XENVER=$2; shift 2 ;;
	--root) STAGE=$2; shift 2 ;;
	--out) OUT=$2; shift 2 ;;
	--xenlab) XENLAB=$2; shift 2 ;;
	*) echo "usage: crash_boot.sh [--xen VER] --root STAGE [--out DIR] [--xenlab PATH]" >&2; exit 2 ;;
	esac
done
[ -n "$STAGE" ] || { echo "crash_boot: --root STAGE is required" >&2; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd -P)
[ -n "$XENLAB" ] || XENLAB=$HERE/../xenlab/xenlab
T=/usr/local/tests/xenlibs/kexec-tools
[ -x "$STAGE$T/kexec" ] || { echo "crash_boot: no $STAGE$T/kexec (stage it with build_kexec.sh)" >&2; exit 1; }
CACHE=${XENLAB_CACHE:-/var/cache/xenlibs/xenlab}
[ -f "$CACHE/kernel/vmlinuz" ] || { echo "crash_boot: no kernel in $CACHE (xenlab fetch)" >&2; exit 1; }
W=$(mktemp -d "${TMPDIR:-/tmp}/crash_boot.XXXXXX") || exit 1
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/kroot/usr/local/share/xenlab"
cp "$CACHE/kernel/vmlinuz" "$W/kroot/usr/local/share/xenlab/vmlinuz" || exit 1
[ -n "$OUT" ] || OUT=$W/out
mkdir -p "$OUT"

# In dom0.  Any failure before the panic ends the command normally, which
# --expect-crash counts as a failure (with the log's tail).
CRASH_CMDLINE="console=ttyS0 earlyprintk=serial rdinit=/init panic=-1 nr_cpus=1 reset_devices irqpoll"
CMD="set -e; cd /tmp; sh $T/crash_initrd.sh initrd.cpio;"
CMD="$CMD $T/kexec -p /usr/local/share/xenlab/vmlinuz --initrd=initrd.cpio --command-line='$CRASH_CMDLINE';"
CMD="$CMD test \"\$($T/kexec_helper status crash)\" = loaded;"
CMD="$CMD echo XENLIBS-CRASH: crash image loaded, panicking dom0 >/dev/console;"
CMD="$CMD sync; echo c >/proc/sysrq-trigger; sleep 30"

start=$(date +%s)
"$XENLAB" run --xen "$XENVER" --root "$STAGE" --root "$W/kroot" --out "$OUT" \
    --timeout 600 --expect-crash 'XENLIBS-CRASH-KERNEL: (done|vmcore head)' \
    --crash-wait 150 -- "$CMD"
rc=$?
end=$(date +%s)
S=$OUT/serial.log
fail() {
	echo "crash_boot: FAIL on Xen $XENVER: $*" >&2
	[ -f "$S" ] && tail -n 40 "$S" >&2
	exit 1
}
[ $rc -eq 0 ] || fail "xenlab run exited $rc"
grep -a -q 'XENLIBS-CRASH: crash image loaded' "$S" || fail "dom0 did not load the crash image"
grep -a -q -E 'Executing kexec image|Executing crash image' "$S" ||
    fail "Xen did not enter the crash image"
grep -a 'XENLIBS-CRASH-KERNEL' "$S"
grep -a -q -E 'XENLIBS-CRASH-KERNEL: vmcore head +7f 45 4c 46' "$S" ||
    fail "the crash kernel did not read an ELF header from /proc/vmcore"
t_panic=$(grep -a -n 'XENLIBS-CRASH: crash image loaded' "$S" | head -n1 | cut -d: -f1)
echo "crash_boot: PASS on Xen $XENVER (whole boot $((end - start)) s; serial log $S, panic at line $t_panic)"
