# SPDX-License-Identifier: BSD-2-Clause
#
# The errno values each function's manual page names: for every page, the
# names of its NAME section (.Nm) and every .Er of its RETURN VALUES and
# ERRORS sections, as C initialisers { "function", { E1, E2, ..., 0 } },
# for fuzz_emul.c's contract check.  A system call that ERRORS refers to
# (".. and other errors of mmap(2) and ioctl(2)") adds the errors its own
# manual page lists (Linux man-pages 6.03, and POSIX), for the calls the
# libraries make; fork(2), referred to for another reason, adds nothing.

BEGIN {
	sys["open"] = "EACCES EEXIST EFAULT EFBIG EINTR EINVAL EIO EISDIR ELOOP EMFILE ENAMETOOLONG ENFILE ENODEV ENOENT ENOMEM ENOSPC ENOTDIR ENXIO EOVERFLOW EPERM EROFS ETXTBSY EWOULDBLOCK"
	sys["close"] = "EBADF EINTR EIO ENOSPC EDQUOT"
	sys["ioctl"] = "EBADF EFAULT EINVAL ENOTTY"
	sys["mmap"] = "EACCES EAGAIN EBADF EEXIST EINVAL ENFILE ENODEV ENOMEM EOVERFLOW EPERM ETXTBSY"
	sys["munmap"] = "EINVAL"
	sys["read"] = "EAGAIN EBADF EFAULT EINTR EINVAL EIO EISDIR"
	sys["write"] = "EAGAIN EBADF EDESTADDRREQ EDQUOT EFAULT EFBIG EINTR EINVAL EIO ENOSPC EPERM EPIPE"
	sys["mlock"] = "EAGAIN EINVAL ENOMEM EPERM"
	sys["madvise"] = "EACCES EAGAIN EBADF EINVAL EIO ENOMEM EPERM"
	sys["dup2"] = "EBADF EBUSY EINTR EINVAL EMFILE"
	sys["fcntl"] = "EACCES EAGAIN EBADF EBUSY EDEADLK EFAULT EINTR EINVAL EMFILE ENOLCK EPERM"
	sys["poll"] = "EFAULT EINTR EINVAL ENOMEM"
}

function flush(   n, i, line) {
	if (nnames == 0)
		return
	line = ""
	for (e in errs)
		line = line e ", "
	for (i = 1; i <= nnames; i++)
		printf "{ \"%s\", { %s0 } },\n", names[i], line
	nnames = 0
	delete errs
}

FNR == 1 { flush(); sect = "" }
/^\.Sh / { sect = $2 " " $3; next }
sect ~ /^NAME/ && $1 == ".Nm" { gsub(/[^A-Za-z0-9_]/, "", $2); names[++nnames] = $2 }
sect ~ /^ERRORS/ && $1 == ".Xr" && $3 ~ /^2/ && ($2 in sys) {
	n = split(sys[$2], sv, " ")
	for (i = 1; i <= n; i++)
		errs[sv[i]] = 1
}
sect ~ /^(ERRORS|RETURN VALUES)/ {
	for (i = 1; i < NF; i++)
		if ($i == "Er" || $i == ".Er") {
			v = $(i + 1); gsub(/[^A-Z0-9]/, "", v)
			if (v ~ /^E[A-Z0-9]+$/)
				errs[v] = 1
		}
}
END { flush() }
