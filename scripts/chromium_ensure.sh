#!/usr/bin/env bash
# Make sure a Chrome/Chromium is on PATH for the browser tours (Odoo's HttpCase.start_tour runs
# it headless with --no-sandbox, so it also works as root; without it Odoo skips the tours),
# a Chinese font so that the tours' screenshots show Chinese text, and wkhtmltopdf, with which
# Odoo prints PDFs (the customer statement sent by email is a PDF with its XLSX).
set -euo pipefail

packages=()
if ! command -v google-chrome chromium chromium-browser google-chrome-stable >/dev/null 2>&1; then
    packages+=(chromium)
fi
if ! command -v wkhtmltopdf >/dev/null 2>&1; then
    packages+=(wkhtmltopdf)
fi
if ! fc-list :lang=zh 2>/dev/null | grep -q .; then
    packages+=(fonts-wqy-microhei)
fi
[ ${#packages[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing the Debian packages of the browser tours and PDFs: ${packages[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
else
    echo "Missing for the browser tours and PDFs: ${packages[*]}. Install them as root" \
         "(Debian: apt-get install ${packages[*]}); without Chromium the tours are skipped, without wkhtmltopdf no PDF is made." >&2
fi
