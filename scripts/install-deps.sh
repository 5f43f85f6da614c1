#!/usr/bin/env bash
# Installs the Debian 12 packages the project needs, and only those that are missing.
# Quiet and idempotent; needs root (or sudo) only when something is missing.
# Nothing is downloaded from anywhere but Debian's package archive.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libsdl2-dev libsdl2-ttf-dev libsdl2-image-dev     # kiosk drawing, fonts, PNG/JPEG
  libmosquitto-dev mosquitto mosquitto-clients      # MQTT client library, broker, CLI tools for tests
  libcjson-dev libsqlite3-dev                       # wire format, controller database
  libpq-dev postgresql                              # the PostgreSQL store (server database, two controllers) and its tests
  rabbitmq-server                                   # the clustered broker (issue 13): its tests start their own nodes
  libssl-dev                                        # libcrypto: SHA-256 of assets (CPU SHA extensions)
  openssl                                           # the hall's CA and broker certificate (hall-controller init)
  libsodium-dev                                     # ed25519 signatures of control messages, Argon2id PIN/password hashes
  libmicrohttpd-dev                                 # the staff console (HTTPS) in hall-controller serve
  libzip-dev                                        # packs uploaded to the console as one zip
  zlib1g-dev                                        # gzip of the staff console's answers and live stream
  libsystemd-dev                                    # sd_notify: the kiosk's watchdog
  tzdata                                            # zone files core/src/tz.c reads (Asia/Seoul)
  fonts-noto-cjk                                    # ko, en, zh-Hans, zh-Hant, ja faces
  libcmocka-dev                                     # unit tests
  libicu-dev                                        # Unicode line breaking
  libespeak-ng-dev espeak-ng-data                   # voice guidance
  libmecab-dev mecab-ipadic-utf8                    # Japanese kanji readings for the voice
  chromium                                          # renders the HTML report in a test; drives the console's browser test
  nodejs                                            # the console's browser test (tests/browser: playwright-core, axe-core)
  imagemagick                                       # regenerates the default pack's images
  python3                                           # small test helpers
)

# The console's browser test drives chromium through playwright-core and checks pages with
# axe-core: npm packages pinned by tests/browser/package-lock.json, installed with npm ci.
browser_deps() {
  local dir
  dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tests/browser"
  # Debian's nodejs leaves npm to its own package (some builds of nodejs bring it along).
  if ! command -v npm >/dev/null; then
    ${SUDO:-} apt-get install -y -qq --no-install-recommends npm >/dev/null 2>&1 || true
  fi
  if [ -f "$dir/package-lock.json" ] && [ ! -d "$dir/node_modules/playwright-core" ] && command -v npm >/dev/null; then
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2) || echo "install-deps: npm ci in tests/browser failed" >&2
  fi
}
trap browser_deps EXIT
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
# Refresh the package lists when they are missing or older than a day.
if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null | head -1)" ]; then
  $SUDO apt-get update -qq >&2
fi
# Debian's rabbitmq-server starts a system node (and epmd) when it is installed; the tests
# start their own nodes on free loopback ports, so none may be running: a policy-rc.d
# (kept when the machine already has one) forbids starting services during the install,
# and the system node is stopped and disabled afterwards where systemd runs.
policy=/usr/sbin/policy-rc.d
own_policy=""
if [[ " ${missing[*]} " == *" rabbitmq-server "* ]] && [ ! -e "$policy" ]; then
  printf '#!/bin/sh\n# install-deps.sh: no service starts while packages are installed\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod 755 "$policy"
  own_policy=1
fi
status=0
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || status=$?
[ -n "$own_policy" ] && $SUDO rm -f "$policy"
if [[ " ${missing[*]} " == *" rabbitmq-server "* ]] && [ -d /run/systemd/system ]; then
  $SUDO systemctl disable --now rabbitmq-server.service epmd.socket epmd.service >/dev/null 2>&1 || true
fi
exit "$status"
