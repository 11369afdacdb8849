"""Lighthouse scores of the published site, for the README (not part of `pytest`: one
page takes Lighthouse about 20 s).

    npm install -g lighthouse@12.8.2
    .venv/bin/python tests/lighthouse.py

Publishes the site as tests/conftest.py does (mike, two versions, in a throwaway
repository), serves it under its sub-path with gzip as GitHub Pages does, and runs
Lighthouse with Debian's chromium on one page of each type, mobile and desktop.
Requests that would leave the machine fail, as they do in the browser tests. Each page
and form factor is measured LIGHTHOUSE_RUNS times (3): the table gives the median
performance score with every run's, the lowest of the other scores, and the range of
Lighthouse's benchmark index over the runs (how fast this machine's CPU was then: the
simulated phone is four times slower than what Lighthouse records, so a busy or slow
host lowers the performance score). Set LIGHTHOUSE_REPORTS=<folder> to keep the JSON
reports.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.conftest import publish  # noqa: E402
from tests.test_browser import GitHubPagesLike  # noqa: E402

PAGES = dict(p.split("=", 1) for p in sys.argv[1:]) or {
    "home": "",
    "reference": "reference/sequential-model/",
    "training": "training/fit/",
    "tutorial": "tutorials/mnist/",
}
COMPRESSED = (".html", ".css", ".js", ".json", ".svg", ".ipynb")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
# Performance varies from run to run (Lighthouse simulates a slow phone from what this
# machine measures): the table gives the median of RUNS runs, and every run's score.
RUNS = int(os.environ.get("LIGHTHOUSE_RUNS", "3"))


class Gzipped(GitHubPagesLike):
    """GitHub Pages compresses text responses; so does this server."""

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if (not path.is_file() or not path.name.endswith(COMPRESSED)
                or "gzip" not in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        body = gzip.compress(path.read_bytes())
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")  # what GitHub Pages sends
        self.end_headers()
        import io

        return io.BytesIO(body)


def main() -> None:
    with tempfile.TemporaryDirectory() as work:
        site = publish(Path(work))
        handler = functools.partial(Gzipped, root=site.root, prefix=site.prefix)
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        reports = Path(os.environ.get("LIGHTHOUSE_REPORTS", work))
        reports.mkdir(parents=True, exist_ok=True)
        base = f"http://127.0.0.1:{httpd.server_port}{site.prefix}{site.version}/"
        print("| page | form factor | performance: median (runs) | accessibility | best practices "
              "| SEO | benchmark index |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for name, path in PAGES.items():
            for factor in os.environ.get("LIGHTHOUSE_FACTORS", "mobile desktop").split():
                runs, speeds = [], []
                for run in range(RUNS):
                    report = reports / f"{name}-{factor}-{run + 1}.json"
                    command = ["lighthouse", base + path, "--quiet", "--output=json",
                               f"--output-path={report}",
                               "--chrome-flags=--headless=new --no-sandbox"]
                    if factor == "desktop":
                        command.append("--preset=desktop")
                    subprocess.run(command, check=True,
                                   env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"})
                    result = json.loads(report.read_text())
                    runs.append({c: round(result["categories"][c]["score"] * 100)
                                 for c in CATEGORIES})
                    speeds.append(round(result["environment"]["benchmarkIndex"]))
                performance = sorted(r["performance"] for r in runs)
                print(f"| {name} (`{path or '/'}`) | {factor} | "
                      + f"{statistics.median(performance):g} ({', '.join(map(str, performance))}) | "
                      + " | ".join(str(min(r[c] for r in runs)) for c in CATEGORIES[1:])
                      + f" | {min(speeds)}–{max(speeds)} |",
                      flush=True)
        httpd.shutdown()
        httpd.server_close()


if __name__ == "__main__":
    main()
