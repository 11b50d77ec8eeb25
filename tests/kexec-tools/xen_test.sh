# SPDX-License-Identifier: BSD-2-Clause
#
# Debian's kexec-tools on libxenkexec in dom0 (issue 15 item 3): the kexec
# built by build_kexec.sh with contrib/kexec-tools' patch, staged into this
# directory (see the Makefile), loads and unloads images in the real
# hypervisor.  kexec_helper (libxenkexec) is the independent witness of
# what Xen has loaded; xenkexec_record.so, preloaded into kexec, records
# what kexec asked xenkexec_load(3) for.
# The image is a kernel ($XENLIBS_KEXEC_KERNEL, else xenlab's dom0 kernel
# /usr/local/share/xenlab/vmlinuz, else /boot/vmlinuz-`uname -r`) and a
# small busybox initramfs made by crash_initrd.sh, the one crash_boot.sh
# crashes into.

CMDLINE="console=ttyS0 earlyprintk=serial rdinit=/init panic=-1 nr_cpus=1 reset_devices"

setup() {
	D=$(atf_get_srcdir)
	KEXEC=$D/kexec
	HELPER=$D/kexec_helper
	RECORD=$D/xenkexec_record.so
	if [ ! -x "$KEXEC" ]; then
		# build_kexec.sh builds against the release build only.
		if grep -q -E '__(a|t)san_init' "$D/../../../lib/libxentoollog.so.1" 2>/dev/null; then
			atf_skip "sanitizer build: kexec-tools is tested against the release build"
		fi
		atf_fail "no kexec in $D: build_kexec.sh PREFIX $D stages the patched one (tools/xenlibs does)"
	fi
	KERNEL=
	for k in "${XENLIBS_KEXEC_KERNEL:-}" /usr/local/share/xenlab/vmlinuz \
	    "/boot/vmlinuz-$(uname -r)" /boot/vmlinuz; do
		[ -n "$k" ] && [ -f "$k" ] && { KERNEL=$k; break; }
	done
	[ -n "$KERNEL" ] || atf_fail "no kernel image to load: set XENLIBS_KEXEC_KERNEL or put the dom0 kernel at /usr/local/share/xenlab/vmlinuz"
	mk_initrd
	# Nothing loaded before a case (a failed earlier case may have left one).
	"$KEXEC" -p -u >/dev/null 2>&1
	"$KEXEC" -u >/dev/null 2>&1
	expect_status crash "not loaded"
	expect_status default "not loaded"
}

# The crash kernel's initramfs (crash_initrd.sh).
mk_initrd() {
	sh "$D/crash_initrd.sh" initrd.cpio || atf_fail "cannot make the initramfs"
	[ -s initrd.cpio ] || atf_fail "empty initramfs"
}

# expect_status TYPE WORDS: what libxenkexec's xenkexec_status says.
expect_status() {
	local got
	got=$("$HELPER" status "$1" 2>&1) || { echo "$got"; atf_fail "kexec_helper status $1 failed"; }
	[ "$got" = "$2" ] || atf_fail "xenkexec_status($1): '$got', expected '$2'"
}

# run_kexec ARGS...: kexec with the recorder; stdout/stderr in kexec.out/err.
run_kexec() {
	echo "+ kexec $*"
	XENKEXEC_RECORD=$PWD/record.txt LD_PRELOAD=$RECORD "$KEXEC" "$@" >kexec.out 2>kexec.err
	KRC=$?
	cat kexec.out; cat kexec.err >&2
	return $KRC
}

# check_record TYPE: the last xenkexec_load kexec made was of TYPE, succeeded,
# and carried the initramfs whole (a segment of exactly its size); for a
# crash image every data segment is inside Xen's crash area.
check_record() {
	local type=$1 isz start size
	[ -s record.txt ] || atf_fail "kexec made no xenkexec_load call"
	cat record.txt
	awk -v t="$type" '
	    $1 == "load" { ok = ($2 == t && $5 == 0); segs = "" ; next }
	    $1 == "seg" { segs = segs " " $2 }
	    END { exit !ok }' record.txt || atf_fail "the last load was not a successful type-$type load"
	isz=$(wc -c <initrd.cpio)
	awk -v s="$isz" '$1 == "load" { f = 0 } $1 == "seg" && $2 == s { f = 1 } END { exit !f }' record.txt ||
	    atf_fail "no segment of the initramfs' size ($isz) in the last load"
	if [ "$type" = 1 ]; then
		read -r start size <<-EOF
		$("$HELPER" range)
		EOF
		echo "crash area: $start +$size"
		awk -v a="$start" -v z="$((start + size))" '
		    $1 == "load" { bad = 0 }
		    $1 == "seg" && $2 != 0 && ($3 < a + 0 || $3 + $4 > z + 0) {
			print "outside: " $0; bad = 1 }
		    END { exit bad }' record.txt ||
		    atf_fail "a data segment of the crash image is outside the crash area"
	fi
}

atf_test_case crash_load_unload
crash_load_unload_head() {
	atf_set "descr" "kexec -p loads a crash kernel into Xen's crash area through libxenkexec (status: loaded, the segments kexec asked for), a second -p replaces it, kexec -p -u unloads it"
	atf_set "require.files" "/dev/xen/privcmd"
	atf_set "require.user" "root"
	atf_set "timeout" "300"
}
crash_load_unload_body() {
	setup
	run_kexec -p "$KERNEL" --initrd=initrd.cpio --command-line="$CMDLINE" ||
	    atf_fail "kexec -p failed ($KRC)"
	check_record 1
	expect_status crash loaded
	expect_status default "not loaded"
	# Replacing a loaded image keeps the status right.
	: >record.txt
	run_kexec -p "$KERNEL" --initrd=initrd.cpio --command-line="$CMDLINE" ||
	    atf_fail "kexec -p over a loaded crash image failed ($KRC)"
	check_record 1
	expect_status crash loaded
	run_kexec -p -u || atf_fail "kexec -p -u failed ($KRC)"
	expect_status crash "not loaded"
	# Unloading nothing succeeds and changes nothing.
	run_kexec -p -u || atf_fail "kexec -p -u with nothing loaded failed ($KRC)"
	expect_status crash "not loaded"
}

