#!/usr/bin/env bash
# The Debian packages the tests need, installed if missing (README, "Use it"):
#   dataset-fashion-mnist  the real Fashion-MNIST files the Fashion-MNIST tutorial reads
#   chromium               the browser tests/test_browser.py drives (headless)
#   graphviz               the dot program keras.utils.plot_model draws with (reference/summary-table.md)
#   fonts-liberation2      the font dot draws its labels in (graphviz only recommends it;
#                          the figure is compared pixel for pixel)
# Quick when they are there already; uses sudo when not run as root.
set -euo pipefail
packages=(dataset-fashion-mnist chromium graphviz fonts-liberation2)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
((${#missing[@]})) || exit 0
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
echo "installing Debian packages the tests need: ${missing[*]}"
"${as_root[@]}" apt-get update -q
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
