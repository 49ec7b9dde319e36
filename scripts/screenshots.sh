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
# A note on October's on-time rate, so the card's "Note" chip and the chart's diamond show.
"$binary" notes "$work/sample_data" add on_time_rate 2026-10 \
  "Two Data & Analytics deliveries moved to November at the client's request" --author "COO" > /dev/null
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
  # The metric detail with its breakdown: Overview, then the fourth card of the first row (NPS
  # where four fit, else the first card of the second row).
  xdotool mousemove 60 "$nav_top" click 1
  sleep 0.5
  card_x=$((width * 7 / 8)); card_y=$((nav_top + 120))
  [ "$width" -ge 1272 ] || { card_x=$((width / 3)); card_y=$((nav_top + 330)); }
  xdotool mousemove "$card_x" "$card_y" click 1
  sleep 0.3
  xdotool mousemove $((width - 140)) $((height - 15))
  sleep 2
  import -window root "$out/${prefix}${theme}_10_metric.png"
  # Further down the detail: the departments and the source rows behind the value.
  xdotool mousemove $((width / 2)) $((height / 2)) click --repeat 30 --delay 20 5
  xdotool mousemove $((width - 140)) $((height - 15))
  sleep 1.5
  import -window root "$out/${prefix}${theme}_11_metric_rows.png"
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
