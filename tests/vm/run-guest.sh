#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Boot the stock Debian kernel in QEMU with the built modules and run one
# guest suite (tests/guest/SUITE.sh).  Prints each case as it is judged
# and appends "PASS|FAIL|SKIP NAME" lines to $DAXLITE_RESULTS if set.
#
#   run-guest.sh [-m MEM] [-a APPEND] [-T TIMEOUT] [-q] [-V NAME] [-k VMLINUX -K DIR [-M DIR]] SUITE
#     -m  guest memory (default 3200M: low memory then ends past 3 GiB,
#         so the suites' memmap=1G$0x80000000 holds no firmware area;
#         QEMU puts its ACPI tables at the top of low memory)
#     -a  extra kernel command line, e.g. 'memmap=1G$0x80000000' (given
#         more than once, all of them)
#     -T  seconds before the boot counts as hung (default 300)
#     -q  print only the case lines, not their output
#     -k  boot this kernel (vmlinux or bzImage) instead of the stock one
#         (the KUnit kernel, the debug kernel)
#     -K  take the modules from DIR/*/*.ko (built for that kernel)
#     -V  boot another stock Debian kernel, with its own modules: a name
#         scripts/kernels.sh resolves (6.1, 6.12, newest or a KREL);
#         default: the one matching the installed 6.1 headers.  The
#         project's modules then come only from -K (built for it, e.g.
#         by scripts/build-modules.sh NAME DIR), none without it
#     -M  copy DIR/lib/modules/KREL into the guest: the -k kernel's
#         modules.builtin and depmod files, so that modprobe of what it
#         has built in succeeds (the debug kernel); -U then installs
#         under that KREL
#     -U  install DIR/*.ko in the guest's /lib/modules/KREL/updates/dkms,
#         and DIR/sbin/* (the tools of the daxlite-tools package) in /sbin,
#         where DKMS puts them (the suite runs depmod)
#     -n  an NVDIMM backed by host file FILE (created SIZE bytes if
#         missing; shared, so it outlives the guest and other guests see it)
#     -A  a second NVDIMM on the same backing file as -n: the guest sees
#         one memory at two addresses, as two hosts sharing it would
#     -P  preallocate the NVDIMM's host memory before boot, so the guest's
#         first touch of it costs what later touches do (for make bench)
#     -g  pass ARG to the suite as $1, and name the log SUITE-ARG
#     -l  name this run's log and results LABEL instead of SUITE
# DAXLITE_LABEL_PREFIX, if set, goes before the default label (the debug
# kernel's runs keep their logs apart from the stock kernel's).
#
# A boot fails, whatever its cases say, if it ends without a result
# (panic, hang) or if the kernel log shows a WARNING, BUG, Oops, general
# protection fault, KASAN, lockdep or kmemleak report.
set -uo pipefail
. "$(dirname "$0")/../../scripts/lib.sh"

mem=3200M
append=
timeout=300
quiet=0
vmlinux=
kodir=$DAXLITE_ROOT
kname=
updates=
modroot=
nvdimm=
alias=0
prealloc=off
arg=
label=
while getopts "m:a:T:qk:K:V:M:U:n:APg:l:" o; do
	case $o in
	A) alias=1 ;;
	U) updates=$OPTARG ;;
	n) nvdimm=$OPTARG ;;
	P) prealloc=on ;;
	g) arg=$OPTARG ;;
	l) label=$OPTARG ;;
	k) vmlinux=$OPTARG ;;
	K) kodir=$OPTARG ;;
	V) kname=$OPTARG ;;
	M) modroot=$OPTARG ;;
	m) mem=$OPTARG ;;
	a) append+=" $OPTARG" ;;
	T) timeout=$OPTARG ;;
	q) quiet=1 ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
# Modules built for 6.1 do not load on another kernel: without -K, none.
[ -n "$kname" ] && [ "$kodir" = "$DAXLITE_ROOT" ] && kodir=
suite=${1:?usage: run-guest.sh [-m MEM] [-a APPEND] [-T TIMEOUT] SUITE}

