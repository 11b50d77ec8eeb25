# SPDX-License-Identifier: BSD-2-Clause
#
# The libraries' real-hypervisor test programs, built once against xenlibs
# (../lib<name>/<prog>, RUNPATH to xenlibs' lib directory) and once against
# Debian's libxen-dev 4.17 (upstream/<prog>, RUNPATH to
# /usr/lib/x86_64-linux-gnu, run with LD_LIBRARY_PATH unset), run one after
# the other in the same boot, case by case.  The two must give the same
# result (passed, failed, skipped, ...) for every case both can run; the
# cases below use xenlibs-only functions and are not compared; a deliberate
# difference is named in expected-differences.

# xenlibs extensions (no such function in Xen 4.17's libraries)
XENLIBS_ONLY="
evtchn_xen_test:nonblocking	xenevtchn_pending_many (VERS_1.3 extension)
evtchn_xen_test:blocking	xenevtchn_pending_many (VERS_1.3 extension)
evtchn_xen_test:pending_many	xenevtchn_pending_many (VERS_1.3 extension)
dm_xen_test:populate_ram	xendevicemodel_populate_ram (VERS_1.5 extension)
"
DEBLIB=/usr/lib/x86_64-linux-gnu
RE='/lib(xentoollog|xentoolcore|xencall|xenhypercall|xenevtchn|xengnttab|xenforeignmemory|xendevicemodel)\.so'

