#!/bin/sh
# The system (Debian/Ubuntu) packages `make run` and `make test` need besides Python's own.
#
#   tools/system_packages.sh run|test
#
# All present: silent, exit 0. Some missing: as root with apt-get they are installed
# (apt-get update && apt-get install -y ...); otherwise ONE line names the exact command to
# run, and the exit status is 1 so make stops before doing anything else.
#
#   run   python3.X-venv, only while .venv does not exist yet and Python cannot make one
#         (audio is decoded in-process by PyAV, Redis is embedded: nothing else).
#   test  that, plus sox (tools/korean_speech writes the silence/noise fixtures with it and a
#         test compares them), chromium (the Playwright browser tests run Debian's
#         /usr/bin/chromium) and fonts-noto-cjk (Korean text in their screenshots).
#
# For tests of this script: SYSTEM_PACKAGES replaces the package list, SYSTEM_PACKAGES_UID
# the user id (anything but 0 never installs).
set -eu
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
TEST_PACKAGES="sox chromium fonts-noto-cjk"

case "${1:-}" in
  run) wanted="" ;;
  test) wanted=$TEST_PACKAGES ;;
  *) echo "usage: $0 run|test" >&2; exit 2 ;;
esac

if [ ! -x .venv/bin/python ] && command -v "$PYTHON" >/dev/null 2>&1; then
  # Debian's Python makes no virtual environment without its pythonX.Y-venv package.
  probe=$(mktemp -d)
  if ! "$PYTHON" -m venv "$probe/venv" >/dev/null 2>&1; then
    wanted="python$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')-venv $wanted"
  fi
  rm -rf "$probe"
fi
wanted=${SYSTEM_PACKAGES-$wanted}

installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

if ! command -v dpkg-query >/dev/null 2>&1; then
  [ -z "$wanted" ] || echo "Not Debian/Ubuntu: cannot check system packages; make sure these (Debian names) are installed: $wanted" >&2
  exit 0
fi

missing=""
for package in $wanted; do
  installed "$package" || missing="$missing $package"
done
missing=${missing# }
[ -n "$missing" ] || exit 0

uid=${SYSTEM_PACKAGES_UID:-$(id -u)}
if [ "$uid" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing system packages: $missing"
  # shellcheck disable=SC2086 # one word per package
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing
  exit
fi
echo "Missing system packages; run: sudo apt-get update && sudo apt-get install -y $missing" >&2
exit 1
