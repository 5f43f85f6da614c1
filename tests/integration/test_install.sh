#!/usr/bin/env bash
# test_install.sh: `cmake --install` puts the binaries, the default pack, the example configs,
# the systemd units and the hall user's sysusers.d file in place, the units run what was
# installed, and systemd rates each unit's sandbox 4.0 or lower (`systemd-analyze security
# --offline=true`, when this systemd can do that).
set -uo pipefail
BUILD="${HALL_BUILD_DIR:?HALL_BUILD_DIR not set}"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hall-install-XXXXXX")
trap 'rm -rf "$TMP"' EXIT
fails=0
. "${HALL_SOURCE_DIR:?HALL_SOURCE_DIR not set}/tests/support/cli_lib.sh" # expect, check

P="$TMP/prefix"
expect install_should_succeed 0 "" -- cmake --install "$BUILD" --prefix "$P"
for f in bin/hall-kiosk bin/hall-controller share/hall/assets/default/manifest.json share/hall/config/kiosk.json \
	share/hall/config/controller.json share/hall/config/mosquitto.conf lib/sysusers.d/hall.conf \
	lib/systemd/system/hall-controller.service lib/systemd/system/hall-broker.service \
	lib/systemd/system/hall-kiosk@.service; do
	check "install_should_put_${f//[\/@.]/_}" test -e "$P/$f"
done
check installed_binaries_should_run bash -c "'$P/bin/hall-controller' help | grep -q 'kiosk add'"
for unit in hall-controller.service hall-broker.service hall-kiosk@.service; do
	u="$P/lib/systemd/system/$unit"
	exe=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$u")
	check "${unit}_should_run_an_installed_program" bash -c "[ -x '$exe' ] || [ '$exe' = /usr/sbin/mosquitto ]"
	check "${unit}_should_run_as_the_hall_user" grep -q '^User=hall$' "$u"
	for opt in ProtectSystem=strict NoNewPrivileges=yes PrivateTmp=yes; do
		check "${unit}_should_set_${opt%%=*}" grep -q "^$opt$" "$u"
	done
done
if systemd-analyze security --offline=true "$P/lib/systemd/system/hall-broker.service" >/dev/null 2>&1; then
	for unit in hall-controller.service hall-broker.service hall-kiosk@.service; do
		level=$(cd "$P/lib/systemd/system" && systemd-analyze security --offline=true "$unit" 2>/dev/null |
			sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
		echo "     $unit: exposure $level"
		check "${unit}_should_rate_4_or_lower" awk -v l="$level" 'BEGIN { exit !(l != "" && l + 0 <= 4.0) }'
	done
else
	check systemd_analyze_security_offline_should_run false
fi
[ "$fails" = 0 ] || { echo "$fails failed"; exit 1; }
echo "all ok"
