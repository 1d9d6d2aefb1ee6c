#!/usr/bin/env bash
# Templates at speed: the 5-scene template of render case (d) run as batches through a server on loopback (SQLite,
# local disk, one worker), timed from POST /video-generation-jobs/batch to the last job finished.
#   cold: ITEMS jobs whose variables change every scene (the first ITEMS lines of bench/creatives/d-variables.jsonl),
#         on an empty scene and speech cache;
#   warm: ITEMS jobs of the same name and company where only {offer} changes, which only scene 3 of 5 shows, after
#         one job of that name and company filled the cache.
# The goal: the warm batch at least 5x faster than the cold one, in the same run.
#   ITEMS=20 RUNS=3 RESULTS=bench/results/batch.md ASSET_PORT=5194 PORT=5191
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/common.sh
source bench/lib/assets.sh
ITEMS=${ITEMS:-20} RUNS=${RUNS:-3} RESULTS=${RESULTS:-bench/results/batch.md} ASSET_PORT=${ASSET_PORT:-5194} PORT=${PORT:-5191}
work=$(mktemp -d)
http_pid=""
trap 'stop_server; [[ -n $http_pid ]] && kill "$http_pid" 2>/dev/null; rm -rf "$work"' EXIT
make_assets "$work/assets"
serve_assets "$work/assets" "$ASSET_PORT"
http_pid=$ASSETS_PID
base="http://127.0.0.1:$PORT/api/v1"
auth="Authorization: Bearer bench-token-0123456789abcdef0123456789"
sed "s/127.0.0.1:5193/127.0.0.1:$ASSET_PORT/g" bench/creatives/d-template.json >"$work/template.json"

# batch MODE -> prints "seconds scenesRendered scenesReused speechReused" for one batch on the running server.
batch() {
  local mode=$1 template
  template=$(curl -fs -X POST "$base/video-generation-jobs/templates" -H "$auth" -H "Content-Type: application/json" \
    --data-binary @"$work/template.json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["templateJobId"])')
  python3 - "$mode" "$ITEMS" "$template" >"$work/batch.json" <<'PY'
import json, sys
mode, items, template = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lines = [json.loads(l) for l in open("bench/creatives/d-variables.jsonl") if l.strip()]
if mode == "cold":
    chosen = [lines[i % len(lines)] for i in range(items)]
else:
    chosen = [dict(lines[0], offer=f"Offer {i + 1}: {i + 2} months free") for i in range(items)]
print(json.dumps({"templateJobId": template, "items": [{"dynamicVariables": v} for v in chosen]}))
PY
  python3 - "$base" "$auth" "$work/batch.json" <<'PY'
import json, sys, time, urllib.request
base, auth, body = sys.argv[1], sys.argv[2].split(": ", 1), open(sys.argv[3], "rb").read()
def call(method, path, data=None):
    req = urllib.request.Request(base + path, data=data, method=method, headers={auth[0]: auth[1], "Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return json.load(r)
start = time.monotonic()
jobs = call("POST", "/video-generation-jobs/batch", body)["jobs"]
pending, stats = {j["id"] for j in jobs}, []
while pending:
    time.sleep(0.05)
    for jid in list(pending):
        job = call("GET", f"/video-generation-jobs/{jid}")
        if job["status"] in ("finished", "failed"):
            if job["status"] == "failed":
                sys.exit(f"job {jid} failed: {job.get('error')}")
            pending.discard(jid)
            stats.append(job["renderStats"])
seconds = time.monotonic() - start
print(f"{seconds:.3f} {sum(s['scenesRendered'] for s in stats)} {sum(s['scenesReused'] for s in stats)} {sum(s['speechReused'] for s in stats)} {sum(1 for s in stats if s.get('soundReused'))}")
PY
}

: >"$work/cold" ; : >"$work/warm"
for run in $(seq 1 "$RUNS"); do
  echo "run $run" >&2
  # A fresh data directory per run: the cache starts empty.
  data="$work/data-$run"
  mkdir -p "$data"
  start_server "$PORT" "$data" Reelgen__Network__AllowPrivateAddresses=true Reelgen__Worker__Concurrency=1
  batch cold >>"$work/cold"
  # One job of the warm batch's name and company first: the scenes that do not show {offer} are then in the cache.
  ITEMS=1 batch warm >/dev/null
  batch warm >>"$work/warm"
  stop_server
done

cold=$(cut -d' ' -f1 "$work/cold" | median); warm=$(cut -d' ' -f1 "$work/warm" | median)
read -r _ cold_rendered cold_reused cold_speech cold_sound < <(tail -n1 "$work/cold")
read -r _ warm_rendered warm_reused warm_speech warm_sound < <(tail -n1 "$work/warm")
{
  echo "# Templates at speed: batches with a cold and a warm scene cache"
  echo
  echo "Command: \`bench/run.sh batch\` (ITEMS=$ITEMS, RUNS=$RUNS; medians of the runs)"
  echo
  machine
  echo "- server: \`reelgen\` on SQLite and local disk, one worker (\`Reelgen__Worker__Concurrency=1\`), a fresh data directory per run; assets from \`python3 -m http.server\` on 127.0.0.1"
  echo "- creative: \`bench/creatives/d-template.json\`, 5 scenes, about 11 s at 1280x720, 30 fps; each batch is one \`POST /video-generation-jobs/batch\`, timed to its last job finished"
  echo
  echo "| batch | jobs | wall s | s per job | scenes rendered | scenes reused | scripts from the speech cache | sounds from the cache |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  awk -v n="$ITEMS" -v s="$cold" -v r="$cold_rendered" -v u="$cold_reused" -v p="$cold_speech" -v a="$cold_sound" 'BEGIN { printf "| cold: every scene changes | %d | %.2f | %.3f | %d | %d | %d | %d |\n", n, s, s / n, r, u, p, a }'
  awk -v n="$ITEMS" -v s="$warm" -v r="$warm_rendered" -v u="$warm_reused" -v p="$warm_speech" -v a="$warm_sound" 'BEGIN { printf "| warm: only {offer} (1 scene of 5) changes | %d | %.2f | %.3f | %d | %d | %d | %d |\n", n, s, s / n, r, u, p, a }'
  echo
  awk -v c="$cold" -v w="$warm" 'BEGIN { r = c / w; printf "Warm batch %.2fx faster than the cold one: the goal (at least 5x) is %s.\n", r, (r >= 5 ? "met" : "not met") }'
} >"$RESULTS"
cat "$RESULTS"
