# SPDX-License-Identifier: GPL-2.0-only
# The helpers of scripts/bench.sh's tables (bench-data.awk,
# bench-alloc.awk, bench-tables.awk), on "KIND NAME key=value..." lines.

# val(LINE, KEY): the value of KEY=value in LINE, or "".
function val(line, key,    n, i, kv) {
	n = split(line, kv, " ")
	for (i = 1; i <= n; i++)
		if (index(kv[i], key "=") == 1)
			return substr(kv[i], length(key) + 2)
	return ""
}

# ratio(A, B): A / B as "N.NNx", or "-" without both.
function ratio(a, b) { return b > 0 && a != "" ? sprintf("%.2fx", a / b) : "-" }
