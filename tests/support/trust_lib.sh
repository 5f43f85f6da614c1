# trust_lib.sh: keys, signed messages and enrolled-looking configs for the shell tests of
# DESIGN.md decision 7. Source it after `cd "$src"`.
#   hall_keygen DIR NAME      DIR/NAME.key (secret, as hall-controller init writes it), DIR/NAME.pub
#   hall_sign_list LIST       sign every "KEYFILE TOPIC PAYLOAD OUT" line (tests/support/hall_sign.py)
#   hall_kiosk_config OUT PUB write config/kiosk.json with controller_key PUB ("" = development
#                             profile) and the PIN hash below to OUT
#   hall_controller_config OUT KEYFILE  config/controller.json with signing_key KEYFILE to OUT

# A staff PIN hash (crypto_pwhash_str, Argon2id) of the PIN 4321, made once with libsodium:
# a kiosk config with controller_key must carry staff_pin_hash.
HALL_TEST_PIN=4321
HALL_TEST_PIN_HASH='$argon2id$v=19$m=65536,t=2,p=1$l9cn+nwigLg4P4yrB9/SOA$fCCqsRZUk4eQOzkls34Jfp1VYMZD4mLXl+5UyFE4aOg'

hall_keygen() { python3 "$src/tests/support/hall_sign.py" keygen "$1" "$2"; }
hall_sign_list() { python3 "$src/tests/support/hall_sign.py" sign "$1"; }

hall_kiosk_config() {
  python3 - "$1" "$2" "$HALL_TEST_PIN_HASH" <<'PY'
import json, sys
c = json.load(open("config/kiosk.json"))
if sys.argv[2]:
    c.pop("staff_pin", None)
    c["controller_key"] = sys.argv[2]
    c["staff_pin_hash"] = sys.argv[3]
json.dump(c, open(sys.argv[1], "w"))
PY
}

hall_controller_config() {
  python3 - "$1" "$2" <<'PY'
import json, sys
c = json.load(open("config/controller.json"))
c["signing_key"] = sys.argv[2]
json.dump(c, open(sys.argv[1], "w"))
PY
}
