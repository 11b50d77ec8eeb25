#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# build_kexec.sh PREFIX OUTDIR [WORKDIR]
#
# Builds Debian's kexec-tools 2.0.25 (the source `tools/consumers fetch`
# unpacked into $XENLIBS_CONSUMERS_CACHE, default
# /var/cache/xenlibs/consumers) with kexec-tools-2.0.25-xenkexec.patch
# (beside this script) against the xenlibs installed in PREFIX (its
# lib/pkgconfig/xenkexec.pc), as Debian's rules do (autoreconf, configure,
# make), and copies the kexec binary to OUTDIR/kexec.  The binary's
# RUNPATH is $ORIGIN/../../../lib: installed in PREFIX/tests/xenlibs/<dir>
# it loads PREFIX/lib's libxenkexec.so.1.  WORKDIR (default: a temporary
# directory, removed) keeps the build and its logs.
# Exit status: 0 built; 1 failed (the log's tail on stderr); 2 no source.
set -u

die() { echo "build_kexec: $*" >&2; exit 1; }

[ $# -ge 2 ] || { echo "usage: build_kexec.sh PREFIX OUTDIR [WORKDIR]" >&2; exit 1; }
PFX=$(cd "$1" && pwd -P) || die "no prefix $1"
mkdir -p "$2" && OUT=$(cd "$2" && pwd -P) || die "cannot create $2"
HERE=$(cd "$(dirname "$0")" && pwd -P)
PATCH=$HERE/kexec-tools-2.0.25-xenkexec.patch
[ -f "$PATCH" ] || PATCH=$HERE/../../contrib/kexec-tools/kexec-tools-2.0.25-xenkexec.patch
[ -f "$PATCH" ] || die "no kexec-tools-2.0.25-xenkexec.patch beside $0"
CACHE=${XENLIBS_CONSUMERS_CACHE:-/var/cache/xenlibs/consumers}
SRC=$(cat "$CACHE/kexec-tools.dir" 2>/dev/null) || SRC=
if [ -z "$SRC" ] || [ ! -d "$SRC" ]; then
	echo "build_kexec: no kexec-tools source in $CACHE: run tools/consumers fetch" >&2
	exit 2
fi
[ -f "$PFX/lib/pkgconfig/xenkexec.pc" ] || die "no xenkexec.pc in $PFX/lib/pkgconfig"
for p in autoreconf pkg-config make cc patch; do
	command -v $p >/dev/null 2>&1 || die "$p is needed (autoreconf: package autoconf)"
done

if [ $# -ge 3 ]; then
	W=$3; mkdir -p "$W" || die "cannot create $W"
else
	W=$(mktemp -d "${TMPDIR:-/tmp}/build_kexec.XXXXXX") || die "mktemp failed"
	trap 'rm -rf "$W"' EXIT
fi
W=$(cd "$W" && pwd -P)
rm -rf "$W/src"
cp -a "$SRC" "$W/src" || die "cannot copy $SRC"
cd "$W/src" || die "no $W/src"

step() {	# step NAME CMD...: run, log to $W/NAME.log, fail with its tail
	name=$1; shift
	"$@" >"$W/$name.log" 2>&1 || { tail -n 30 "$W/$name.log" >&2; die "$name failed (log: $W/$name.log)"; }
}
step patch patch -p1 -N -i "$PATCH"
step autoreconf autoreconf -fi
# Without lzma and zlib (compressed kernels): the harness's dom0 has
# neither library.  pkg-config finds only PREFIX's xenlibs (no libxenctrl fallback by
# accident); --define-prefix makes the staged .pc files point at PFX.
step configure env PKG_CONFIG_PATH= PKG_CONFIG_LIBDIR="$PFX/lib/pkgconfig" \
    PKG_CONFIG="pkg-config --define-prefix" \
    ./configure --without-lzma --without-zlib LDFLAGS="-Wl,-rpath-link,$PFX/lib"
grep -q '^#define HAVE_LIBXENKEXEC 1' include/config.h ||
    { grep -i xen "$W/configure.log" >&2; die "configure did not select libxenkexec"; }
# The RUNPATH goes on the programs' link line (LIBS; LDFLAGS also links
# purgatory): make turns \$$ into \$, the shell's backslash keeps $ORIGIN.
libs=$(sed -n 's/^LIBS[[:space:]]*=[[:space:]]*//p' Makefile)
step make make -j2 \
    LIBS="$libs -Wl,-rpath,\\\$\$ORIGIN/../../../lib -Wl,--enable-new-dtags"
[ -x build/sbin/kexec ] || die "no build/sbin/kexec"
cp build/sbin/kexec "$OUT/kexec" || die "cannot copy kexec to $OUT"
echo "build_kexec: $OUT/kexec"
