# SPDX-License-Identifier: BSD-2-Clause
#
# The errno values each function's manual page names: for every page, the
# names of its NAME section (.Nm) and every .Er of its RETURN VALUES and
# ERRORS sections, as C initialisers { "function", { E1, E2, ..., 0 } },
# for fuzz_emul.c's contract check.

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
sect ~ /^(ERRORS|RETURN VALUES)/ {
	for (i = 1; i < NF; i++)
		if ($i == "Er" || $i == ".Er") {
			v = $(i + 1); gsub(/[^A-Z0-9]/, "", v)
			if (v ~ /^E[A-Z0-9]+$/)
				errs[v] = 1
		}
}
END { flush() }
