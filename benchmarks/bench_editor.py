"""The web editor: a changed field to a refreshed preview (the page's POST /api/preview over HTTP to a
running `reportgen edit` server), against building the same report's .docx in-process.

Targets from the editor issue: the covering report's preview within 1 s, the annual report's within 2 s
on this machine (absolute targets; the ratio to a build shows what the preview adds: HTML conversion)."""

from __future__ import annotations

import json
import shutil
import socket
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from timing import median_seconds, row

ROOT = Path(__file__).resolve().parents[1]
CASES = {"covering report": ("committee-cover-2020-02-qa-audits.yaml", 1.0),
         "annual report": ("annual-qa-report-2018-19.yaml", 2.0)}


def _server(folder: Path):
    import uvicorn

    from reportgen.features.editor.app import create_app
    from reportgen.features.editor.service import Workspace

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(Workspace(folder / "content", folder / "build"), "t", port),
                                           log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    return server, port


def _post(port: int, path: str, body: dict) -> dict:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=json.dumps(body).encode(),
                                     headers={"X-Reportgen-Token": "t", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def rows() -> list[dict]:
    from reportgen.pipeline.build import build_one
    from reportgen.features.editor.service import Workspace

    found = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        shutil.copytree(ROOT / "content", folder / "content")
        server, port = _server(folder)
        try:
            for label, (name, target) in CASES.items():
                data = Workspace(folder / "content", folder / "build").open(name)["data"]
                flip = [0]

                def change() -> None:  # one field changed each time, as typing does
                    flip[0] += 1
                    edited = dict(data, subject=f"Edited {flip[0]}") if "subject" in data else \
                        dict(data, title=f"Edited {flip[0]}")
                    answer = _post(port, "/api/preview", {"name": name, "data": edited})
                    assert answer["html"], answer

                preview = median_seconds(change, runs=7, warmup=2)
                build = median_seconds(lambda: build_one(folder / "content" / name, folder / "build"), runs=7)
                found.append(row(f"editor: field changed -> preview ({label})", preview, "s",
                                 f"build of the same .docx in-process", build, f"<= {target:g} s",
                                 ok=preview <= target))
        finally:
            server.should_exit = True
    return found
