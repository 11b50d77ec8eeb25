#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# crash_initrd.sh OUT.cpio  (in dom0)
#
# A small initramfs for the crash kernel: busybox (from PATH) and an init
# that, on the serial port (the crash kernel runs natively, not as a Xen
# guest, so hvc0 is silent), prints
#   XENLIBS-CRASH-KERNEL: up, vmcore <size> bytes
#   XENLIBS-CRASH-KERNEL: vmcore head <first 16 bytes of /proc/vmcore, hex>
#   XENLIBS-CRASH-KERNEL: done
# and powers off.  /proc/vmcore starts with an ELF header: 7f 45 4c 46.
set -e
out=$1
# busybox's own shell may answer `command -v busybox` with a bare name.
bb=
for p in "$(command -v busybox)" /bin/busybox /usr/bin/busybox /sbin/busybox; do
	case $p in /*) [ -f "$p" ] && { bb=$p; break; } ;; esac
done
[ -n "$bb" ] || { echo "crash_initrd: no busybox" >&2; exit 1; }
w=$(mktemp -d "${TMPDIR:-/tmp}/crash_initrd.XXXXXX")
trap 'rm -rf "$w"' EXIT
mkdir -p "$w/bin" "$w/dev" "$w/proc" "$w/sys"
cp "$bb" "$w/bin/busybox"
cat >"$w/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox mount -t devtmpfs devtmpfs /dev
/bin/busybox mount -t proc proc /proc
exec >/dev/ttyS0 2>&1
echo "XENLIBS-CRASH-KERNEL: up, vmcore $(/bin/busybox stat -c %s /proc/vmcore 2>&1) bytes"
echo "XENLIBS-CRASH-KERNEL: vmcore head $(/bin/busybox head -c 16 /proc/vmcore | /bin/busybox od -An -tx1 | /bin/busybox tr -s ' \n' '  ')"
echo "XENLIBS-CRASH-KERNEL: done"
/bin/busybox sync
/bin/busybox poweroff -f
INIT
chmod 0755 "$w/init"
case $out in /*) ;; *) out=$PWD/$out ;; esac
(cd "$w" && find . | busybox cpio -o -H newc >"$out" 2>/dev/null)
