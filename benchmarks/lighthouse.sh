#!/usr/bin/env bash
# Lighthouse on four pages of the built site (home, /compare/, one edition, one article), served on
# 127.0.0.1 and run with Debian's chromium, offline. Prints performance / accessibility / best
# practices / SEO per page. `make lighthouse` builds the site first; run alone it uses site/ as is.
# Each page is measured RUNS times (default 3) and the median run is shown, with every run's
# performance score and Lighthouse's benchmark index of the machine (lower = slower or busier).
# Reports go to benchmarks/out/lighthouse/ (git-ignored): <page>.<run>.json, and <page>.json for the
# median run. Target: 100 accessibility, best practices and SEO, and ≥ 98 performance.
set -euo pipefail
cd "$(dirname "$0")/.."
SITE=${SITE:-site}
OUT=benchmarks/out/lighthouse
PY=${PY:-.venv/bin/python}
[ -x "$PY" ] || PY=python3
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
FLAGS="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync"

[ -f "$SITE/index.html" ] || { echo "no $SITE/index.html: run 'make site' first" >&2; exit 1; }
if [ ! -x node_modules/.bin/lighthouse ]; then
  echo "installing lighthouse@13 into ./node_modules (git-ignored)…" >&2
  npm install --no-save --no-audit --no-fund --silent lighthouse@13 >&2
fi
mkdir -p "$OUT"

PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# A static server that gzips text the way GitHub Pages does (python -m http.server sends it raw).
"$PY" - "$PORT" "$SITE" >/dev/null 2>&1 <<'PYEOF' &
import functools, gzip, http.server, sys
class Handler(http.server.SimpleHTTPRequestHandler):
    def send_head(self):
        path = self.translate_path(self.path)
        if path.endswith("/") or not path.rsplit("/", 1)[-1].count("."):
            path = path.rstrip("/") + "/index.html"
        kind = self.guess_type(path)
        if "gzip" not in self.headers.get("Accept-Encoding", "") or not (
                kind.startswith("text/") or kind.endswith(("javascript", "json", "xml", "svg+xml"))):
            return super().send_head()
        try:
            with open(path, "rb") as fh:
                body = gzip.compress(fh.read(), 6)
        except OSError:
            return super().send_head()
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        import io
        return io.BytesIO(body)
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), functools.partial(Handler, directory=sys.argv[2])).serve_forever()
PYEOF
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.1; done

EDITION=$(ls -d "$SITE"/years/*/ | sort | tail -1); EDITION=${EDITION#"$SITE"/}
ARTICLE=$(ls -d "$SITE"/articles/*/*/ | sort | tail -1); ARTICLE=${ARTICLE#"$SITE"/}
PAGES=("" "compare/" "$EDITION" "$ARTICLE" ${EXTRA_PAGES:-})
[ -n "${ONLY:-}" ] && read -r -a PAGES <<< "$ONLY"  # e.g. ONLY="en/ en/compare/"

RUNS=${RUNS:-3}  # each page is measured RUNS times; the run with the median performance score is shown
echo "Lighthouse $(node_modules/.bin/lighthouse --version), $("$CHROME_PATH" --version 2>/dev/null | head -1), $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -sm), load average $(cut -d' ' -f1-3 /proc/loadavg), median of $RUNS"
printf '%-46s %5s %5s %5s %5s   %s\n' page perf a11y bp seo "perf of each run (Lighthouse benchmark index)"
for page in "${PAGES[@]}"; do
  name=$(echo "${page:-home}" | tr '/' '_' | sed 's/_$//')
  for run in $(seq "$RUNS"); do
    node_modules/.bin/lighthouse "http://127.0.0.1:$PORT/$page" --quiet --chrome-flags="$FLAGS" \
      --only-categories=performance,accessibility,best-practices,seo \
      --output=json --output-path="$OUT/$name.$run.json" >/dev/null 2>&1 || echo "lighthouse failed on /$page (run $run)" >&2
  done
  "$PY" - "$OUT" "$name" "/$page" "$RUNS" <<'PYEOF'
import json, os, shutil, sys
out, name, label, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
reports = []
for run in range(1, runs + 1):
    path = os.path.join(out, f"{name}.{run}.json")
    if os.path.exists(path):
        r = json.load(open(path))
        reports.append((r["categories"]["performance"]["score"] or 0, path, r))
if not reports:
    sys.exit(0)
each = "  ".join(f"{round(p * 100)} ({r['environment'].get('benchmarkIndex', 0):.0f})" for p, _, r in reports)
reports.sort(key=lambda t: t[0])
_, path, r = reports[(len(reports) - 1) // 2]  # the median run (the lower one of two)
shutil.copy(path, os.path.join(out, f"{name}.json"))
c = r["categories"]
s = [round((c[k]["score"] or 0) * 100) for k in ("performance", "accessibility", "best-practices", "seo")]
print(f"{label:<46} {s[0]:>5} {s[1]:>5} {s[2]:>5} {s[3]:>5}   {each}")
for k in ("performance", "accessibility", "best-practices", "seo"):
    for ref in c[k]["auditRefs"]:
        a = r["audits"][ref["id"]]
        if ref["weight"] and a["score"] is not None and a["score"] < 1:
            print(f"    {k}: {a['id']} ({a['score']}) {a.get('displayValue', '')}")
PYEOF
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
