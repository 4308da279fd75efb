#!/bin/sh
# approve.sh VERIFICATION_URI USER_CODE LOGIN: what a citizen does on their phone with the
# provider's own HTML pages (oidc-provider's device flow and its interactions): open the address
# the kiosk shows, confirm the code, sign in, consent. Plain HTTP requests with curl, a cookie jar
# and each page's xsrf field and form action, as a browser would send them.
set -eu
uri=${1:?verification uri}
code=${2:?user code}
login=${3:?login}
jar=$(mktemp)
page=$(mktemp)
trap 'rm -f "$jar" "$page"' EXIT

field () { grep -o "name=\"$1\" value=\"[^\"]*\"" "$page" | head -n 1 | sed 's/.*value="//; s/"$//'; }
action () { grep -o 'form autocomplete="off" action="[^"]*"' "$page" | head -n 1 | sed 's/.*action="//; s/"$//'; }
get () { curl -sSf -L --max-time 30 -c "$jar" -b "$jar" -o "$page" "$@"; }

# The address with the code (the QR code's) asks to confirm with a form holding the xsrf token.
get "$uri?user_code=$code"
xsrf=$(field xsrf)
get --data-urlencode "xsrf=$xsrf" --data-urlencode "user_code=$code" "$uri"
grep -q "$code" "$page" || { echo "approve.sh: the provider did not show the code" >&2; exit 1; }
get --data-urlencode "xsrf=$xsrf" --data-urlencode "user_code=$code" -d confirm=yes "$uri"
# Sign in (the development interactions accept any password), then consent to the scopes.
get -d prompt=login --data-urlencode "login=$login" -d password=secret "$(action)"
get -d prompt=consent "$(action)"
grep -q "Sign-in Success" "$page" || { echo "approve.sh: no success page" >&2; sed 's/^/# /' "$page" >&2; exit 1; }
