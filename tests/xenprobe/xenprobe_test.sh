# SPDX-License-Identifier: BSD-2-Clause
#
# xenprobe(8) from the installed tree this suite belongs to: on a healthy
# dom0 every check is ok (kexec may be absent) and it exits 0; without Xen
# it says so and exits 1.

xenprobe() { "$(atf_get_srcdir)/../../../sbin/xenprobe" "$@"; }

# verdict_of CHECK: the verdict column of one report line.
verdict_of() {
	awk -v c="$1" 'index($0, "  " c " ") == 1 {
	    rest = substr($0, length(c) + 3); sub(/^ +/, "", rest)
	    split(rest, f, " "); print f[1]; exit }' out
}

atf_test_case healthy_dom0
healthy_dom0_head() {
	atf_set "descr" "every check of xenprobe is ok in dom0, and it exits 0"
	atf_set "require.files" "/dev/xen/privcmd"
	atf_set "timeout" "120"
}
healthy_dom0_body() {
	xenprobe > out 2> err
	rc=$?
	cat out; cat err >&2
	fail=0
	[ $rc -eq 0 ] || { echo "exit status $rc, not 0"; fail=1; }
	grep -Eq '^hypervisor: Xen 4\.[0-9]+' out ||
	    { echo "no hypervisor version line"; fail=1; }
	for c in "hypercall xen_version" "buffer alloc + hypercall + free" \
	    "event channel loopback" "grant share + map to self" \
	    "foreign map (DOMID_SELF)" "dm_op" "restrict (in a child)"; do
		v=$(verdict_of "$c")
		[ "$v" = ok ] || { echo "'$c': '${v:-missing}', not ok"; fail=1; }
	done
	# dom0 is the hardware domain: kexec is there unless Xen lacks it.
	v=$(verdict_of "kexec get_range(Xen)")
	case $v in ok|absent) ;; *) echo "kexec: '${v:-missing}'"; fail=1 ;; esac
	grep -Eq '^verdict: [0-9]+ checks, 0 broken$' out ||
	    { echo "no clean verdict line"; fail=1; }
	[ $fail -eq 0 ] || atf_fail "xenprobe's report on a healthy dom0 is wrong"
}

atf_test_case no_xen
no_xen_head() {
	atf_set "descr" "without a hypervisor xenprobe says so and exits 1"
}
no_xen_body() {
	[ -e /dev/xen/privcmd ] && atf_skip "this machine runs on Xen"
	xenprobe > out 2> err
	rc=$?
	cat out
	[ $rc -eq 1 ] || atf_fail "exit status $rc, not 1"
	grep -q '^verdict: no Xen here$' out || atf_fail "no 'no Xen here' verdict"
	xenprobe -x > out 2> err
	[ $? -eq 2 ] || atf_fail "an unknown option is not a usage error (2)"
	grep -q '^usage: xenprobe' err || atf_fail "no usage message"
}

atf_init_test_cases() {
	atf_add_test_case healthy_dom0
	atf_add_test_case no_xen
}
