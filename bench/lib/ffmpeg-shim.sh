#!/usr/bin/env bash
# Stands in for ffmpeg on the PATH of a benchmarked render (bench/render.sh). Every call but the renderer's
# encoding runs (the scene segments and the sound, a join by ffmpeg when the renderer falls back to one, or the
# single run; not the loudness measurement) goes straight to the real ffmpeg. For an encode it
#  - hard-links the renderer's work directory (graph.txt, ffmpeg-args.txt, the drawn PNGs, the speech WAVs, the
#    fetched assets) to $BENCH_KEEP when the run ends, adding what is new at each run (the renderer joins the
#    segments in-process after the last one and then deletes the directory), so the single-run command can be
#    replayed by hand; linking costs milliseconds and copies no data;
#  - times the run and appends "START END WALL USER SYS MAXRSS_KB RENDERER_HWM_KB" to $BENCH_ENCODE_LOG, where
#    RENDERER_HWM_KB is the peak RSS of the calling renderer process (its parent) up to the end of the run.
set -uo pipefail
real=${BENCH_REAL_FFMPEG:?}
graph=""
list=""
prev=""
for a in "$@"; do
  [[ $prev == -filter_complex_script ]] && graph=$a
  [[ $a == */segments.ffconcat ]] && list=$a
  prev=$a
done
# The encoding runs read graph.txt (the single run), segments-graph.txt (segments-graph-2.txt... for the runs
# encoding scenes beside it) or sound-graph.txt, or join the segments (segments.ffconcat); the loudness measurement
# (loudness-graph.txt), which runs while the pictures are drawn, is part of the render like any other call.
[[ -z $list && $(basename "$graph") != @(graph|segments-graph|segments-graph-+([0-9])|sound-graph).txt ]] && exec "$real" "$@"

work=$(dirname "${list:-$graph}")
start=$EPOCHREALTIME
# One timing file per run: two runs encoding scenes beside each other end at about the same time.
times="$BENCH_KEEP/encode.$$.time"
/usr/bin/time -f "%e %U %S %M" -o "$times" "$real" "$@"
rc=$?
end=$EPOCHREALTIME
# The renderer waits for this process, so every file it wrote before the run ended is there now.
mkdir -p "$BENCH_KEEP/$(basename "$work")"
cp -aln "$work/." "$BENCH_KEEP/$(basename "$work")/"
hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$PPID/status" 2>/dev/null || echo 0)
echo "$start $end $(tail -n1 "$times") $hwm" >>"$BENCH_ENCODE_LOG"
rm -f "$times"
exit $rc