# kmemleak's reports, not its boot lines ("kmemleak: Kernel memory leak
# detector initialized"): a debug kernel logs those on every boot.
SPLATS='WARNING:|BUG:|Oops|general protection|KASAN|lockdep|possible recursive locking|circular locking|kmemleak: [0-9]+ new suspected|unreferenced object|Kernel panic|Call Trace:'
# Boot lines of a lockdep kernel that the pattern would take for reports.
BENIGN='RCU lockdep checking is enabled'

label=${label:-${DAXLITE_LABEL_PREFIX:-}$suite${arg:+-$arg}${kname:+@$kname}}
# One result of this guest, named after it.
record() {
	echo "$1 $label/$2"
	[ -n "${DAXLITE_RESULTS:-}" ] && echo "$1 $label/$2" >> "$DAXLITE_RESULTS"
	return 0
}

# A guest that cannot even be prepared is a failure of its own, counted,
# never a suite that silently did not run.
if ! kdir=$("$DAXLITE_ROOT/scripts/stock-kernel.sh" ${kname:+"$kname"}); then
	record FAIL "setup: the stock kernel ${kname:-6.1} could not be prepared"
	exit 2
fi
vmlinux=${vmlinux:-$kdir/vmlinux}
if ! base=$("$DAXLITE_ROOT/tests/vm/build-initramfs.sh" "$kdir"); then
	record FAIL "setup: the base initramfs could not be built"
	exit 2
fi
mkdir -p "$DAXLITE_BUILD/logs"
log=$DAXLITE_BUILD/logs/$label.log
initrd=$DAXLITE_BUILD/initrd-$label.cpio.gz

