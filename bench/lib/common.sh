# Shared by the bench scripts: machine facts, a server on loopback, medians.
machine() {
  echo "- machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/{print $2}') GiB memory, $(uname -sr)"
  echo "- dotnet $(dotnet --version), $(ffmpeg -version | head -n1 | cut -d' ' -f1-3)"
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with local changes)')"
}

# start_server PORT DATADIR [ENV=VALUE...]: starts reelgen on 127.0.0.1:PORT and waits for /health.
# The per-token rate limit is off: a benchmark measures the server, sending far more than one client may.
start_server() {
  local port=$1 data=$2; shift 2
  env ASPNETCORE_URLS="http://127.0.0.1:$port" Reelgen__DataDirectory="$data" Reelgen__BootstrapToken=bench-token-0123456789abcdef0123456789 \
    Reelgen__PublicBaseUrl="http://127.0.0.1:$port" Reelgen__RateLimit__RequestsPerMinute=0 Logging__LogLevel__Default=Warning "$@" \
    dotnet bench/out/reelgen/reelgen.dll >"$data/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "server did not start; see $data/server.log" >&2; return 1
}

stop_server() { kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; }

median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
