"""Test tooling, run by the system Python (Debian's python3-uno): LibreOffice opens each document,
accepts or rejects all its tracked changes, and reports what the document then says.

    /usr/bin/python3 tests/lo_accept_reject.py JOBS.json OUT.json

JOBS.json is a list of {"path": ..., "action": "accept" | "reject" | "none"}. One LibreOffice process
serves the whole list (a private profile, a pipe, stopped at the end), so hundreds of documents take
a minute or two rather than one start-up each. OUT.json gets, per job, the blocks LibreOffice holds
after the action: paragraphs (style, runs of text with bold/italic/underline/position, pictures'
alt text) and tables (rows of cells of blocks), and how many tracked changes are left.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid

import uno  # noqa: F401  (Debian's python3-uno: only the system Python has it)
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

BOLD = 150.0


def _props(**values: object) -> tuple:
    out = []
    for name, value in values.items():
        p = PropertyValue()
        p.Name, p.Value = name, value
        out.append(p)
    return tuple(out)


def _connect(profile: str) -> tuple[subprocess.Popen, object]:
    pipe = f"reportgen-test-{uuid.uuid4().hex}"
    office = subprocess.Popen(
        ["soffice", "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
         f"-env:UserInstallation=file://{profile}", f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + 120
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return office, ctx
        except NoConnectException:
            if time.monotonic() > deadline or office.poll() is not None:
                raise
            time.sleep(0.2)


def _runs(paragraph: object) -> tuple[list, list]:
    runs: list = []
    pictures: list = []
    portions = paragraph.createEnumeration()
    while portions.hasMoreElements():
        portion = portions.nextElement()
        kind = portion.TextPortionType
        if kind == "Frame":
            contents = portion.createContentEnumeration("com.sun.star.text.TextContent")
            while contents.hasMoreElements():
                pictures.append(_picture(contents.nextElement()))
            continue
        text = portion.getString()
        if not text or kind in ("SoftPageBreak", "Bookmark", "Redline", "ReferenceMark", "DocumentIndexMark"):
            continue
        fmt = [portion.CharWeight >= BOLD, portion.CharPosture.value != "NONE", portion.CharUnderline != 0,
               portion.CharEscapement > 0, portion.CharEscapement < 0]
        if runs and runs[-1][1] == fmt:
            runs[-1][0] += text
        else:
            runs.append([text, fmt])
    anchored = paragraph.createContentEnumeration("com.sun.star.text.TextContent")
    while anchored.hasMoreElements():
        pictures.append(_picture(anchored.nextElement()))
    return runs, pictures


def _picture(shape: object) -> list:
    description = getattr(shape, "Description", "") or ""
    title = getattr(shape, "Title", "") or ""
    size = getattr(shape, "Graphic", None)
    pixels = ""
    if size is not None:
        try:
            px = size.SizePixel
            pixels = f"{px.Width}x{px.Height}"
        except Exception:  # not a bitmap
            pixels = ""
    return [description, title, pixels]


def _blocks(text: object) -> list:
    blocks = []
    elements = text.createEnumeration()
    while elements.hasMoreElements():
        el = elements.nextElement()
        if el.supportsService("com.sun.star.text.TextTable"):
            rows = []
            for r in range(el.getRows().getCount()):
                row = []
                for name in el.getCellNames():
                    letters = name.rstrip("0123456789")
                    if int(name[len(letters):]) == r + 1:
                        row.append(_blocks(el.getCellByName(name)))
                rows.append(row)
            blocks.append({"table": rows})
        elif el.supportsService("com.sun.star.text.Paragraph"):
            runs, pictures = _runs(el)
            numbering = el.getPropertyValue("ListLabelString") if el.getPropertySetInfo().hasPropertyByName(
                "ListLabelString") else ""
            blocks.append({"style": el.ParaStyleName, "label": numbering, "runs": runs, "pictures": pictures})
    return blocks


def main(jobs_path: str, out_path: str) -> int:
    jobs = json.loads(open(jobs_path, encoding="utf-8").read())
    profile = tempfile.mkdtemp(prefix="lo-profile-")
    office, ctx = _connect(profile)
    results = []
    try:
        smgr = ctx.ServiceManager
        desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        dispatcher = smgr.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
        for job in jobs:
            doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(job["path"])), "_blank", 0,
                                               _props(Hidden=True, ReadOnly=False))
            try:
                action = job.get("action", "none")
                if action != "none":
                    command = ".uno:AcceptAllTrackedChanges" if action == "accept" else ".uno:RejectAllTrackedChanges"
                    dispatcher.executeDispatch(doc.getCurrentController().getFrame(), command, "", 0, ())
                results.append({"path": job["path"], "action": action, "left": doc.getRedlines().getCount(),
                                "blocks": _blocks(doc.getText())})
            finally:
                doc.close(True)
    finally:
        try:
            desktop.terminate()
        except Exception:  # the bridge goes down with the office
            pass
        try:
            office.wait(timeout=30)
        except subprocess.TimeoutExpired:
            office.kill()
        shutil.rmtree(profile, ignore_errors=True)
    with open(out_path, "w", encoding="utf-8") as out:
        json.dump(results, out, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