# The per-run archive: /init, the suites, the helper and the modules
# (test-only modules too, when built).
shopt -s nullglob
ov=$(mktemp -d)
trap 'rm -rf "$ov"' EXIT
mkdir -p "$ov/tests" "$ov/usr/bin" "$ov/daxlite"
install -m 0755 "$DAXLITE_ROOT/tests/vm/init" "$ov/init"
cp "$DAXLITE_ROOT"/tests/guest/*.sh "$ov/tests/"
cp "$DAXLITE_BUILD"/{daxtest,daxbench,famfsl_poke,famfsl_fuzz,famfsl_crash,daxstress} "$ov/usr/bin/"
cp "$DAXLITE_ROOT/tests/fuzz/regressions.txt" "$ov/tests/fuzz-regressions.txt"
mkdir -p "$ov/sbin"
cp "$DAXLITE_ROOT"/tools/mkfs.famfs_lite "$DAXLITE_ROOT"/tools/fsck.famfs_lite \
	"$DAXLITE_ROOT"/tools/daxlite-ctl "$ov/sbin/"
if [ -n "$kodir" ]; then
	kos=("$kodir"/*/*.ko)
	[ ${#kos[@]} -gt 0 ] && cp "${kos[@]}" "$ov/daxlite/"
fi
testkos=("$DAXLITE_ROOT"/tests/kmod/*.ko)
[ "$kodir" = "$DAXLITE_ROOT" ] && [ ${#testkos[@]} -gt 0 ] && cp "${testkos[@]}" "$ov/daxlite/"
krel=$(basename "$kdir" | sed 's/^kernel-//')
if [ -n "$modroot" ]; then
	krel=$(ls "$modroot/lib/modules")
	mkdir -p "$ov/lib/modules"
	cp -r "$modroot/lib/modules/$krel" "$ov/lib/modules/"
fi
if [ -n "$updates" ]; then
	mkdir -p "$ov/lib/modules/$krel/updates/dkms"
	cp "$updates"/*.ko* "$ov/lib/modules/$krel/updates/dkms/"
	[ ! -d "$updates/sbin" ] || cp "$updates"/sbin/* "$ov/sbin/"
fi
{
	cat "$base"
	(cd "$ov" && find . -print0 | cpio --null -o -H newc --quiet | gzip -1)
} > "$initrd"

accel=$("$DAXLITE_ROOT/tests/vm/pick-accel.sh" "$kdir" "$base")
cmdline="console=ttyS0,115200 panic=-1 oops=panic nokaslr daxlite.suite=$suite daxlite.timeout=$((timeout - 10)) $append"
[ -n "$arg" ] && cmdline+=" daxlite.arg=$arg"
machine=(-machine pc -m "$mem")
if [ -n "$nvdimm" ]; then
	nvfile=${nvdimm%%:*}
	nvsize=${nvdimm#*:}
	[ -e "$nvfile" ] || truncate -s "$nvsize" "$nvfile"
	# Room for the RAM and every NVDIMM (two with -A), in GiB.
	maxmem=$(( ($(numfmt --from=iec "$mem") + 2 * $(numfmt --from=iec "$nvsize")) / (1 << 30) + 2 ))
	machine=(-machine pc,nvdimm=on -m "$mem,slots=2,maxmem=${maxmem}G"
		 -object "memory-backend-file,id=nv0,share=on,prealloc=$prealloc,mem-path=$nvfile,size=$nvsize"
		 -device nvdimm,id=nvdimm0,memdev=nv0,label-size=128K)
	[ "$alias" = 1 ] && machine+=(
		 -object "memory-backend-file,id=nv1,share=on,prealloc=$prealloc,mem-path=$nvfile,size=$nvsize,align=2M"
		 -device nvdimm,id=nvdimm1,memdev=nv1,label-size=128K)
fi
# A kernel that panics while it boots, before it starts userspace (so
# before any daxlite module can load), is booted once more: the stock 7.3
# kernel has been seen to hit an int3 in its own timer code at 1.4 s under
# TCG.  The first boot's log is kept beside the second's, and said so.
for attempt in 1 2; do
	start=$(date +%s)
	timeout --foreground -k 5 "$timeout" \
		qemu-system-x86_64 -accel "$accel" -cpu max -smp 2 "${machine[@]}" \
		-nographic -no-reboot -monitor none -nic none -serial "file:$log" \
		-kernel "$vmlinux" -initrd "$initrd" -append "$cmdline" \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 < /dev/null
	qrc=$?
	secs=$(($(date +%s) - start))
	if [ $attempt = 2 ] || ! grep -aq 'Kernel panic' "$log" ||
	   grep -aq 'Run /init as init process' "$log"; then
		break
	fi
	mv "$log" "$log.first-boot"
	echo "  (the kernel panicked while booting, before userspace and any daxlite module: booting again; first log $log.first-boot)"
done

# The cases, in order, each followed by its output unless -q.
tr -d '\r' < "$log" | awk -v quiet="$quiet" '
	/^CASE: / { sub(/^CASE: /, ""); print "  " $0; next }
	/^    \| / { if (!quiet) print "  " $0 }'
tr -d '\r' < "$log" | sed -n 's/^CASE: \(PASS\|FAIL\|SKIP\) \([^ :]*\).*/\1 \2/p' |
	while read -r verdict name; do record "$verdict" "$name" > /dev/null; done
ncases=$(grep -ac '^CASE: ' "$log")

done_line=$(grep -a '^GUEST-DONE: ' "$log" | tail -n 1 | tr -d '\r')
if grep -aq '^GUEST-TIMEOUT' "$log"; then
	record FAIL "boot: guest watchdog fired after $((timeout - 10))s; see $log"
elif grep -aq 'Kernel panic' "$log"; then
	record FAIL "boot: kernel panic; see $log"
elif [ -z "$done_line" ]; then
	record FAIL "boot: no result after ${secs}s (qemu exit $qrc); see $log"
elif [ "$done_line" != "GUEST-DONE: rc=0" ]; then
	record FAIL "script: suite ended with ${done_line#GUEST-DONE: }"
elif [ "$ncases" = 0 ]; then
	record FAIL "script: suite ran no case"
fi

if grep -av "$BENIGN" "$log" | grep -aEq "$SPLATS"; then
	record FAIL "kernel-log-clean: see $log"
	grep -av "$BENIGN" "$log" | grep -aE -A12 "$SPLATS" | head -n 40 | sed 's/^/    ! /'
else
	record PASS "kernel-log-clean"
fi
echo "  ($label: ${secs}s under $accel, log $log)"
