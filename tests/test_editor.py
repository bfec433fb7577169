"""`reportgen edit`: saving keeps the file a person wrote, the server is safe by default, and the page
works in a real browser (Debian's Chromium through Selenium), by keyboard, with axe-core finding nothing."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import CASES, ROOT

from reportgen.features.authoring.roundtrip import load_document, to_plain, updated_text

pytestmark = pytest.mark.long_module  # started first: see conftest.pytest_collection_modifyitems

COVER = "committee-cover-2020-02-qa-audits.yaml"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SCREENSHOT = ROOT / "docs" / "editor.png"


# --- saving: only the changed value is rewritten -----------------------------------------------------

@pytest.mark.parametrize("path", sorted((ROOT / "content").glob("*.yaml")) + sorted(CASES.glob("*.yaml")),
                         ids=lambda p: p.name)
def test_saving_unchanged_values_gives_the_same_bytes(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert updated_text(text, to_plain(load_document(text, path.name)), path.name) == text


def _changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    import difflib

    old, new = before.splitlines(), after.splitlines()
    pairs = []
    for tag, a1, a2, b1, b2 in difflib.SequenceMatcher(None, old, new).get_opcodes():
        if tag != "equal":
            pairs.append(("\n".join(old[a1:a2]), "\n".join(new[b1:b2])))
    return pairs


def test_a_changed_value_rewrites_that_value_alone_keeping_comments_and_quotes() -> None:
    text = ("# A comment at the top\nkind: cover\ncommittee: 'Safeguarding Sub Committee'  # quoted\n"
            "dated: 10/02/2020\nsummary:\n  - First.   # kept\n  - \"Second.\"\n")
    data = to_plain(load_document(text, "x.yaml"))
    data["committee"] = "Community and Children's Services Committee"
    data["summary"][1] = "Second, reworded."
    after = updated_text(text, data, "x.yaml")
    assert _changed_lines(text, after) == [
        ("committee: 'Safeguarding Sub Committee'  # quoted",
         "committee: 'Community and Children''s Services Committee' # quoted"),  # comment kept, pushed right
        ('  - "Second."', '  - "Second, reworded."')]


def test_a_file_in_another_layout_keeps_its_own_indentation_where_untouched() -> None:
    text = "kind: cover\nauthor:\n    name: Pat\n    job_title: Manager\nsummary:\n-   One.\n-   Two.\n"
    data = to_plain(load_document(text, "x.yaml"))
    data["author"]["name"] = "Sam"
    data["summary"].append("Three.")
    after = updated_text(text, data, "x.yaml")
    assert "    job_title: Manager\n" in after and "-   One.\n-   Two.\n" in after
    assert to_plain(load_document(after, "x.yaml")) == data


def test_list_items_added_and_removed() -> None:
    text = "summary:\n  - One.\n  - Two.\n  - Three.\n"
    data = {"summary": ["One.", "Three.", "Four."]}
    after = updated_text(text, data, "x.yaml")
    assert to_plain(load_document(after, "x.yaml")) == data


def test_finding_paths_name_the_form_fields() -> None:
    from reportgen.features.editor.service import field_path

    assert field_path("") == "root"
    assert field_path("dated") == "root.dated"
    assert field_path("background_papers[1]") == "root.background_papers.0"  # people count from 1
    assert field_path("items[2].appendices[1].file") == "root.items.1.appendices.0.file"


# --- the server, from outside -------------------------------------------------------------------------

@pytest.fixture
def editor(tmp_path: Path):
    """`reportgen edit` running on a free port over a scratch project; stopped with Ctrl-C (SIGINT)."""
    (tmp_path / "content").mkdir()
    shutil.copy(CASES / COVER, tmp_path / "content" / COVER)
    shutil.copytree(ROOT / "report_templates", tmp_path / "report_templates",
                    ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    (tmp_path / "outside.yaml").write_text("kind: cover\n")
    os.symlink(tmp_path / "outside.yaml", tmp_path / "content" / "link.yaml")
    process = subprocess.Popen([sys.executable, "-m", "reportgen", "edit", "--no-browser"], cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    found = re.search(r"http://127\.0\.0\.1:(\d+)/\?token=(\S+)", line)
    assert found, line + process.stderr.read()
    server = {"port": int(found.group(1)), "token": found.group(2), "folder": tmp_path,
              "base": f"http://127.0.0.1:{found.group(1)}", "address": found.group(0)}
    yield server
    process.send_signal(signal.SIGINT)
    try:
        assert process.wait(timeout=20) == 0, process.stderr.read()
    finally:
        process.kill()


def _request(server: dict, path: str, *, token: str | None = "", data: dict | None = None,
             headers: dict | None = None) -> tuple[int, bytes, dict]:
    token = server["token"] if token == "" else token
    request = urllib.request.Request(server["base"] + path, method="POST" if data is not None else "GET",
                                     data=json.dumps(data).encode() if data is not None else None)
    if token is not None:
        request.add_header("X-Reportgen-Token", token)
    for key, value in (headers or {}).items():
        request.add_header(key, value)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), dict(exc.headers)


def test_every_request_needs_the_token_and_this_site(editor: dict) -> None:
    assert _request(editor, "/api/files")[0] == 200
    assert _request(editor, "/api/files", token=None)[0] == 403
    assert _request(editor, "/api/files", token="wrong")[0] == 403
    assert _request(editor, "/")[0] == 403  # no cookie: the page itself needs the token too
    assert _request(editor, "/static/editor.js")[0] == 403
    assert _request(editor, "/api/files", headers={"Origin": "http://evil.example"})[0] == 403
    assert _request(editor, "/api/files", headers={"Host": "evil.example:80"})[0] == 403
    status, _, headers = _request(editor, "/api/files")
    assert "default-src 'none'" in headers["content-security-policy"]
    assert "script-src 'self'" in headers["content-security-policy"]


@pytest.mark.parametrize("name", ["../outside.yaml", "/etc/passwd", "link.yaml", "../../etc/hosts.yaml",
                                  "content/../x.yaml"])
def test_paths_are_confined_to_the_content_folder(editor: dict, name: str) -> None:
    from urllib.parse import quote

    status, body, _ = _request(editor, f"/api/file?name={quote(name)}")
    assert status == 400, body
    status, body, _ = _request(editor, f"/api/save?name={quote(name)}", data={"data": {}, "digest": ""})
    assert status == 400, body
    assert (editor["folder"] / "outside.yaml").read_text() == "kind: cover\n"


def test_new_build_and_download_from_the_page_api(editor: dict) -> None:
    status, body, _ = _request(editor, "/api/new", data={"kind": "cover", "name": "budget-2020-03"})
    assert status == 200, body
    made = editor["folder"] / "content" / "budget-2020-03.yaml"
    assert made.read_text().startswith("# yaml-language-server: $schema=")  # the same skeleton as `new`
    assert _request(editor, "/api/new", data={"kind": "cover", "name": "../escape"})[0] == 400
    status, body, _ = _request(editor, "/api/build", data={"name": COVER, "pdf": False})
    assert status == 200, body
    written = json.loads(body)["written"]
    assert written == ["committee-cover-2020-02-qa-audits.docx"]
    assert (editor["folder"] / "build" / written[0]).is_file()
    # downloads need the page's cookie, and only reach build/
    assert _request(editor, f"/download?name={written[0]}")[0] == 403
    cookie = {"Cookie": f"reportgen_token={editor['token']}"}
    status, data, _ = _request(editor, f"/download?name={written[0]}", headers=cookie)
    assert status == 200 and data[:2] == b"PK"
    assert _request(editor, "/download?name=../content/" + COVER, headers=cookie)[0] == 404


def test_redline_of_unsaved_changes_against_the_saved_file(editor: dict) -> None:
    _, body, _ = _request(editor, f"/api/file?name={COVER}")
    data = json.loads(body)["data"]
    data["subject"] = "An Unsaved Subject"
    status, body, _ = _request(editor, "/api/redline", data={"name": COVER, "against": "saved", "data": data})
    assert status == 200, body
    answer = json.loads(body)
    assert answer["changes"] and "ubject" in " ".join(answer["changes"])
    from reportgen.oxml.package import read_parts

    document = read_parts(editor["folder"] / "build" / answer["written"][0])["word/document.xml"].decode()
    assert "<w:ins " in document and "An Unsaved Subject" in document
    assert "An Unsaved Subject" not in (editor["folder"] / "content" / COVER).read_text()


def test_saving_over_a_file_changed_on_disk_is_refused_with_the_current_version(editor: dict) -> None:
    _, body, _ = _request(editor, f"/api/file?name={COVER}")
    opened = json.loads(body)
    path = editor["folder"] / "content" / COVER
    path.write_text(path.read_text().replace("Safeguarding Sub Committee", "Another Committee"))
    opened["data"]["subject"] = "Mine"
    status, body, _ = _request(editor, f"/api/save?name={COVER}", data={"data": opened["data"],
                                                                          "digest": opened["digest"]})
    assert status == 409
    answer = json.loads(body)
    assert answer["conflict"] and answer["current"]["data"]["committee"] == "Another Committee"
    assert "Mine" not in path.read_text()


# --- in a real browser ------------------------------------------------------------------------------

def _browser():
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and driver):
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium and chromium-driver are not installed (make test installs them)")
        pytest.skip("needs Debian's chromium and chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1600,1200", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(driver), options=options)


@pytest.fixture
def browser():
    driver = _browser()
    yield driver
    driver.quit()


def _wait(predicate, timeout: float = 20.0, what: str = "the page"):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _axe(driver) -> list[dict]:
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
        ".then(r => done(r.violations.map(v => ({id: v.id, help: v.help,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))));")
    return result


def _field(driver, path: str):
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, f'[data-schemapath="{path}"] input, '
                                                f'[data-schemapath="{path}"] textarea')


def test_edit_a_field_see_the_preview_save_that_value_alone(editor: dict, browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.set_script_timeout(30)
    browser.get(editor["address"])  # no file named: the report is chosen from the list, by keyboard
    _wait(lambda: browser.find_elements(By.CSS_SELECTOR, "#files button"), what="the list of reports")

    def tab_to(matches, what: str, limit: int = 60):
        active = browser.switch_to.active_element
        for _ in range(limit):
            if matches(active):
                return active
            active.send_keys(Keys.TAB)
            active = browser.switch_to.active_element
        raise AssertionError(f"Tab never reached {what}")

    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)  # the skip link comes first
    assert browser.switch_to.active_element.text == "Skip to the form"
    tab_to(lambda el: el.get_attribute("data-name") == COVER, "the report's button").send_keys(Keys.ENTER)
    _wait(lambda: "Aidhour" in browser.find_element(By.ID, "preview").text, what="the preview")
    violations = _axe(browser)
    assert violations == [], violations

    path = editor["folder"] / "content" / COVER
    before = path.read_text()
    subject = tab_to(lambda el: el == _field(browser, "root.subject"), "the subject field")
    subject.send_keys(Keys.CONTROL, "a")
    subject.send_keys("A Changed Subject For The Test", Keys.TAB)
    _wait(lambda: "A Changed Subject For The Test" in browser.find_element(By.ID, "preview").text,
          what="the preview to show the change")

    # Save by keyboard alone: Ctrl+S, as in any editor.
    browser.switch_to.active_element.send_keys(Keys.CONTROL, "s")
    _wait(lambda: "Saved" in browser.find_element(By.ID, "status").text, what="the save")
    after = path.read_text()
    assert _changed_lines(before, after) == [(
        "subject: Aidhour Quality Assurance Report on Audits Completed December 2019",
        "subject: A Changed Subject For The Test")]

    # An impossible date: the error shows at the field, and in the announced summary.
    dated = _field(browser, "root.dated")
    dated.send_keys(Keys.CONTROL, "a")
    dated.send_keys("31/02/2020", Keys.TAB)
    _wait(lambda: browser.find_elements(By.CSS_SELECTOR, '[data-schemapath="root.dated"] .field-finding'),
          what="the date error at its field")
    note = browser.find_element(By.CSS_SELECTOR, '[data-schemapath="root.dated"] .field-finding').text
    assert "31/02/2020" in note and "no such day" in note
    assert _field(browser, "root.dated").get_attribute("aria-invalid") == "true"
    assert "error" in browser.find_element(By.ID, "status").text
    assert browser.find_element(By.ID, "status").get_attribute("aria-live") == "polite"

    # Someone edits the file meanwhile: saving shows the conflict and writes nothing.
    path.write_text(after.replace("Safeguarding Sub Committee", "Edited Elsewhere Committee"))
    browser.find_element(By.ID, "save").click()
    _wait(lambda: browser.find_element(By.ID, "conflict").is_displayed(), what="the conflict")
    assert "Edited Elsewhere Committee" in path.read_text() and "31/02/2020" not in path.read_text()
    violations = _axe(browser)
    assert violations == [], violations
    browser.find_element(By.ID, "conflict-keep").click()
    _wait(lambda: list((editor["folder"] / "content").glob("*.mine-1.yaml")), what="the kept copy")

    if os.environ.get("REPORTGEN_EDITOR_SCREENSHOT"):
        browser.get(editor["address"] + f"#open={COVER}")
        _wait(lambda: "Aidhour" in browser.find_element(By.ID, "preview").text or
              "Edited" in browser.find_element(By.ID, "preview").text, what="the preview")
        SCREENSHOT.parent.mkdir(exist_ok=True)
        browser.save_screenshot(str(SCREENSHOT))
