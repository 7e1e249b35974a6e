"""Open every page of the built site in headless Chromium and fail on what a reader would see broken.

The site is served over HTTP from a local thread (as a web server would; ``file://`` pages cannot
start the search worker). Chromium (the Debian package ``chromium``) is driven through the Chrome
DevTools protocol with ``websocket-client``: for each page, navigate, wait for the load event, and
collect ``console.error`` calls, uncaught exceptions and log entries of level error (a resource
that failed to load, a 404). Every ``<img>`` in a page must have loaded (``naturalWidth > 0``), and
each tutorial page must show every figure its markdown references.

Run: ``python docs/gen/check_site.py [site_dir]``.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import websocket

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
IMAGES_JS = """JSON.stringify(Array.from(document.images).map(
  i => [i.getAttribute('src'), i.complete && i.naturalWidth > 0]))"""


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class Page:
    """One browser tab over the DevTools protocol; events are kept until read."""

    def __init__(self, ws_url: str):
        self.ws = websocket.create_connection(ws_url, timeout=30, suppress_origin=True)
        self.n, self.events = 0, []

    def call(self, method: str, **params):
        self.n += 1
        self.ws.send(json.dumps({"id": self.n, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.n:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self.events.append(msg)

    def wait_for(self, method: str, timeout: float = 30.0) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if any(e.get("method") == method for e in self.events):
                return
            self.ws.settimeout(max(0.05, end - time.monotonic()))
            try:
                self.events.append(json.loads(self.ws.recv()))
            except websocket.WebSocketTimeoutException:
                break
        raise TimeoutError(f"no {method} within {timeout} s")

    def drain(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            self.ws.settimeout(left)
            try:
                self.events.append(json.loads(self.ws.recv()))
            except websocket.WebSocketTimeoutException:
                break
        self.ws.settimeout(30)


def errors(events: list[dict]) -> list[str]:
    out = []
    for e in events:
        m, p = e.get("method"), e.get("params", {})
        if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            args = (str(a.get("value", a.get("description", ""))) for a in p["args"])
            out.append("console.error: " + " ".join(args))
        elif m == "Runtime.exceptionThrown":
            d = p["exceptionDetails"]
            out.append("exception: " + d.get("exception", {}).get("description", d.get("text", "")))
        elif m == "Log.entryAdded" and p["entry"]["level"] == "error":
            out.append(f"log: {p['entry']['text']} {p['entry'].get('url', '')}")
    return out


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    raise SystemExit("no chromium found: apt-get install -y chromium")


def tutorial_figures() -> dict[str, list[str]]:
    """Built page path -> file names of the figures its markdown references."""
    sys.path.insert(0, str(HERE))
    import snippets

    return {f"tutorials/{p.stem}/index.html": [f.name for f in snippets.figures(p)]
            for p in snippets.TUTORIALS}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    site = Path(argv[0] if argv else ROOT / "site").resolve()
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    pages = [p for p in pages if p != "404.html"]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    profile = tempfile.mkdtemp(prefix="nestjax-docs-chromium-")
    proc = subprocess.Popen(
        [chromium(), "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--no-first-run", "--disable-extensions", "--remote-debugging-port=0",
         f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    failures: list[str] = []
    try:
        port_file = Path(profile) / "DevToolsActivePort"
        for _ in range(300):
            if port_file.exists() and port_file.read_text().count("\n") >= 1:
                break
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list"))
        tab = Page(next(t for t in targets if t["type"] == "page")["webSocketDebuggerUrl"])
        for domain in ("Page", "Runtime", "Log"):
            tab.call(f"{domain}.enable")
        figs = tutorial_figures()
        for rel in pages:
            tab.events.clear()
            tab.call("Page.navigate", url=base + rel)
            tab.wait_for("Page.loadEventFired")
            tab.drain(0.3)
            problems = errors(tab.events)
            got = tab.call("Runtime.evaluate", expression=IMAGES_JS, returnByValue=True)
            imgs = json.loads(got["result"]["value"])
            problems += [f"image does not render: {src}" for src, ok in imgs if not ok]
            shown = {os.path.basename(src) for src, ok in imgs if ok}
            problems += [f"tutorial figure missing: {f}" for f in figs.get(rel, []) if f not in shown]
            failures += [f"{rel}: {p}" for p in problems]
        tab.ws.close()
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        server.shutdown()
        shutil.rmtree(profile, ignore_errors=True)
    for f in failures:
        print(f, file=sys.stderr)
    n_figs = sum(len(v) for v in figs.values())
    print(f"chromium: {len(pages)} pages opened, {n_figs} tutorial figures checked, {len(failures)} problems")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
