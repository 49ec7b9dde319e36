#!/usr/bin/env bash
# Screenshots of every view of the desktop app at 1440×900, light and dark, under Xvfb.
#
#   scripts/screenshots.sh [OUT_DIR]     (default: target/screenshots)
#
# Needs: xvfb xauth imagemagick xdotool and the Mesa/X runtime libraries scripts/test.sh lists.
# The app runs on a copy of sample_data with a throw-away HOME, so neither the repository nor
# your saved window state is touched. Views are selected by clicking the navigation (the same
# positions the layout gives at this size); the theme by the top bar's theme button.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-target/screenshots}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

cargo build --locked
binary="${CARGO_TARGET_DIR:-target}/debug/coo-dashboard"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$binary" "$work/coo-dashboard"
cp -r "${SCREENSHOT_DATA:-sample_data}" "$work/sample_data"  # SCREENSHOT_DATA: another folder
rm -rf "$work/sample_data/.coo-dashboard"
mkdir -m 700 "$work/runtime" "$work/home"

cat > "$work/shoot.sh" <<'EOF'
#!/usr/bin/env bash
set -euo pipefail
work="$1"; out="$2"
export HOME="$work/home" XDG_RUNTIME_DIR="$work/runtime"
views=(overview finance delivery productivity customers departments escalations data)
for theme in light dark; do
  "$work/coo-dashboard" gui "$work/sample_data" > "$work/app-$theme.log" 2>&1 &
  app=$!
  sleep 10
  if [ "$theme" = dark ]; then xdotool mousemove 1378 22 click 1; sleep 1; fi
  for i in "${!views[@]}"; do
    xdotool mousemove 60 $((76 + 36 * i)) click 1
    sleep 0.3
    xdotool mousemove 1300 885
    sleep 1.5
    import -window root "$out/${theme}_$((i + 1))_${views[$i]}.png"
  done
  kill "$app"
  wait "$app" || true
done
EOF
chmod +x "$work/shoot.sh"
xvfb-run -a -s '-screen 0 1440x900x24' "$work/shoot.sh" "$work" "$out"

# Small enough to commit: 256 colours, metadata stripped.
for png in "$out"/*.png; do
  convert "$png" -strip -colors 256 -define png:compression-level=9 "$png"
done
ls -la "$out"
