#!/usr/bin/env bash
# Render speed: the standard creatives in bench/creatives/ rendered with `reelgen render`, each against a baseline
# measured in the same run: the renderer's own final ffmpeg command replayed by hand on its kept inputs (the drawn
# PNGs, the speech WAVs, the fetched assets), i.e. the cost of encoding those frames and nothing else. For the two
# presenter cases a hand-written plain ffmpeg command (background PNG looped in the graph + speech) is timed too.
# Assets are generated here and served from 127.0.0.1 with python's http.server.
#   RUNS=3             runs of cases (a) to (c) (medians are reported); (d) runs once, its 20 renders being its repeats
#   SCALE=1            multiplies every scene duration and cuts scripts to match (0.1 for a quick try)
#   TEMPLATE_RENDERS=20  renders of case (d), one per line of bench/creatives/d-variables.jsonl
#   CASES="a b c d e"  which cases to run; f (motion: transitions, animated titles, Ken Burns) is run on its own:
#                      CASES=f RESULTS=bench/results/render-motion.md bench/run.sh render
#   RESULTS=bench/results/render.md  where the report goes
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/common.sh
source bench/lib/assets.sh
# GNU time gives each process's CPU time and peak memory.
[[ -x /usr/bin/time ]] || {
  if command -v apt-get >/dev/null 2>&1; then
    sudo=""; [[ $(id -u) -ne 0 ]] && sudo="sudo"
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq time >/dev/null
  else
    echo "the render benchmark needs GNU time (/usr/bin/time)" >&2; exit 1
  fi
}
RESULTS=${RESULTS:-bench/results/render.md} RUNS=${RUNS:-3} SCALE=${SCALE:-1} TEMPLATE_RENDERS=${TEMPLATE_RENDERS:-20} CASES=${CASES:-a b c d e} ASSET_PORT=${ASSET_PORT:-5193}
ffmpeg=$(command -v ffmpeg)
data=$(mktemp -d)
http_pid=""
trap '[[ -n $http_pid ]] && kill "$http_pid" 2>/dev/null; rm -rf "$data"' EXIT
mkdir -p "$data/creatives" "$data/tmp" "$data/shim" "$data/keep" "$data/out"
ln -s "$PWD/bench/lib/ffmpeg-shim.sh" "$data/shim/ffmpeg"

echo "generating assets" >&2
make_assets "$data/assets"
serve_assets "$data/assets" "$ASSET_PORT"
http_pid=$ASSETS_PID

