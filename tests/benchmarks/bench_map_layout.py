"""The roadmap picture's layout (ELK in a Web Worker, as map.js runs it) in Debian's Chromium,
on synthetic roadmaps of 113, 300 and 1,000 topics with two prerequisites each.

    .venv/bin/python -m tests.benchmarks.bench_map_layout [--quick]

Serves config/static on a free local port (a worker needs an http origin) and times
map-layout.js with map.js's own options (network simplex up to 150 topics, Brandes–Köpf past).
The picture computes this once per graph version; later visits read it from localStorage.
"""

import functools
import http.server
import statistics
import sys
import threading
from pathlib import Path

from tests.benchmarks.table import Row, report

PART = "Roadmap picture layout"

STATIC = Path(__file__).resolve().parents[2] / "config" / "static"
CHROMIUM = "/usr/bin/chromium"

LAYOUT = """([n, big]) => new Promise(resolve => {
  let s = 7; const r = () => (s = (s * 16807) % 2147483647) / 2147483647;
  const children = [], edges = [];
  for (let i = 0; i < n; i++) {
    children.push({id: 'n' + i, width: 184, height: 58});
    for (let k = 0; k < 2 && i > 0; k++) {
      const j = Math.floor(Math.max(0, i - 80) + r() * Math.min(i, 80));
      edges.push({id: 'e' + edges.length, sources: ['n' + j], targets: ['n' + i]});
    }
  }
  const layoutOptions = {'elk.algorithm': 'layered', 'elk.direction': 'RIGHT', 'elk.edgeRouting': 'SPLINES',
    'elk.spacing.nodeNode': '16', 'elk.layered.spacing.nodeNodeBetweenLayers': '64',
    'elk.layered.nodePlacement.strategy': big ? 'BRANDES_KOEPF' : 'NETWORK_SIMPLEX',
    'elk.layered.thoroughness': big ? '2' : '7'};
  const t0 = performance.now();
  const worker = new Worker('/pathwise/map-layout.js');
  worker.onmessage = e => { worker.terminate(); resolve(e.data.error ? -1 : performance.now() - t0); };
  worker.postMessage({elkUrl: '/vendor/elkjs/elk.bundled.js', graph: {id: 'r', layoutOptions, children, edges}});
})"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def main(argv: list[str]) -> int:
    if not Path(CHROMIUM).exists():
        reason = "skipped: Debian's Chromium is not installed (apt-get install chromium)"
        report([Row(PART, "(every case)", "not run", verdict=reason)])
        return 0
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_Quiet, directory=str(STATIC))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    runs = 1 if "--quick" in argv else 3
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless=new", "--no-sandbox"])
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.server_port}/pathwise/favicon.svg")
            rows = []
            for n in (113, 300, 1000):
                times = [page.evaluate(LAYOUT, [n, n > 150]) for _ in range(runs)]
                if min(times) < 0:
                    print(f"{n:>7}: ELK failed")
                    return 1
                strategy = "Brandes-Koepf" if n > 150 else "network simplex"
                case = f"{n} topics, {2 * n - 3} edges, {strategy} ({runs} run{'s' if runs > 1 else ''})"
                rows.append(Row(PART, case, f"{statistics.median(times) / 1000:.2f} s"))
            browser.close()
            report(rows)
    finally:
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
