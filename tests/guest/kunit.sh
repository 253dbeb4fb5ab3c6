# SPDX-License-Identifier: GPL-2.0-only
# KUnit suites, on the KUnit test kernel: load each module and its test
# module (suites run as a test module loads), then turn the KTAP results
# in debugfs into CASE lines, one per test case.
. /tests/lib.sh

MIN_CASES=60

for m in dax_core dax_core_test dax_blk dax_blk_test dax_chardev \
	 dax_chardev_test famfs_lite famfs_lite_test; do
	if ! insmod $MODDIR/$m.ko > /tmp/insmod.out 2>&1; then
		echo "CASE: FAIL kunit.load-$m"
		sed 's/^/    | /' /tmp/insmod.out
	fi
done

total=0
for dir in /sys/kernel/debug/kunit/*/; do
	suite=$(basename "$dir")
	awk -v suite="$suite" '
		/^    (not )?ok [0-9]+ / {
			name = ($1 == "not") ? $4 : $3
			if ($0 ~ /# SKIP/) {
				reason = $0
				sub(/.*# SKIP */, "", reason)
				print "CASE: SKIP kunit." suite "." name ": " reason
			} else if ($1 == "not") {
				print "CASE: FAIL kunit." suite "." name
			} else {
				print "CASE: PASS kunit." suite "." name
			}
		}' "$dir/results"
	if grep -q '^    not ok' "$dir/results"; then
		sed 's/^/    | /' "$dir/results"
	fi
	# Skipped cases are reported above, but did not run.
	ran=$(grep -E '^    (not )?ok [0-9]+ ' "$dir/results" | grep -vc '# SKIP' || true)
	total=$((total + ran))
done

if [ "$total" -ge $MIN_CASES ]; then
	echo "CASE: PASS kunit.ran-at-least-$MIN_CASES-cases"
else
	echo "CASE: FAIL kunit.ran-at-least-$MIN_CASES-cases"
fi
echo "    | $total KUnit cases ran (skipped ones not counted)"