# The creatives, pointed at this run's port and shortened by SCALE.
for f in bench/creatives/*.json; do
  python3 - "$f" "$data/creatives/$(basename "$f")" "$ASSET_PORT" "$SCALE" <<'PY'
import json, sys
src, dst, port, scale = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
doc = json.load(open(src))
creative = doc.get("videoCreative", doc)
for scene in creative["scenes"]:
    if "duration" in scene:
        scene["duration"] = round(scene["duration"] * scale)
    for t in scene["tracks"]:
        if "startTimeGap" in t:
            t["startTimeGap"] = round(t["startTimeGap"] * scale)
        if t["type"] == "actor" and scale < 1:
            words = t["text"].split()
            t["text"] = " ".join(words[:max(4, round(len(words) * scale))])
open(dst, "w").write(json.dumps(doc).replace("127.0.0.1:5193", "127.0.0.1:" + port))
PY
done

# render ID CREATIVE [--var NAME=VALUE...]: one timed render, then the baseline on its kept inputs; appends one
# line of figures to $data/rows.
render() {
  local id=$1 creative=$2; shift 2
  local keep="$data/keep/$id" out="$data/out/$id.mp4"
  mkdir -p "$keep"
  local t0=$EPOCHREALTIME
  env PATH="$data/shim:$PATH" TMPDIR="$data/tmp" BENCH_REAL_FFMPEG="$ffmpeg" BENCH_KEEP="$keep" BENCH_ENCODE_LOG="$keep/encode.log" \
    /usr/bin/time -f "%e %U %S %M" -o "$keep/render.time" \
    dotnet bench/out/reelgen/reelgen.dll render "$creative" -o "$out" --allow-private-addresses "$@" \
    | while IFS= read -r line; do echo "$EPOCHREALTIME $line"; done >"$keep/render.log"
  local t1=$EPOCHREALTIME
  local work; work=$(find "$keep" -maxdepth 1 -type d -name 'reelgen-render-*' | head -n1)
  [[ -n $work && -s $keep/encode.log ]] || { echo "render $id kept nothing; see $keep/render.log" >&2; cat "$keep/render.log" >&2; return 1; }
  local original; original="$data/tmp/$(basename "$work")"

  # Baseline: the renderer's own ffmpeg arguments, paths moved to the kept copy, output elsewhere.
  local -a args=()
  while IFS= read -r a; do
    a=${a//$original/$work}
    [[ $a == "$out" ]] && a="$data/out/$id-baseline.mp4"
    args+=("$a")
  done <"$work/ffmpeg-args.txt"
  /usr/bin/time -f "%e %U %S %M" -o "$keep/baseline.time" "$ffmpeg" "${args[@]}" >/dev/null

  local video; video=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$out")
  local prep0; prep0=$(awk '$2=="preparing" {print $1; exit}' "$keep/render.log")
  # The encode is every encoding run together (the scene segments and the sound beside them): from the
  # first start to the last end, CPU times summed, peaks the largest.
  local encode; encode=$(awk '{if (NR==1 || $1<s) s=$1; if ($2>e) e=$2; w+=$3; u+=$4; y+=$5; if ($6>r) r=$6; if ($7>h) h=$7} END {printf "%s %s %.2f %.2f %.2f %d %d", s, e, w, u, y, r, h}' "$keep/encode.log")
  echo "$id $t0 $t1 $prep0 $video $(tail -n1 "$keep/render.time") $encode $(tail -n1 "$keep/baseline.time")" >>"$data/rows"

  # Plain baseline for the one-scene presenter cases: the base picture looped in the graph, the speech padded (the
  # same video with the presenter frozen).
  if [[ $id == [abe]-* ]]; then
    local fps frames
    fps=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["settings"]["fps"])' "$creative")
    frames=$(python3 -c "print(round($video * $fps))")
    /usr/bin/time -f "%e %U %S %M" -o "$keep/plain.time" "$ffmpeg" -hide_banner -nostdin -y -v error \
      -framerate "$fps" -i "$work/s000-base-000.png" -i "$(ls "$work"/speech-*.wav | head -n1)" \
      -filter_complex "[0:v]format=yuv420p,loop=loop=$((frames - 1)):size=1:start=0,setsar=1[v];[1:a]aresample=48000,apad[a]" \
      -map '[v]' -map '[a]' -c:v libx264 -preset veryfast -crf 23 -pix_fmt yuv420p -r "$fps" \
      -c:a aac -b:a 160k -ar 48000 -ac 2 -t "$video" -movflags +faststart "$data/out/$id-plain.mp4"
    echo "$id $(tail -n1 "$keep/plain.time")" >>"$data/plain"
  fi
  rm -rf "$keep" "$out" "$data/out/$id-baseline.mp4" "$data/out/$id-plain.mp4"
}

declare -A files=(
  [a]=a-presenter-720p.json [b]=b-presenter-1080p.json [c]=c-ten-scenes.json [d]=d-template.json [e]=e-two-presenters.json [f]=f-motion.json)
: >"$data/rows"; : >"$data/plain"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for run in $(seq 1 "$RUNS"); do
  for c in $CASES; do
    echo "run $run, case $c" >&2
    if [[ $c == d ]]; then
      (( run == 1 )) || continue
      n=0
      while IFS= read -r vars && (( n < TEMPLATE_RENDERS )); do
        n=$((n + 1))
        mapfile -t opts < <(python3 -c 'import json,sys; [print(f"--var\n{k}={v}") for k, v in json.loads(sys.argv[1]).items()]' "$vars")
        render "d-$run-$n" "$data/creatives/${files[d]}" "${opts[@]}"
      done <bench/creatives/d-variables.jsonl
    else
      render "$c-$run" "$data/creatives/${files[$c]}"
    fi
  done
done

load="- load average (1, 5, 15 min) before: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg)"
CASES="$CASES" python3 bench/lib/render_report.py "$data/rows" "$data/plain" "$RUNS" "$SCALE" "$TEMPLATE_RENDERS" "$(machine)
$load" >"$RESULTS"
cat "$RESULTS"
