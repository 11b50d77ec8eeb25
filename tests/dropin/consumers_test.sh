# SPDX-License-Identifier: BSD-2-Clause
#
# Source compatibility: real consumers of the stable APIs, from Debian's
# source packages, compile and link unchanged against the headers, libraries
# and pkg-config files installed with this test (PREFIX = ../../.. from
# here).  Debian's own libxenctrl/libxenstore (not part of xenlibs) come from
# the system and link against xenlibs' libraries through -rpath-link.
# The sources are fetched once, with apt-get source, by `tools/consumers
# fetch` into /var/cache/xenlibs/consumers (XENLIBS_CONSUMERS_CACHE).
#   kexec_tools    Debian's kexec-tools: its own configure and make, Xen
#                  support on (xenctrl.h, which includes xentoollog.h)
#   xen_*          programs and a library of Debian's xen source package,
#                  with pkg-config names: test-resource (xenforeignmemory,
#                  xengnttab), libxenvchan (xenevtchn, xengnttab), xentrace
#                  (xenevtchn)

SEVEN="xentoollog xentoolcore xencall xenevtchn xengnttab xenforeignmemory xendevicemodel"

setup() {
	PFX=$(cd "$(atf_get_srcdir)/../../.." && pwd -P)
	CACHE=${XENLIBS_CONSUMERS_CACHE:-/var/cache/xenlibs/consumers}
	[ -f "$PFX/include/xenevtchn.h" ] || atf_fail "no xenlibs headers in $PFX/include"
	# The sanitizer build's libraries need the sanitizer runtime at link
	# time: the consumers are checked against the release build.
	if nm -D "$PFX/lib/libxentoollog.so.1" 2>/dev/null | grep -q __asan_init; then
		atf_skip "sanitizer build: consumers are checked against the release build"
	fi
	export PKG_CONFIG_PATH=
	export PKG_CONFIG_LIBDIR=$PFX/lib/pkgconfig:/usr/lib/x86_64-linux-gnu/pkgconfig:/usr/share/pkgconfig
	export LD_LIBRARY_PATH=$PFX/lib
	LINKFLAGS="-Wl,-rpath-link,$PFX/lib"
	# The include directory of a system where xenlibs replaces Debian's
	# seven libraries: xenlibs' headers beside Debian's headers of the
	# libraries xenlibs does not provide (xenctrl.h, xenstore.h, ...).
	# Debian's xenctrl.h includes "xentoollog.h" with quotes, so it must
	# find xenlibs' copy in its own directory, as it would once installed.
	INC=$PWD/sysinc
	mkdir -p "$INC"
	cp -p "$PFX"/include/*.h "$INC"/ || atf_fail "cannot copy $PFX/include"
	local h
	for h in xenctrl.h xenctrl_compat.h xenguest.h xenstore.h xenstore_lib.h \
	    xenstore-compat libxenvchan.h xen_list.h; do
		[ -e "/usr/include/$h" ] && [ ! -e "$INC/$h" ] && cp -pr "/usr/include/$h" "$INC/"
	done
}

# source NAME: the unpacked Debian source of NAME in the cache.
source_of() {
	local d
	d=$(cat "$CACHE/$1.dir" 2>/dev/null) || true
	[ -n "$d" ] && [ -d "$d" ] ||
	    atf_skip "no $1 source in $CACHE: run tools/consumers fetch"
	echo "$d"
}

pc() { pkg-config --define-prefix "$@" || atf_fail "pkg-config $* failed"; }

# headers_from DEPFILE HDR...: the compiler read each HDR from INC (a copy
# of PFX/include, checked), and none of the seven libraries' headers from
# anywhere else.
headers_from() {
	local dep=$1 h; shift
	tr ' \\' '\n\n' <"$dep" | grep -E '\.h$' | sed "s,^sysinc/,$INC/," | sort -u >hdrs.txt
	for h in "$@"; do
		grep -qx "$INC/$h" hdrs.txt ||
		    { grep xen hdrs.txt; atf_fail "$h was not read from xenlibs' headers"; }
		cmp -s "$INC/$h" "$PFX/include/$h" || atf_fail "$INC/$h is not xenlibs' $h"
	done
	if grep -E '/(xentoollog|xentoolcore|xencall|xenevtchn|xengnttab|xenforeignmemory|xendevicemodel)\.h$' hdrs.txt |
	    grep -v "^$INC/"; then
		atf_fail "a stable library's header came from outside xenlibs' headers"
	fi
}

# links_to FILE LIB...: FILE loads each LIB (short name) from PFX/lib.
links_to() {
	local f=$1 l p; shift
	/lib64/ld-linux-x86-64.so.2 --list "$f" >ldd.txt 2>&1 || /usr/bin/ldd "$f" >ldd.txt 2>&1 ||
	    { cat ldd.txt; atf_fail "cannot list $f's libraries"; }
	for l in "$@"; do
		p=$(awk -v l="lib$l.so.1" '$1 == l { print $3 }' ldd.txt)
		[ -n "$p" ] || { cat ldd.txt; atf_fail "$f does not use lib$l.so.1"; }
		case $(readlink -f "$p") in
		"$PFX"/lib/*) ;;
		*) cat ldd.txt; atf_fail "$f loads lib$l.so.1 from $p, not $PFX/lib" ;;
		esac
	done
}

atf_test_case kexec_tools
kexec_tools_head() {
	atf_set "descr" "Debian's kexec-tools configures, builds and links with Xen support against xenlibs"
	atf_set "require.progs" "cc make pkg-config"
	atf_set "timeout" "1200"
}
kexec_tools_body() {
	setup
	local src
	src=$(source_of kexec-tools)
	cp -a "$src" k && cd k || atf_fail "cannot copy $src"
	./configure CPPFLAGS="-I$INC -I$PFX/include" LDFLAGS="-L$PFX/lib $LINKFLAGS" >configure.log 2>&1 ||
	    { tail -30 configure.log; atf_fail "configure failed"; }
	grep -q '^#define HAVE_LIBXENCTRL 1' include/config.h 2>/dev/null || grep -rq '^#define HAVE_LIBXENCTRL 1' . --include=config.h ||
	    { grep -i xen config.log | tail; atf_fail "configure did not find Xen (xenctrl.h + libxenctrl)"; }
	make -j2 >make.log 2>&1 || { tail -30 make.log; atf_fail "make failed"; }
	[ -x build/sbin/kexec ] || atf_fail "no kexec built"
	# Its Xen file, compiled again the way make did, for its dependencies.
	local cmd
	cmd=$(make -n -W kexec/kexec-xen.c kexec/kexec-xen.o 2>/dev/null | grep -E -- '-c .*kexec-xen\.c' | head -n 1)
	[ -n "$cmd" ] || atf_fail "cannot find the command that compiles kexec/kexec-xen.c"
	echo "$cmd"
	eval "$cmd -MD -MF xen.d" || atf_fail "recompiling kexec-xen.c failed"
	headers_from xen.d xentoollog.h
	links_to build/sbin/kexec xentoollog xencall xenforeignmemory
	build/sbin/kexec --version || atf_fail "the built kexec does not run"
}

# xensrc: the xen source, and an include directory with only its
# xen-tools/ and xen/sys/ headers (never its copies of the libraries'
# public headers, which are what xenlibs replaces).
xensrc() {
	XS=$(source_of xen)
	mkdir -p inc/xen
	cp -a "$XS/tools/include/xen-tools" inc/
	ln -s "$XS/tools/include/xen-sys/Linux" inc/xen/sys
	cp "$XS/tools/include/libxenvchan.h" inc/
	CC=${CC:-cc}
	XCFLAGS="-O2 -D__XEN_TOOLS__ -D_GNU_SOURCE -I$INC -Iinc"
}

atf_test_case xen_test_resource
xen_test_resource_head() {
	atf_set "descr" "Debian's xen source: test-resource (xenforeignmemory, xengnttab) builds against xenlibs"
	atf_set "require.progs" "cc pkg-config"
}
xen_test_resource_body() {
	setup; xensrc
	$CC $XCFLAGS $(pc --cflags xencontrol xenforeignmemory xengnttab) -MD -MF tr.d \
	    -o test-resource "$XS/tools/tests/resource/test-resource.c" \
	    $(pc --libs xencontrol xenforeignmemory xengnttab) $LINKFLAGS ||
	    atf_fail "test-resource does not build"
	headers_from tr.d xenforeignmemory.h xengnttab.h xentoollog.h
	links_to test-resource xenforeignmemory xengnttab xencall xentoollog
}

atf_test_case xen_vchan
xen_vchan_head() {
	atf_set "descr" "Debian's xen source: libxenvchan (xenevtchn, xengnttab) builds as a shared library against xenlibs, no undefined symbol"
	atf_set "require.progs" "cc pkg-config"
}
xen_vchan_body() {
	setup; xensrc
	local f
	for f in init io; do
		$CC $XCFLAGS -fPIC $(pc --cflags xenevtchn xengnttab xenstore xencontrol) -MD -MF $f.d \
		    -c "$XS/tools/libs/vchan/$f.c" -o $f.o || atf_fail "vchan $f.c does not compile"
	done
	headers_from init.d xenevtchn.h xengnttab.h
	$CC -shared -o libxenvchan.so.4.17 init.o io.o -Wl,--no-undefined \
	    $(pc --libs xenevtchn xengnttab xenstore xencontrol) $LINKFLAGS ||
	    atf_fail "libxenvchan does not link"
	links_to libxenvchan.so.4.17 xenevtchn xengnttab
}

atf_test_case xen_xentrace
xen_xentrace_head() {
	atf_set "descr" "Debian's xen source: xentrace (xenevtchn) builds against xenlibs"
	atf_set "require.progs" "cc pkg-config"
}
xen_xentrace_body() {
	setup; xensrc
	$CC $XCFLAGS $(pc --cflags xenevtchn xencontrol) -MD -MF xt.d -o xentrace \
	    "$XS/tools/xentrace/xentrace.c" $(pc --libs xenevtchn xencontrol) $LINKFLAGS ||
	    atf_fail "xentrace does not build"
	headers_from xt.d xenevtchn.h
	links_to xentrace xenevtchn xentoollog
}

atf_init_test_cases() {
	atf_add_test_case kexec_tools
	atf_add_test_case xen_test_resource
	atf_add_test_case xen_vchan
	atf_add_test_case xen_xentrace
}