atf_test_case default_load_unload
default_load_unload_head() {
	atf_set "descr" "kexec -l loads a default image through libxenkexec (status: loaded), kexec -u unloads it"
	atf_set "require.files" "/dev/xen/privcmd"
	atf_set "require.user" "root"
	atf_set "timeout" "300"
}
default_load_unload_body() {
	setup
	run_kexec -l "$KERNEL" --initrd=initrd.cpio --command-line="$CMDLINE" ||
	    atf_fail "kexec -l failed ($KRC)"
	check_record 0
	expect_status default loaded
	expect_status crash "not loaded"
	run_kexec -u || atf_fail "kexec -u failed ($KRC)"
	expect_status default "not loaded"
}

atf_test_case too_big
too_big_head() {
	atf_set "descr" "a crash image larger than Xen's crash area fails with a message and leaves nothing loaded"
	atf_set "require.files" "/dev/xen/privcmd"
	atf_set "require.user" "root"
	atf_set "timeout" "300"
}
too_big_body() {
	local start size
	setup
	read -r start size <<-EOF
	$("$HELPER" range)
	EOF
	[ "$size" != 0 ] || atf_skip "Xen has no crash area (booted without crashkernel=)"
	# An initramfs as large as the whole area: kernel + it cannot fit.
	truncate -s "$size" big.img || atf_fail "cannot make big.img"
	if run_kexec -p "$KERNEL" --initrd=big.img --command-line="$CMDLINE"; then
		atf_fail "kexec -p of an image larger than the crash area succeeded"
	fi
	[ -s kexec.err ] || atf_fail "kexec failed without a message"
	expect_status crash "not loaded"
	if [ -s record.txt ] && awk '$1 == "load" && $5 == 0 { f = 1 } END { exit !f }' record.txt; then
		atf_fail "a load succeeded"
	fi
}

atf_test_case no_crash_area
no_crash_area_head() {
	atf_set "descr" "on a Xen booted without crashkernel=, kexec -p fails with a message naming crashkernel= and loads nothing (skipped when Xen has a crash area)"
	atf_set "require.files" "/dev/xen/privcmd"
	atf_set "require.user" "root"
	atf_set "timeout" "120"
}
no_crash_area_body() {
	local start size
	setup
	read -r start size <<-EOF
	$("$HELPER" range)
	EOF
	[ "$size" = 0 ] || atf_skip "Xen has a crash area ($size bytes): this case needs a boot without crashkernel="
	if run_kexec -p "$KERNEL" --initrd=initrd.cpio --command-line="$CMDLINE"; then
		atf_fail "kexec -p succeeded without a crash area"
	fi
	grep -q 'crashkernel=' kexec.err || atf_fail "no message naming crashkernel="
	expect_status crash "not loaded"
}

atf_test_case bad_loads_keep_image
bad_loads_keep_image_head() {
	atf_set "descr" "with kexec's crash image loaded, loads libxenkexec must refuse (segment outside the area, overlap, entry outside) fail with the errno xenkexec_load(3) names and leave it loaded; kexec -p -u then unloads it"
	atf_set "require.files" "/dev/xen/privcmd"
	atf_set "require.user" "root"
	atf_set "timeout" "300"
}
bad_loads_keep_image_body() {
	setup
	run_kexec -p "$KERNEL" --initrd=initrd.cpio --command-line="$CMDLINE" ||
	    atf_fail "kexec -p failed ($KRC)"
	expect_status crash loaded
	"$HELPER" badload || atf_fail "a bad load was accepted or changed the status"
	expect_status crash loaded
	run_kexec -p -u || atf_fail "kexec -p -u failed ($KRC)"
	expect_status crash "not loaded"
}

atf_test_case unprivileged
unprivileged_head() {
	atf_set "descr" "kexec -p as an unprivileged user fails with a message naming Xen's kexec interface and loads nothing"
	atf_set "require.files" "/dev/xen/privcmd"
	atf_set "require.user" "root"
	atf_set "timeout" "120"
}
unprivileged_body() {
	setup
	case $(stat -c %a /dev/xen/privcmd) in
	*6) atf_skip "/dev/xen/privcmd is writable by everyone here" ;;
	esac
	# No initramfs: the work directory may be closed to that user, and
	# kexec asks Xen for the crash area before it reads one.
	if "$HELPER" runas 65534 "$KEXEC" -p "$KERNEL" --command-line="$CMDLINE" >kexec.out 2>kexec.err; then
		cat kexec.err; atf_fail "an unprivileged kexec -p succeeded"
	fi
	cat kexec.err
	grep -q "Xen's kexec interface" kexec.err || atf_fail "no message about Xen's kexec interface"
	expect_status crash "not loaded"
}

atf_init_test_cases() {
	atf_add_test_case crash_load_unload
	atf_add_test_case default_load_unload
	atf_add_test_case too_big
	atf_add_test_case no_crash_area
	atf_add_test_case bad_loads_keep_image
	atf_add_test_case unprivileged
}
