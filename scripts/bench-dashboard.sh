#!/usr/bin/env bash
# The dashboard benchmark: starts Vigil with 10,000 demo sites, opens 500 incidents with real
# DC-09 frames, and measures the dashboard in Debian's Chromium (first paint, queue and map
# loaded, the cost of one pushed update). Prints the figures and writes them into
# docs/benchmarks.md. Needs a built Vigil (`cargo leptos build`).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/tools.sh
ensure_chromium
ensure_e2e_packages
out="$(mktemp)"
(cd end2end && VIGIL_BENCH_OUT="$out" npx playwright test --config bench/bench.config.ts)
meta="- machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)
- date: $(date -u +%Y-%m-%dT%H:%MZ); vigil commit: $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with uncommitted changes)')"
python3 - "$out" "$meta" <<'PY'
import re, sys
results = sys.argv[2] + "\n\n" + open(sys.argv[1]).read().strip()
path = "docs/benchmarks.md"
doc = open(path).read()
start, end = "<!-- dashboard:start -->", "<!-- dashboard:end -->"
block = f"{start}\n{results}\n{end}"
doc = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _: block, doc, flags=re.S) if start in doc else doc.rstrip() + "\n\n## Operator dashboard\n\nMeasured by `bash scripts/bench-dashboard.sh`.\n\n" + block + "\n"
open(path, "w").write(doc)
print(f"written to {path}")
PY
