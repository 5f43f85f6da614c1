# tests/support/cli_lib.sh: sourced by the shell tests of hall-controller's command line.
# The caller sets fails=0 first; both helpers count failures in it.

# expect NAME CODE PATTERN -- command...: the exit code and a line of stdout+stderr.
expect() {
	local name=$1 code=$2 pattern=$3
	shift 4
	local out rc
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" != "$code" ]; then
		echo "FAIL $name: exit $rc, expected $code"; echo "$out" | sed 's/^/    /'; fails=$((fails + 1)); return
	fi
	if [ -n "$pattern" ] && ! grep -qF -- "$pattern" <<<"$out"; then
		echo "FAIL $name: no line with \"$pattern\""; echo "$out" | sed 's/^/    /'; fails=$((fails + 1)); return
	fi
	echo "ok   $name"
}
check() { # check NAME CONDITION...
	local name=$1
	shift
	if "$@"; then echo "ok   $name"; else echo "FAIL $name"; fails=$((fails + 1)); fi
}
