#!/usr/bin/env bash
# Callback latency: time from a job's final state (its updatedAt, written in the transaction that finishes it) to
# the receiver getting the POST. Tiny jobs, a receiver on loopback, private addresses allowed for the run.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/common.sh
JOBS=${JOBS:-30} PORT=${PORT:-5191} RECEIVER_PORT=${RECEIVER_PORT:-5192}
data=$(mktemp -d)
trap 'stop_server; kill $RECEIVER_PID 2>/dev/null || true; rm -rf "$data"' EXIT

python3 - "$RECEIVER_PORT" "$data/received" <<'PY' &
import http.server, json, sys, time
port, out = int(sys.argv[1]), sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        at = time.time()
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with open(out, "a") as f: f.write(f"{body['jobId']} {at:.4f}\n")
        self.send_response(200); self.end_headers()
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(("127.0.0.1", port), H).serve_forever()
PY
RECEIVER_PID=$!
start_server "$PORT" "$data" Reelgen__Network__AllowPrivateAddresses=true
base="http://127.0.0.1:$PORT/api/v1"
auth="Authorization: Bearer bench-token-0123456789abcdef0123456789"
ids=()
for i in $(seq 1 "$JOBS"); do
  body="{\"callback\":\"http://127.0.0.1:$RECEIVER_PORT/cb\",\"videoCreative\":{\"settings\":{\"videoSize\":{\"width\":160,\"height\":120}},\"scenes\":[{\"duration\":200,\"tracks\":[]}]}}"
  id=$(curl -fs -X POST "$base/video-generation-jobs" -H "$auth" -d "$body" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  ids+=("$id")
  # One at a time, so each callback is measured on an otherwise idle service.
  until curl -fs "$base/video-generation-jobs/$id" -H "$auth" | grep -q '"status":"finished"'; do sleep 0.05; done
done
sleep 1
: >"$data/latency"
for id in "${ids[@]}"; do
  finished=$(curl -fs "$base/video-generation-jobs/$id" -H "$auth" | python3 -c '
import json, sys, datetime
t = json.load(sys.stdin)["updatedAt"]
print(datetime.datetime.fromisoformat(t.replace("Z", "+00:00")).timestamp())')
  received=$(awk -v id="$id" '$1==id {print $2; exit}' "$data/received")
  [[ -n "$received" ]] && python3 -c "print(round(($received - $finished) * 1000, 1))" >>"$data/latency"
done
count=$(wc -l <"$data/latency")
p50=$(median <"$data/latency")
p90=$(sort -g "$data/latency" | awk '{a[NR]=$1} END {print a[int(NR*0.9 + 0.5)]}')
max=$(sort -g "$data/latency" | tail -n1)
{
  echo "# Callback latency"
  echo
  echo "Command: \`bench/run.sh callbacks\` (JOBS=$JOBS)"
  echo
  machine
  echo "- SQLite, one process (api and worker roles), receiver on loopback; latency = receiver's clock minus the job's updatedAt"
  echo
  echo "| callbacks received | median ms | p90 ms | max ms |"
  echo "|---:|---:|---:|---:|"
  echo "| $count of $JOBS | $p50 | $p90 | $max |"
  echo
  echo "Goal: median under 100 ms. The dispatcher is woken in-process by the transaction that ends the job, so it does"
  echo "not wait for its poll interval (1 s), which only serves deliveries written by other processes."
} >bench/results/callbacks.md
cat bench/results/callbacks.md