# loads_from PROG DIR: every one of the seven libraries PROG loads is in DIR.
loads_from() {
	local prog=$1 dir=$2 p n=0
	if [ "$dir" = "$DEBLIB" ]; then
		env -u LD_LIBRARY_PATH /lib64/ld-linux-x86-64.so.2 --list "$prog" >ldd.out 2>&1
	else
		/lib64/ld-linux-x86-64.so.2 --list "$prog" >ldd.out 2>&1
	fi || { cat ldd.out; atf_fail "ld.so --list $prog failed"; }
	for p in $(grep -oE "/[^ ]*$RE[^ ]*" ldd.out); do
		n=$((n + 1))
		case $(readlink -f "$p") in
		"$dir"/*) ;;
		*) cat ldd.out; atf_fail "$prog loads $p, not from $dir" ;;
		esac
	done
	[ $n -gt 0 ] || { cat ldd.out; atf_fail "$prog loads none of the libraries"; }
}

# case_timeout PROG CASE: the case's own timeout (its "timeout" metadata,
# kyua's default of 300 s without one).  A case may have to wait for a
# fresh guest, which can take minutes under emulation.
case_timeout() {
	"$1" -l | awk -v tc="$2" '
	    /^ident: / { cur = $2 }
	    cur == tc && /^timeout: / { t = $2 }
	    END { print (t ? t : 300) }'
}

# result PROG CASE SRCDIR OUTFILE ENV...: run one case, print its result
# line; its output goes to OUTFILE (and the log).
result() {
	local prog=$1 tc=$2 srcdir=$3 out=$4 d t rc=0
	shift 4
	t=$(case_timeout "$prog" "$tc")
	d=$(mktemp -d "$PWD/run.XXXXXX")
	(cd "$d" && env "$@" timeout "$t" "$prog" -s "$srcdir" -r "$d/result" "$tc") \
	    >"$out" 2>&1 || rc=$?
	if [ -s "$d/result" ]; then
		head -n 1 "$d/result"
	elif [ $rc -eq 124 ]; then
		echo "broken: timed out after $t s"
	else
		echo "broken: no result (exit status $rc)"
	fi
	{ echo "--- $prog $tc (exit status $rc)"; cat "$out"; } >>"$OUT.log"
	rm -rf "$d"
}

# The checks that fail when a library reports a failure through the xtl
# logger as xenlibs does, and upstream's library logs nothing: the test
# helpers' capture loggers (count, context, errno of the last message).
LOGGER_CHECKS='no message logged|->(last_)?(context|errno|errnoval|count|level) !=|messages: 0|logged errno'

# logger_only FILE: FILE (an upstream run's output) has failed checks, and
# every one is a logger check: return values and errno agreed.
logger_only() {
	grep -q '^\*\*\* Check failed' "$1" &&
	    ! grep '^\*\*\* Check failed' "$1" | grep -Eqv -- "$LOGGER_CHECKS"
}

compare() {
	local prog=$1 dir=$2
	local x u tc a b sa sb why same=0 diff=0 expect=0 excl=0 skip=0
	x=$(atf_get_srcdir)/../$dir/$prog
	u=$(atf_get_srcdir)/upstream/$prog
	LIBDIR=$(cd "$(atf_get_srcdir)/../../../lib" && pwd -P)
	[ -x "$x" ] || atf_fail "no xenlibs build of $prog"
	[ -x "$u" ] || atf_skip "no build against Debian's libxen-dev (not installed where this was built)"
	[ -e "$DEBLIB/libxenevtchn.so.1" ] ||
	    atf_skip "Debian's Xen libraries are not in this system (xenlab --guests pv,pvh provides them)"
	loads_from "$x" "$LIBDIR"
	loads_from "$u" "$DEBLIB"
	OUT=$PWD/$prog
	[ -d /xenlab/out ] && OUT=/xenlab/out/differential-$prog
	: >"$OUT.txt"; : >"$OUT.log"
	for tc in $("$x" -l | sed -n 's/^ident: //p'); do
		why=$(printf '%s\n' "$XENLIBS_ONLY" | sed -n "s/^$prog:$tc	//p")
		if [ -n "$why" ]; then
			echo "$prog:$tc: not compared: uses $why" | tee -a "$OUT.txt"
			excl=$((excl + 1)); continue
		fi
		a=$(result "$x" "$tc" "$(dirname "$x")" xen.out LD_LIBRARY_PATH="$LIBDIR")
		b=$(result "$u" "$tc" "$(dirname "$u")" up.out -u LD_LIBRARY_PATH)
		sa=${a%%:*}; sb=${b%%:*}
		why=$(sed -n "s/^$prog:$tc	//p" "$(atf_get_srcdir)/expected-differences")
		if [ -z "$why" ] && [ "$sa" = passed ] && [ "$sb" = failed ] && logger_only up.out; then
			why="xenlibs also reports the failure through the xtl logger; Xen 4.17's library logs nothing (return values and errno agree)"
		fi
		if [ "$sa" != "$sb" ] && { [ "$sa" = skipped ] || [ "$sb" = skipped ]; }; then
			# A skip is the environment's answer (no guest could be
			# started, say), not the library's: nothing to compare.
			echo "$prog:$tc: not compared: skipped on one side: xenlibs $a / upstream $b" | tee -a "$OUT.txt"
			skip=$((skip + 1))
		elif [ "$sa" = "$sb" ]; then
			echo "$prog:$tc: same: $sa${why:+ (listed as different: $why)}" | tee -a "$OUT.txt"
			same=$((same + 1))
		elif [ -n "$why" ]; then
			echo "$prog:$tc: expected difference: xenlibs $a / upstream $b: $why" | tee -a "$OUT.txt"
			expect=$((expect + 1))
		else
			echo "$prog:$tc: DIFFERENT: xenlibs $a / upstream $b" | tee -a "$OUT.txt"
			diff=$((diff + 1))
		fi
	done
	echo "$prog: $same same, $expect expected differences, $diff unexpected, $excl xenlibs-only, $skip skipped on one side" |
	    tee -a "$OUT.txt"
	[ $((same + expect + diff)) -gt 0 ] || atf_fail "$prog: no case compared"
	[ $diff -eq 0 ] || atf_fail "$prog: $diff case(s) differ from Debian's libraries (see $OUT.txt)"
}

tc() {
	eval "atf_test_case $1
	$1_head() {
		atf_set descr \"$1 gives the same results on xenlibs and on Debian's Xen 4.17 libraries\"
		atf_set require.files /dev/xen/privcmd
		atf_set timeout 1800
	}
	$1_body() { compare $2 $3; }"
}
tc evtchn evtchn_xen_test libxenevtchn
tc gnttab gnttab_xen_test libxengnttab
tc foreignmemory fmem_xen libxenforeignmemory
tc devicemodel dm_xen_test libxendevicemodel
tc hypercall xencall_test libxenhypercall

atf_init_test_cases() {
	atf_add_test_case evtchn
	atf_add_test_case gnttab
	atf_add_test_case foreignmemory
	atf_add_test_case devicemodel
	atf_add_test_case hypercall
}
