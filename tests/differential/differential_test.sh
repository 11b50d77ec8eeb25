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

# failures RESULT OUTFILE: what failed in one run of a case, one item a
# line: each failed check (ATF's "*** Check failed: FILE:LINE: TEXT") as
# TEXT, and the result's reason unless it only counts the failed checks:
# a failed requirement ("failed: FILE:LINE: TEXT") as TEXT, a broken case
# as its whole result line ("broken: ...").  File and line are dropped so
# that a listed check survives edits elsewhere in the test source.
failures() {
	sed -n 's/^\*\*\* Check failed: [^ ]*:[0-9][0-9]*: //p' "$2"
	case $1 in
	"failed: "*" checks failed; see output for more details") ;;
	failed:*) printf '%s\n' "$1" | sed 's/^failed: \([^ ]*:[0-9][0-9]*: \)\{0,1\}//' ;;
	broken:*) printf '%s\n' "$1" ;;
	esac
}

# listed ID EXPECTED: the checks expected-differences names for ID
# ("program:case"), one a line.  A line of the file is
# "program:case<TAB>check<TAB>why"; check is the text of one failed check
# or reason as failures() prints it, where * matches any characters.
listed() {
	awk -F '\t' -v id="$1" '$1 == id && NF >= 3 { print $2 }' "$2"
}

# only_in A B: the lines of A that are not lines of B.  Not comm(1),
# which dom0's busybox lacks, nor grep -v -f, which busybox answers
# wrongly for an empty B.
only_in() {
	awk -v b="$2" 'FILENAME == b { seen[$0] = 1; next }
	    !($0 in seen)' "$2" "$1"
}

# judge ID XRESULT XOUT URESULT UOUT EXPECTED: compare one case's two runs
# (result lines and output files of the xenlibs and the upstream build)
# and print one line: "same: ...", "expected difference: ...",
# "not compared: ..." or "DIFFERENT: ...".  A difference is expected
# only in one direction and only check by check: every check that fails
# upstream and passes on xenlibs must be a logger check or be listed for
# this case; a check that fails on xenlibs and not upstream, or xenlibs
# not passing where upstream passes, is never expected, listed or not.
judge() {
	local id=$1 a=$2 xo=$3 b=$4 uo=$5 exp=$6 sa sb
	sa=${a%%:*}; sb=${b%%:*}
	if [ "$sa" != "$sb" ] && { [ "$sa" = skipped ] || [ "$sb" = skipped ]; }; then
		# A skip is the environment's answer (no guest could be
		# started, say), not the library's: nothing to compare.
		echo "not compared: skipped on one side: xenlibs $a / upstream $b"
		return 0
	fi
	failures "$a" "$xo" | sort -u >judge.x
	failures "$b" "$uo" | sort -u >judge.u
	listed "$id" "$exp" >judge.l
	only_in judge.x judge.u >judge.xonly
	only_in judge.u judge.x >judge.uonly
	awk -v sa="$sa" -v sb="$sb" -v a="$a" -v b="$b" -v logre="$LOGGER_CHECKS" '
	    # glob(s, p): p matches all of s, * in p matching any characters.
	    function glob(s, p,    n, part, i, pos, k) {
		n = split(p, part, "*")
		if (n == 1)
			return s == p
		if (substr(s, 1, length(part[1])) != part[1])
			return 0
		pos = length(part[1]) + 1
		for (i = 2; i < n; i++) {
			k = index(substr(s, pos), part[i])
			if (k == 0)
				return 0
			pos += k - 1 + length(part[i])
		}
		return length(s) - length(part[n]) + 1 >= pos &&
		    substr(s, length(s) - length(part[n]) + 1) == part[n]
	    }
	    FILENAME == "judge.l" { pat[++npat] = $0; next }
	    FILENAME == "judge.xonly" {
		bad = bad sep "xenlibs fails \"" $0 "\""; sep = "; "; next }
	    FILENAME == "judge.uonly" {
		for (i = 1; i <= npat; i++)
			if (glob($0, pat[i])) {
				used[i] = 1
				ok = ok osep "\"" $0 "\""; osep = ", "
				next
			}
		if ($0 ~ logre) {
			ok = ok osep "\"" $0 "\" (logger only)"; osep = ", "
			next
		}
		bad = bad sep "upstream fails \"" $0 "\", not listed"; sep = "; "
		next
	    }
	    END {
		if (sb == "passed" && sa != "passed")
			bad = "xenlibs " sa " where upstream passes" sep bad
		if (bad == "" && ok == "" && sa != sb)
			bad = "results differ with no check to tell"
		for (i = 1; i <= npat; i++)
			if (!used[i])
				unused = unused usep "\"" pat[i] "\""; usep = ", "
		if (bad != "")
			print "DIFFERENT: xenlibs " a " / upstream " b ": " bad
		else if (ok != "")
			print "expected difference: xenlibs " a " / upstream " b \
			    ": upstream only fails " ok \
			    (unused != "" ? " (listed, not seen: " unused ")" : "")
		else
			print "same: " sa \
			    (unused != "" ? " (listed, not seen: " unused ")" : "")
	    }' judge.l judge.xonly judge.uonly
}

