#!/usr/bin/env bash
# Several app processes behind nginx, sharing one database file and its snapshots (see deploy/README.md).
#
#   deploy/run.sh [PROCESSES]        default 2; Ctrl-C stops nginx and every process
#
# Environment: LISTEN (nginx's address, default 0.0.0.0:8080), BASE_PORT (first app port on 127.0.0.1, default
# 8601), ANALYTICS_DB (the database, as for the app), RUN_DIR (logs, pid, rendered config; default deploy/.run),
# PY (the Python with the requirements, default .venv/bin/python).
set -euo pipefail
cd "$(dirname "$0")/.."
processes=${1:-${PROCESSES:-2}}
listen=${LISTEN:-0.0.0.0:8080}
base_port=${BASE_PORT:-8601}
run_dir=${RUN_DIR:-$PWD/deploy/.run}
py=${PY:-.venv/bin/python}
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx_bin" ] || { echo "nginx is missing: apt-get install nginx-light" >&2; exit 1; }
mkdir -p "$run_dir"/{body,proxy,fastcgi,uwsgi,scgi}

# One cookie secret for every process: Streamlit signs its XSRF and login cookies with it.
umask 077
[ -s "$run_dir/cookie_secret" ] || "$py" -c 'import secrets; print(secrets.token_hex(32))' > "$run_dir/cookie_secret"
export STREAMLIT_SERVER_COOKIE_SECRET
STREAMLIT_SERVER_COOKIE_SECRET=$(cat "$run_dir/cookie_secret")

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

servers=""
for ((i = 0; i < processes; i++)); do
  port=$((base_port + i))
  "$py" -m streamlit run app.py --server.port "$port" --server.address 127.0.0.1 --server.headless true \
    >"$run_dir/app-$port.log" 2>&1 &
  pids+=($!)
  servers+="        server 127.0.0.1:$port max_fails=0;"$'\n'
done

# Forwarding headers tell the app who the client is (the local demo mode refuses any request carrying them:
# behind a proxy, create accounts first). DEPLOY_BENCH_LOOPBACK=1 leaves them out for benchmarks/bench_deploy.py
# on this machine only; never in production.
forwarded='            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Real-IP $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;'
if [ "${DEPLOY_BENCH_LOOPBACK:-}" = 1 ]; then
  forwarded='            # benchmark on this machine: no forwarding headers (never in production)'
fi
max_body=$(( $("$py" -c 'from analytics.settings import max_file_mb; print(max_file_mb())') + 1 ))
"$py" - "$run_dir" "$listen" "$max_body" "$servers" "$forwarded" <<'PYEOF'
import sys
from pathlib import Path

run, listen, max_body, servers, forwarded = sys.argv[1:]
text = Path("deploy/nginx.conf.template").read_text(encoding="utf-8")
for name, value in {"RUN": run, "LISTEN": listen, "MAX_BODY_MB": max_body,
                    "SERVERS": servers.rstrip("\n"), "FORWARDED": forwarded}.items():
    text = text.replace(f"@{name}@", value)
Path(run, "nginx.conf").write_text(text, encoding="utf-8")
PYEOF

for ((i = 0; i < processes; i++)); do
  port=$((base_port + i))
  for _ in $(seq 1 180); do
    "$py" -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$port/_stcore/health', timeout=2)" \
      2>/dev/null && break
    kill -0 "${pids[$i]}" 2>/dev/null || { echo "app on port $port exited:" >&2; tail -20 "$run_dir/app-$port.log" >&2; exit 1; }
    sleep 0.5
  done
done
"$nginx_bin" -t -q -p "$run_dir" -e "$run_dir/error.log" -c "$run_dir/nginx.conf"
"$nginx_bin" -p "$run_dir" -e "$run_dir/error.log" -c "$run_dir/nginx.conf" -g "daemon off;" &
pids+=($!)
echo "serving on http://$listen with $processes app processes (logs in $run_dir)"
wait -n "${pids[@]}"
