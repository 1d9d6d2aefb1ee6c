#!/usr/bin/env bash
# Hand-off between processes on PostgreSQL: one API process and one idle worker process (the real executable).
# - job: from sending POST /video-generation-jobs to the API process, to the worker process claiming the job
#   (the worker's "Claimed job" log line, timestamped to the millisecond);
# - callback: from sending POST .../callbacks/redeliver to the API process (which writes the delivery), to the
#   receiver getting the POST from the worker process's dispatcher.
# Measured with LISTEN/NOTIFY (the default) and, as the baseline in the same run, with polling alone
# (Reelgen__Database__Notify=false, poll interval 1 s).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/common.sh
export JOBS=${JOBS:-20}
export REELGEN_BENCH_POSTGRES=${REELGEN_BENCH_POSTGRES:-$(scripts/test-postgres.sh)}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
python3 - "$out" <<'PY'
import datetime, http.server, json, os, random, re, socket, statistics, subprocess, sys, threading, time, urllib.request
out = sys.argv[1]
jobs = int(os.environ["JOBS"])
postgres = os.environ["REELGEN_BENCH_POSTGRES"]

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0)); return s.getsockname()[1]

received = {}
class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        at = time.time()
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        received.setdefault(body["jobId"], []).append(at)
        self.send_response(200); self.end_headers()
    def log_message(self, *a): pass
receiver_port = free_port()
threading.Thread(target=http.server.ThreadingHTTPServer(("127.0.0.1", receiver_port), Receiver).serve_forever, daemon=True).start()

def psql(sql):
    subprocess.run(["psql", postgres.replace(";", " ").replace("Host=", "host=").replace("Port=", "port=").replace("Username=", "user=")
                    .replace("Password=", "password=").replace("Database=", "dbname="), "-qAtc", sql], check=True, capture_output=True)

def start(role, port, schema, notify, log):
    env = dict(os.environ,
        ASPNETCORE_URLS=f"http://127.0.0.1:{port}", Reelgen__Roles=role, Reelgen__DataDirectory=f"{out}/{role}",
        Reelgen__BootstrapToken="bench-token-0123456789abcdef0123456789", Reelgen__PublicBaseUrl=f"http://127.0.0.1:{port}",
        Reelgen__Network__AllowPrivateAddresses="true", Reelgen__Database__Provider="postgres",
        Reelgen__Database__ConnectionString=f"{postgres};Search Path={schema}", Reelgen__Database__Notify=notify,
        Logging__LogLevel__Default="Warning", **{"Logging__LogLevel__Reelgen.Server.Jobs.RenderWorker": "Information"},
        Logging__Console__FormatterName="simple", Logging__Console__FormatterOptions__SingleLine="true",
        Logging__Console__FormatterOptions__UseUtcTimestamp="true",
        Logging__Console__FormatterOptions__TimestampFormat="yyyy-MM-ddTHH:mm:ss.fffZ ")
    process = subprocess.Popen(["dotnet", "bench/out/reelgen/reelgen.dll"], env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT)
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1); return process
        except Exception: time.sleep(0.2)
    raise SystemExit(f"{role} did not start; see {log}")

def call(method, url, body=None):
    request = urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": "Bearer bench-token-0123456789abcdef0123456789", "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read() or b"null")

def run(notify):
    schema = f"bench_{random.getrandbits(48):x}"
    psql(f"CREATE SCHEMA {schema}")
    api_port, worker_port = free_port(), free_port()
    worker_log = f"{out}/worker-{notify}.log"
    api = start("api", api_port, schema, notify, f"{out}/api-{notify}.log")
    worker = start("worker", worker_port, schema, notify, worker_log)
    base = f"http://127.0.0.1:{api_port}/api/v1"
    sent, redelivered = {}, {}
    try:
        for _ in range(jobs + 1):
            time.sleep(1.3)  # the worker is idle, mid-way through a poll interval at an unknown point
            body = {"callback": f"http://127.0.0.1:{receiver_port}/cb",
                    "videoCreative": {"settings": {"videoSize": {"width": 160, "height": 120}}, "scenes": [{"duration": 200, "tracks": []}]}}
            at = time.time()
            job = call("POST", f"{base}/video-generation-jobs", body)["id"]
            sent[job] = at
            while call("GET", f"{base}/video-generation-jobs/{job}")["status"] != "finished": time.sleep(0.05)
            while job not in received: time.sleep(0.05)
            time.sleep(1.3)
            redelivered[job] = time.time()
            call("POST", f"{base}/video-generation-jobs/{job}/callbacks/redeliver")
            while len(received[job]) < 2: time.sleep(0.05)
    finally:
        api.terminate(); worker.terminate(); api.wait(); worker.wait()
        psql(f"DROP SCHEMA {schema} CASCADE")
    claimed = {}
    for line in open(worker_log):
        m = re.match(r"(\S+Z) info: \S+ Claimed job (\S+)", line)
        if m: claimed[m.group(2)] = datetime.datetime.fromisoformat(m.group(1).replace("Z", "+00:00")).timestamp()
    first = next(iter(sent))  # the first job also pays for warming up; left out of the figures
    job_ms = [(claimed[j] - sent[j]) * 1000 for j in sent if j != first]
    callback_ms = [(received[j][1] - redelivered[j]) * 1000 for j in sent if j != first]
    return job_ms, callback_ms

def row(name, values):
    values = sorted(values)
    return f"| {name} | {len(values)} | {statistics.median(values):.1f} | {values[int(len(values) * 0.9 + 0.5) - 1]:.1f} | {values[-1]:.1f} |"

notified_jobs, notified_callbacks = run("true")
polled_jobs, polled_callbacks = run("false")
with open(f"{out}/table.md", "w") as f:
    f.write("| hand-off | samples | median ms | p90 ms | max ms |\n|---|---:|---:|---:|---:|\n")
    f.write(row("job, LISTEN/NOTIFY", notified_jobs) + "\n")
    f.write(row("job, polling (baseline)", polled_jobs) + "\n")
    f.write(row("callback, LISTEN/NOTIFY", notified_callbacks) + "\n")
    f.write(row("callback, polling (baseline)", polled_callbacks) + "\n")
    f.write(f"\nRatio of medians, polling / LISTEN/NOTIFY: jobs {statistics.median(polled_jobs) / statistics.median(notified_jobs):.0f}x, "
            f"callbacks {statistics.median(polled_callbacks) / statistics.median(notified_callbacks):.0f}x.\n")
PY
{
  echo "# Hand-off between processes"
  echo
  echo "Command: \`bench/run.sh handoff\` (JOBS=$JOBS)"
  echo
  machine
  echo "- PostgreSQL $(psql --version | awk '{print $3}'), one API process (\`Reelgen__Roles=api\`) and one worker process (\`worker\`), both the Release build; poll intervals at their defaults (1 s)"
  echo "- job: client sends the POST to the API process → the worker process claims the job (its log line, ms timestamps on the same clock)"
  echo "- callback: client sends \`POST .../callbacks/redeliver\` to the API process → the receiver on loopback gets the POST from the worker process"
  echo
  cat "$out/table.md"
  echo
  echo "Goal: median under 100 ms for both. The API process NOTIFYs after its transaction commits; the worker holds one"
  echo "LISTEN connection and wakes its idle slot or dispatcher at once. Polling (1 s) stays as the fallback and is the"
  echo "baseline: about half an interval on average."
} >bench/results/handoff.md
cat bench/results/handoff.md