compare() {
	local prog=$1 dir=$2
	local x u tc a b v why same=0 diff=0 expect=0 excl=0 skip=0
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
		v=$(judge "$prog:$tc" "$a" xen.out "$b" up.out \
		    "$(atf_get_srcdir)/expected-differences")
		echo "$prog:$tc: $v" | tee -a "$OUT.txt"
		case $v in
		same:*) same=$((same + 1)) ;;
		"expected difference:"*) expect=$((expect + 1)) ;;
		"not compared:"*) skip=$((skip + 1)) ;;
		*) diff=$((diff + 1)) ;;
		esac
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

# Host cases: the comparison itself, on synthetic runs (no Xen needed).

# run NAME RESULT [CHECK...]: a synthetic run: NAME.out carries a failed
# check line for each CHECK, as ATF prints it; the result line is RESULT.
run() {
	local name=$1 c n=10
	shift 2
	: >"$name.out"
	for c in "$@"; do
		n=$((n + 7))
		printf '*** Check failed: /src/tests/t.c:%d: %s\n' $n "$c" \
		    >>"$name.out"
	done
}

# verdict EXPECTED-LINES XRESULT URESULT: judge the runs x and u of
# "prog:tc" against an expected-differences holding EXPECTED-LINES.
verdict() {
	printf '%s' "$1" >exp
	judge prog:tc "$2" x.out "$3" u.out exp
}

checks_failed() { echo "failed: $1 checks failed; see output for more details"; }

atf_test_case judge_unlisted
judge_unlisted_head() {
	atf_set descr "a check failing upstream only, listed for no check, is a difference"
}
judge_unlisted_body() {
	run x passed
	run u "$(checks_failed 1)" 'is_cloexec(xengntshr_fd(s)) not met'
	v=$(verdict "" passed "$(checks_failed 1)")
	echo "$v"
	case $v in DIFFERENT:*'upstream fails "is_cloexec(xengntshr_fd(s)) not met", not listed'*) ;;
	*) atf_fail "not reported as a difference: $v" ;; esac
	# Listed for another case of the same program: still a difference.
	v=$(verdict "$(printf 'prog:other\tis_cloexec(*) not met\twhy\n')" \
	    passed "$(checks_failed 1)")
	case $v in DIFFERENT:*) ;; *) atf_fail "excused by another case's listing: $v" ;; esac
	# A listing without a check (the old whole-case form) excuses nothing.
	v=$(verdict "$(printf 'prog:tc\twhy this case differs\n')" passed \
	    "$(checks_failed 1)")
	case $v in DIFFERENT:*) ;; *) atf_fail "a whole-case listing excused it: $v" ;; esac
}

atf_test_case judge_listed_check_only
judge_listed_check_only_head() {
	atf_set descr "a listed check excuses that check only, not the rest of the case"
}
judge_listed_check_only_body() {
	e=$(printf 'prog:tc\tis_cloexec(xengntshr_fd(*)) not met\tgntalloc not close-on-exec\n')
	run x passed
	run u "$(checks_failed 1)" 'is_cloexec(xengntshr_fd(s)) not met'
	v=$(verdict "$e" passed "$(checks_failed 1)")
	echo "$v"
	case $v in "expected difference:"*) ;; *) atf_fail "listed check not excused: $v" ;; esac
	# The same case failing one more check upstream: a difference.
	run u "$(checks_failed 2)" 'is_cloexec(xengntshr_fd(s)) not met' \
	    'xengnttab_unmap(t, (void *)peer, 1) != 0'
	v=$(verdict "$e" passed "$(checks_failed 2)")
	echo "$v"
	case $v in DIFFERENT:*'"xengnttab_unmap(t, (void *)peer, 1) != 0", not listed'*) ;;
	*) atf_fail "an unlisted check of a listed case excused: $v" ;; esac
	case $v in *'not met", not listed'*) atf_fail "the listed check reported: $v" ;; esac
	# A failed requirement is a check too; a crash is named by its reason.
	run u "failed: /src/t.c:9: map: Invalid argument"
	v=$(verdict "$e" passed "failed: /src/t.c:9: map: Invalid argument")
	case $v in DIFFERENT:*'"map: Invalid argument"'*) ;; *) atf_fail "requirement: $v" ;; esac
	run u x
	v=$(verdict "$(printf 'prog:tc\tbroken: *signal 11*\tcrashes on NULL\n')" passed \
	    "broken: Premature exit; test case received signal 11 (core dumped)")
	case $v in "expected difference:"*) ;; *) atf_fail "listed crash: $v" ;; esac
	v=$(verdict "$(printf 'prog:tc\tbroken: *signal 11*\tcrashes on NULL\n')" passed \
	    "broken: Premature exit; test case received signal 6 (core dumped)")
	case $v in DIFFERENT:*) ;; *) atf_fail "another crash excused: $v" ;; esac
	# Brackets and parentheses in a check are plain text; * is the only
	# wildcard.
	run u "$(checks_failed 1)" 'seg[1].status != GNTST_okay'
	v=$(verdict "$(printf 'prog:tc\tseg[1].status != GNTST_okay\twhy\n')" passed "$(checks_failed 1)")
	case $v in "expected difference:"*) ;; *) atf_fail "literal brackets: $v" ;; esac
	v=$(verdict "$(printf 'prog:tc\tseg1.status != GNTST_okay\twhy\n')" passed "$(checks_failed 1)")
	case $v in DIFFERENT:*) ;; *) atf_fail "brackets taken as a class: $v" ;; esac
}

