#! /usr/bin/env atf-sh
# SPDX-License-Identifier: BSD-2-Clause
# xenlab self-test: xenlab-guest gives a running guest of each kind.

check_guest() {
	kind=$1
	out=$(xenlab-guest "$kind" 2>err)
	rc=$?
	cat err >&2
	if [ $rc -eq 2 ]; then
		atf_skip "$(grep 'xenlab: infrastructure' err | head -n 1)"
	fi
	[ $rc -eq 0 ] || atf_fail "xenlab-guest $kind exited $rc"
	case $out in
	''|*[!0-9]*) atf_fail "not a domid: '$out'" ;;
	esac
	[ "$out" -gt 0 ] || atf_fail "domid $out is dom0"
	# A second call gives the same guest.
	again=$(xenlab-guest "$kind" 2>/dev/null)
	[ "$again" = "$out" ] || atf_fail "second call gave '$again', first '$out'"
	/usr/lib/xen-$XENLAB_XEN/bin/xl list "xenlab-$kind" ||
	    atf_fail "xl list does not know xenlab-$kind"
}

atf_test_case pv
pv_head() {
	atf_set descr "xenlab-guest pv prints the domid of a running PV guest"
	atf_set require.files /dev/xen/privcmd
	atf_set timeout 900
}
pv_body() { check_guest pv; }

atf_test_case pvh
pvh_head() {
	atf_set descr "xenlab-guest pvh prints the domid of a running PVH guest"
	atf_set require.files /dev/xen/privcmd
	atf_set timeout 900
}
pvh_body() { check_guest pvh; }

atf_init_test_cases() {
	atf_add_test_case pv
	atf_add_test_case pvh
}
