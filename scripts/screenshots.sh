#!/usr/bin/env bash
# Screenshots of every view of the desktop app, light and dark, under Xvfb, at each window size
# of SCREENSHOT_SIZES (default 1440x900; e.g. SCREENSHOT_SIZES="1024x768 1440x900 1920x1080").
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
work="$1"; out="$2"; width="$3"; height="$4"; prefix="$5"
export HOME="$work/home" XDG_RUNTIME_DIR="$work/runtime"
views=(overview finance delivery productivity customers departments escalations goals data)
# The first navigation entry: lower when the top bar takes two rows (below 1272 pixels).
nav_top=76; [ "$width" -ge 1272 ] || nav_top=112
for theme in light dark; do
  "$work/coo-dashboard" gui "$work/sample_data" > "$work/app-$theme.log" 2>&1 &
  app=$!
  sleep 10
  # The window opens at its own size; under Xvfb (no window manager) it is made the screen's.
  xdotool search --name "COO Dashboard" windowmove 0 0 windowsize "$width" "$height" || true
  sleep 2
  if [ "$theme" = dark ]; then xdotool mousemove $((width - 62)) 22 click 1; sleep 1; fi
  for i in "${!views[@]}"; do
    xdotool mousemove 60 $((nav_top + 36 * i)) click 1
    sleep 0.3
    xdotool mousemove $((width - 140)) $((height - 15))
    sleep 1.5
    import -window root "$out/${prefix}${theme}_$((i + 1))_${views[$i]}.png"
  done
  kill "$app"
  wait "$app" || true
  rm -rf "$HOME/.local/share/coo-dashboard" "$HOME/.config/coo-dashboard"
done
EOF
chmod +x "$work/shoot.sh"
sizes="${SCREENSHOT_SIZES:-1440x900}"
for size in $sizes; do
  width="${size%x*}"; height="${size#*x}"
  # One size alone keeps the file names of before; several are told apart by a prefix.
  prefix=""; [ "$sizes" = "$size" ] || prefix="${size}_"
  xvfb-run -a -s "-screen 0 ${size}x24" "$work/shoot.sh" "$work" "$out" "$width" "$height" "$prefix"
done

# Small enough to commit: 256 colours, metadata stripped.
for png in "$out"/*.png; do
  convert "$png" -strip -colors 256 -define png:compression-level=9 "$png"
done
ls -la "$out"
