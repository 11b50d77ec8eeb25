# SPDX-License-Identifier: BSD-2-Clause
#
# The contract every xenlibs library keeps, checked on the installed tree
# this suite belongs to (${PREFIX}/tests/xenlibs/contract):
#   symbols  exported symbols == version map == released nodes, and each
#            documented in a manual page; SONAME lib<name>.so.1
#   abi      abidiff against the committed baseline finds no change
#   headers  every public header of the tree (each library's INCS) is
#            installed and compiles alone as C89, C99, C11 and C++
#   manlint  mandoc -Tlint -Wstyle is clean, cross-references resolved
#   pkgconfig each pkg-config name (upstream's too) compiles and links

LIBS="xentoollog xentoolcore xenhypercall xenevtchn xengnttab
      xenforeignmemory xendevicemodel xenkexec"

prefix() { (cd "$(atf_get_srcdir)/../../.." && pwd); }

# "node symbol" lines a shared object exports, sorted.
exported() {
	readelf --dyn-syms -W "$1" | awk '
	    $7 != "UND" && $8 ~ /@/ && $4 != "OBJECT" {
		n = split($8, p, "@"); print p[n], p[1] }' | sort -u
}

# "node symbol" lines of a version script, sorted.
mapped() {
	awk '
	    /^[A-Za-z0-9_.]+[ \t]*\{/ { node = $1; sub(/\{.*/, "", node) }
	    /^[ \t]*[A-Za-z_][A-Za-z0-9_]*;/ {
		s = $1; sub(/;.*/, "", s); print node, s }' "$1" | sort -u
}

released() {
	awk -v lib="lib$1" '$1 == lib { print $2, $3 }' \
	    "$(atf_get_srcdir)/released.txt" | sort -u
}

# The functions lib$1's manual pages declare: .Fn and .Fo lines in the
# SYNOPSIS of every page whose LIBRARY section names lib$1 (macros such as
# XTL_NEW_LOGGER, in capitals, are not symbols).
documented() {
	awk -v lib="lib$1" '
	    FNR == 1 { inlib = 0; insyn = 0 }
	    /^\.Sh LIBRARY/ { getline
		if ($1 == lib || $1 == lib ",") inlib = 1 }
	    /^\.Sh / { insyn = ($2 == "SYNOPSIS") }
	    inlib && insyn && /^\.(Fn|Fo)[ \t]/ && $2 !~ /^[A-Z0-9_]+$/ {
		print $2 }' "$(prefix)"/share/man/man3/*.3 | sort -u
}

check_symbols() {
	lib=$1 p=$(prefix) so=$(prefix)/lib/lib$1.so.1 fail=0
	[ -f "$so" ] || atf_fail "lib$lib.so.1 is not installed"
	soname=$(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
	[ "$soname" = "lib$lib.so.1" ] || atf_fail "SONAME is '$soname'"

	exported "$so" > exported
	mapped "$(atf_get_srcdir)/lib$lib.map" > mapped
	released "$lib" > released
	documented "$lib" > documented
	if ! diff -u mapped exported > d1; then
		echo "exported symbols differ from lib$lib.map:"; cat d1; fail=1
	fi
	# Released nodes are frozen, and every node of the map is released.
	if ! diff -u released mapped > d2; then
		echo "lib$lib.map differs from the released nodes" \
		    "(released.txt):"; cat d2; fail=1
	fi
	awk '{ print $2 }' exported | sort -u > names
	if ! comm -23 names documented > undoc || [ -s undoc ]; then
		echo "exported but in no SYNOPSIS of a lib$lib page in man3:"
		cat undoc; fail=1
	fi
	if ! comm -13 names documented > unexported || [ -s unexported ]; then
		echo "in a lib$lib page's SYNOPSIS but not exported:"
		cat unexported; fail=1
	fi
	[ -s exported ] || { echo "exports nothing"; fail=1; }
	[ $fail -eq 0 ] || atf_fail "lib$lib breaks its symbol contract"
}

check_abi() {
	lib=$1 so=$(prefix)/lib/lib$1.so.1
	base=$(atf_get_srcdir)/lib$lib.abi
	[ -f "$so" ] || atf_fail "lib$lib.so.1 is not installed"
	[ -f "$base" ] || atf_fail "no ABI baseline lib$lib.abi (tools/xenlibs abi-baseline)"
	# Without DWARF abidiff compares symbols only: that is no ABI check.
	readelf -S "$so" | grep -q debug_info ||
	    atf_fail "lib$lib.so.1 has no DWARF (build with -g): layout changes cannot be seen"
	abidiff --no-show-locs --drop-private-types --hd2 "$(prefix)/include" \
	    "$base" "$so" > report 2>&1
	rc=$?
	cat report
	# Exit bits alone miss a member type change: read the summary too.
	[ $rc -eq 0 ] && ! grep -Eq \
	    '[1-9][0-9]* (Removed|Changed|Added)|[1-9][0-9]* function symbols? (removed|added)' \
	    report && return 0
	atf_fail "lib$lib's ABI differs from its baseline (exit $rc); an" \
	    "addition needs a new version node and a refreshed baseline"
}

atf_test_case headers
headers_head() {
	atf_set "descr" "every public header of the tree is installed and compiles alone in C89, C99, C11, C++"
	atf_set "require.progs" "cc c++"
}
# The headers the tree installs, "lib<name> <header>" (public-headers,
# made from each library's INCS when the tests were built).
expected_headers() {
	awk 'NF == 2 { print $2 }' "$(atf_get_srcdir)/public-headers" | sort -u
}
# The xenlibs headers the SYNOPSIS of a library's manual pages includes.
promised_headers() {
	awk -v libs="$(cd "$(atf_get_srcdir)" && ls lib*.map | sed 's/\.map$//')" '
	    BEGIN { n = split(libs, l); for (i = 1; i <= n; i++) ok[l[i]] = 1 }
	    FNR == 1 { inlib = 0; insyn = 0 }
	    /^\.Sh LIBRARY/ { getline; sub(/,$/, "", $1); inlib = ($1 in ok) }
	    /^\.Sh / { insyn = ($2 == "SYNOPSIS") }
	    inlib && insyn && /^\.In / && $2 ~ /^xen[a-z_]*\.h$/ { print $2 }' \
	    "$(prefix)"/share/man/man3/*.3 | sort -u
}
headers_body() {
	inc=$(prefix)/include fail=0 n=0 srcdir=$(atf_get_srcdir)
	[ -s "$srcdir/public-headers" ] || atf_fail "no list of public headers"
	# Every library (one version map each) has a public header listed.
	for m in "$srcdir"/lib*.map; do
		l=$(basename "$m" .map)
		grep -q "^$l " "$srcdir/public-headers" ||
		    { echo "$l: no public header listed"; fail=1; }
	done
	# Every header a manual page tells programs to include is listed.
	expected_headers > expected
	promised_headers > promised
	[ -s promised ] || atf_fail "no header found in the pages' SYNOPSIS"
	comm -13 expected promised > unlisted
	[ -s unlisted ] && { echo "in a SYNOPSIS but not installed by the tree:"
	    cat unlisted; fail=1; }
	for b in $(cat expected); do
		h=$inc/$b
		[ -f "$h" ] || { echo "$b: not installed in $inc"; fail=1; continue; }
		n=$((n + 1))
		printf '#include <%s>\nint xenlibs_header_check;\n' "$b" > t.c
		cp t.c t.cc
		for std in "-ansi -pedantic" "-std=c99 -pedantic" "-std=c11 -pedantic"; do
			cc $std -Wall -Wextra -Werror -I"$inc" -c t.c -o t.o 2> err ||
			    { echo "$b ($std):"; cat err; fail=1; }
		done
		c++ -Wall -Wextra -Werror -I"$inc" -c t.cc -o t.o 2> err ||
		    { echo "$b (C++):"; cat err; fail=1; }
	done
	echo "$n of $(wc -l < expected) public headers compiled"
	[ $fail -eq 0 ] || atf_fail "a public header is missing or does not stand alone"
}

atf_test_case headers_with_xen
headers_with_xen_head() {
	atf_set "descr" "each public header, then Xen's own xen/xen.h, compiles warning-free"
	atf_set "require.progs" "cc c++"
	atf_set "require.files" "/usr/include/xen/xen.h"
}
headers_with_xen_body() {
	inc=$(prefix)/include fail=0
	# A consumer such as qemu carries its own copy of Xen's headers on -I,
	# where a redefined macro is a warning (system headers hide it).
	cp -R /usr/include/xen xen
	for b in $(expected_headers); do
		[ -f "$inc/$b" ] || { echo "$b: not installed in $inc"; fail=1; continue; }
		# xen.h itself needs <stdint.h> first.
		printf '#include <stdint.h>\n#include <%s>\n#include <xen/xen.h>\n%s\n' \
		    "$b" 'int d = DOMID_SELF;' > t.c
		cp t.c t.cc
		cc -std=c11 -pedantic -Wall -Wextra -Werror -I"$inc" -I. -c t.c \
		    -o t.o 2> err || { echo "$b (C11):"; cat err; fail=1; }
		c++ -Wall -Wextra -Werror -I"$inc" -I. -c t.cc -o t.o 2> err ||
		    { echo "$b (C++):"; cat err; fail=1; }
	done
	[ $fail -eq 0 ] || atf_fail "a header clashes with Xen's xen/xen.h"
}

atf_test_case constants
constants_head() {
	atf_set "descr" "every constant a public header shares with Xen 4.17's has Xen's value"
	atf_set "require.progs" "cc"
	atf_set "require.files" "/usr/include/xentoollog.h /usr/include/xendevicemodel.h"
}
constants_body() {
	inc=$(prefix)/include fail=0 n=0
	for h in xentoollog xentoolcore xencall xenevtchn xengnttab \
	    xenforeignmemory xendevicemodel; do
		# Valued object-like macros (ours and the shared types
		# header's), printed where defined; enumerators, always.
		sed -n 's/^#define[ \t]\{1,\}\([A-Za-z_][A-Za-z0-9_]*\)[ \t]\{1,\}[^ \t].*/\1/p' \
		    "$inc/$h.h" "$inc/xenlibs_types.h" | sort -u > macros
		awk '/enum[ \t]*[A-Za-z_]*[ \t]*\{/ { e = 1; next }
		     e && /\}/ { e = 0 }
		     e { sub(/^[ \t]*/, ""); sub(/[ \t,=].*/, "")
			 if ($0 != "") print }' "$inc/$h.h" > enums
		{ printf '#include <stdio.h>\n#include <stdint.h>\n#include <%s.h>\n' "$h"
		  echo 'int main(void) {'
		  while read -r c; do
			printf '#ifdef %s\nprintf("%s %%lld\\n", (long long)(%s));\n#endif\n' \
			    "$c" "$c" "$c"
		  done < macros
		  while read -r c; do
			printf 'printf("%s %%lld\\n", (long long)(%s));\n' "$c" "$c"
		  done < enums
		  echo 'return 0; }'; } > c.c
		cc -I"$inc" -o ours c.c 2> err ||
		    { echo "$h (ours):"; cat err; fail=1; continue; }
		cc -D__XEN_TOOLS__ -o theirs c.c 2> err ||
		    { echo "$h (Xen 4.17's):"; cat err; fail=1; continue; }
		./ours | sort > ours.txt
		./theirs | sort > theirs.txt
		# Every constant Xen's header has, ours has with the same value.
		if [ -n "$(comm -13 ours.txt theirs.txt)" ]; then
			echo "$h: differs from Xen 4.17's (< ours, > Xen's):"
			diff ours.txt theirs.txt; fail=1
		fi
		n=$((n + $(wc -l < theirs.txt)))
	done
	echo "$n constants compared"
	[ $n -ge 50 ] || atf_fail "only $n constants compared"
	[ $fail -eq 0 ] || atf_fail "a constant differs from Xen 4.17's headers"
}

atf_test_case manlint
manlint_head() {
	atf_set "descr" "mandoc -Tlint -Wstyle is clean on the installed pages"
	atf_set "require.progs" "mandoc makewhatis"
}
manlint_body() {
	man=$(prefix)/share/man
	cp -R "$man" man
	makewhatis man || atf_fail "makewhatis failed"
	# Cross-references resolve against these pages and the system's.
	MANPATH=$PWD/man:/usr/share/man mandoc -Tlint -Wstyle \
	    man/man[1-9]/*.[1-9] > lint 2>&1
	grep -v 'outdated mandoc.db' lint > problems
	cat problems
	[ -s problems ] && atf_fail "mandoc finds $(wc -l < problems) problems"
	[ "$(ls man/man3 | wc -l)" -ge 5 ] || atf_fail "too few pages installed"
}

atf_test_case pkgconfig
pkgconfig_head() {
	atf_set "descr" "every pkg-config name, upstream's included, builds a program"
	atf_set "require.progs" "cc pkg-config"
}
pkgconfig_body() {
	p=$(prefix)
	export PKG_CONFIG_PATH=$p/lib/pkgconfig PKG_CONFIG_LIBDIR=$p/lib/pkgconfig
	fail=0
	echo 'int main(void) { return 0; }' > t.c
	for pc in xentoollog xentoolcore xencall xenhypercall xenevtchn \
	    xengnttab xenforeignmemory xendevicemodel xenkexec; do
		[ -f "$PKG_CONFIG_PATH/$pc.pc" ] ||
		    { echo "no $pc.pc"; fail=1; continue; }
		# --define-prefix: the .pc's own location, not the install PREFIX.
		flags=$(pkg-config --define-prefix --cflags --libs "$pc") ||
		    { echo "$pc: pkg-config failed"; fail=1; continue; }
		cc t.c -o t -Wl,--no-as-needed $flags -Wl,-rpath,"$p/lib" 2> err ||
		    { echo "$pc:"; cat err; fail=1; continue; }
		# The library found must be this tree's, not the system's.
		env -u LD_LIBRARY_PATH ldd ./t > deps
		grep -q "=> $p/lib/libxen" deps ||
		    { echo "$pc: links outside $p/lib:"; cat deps; fail=1; }
	done
	[ $fail -eq 0 ] || atf_fail "a pkg-config file is missing or broken"
}

atf_init_test_cases() {
	for lib in $LIBS; do
		eval "symbols_$lib""_head() {
			atf_set descr 'lib$lib: exports == version map == released nodes == functions its pages declare'
			atf_set require.progs readelf
		}
		symbols_$lib""_body() { check_symbols $lib; }
		abi_$lib""_head() {
			atf_set descr 'lib$lib: no ABI change against the committed baseline'
			atf_set require.progs 'abidiff readelf'
		}
		abi_$lib""_body() { check_abi $lib; }"
		atf_add_test_case "symbols_$lib"
		atf_add_test_case "abi_$lib"
	done
	atf_add_test_case headers
	atf_add_test_case headers_with_xen
	atf_add_test_case constants
	atf_add_test_case manlint
	atf_add_test_case pkgconfig
}