atf_test_case judge_one_direction
judge_one_direction_head() {
	atf_set descr "xenlibs failing where upstream passes is a difference even when listed"
}
judge_one_direction_body() {
	e=$(printf 'prog:tc\tis_cloexec(*) not met\twhy\nprog:tc\tbroken: *\twhy\n')
	run x "$(checks_failed 1)" 'is_cloexec(xengnttab_fd(t)) not met'
	run u passed
	v=$(verdict "$e" "$(checks_failed 1)" passed)
	echo "$v"
	case $v in DIFFERENT:*'xenlibs failed where upstream passes'*) ;;
	*) atf_fail "xenlibs failing excused: $v" ;; esac
	run x x
	v=$(verdict "$e" "broken: Premature exit; test case received signal 11 (core dumped)" passed)
	case $v in DIFFERENT:*) ;; *) atf_fail "xenlibs crashing excused: $v" ;; esac
	# Both fail, xenlibs one check more: a difference.
	run x "$(checks_failed 2)" 'is_cloexec(xengnttab_fd(t)) not met' 'errno != EINVAL'
	run u "$(checks_failed 1)" 'is_cloexec(xengnttab_fd(t)) not met'
	v=$(verdict "$e" "$(checks_failed 2)" "$(checks_failed 1)")
	case $v in DIFFERENT:*'xenlibs fails "errno != EINVAL"'*) ;;
	*) atf_fail "xenlibs' extra failed check excused: $v" ;; esac
}

atf_test_case judge_same_skip_logger
judge_same_skip_logger_head() {
	atf_set descr "same results, one-sided skips and logger-only checks"
}
judge_same_skip_logger_body() {
	run x passed; run u passed
	v=$(verdict "" passed passed)
	[ "$v" = "same: passed" ] || atf_fail "both passed: $v"
	run x "$(checks_failed 1)" 'a != b'; run u "$(checks_failed 1)" 'a != b'
	v=$(verdict "" "$(checks_failed 1)" "$(checks_failed 1)")
	[ "$v" = "same: failed" ] || atf_fail "same failed check: $v"
	run x passed; run u x
	v=$(verdict "" passed "skipped: no guest")
	case $v in "not compared:"*) ;; *) atf_fail "one-sided skip: $v" ;; esac
	run u "$(checks_failed 1)" 'no message logged'
	v=$(verdict "" passed "$(checks_failed 1)")
	case $v in "expected difference:"*"(logger only)"*) ;; *) atf_fail "logger check: $v" ;; esac
	# A listed check that did not differ is reported, not failed.
	run u passed
	v=$(verdict "$(printf 'prog:tc\tx != y\twhy\n')" passed passed)
	case $v in "same: passed (listed, not seen: \"x != y\")") ;; *) atf_fail "unused listing: $v" ;; esac
}

atf_test_case expected_list
expected_list_head() {
	atf_set descr "every line of expected-differences names a case of a program and one check"
}
expected_list_body() {
	local f=$(atf_get_srcdir)/expected-differences id prog tc check why p n=0 fail=0
	while IFS='	' read -r id check why; do
		case $id in ""|"#"*) continue ;; esac
		n=$((n + 1))
		if [ -z "$check" ] || [ -z "$why" ] || [ "${why#*	}" != "$why" ]; then
			echo "not program:case<TAB>check<TAB>why: $id	$check	$why"; fail=1; continue
		fi
		case $check in "*"|"**") echo "$id: the check excuses everything"; fail=1 ;; esac
		prog=${id%%:*}; tc=${id#*:}
		p=$(ls "$(atf_get_srcdir)"/../lib*/"$prog" 2>/dev/null | head -n 1)
		if [ -z "$p" ]; then
			echo "$id: no program $prog"; fail=1
		elif ! "$p" -l | grep -qx "ident: $tc"; then
			echo "$id: $prog has no case $tc"; fail=1
		fi
	done <"$f"
	echo "$n listed checks"
	[ $fail -eq 0 ] || atf_fail "expected-differences has bad lines"
}

atf_init_test_cases() {
	atf_add_test_case judge_unlisted
	atf_add_test_case judge_listed_check_only
	atf_add_test_case judge_one_direction
	atf_add_test_case judge_same_skip_logger
	atf_add_test_case expected_list
	atf_add_test_case evtchn
	atf_add_test_case gnttab
	atf_add_test_case foreignmemory
	atf_add_test_case devicemodel
	atf_add_test_case hypercall
}
