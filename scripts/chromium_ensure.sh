#!/usr/bin/env bash
# Make sure a Chrome/Chromium is on PATH for the browser tours (Odoo's HttpCase.start_tour runs
# it headless, with --no-sandbox, so it also works as root). Without it Odoo skips the tours.
set -euo pipefail

for bin in google-chrome chromium chromium-browser google-chrome-stable; do
    if command -v "$bin" >/dev/null 2>&1; then
        exit 0
    fi
done
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Chromium is not installed: installing the Debian package (browser tours)" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
    echo "Chromium is not installed: the browser tours will be skipped." \
         "Install it as root (Debian: apt-get install chromium)." >&2
fi
