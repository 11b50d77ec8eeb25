# SPDX-License-Identifier: BSD-2-Clause
#
# Host half of issue 15: Debian's kexec-tools 2.0.25 with
# contrib/kexec-tools' patch, built against the xenlibs installed with this
# test (PREFIX = ../../.. from here).  The source is the one
# `tools/consumers fetch` unpacked (XENLIBS_CONSUMERS_CACHE).
#   xenkexec          build_kexec.sh builds it; the dynamic section of kexec
#                     needs libxenkexec.so.1 and no libxenctrl, and the
#                     program runs on PREFIX's library
#   xenctrl_fallback  without xenkexec.pc, the patched source still finds
#                     Debian's libxenctrl, as before the patch

setup() {
	PFX=$(cd "$(atf_get_srcdir)/../../.." && pwd -P)
	[ -f "$PFX/include/xenkexec.h" ] || atf_fail "no xenkexec.h in $PFX/include"
	if nm -D "$PFX/lib/libxentoollog.so.1" 2>/dev/null | grep -q __asan_init; then
		atf_skip "sanitizer build: kexec-tools is built against the release build"
	fi
}

# needed FILE: FILE's DT_NEEDED entries, one a line, into needed.txt.
needed() {
	readelf -d "$1" >readelf.txt 2>&1 || { cat readelf.txt; atf_fail "readelf -d $1 failed"; }
	sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' readelf.txt >needed.txt
	cat needed.txt
}

atf_test_case xenkexec
xenkexec_head() {
	atf_set "descr" "Debian's kexec-tools with the xenkexec patch builds against xenlibs; kexec needs libxenkexec.so.1, not libxenctrl"
	atf_set "require.progs" "cc make pkg-config autoreconf patch readelf"
	atf_set "timeout" "900"
}
xenkexec_body() {
	setup
	sh "$(atf_get_srcdir)/build_kexec.sh" "$PFX" out work
	case $? in
	0) ;;
	2) atf_skip "no kexec-tools source: run tools/consumers fetch" ;;
	*) atf_fail "build_kexec.sh failed" ;;
	esac
	needed out/kexec
	grep -qx 'libxenkexec.so.1' needed.txt || atf_fail "kexec does not need libxenkexec.so.1"
	if grep -i 'xenctrl' needed.txt; then
		atf_fail "kexec still needs libxenctrl"
	fi
	# Every xc_ call is gone, not just the library name.
	if nm -D --undefined-only out/kexec | grep -E ' (xc_|xc__)'; then
		atf_fail "kexec still calls libxenctrl functions"
	fi
	nm -D --undefined-only out/kexec | grep -q ' xenkexec_load' ||
	    atf_fail "kexec does not call xenkexec_load"
	LD_LIBRARY_PATH=$PFX/lib /lib64/ld-linux-x86-64.so.2 --list out/kexec >ldd.txt 2>&1 ||
	    { cat ldd.txt; atf_fail "cannot list kexec's libraries"; }
	p=$(awk '$1 == "libxenkexec.so.1" { print $3 }' ldd.txt)
	case $(readlink -f "$p") in
	"$PFX"/lib/*) ;;
	*) cat ldd.txt; atf_fail "kexec loads libxenkexec.so.1 from '$p', not $PFX/lib" ;;
	esac
	LD_LIBRARY_PATH=$PFX/lib out/kexec --version || atf_fail "the built kexec does not run"
}

atf_test_case xenctrl_fallback
xenctrl_fallback_head() {
	atf_set "descr" "Without xenkexec.pc the patched kexec-tools falls back to Debian's libxenctrl"
	atf_set "require.progs" "cc make pkg-config autoreconf patch readelf"
	atf_set "require.files" "/usr/include/xenctrl.h"
	atf_set "timeout" "900"
}
xenctrl_fallback_body() {
	setup
	local src h
	src=$(cat "${XENLIBS_CONSUMERS_CACHE:-/var/cache/xenlibs/consumers}/kexec-tools.dir" 2>/dev/null) || true
	[ -n "$src" ] && [ -d "$src" ] || atf_skip "no kexec-tools source: run tools/consumers fetch"
	# xenlibs' headers beside Debian's xenctrl.h (as consumers_test does).
	mkdir sysinc && cp -p "$PFX"/include/*.h sysinc/ || atf_fail "cannot copy $PFX/include"
	for h in xenctrl.h xenctrl_compat.h xenguest.h xenstore.h xenstore_lib.h; do
		[ -e "/usr/include/$h" ] && [ ! -e "sysinc/$h" ] && cp -p "/usr/include/$h" sysinc/
	done
	cp -a "$src" k && cd k || atf_fail "cannot copy $src"
	patch -p1 -N -i "$(atf_get_srcdir)/kexec-tools-2.0.25-xenkexec.patch" >patch.log 2>&1 ||
	    { cat patch.log; atf_fail "the patch does not apply"; }
	autoreconf -fi >autoreconf.log 2>&1 || { tail autoreconf.log; atf_fail "autoreconf failed"; }
	PKG_CONFIG_PATH= PKG_CONFIG_LIBDIR=/nonexistent ./configure CPPFLAGS="-I$PWD/../sysinc" \
	    LDFLAGS="-L$PFX/lib -Wl,-rpath-link,$PFX/lib" >configure.log 2>&1 ||
	    { tail -30 configure.log; atf_fail "configure failed"; }
	grep -q '^#define HAVE_LIBXENCTRL 1' include/config.h ||
	    { grep -i xen configure.log; atf_fail "configure did not fall back to libxenctrl"; }
	if grep -q '^#define HAVE_LIBXENKEXEC 1' include/config.h; then
		atf_fail "configure found libxenkexec without its .pc"
	fi
	make -j2 >make.log 2>&1 || { tail -30 make.log; atf_fail "make failed"; }
	needed build/sbin/kexec
	grep -q '^libxenctrl\.so' needed.txt || atf_fail "the fallback kexec does not need libxenctrl"
}

atf_init_test_cases() {
	atf_add_test_case xenkexec
	atf_add_test_case xenctrl_fallback
}
