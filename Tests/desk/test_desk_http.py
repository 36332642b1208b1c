"""HTTP-level tests of `govrules serve`: the upload limit, the login, cross-origin refusal,
private temporary folders, rules left untouched, and uploads kept apart. Standard library only."""
import hashlib
import http.client
import os
import re
import shutil
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from desk_support import EXAMPLES, FIXTURES, ROOT, RULES, Desk, cli, multipart, scratch_with  # noqa: E402


def request(desk, method, path, body=None, headers=None, host=None):
    c = http.client.HTTPConnection("127.0.0.1", desk.port, timeout=60)
    h = {"Host": host or "127.0.0.1:%d" % desk.port}
    h.update(headers or {})
    c.request(method, path, body=body, headers=h)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r, data


def csrf_of(page):
    return re.search(rb'name="csrf" value="([0-9a-f]+)"', page).group(1).decode()


def upload(desk, name, data, csrf, origin=True, extra_headers=None, cookie=None):
    body, ctype = multipart({"csrf": csrf, "as_of": "2025-01-10"}, {"ledger": (name, data)})
    h = {"Content-Type": ctype}
    if origin:
        h["Origin"] = "http://127.0.0.1:%d" % desk.port
    if cookie:
        h["Cookie"] = cookie
    h.update(extra_headers or {})
    return request(desk, "POST", "/upload", body, h)


def rules_digest():
    h = hashlib.sha256()
    for root, dirs, files in os.walk(RULES):
        dirs.sort()
        for f in sorted(files):
            p = os.path.join(root, f)
            h.update(p.encode() + b"\0" + read(p))
    return h.hexdigest()


def read(path):
    with open(path, "rb") as f:
        return f.read()


EXAMPLE = read(os.path.join(EXAMPLES, "requests.csv"))


class UploadLimitTest(unittest.TestCase):
    def test_upload_past_the_limit_is_refused_in_chinese(self):
        with Desk("--max-upload", "1") as desk:
            _, page = request(desk, "GET", "/")
            self.assertIn("文件大小上限：1 MB".encode(), page)
            big = EXAMPLE + b"x" * (1 << 20)
            r, data = upload(desk, "big.csv", big, csrf_of(page))
            self.assertEqual(r.status, 413)
            self.assertIn("上传上限为 1 MB".encode(), data)
            r, _ = upload(desk, "requests.csv", EXAMPLE, csrf_of(page))
            self.assertEqual(r.status, 303, "a file under the limit is accepted")

    def test_only_csv_is_accepted(self):
        with Desk() as desk:
            _, page = request(desk, "GET", "/")
            r, data = upload(desk, "ledger.pdf", b"%PDF-1.4", csrf_of(page))
            self.assertEqual(r.status, 415)
            self.assertIn("不是 CSV 或 Excel 工作簿（.xlsx）文件".encode(), data)


class WorkbookTest(unittest.TestCase):
    """A clerk's .xlsx ledger goes in as it is, and the results and the due list come back as
    workbooks: byte for byte what `govrules classify/due -o FILE.xlsx` writes."""

    def test_xlsx_ledger_in_and_workbooks_out(self):
        twin = os.path.join(ROOT, "Tests", "EndToEndTests", "Fixtures", "xlsx", "requestsTwin.xlsx")
        with Desk() as desk:
            _, page = request(desk, "GET", "/")
            r, _ = upload(desk, "requestsTwin.xlsx", read(twin), csrf_of(page))
            self.assertEqual(r.status, 303)
            a = r.getheader("Location")
            _, results = request(desk, "GET", a)
            self.assertIn("台账：requestsTwin.xlsx".encode(), results)
            self.assertNotIn("处错误".encode(), results)
            inputs = scratch_with(twin)
            try:
                for route, args in (("classified.xlsx", ["classify", "requestsTwin.xlsx"]),
                                    ("due.xlsx", ["due", "requestsTwin.xlsx"])):
                    r, data = request(desk, "GET", a + route)
                    self.assertEqual(r.status, 200, route)
                    self.assertIn("spreadsheetml", r.getheader("Content-Type"))
                    self.assertTrue(data.startswith(b"PK"), route)
                    out = os.path.join(inputs, "cli-" + route)
                    cli(args + ["--as-of", "2025-01-10", "-o", out], inputs)
                    self.assertEqual(data, read(out), route + " equals the CLI's workbook")
            finally:
                shutil.rmtree(inputs)


class LoginTest(unittest.TestCase):
    def test_non_loopback_requires_the_generated_password(self):
        with Desk("--host", "0.0.0.0") as desk:
            out = desk.output()
            self.assertIn("必须登录", out)
            password = re.search(r"访问口令：\s+(\S+)", out).group(1)
            r, _ = request(desk, "GET", "/")
            self.assertEqual(r.status, 303)
            self.assertEqual(r.getheader("Location"), "/login")
            r, page = request(desk, "GET", "/login")
            csrf = csrf_of(page)
            origin = {"Origin": "http://127.0.0.1:%d" % desk.port, "Content-Type": "application/x-www-form-urlencoded"}
            r, page = request(desk, "POST", "/login", "csrf=%s&password=wrong-password" % csrf, origin)
            self.assertEqual(r.status, 401)
            self.assertIn("口令不正确".encode(), page)
            self.assertIsNone(r.getheader("Set-Cookie"))
            # Without a session no upload is accepted, token or not.
            r, _ = upload(desk, "requests.csv", EXAMPLE, csrf)
            self.assertEqual(r.status, 403)
            r, _ = request(desk, "POST", "/login", "csrf=%s&password=%s" % (csrf, password), origin)
            self.assertEqual(r.status, 303)
            cookie = r.getheader("Set-Cookie")
            self.assertRegex(cookie, r"^govrules_session=[0-9a-f]{64}; Path=/; HttpOnly; SameSite=Strict$")
            session = cookie.split(";")[0]
            r, page = request(desk, "GET", "/", headers={"Cookie": session})
            self.assertEqual(r.status, 200)
            self.assertIn("退出登录".encode(), page)
            r, _ = upload(desk, "requests.csv", EXAMPLE, csrf, cookie=session)
            self.assertEqual(r.status, 303)
            # Logging out ends the session on the server, not only in the browser.
            r, _ = request(desk, "POST", "/logout", "csrf=" + csrf, dict(origin, Cookie=session))
            self.assertEqual(r.status, 303)
            r, _ = request(desk, "GET", "/", headers={"Cookie": session})
            self.assertEqual(r.status, 303)

    def test_password_file(self):
        import tempfile
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
            f.write("correct-horse-battery\n")
        try:
            with Desk("--host", "0.0.0.0", "--password-file", f.name) as desk:
                self.assertIn("口令文件", desk.output())
                self.assertNotIn("correct-horse-battery", desk.output())
                _, page = request(desk, "GET", "/login")
                origin = {"Origin": "http://127.0.0.1:%d" % desk.port, "Content-Type": "application/x-www-form-urlencoded"}
                r, _ = request(desk, "POST", "/login", "csrf=%s&password=correct-horse-battery" % csrf_of(page), origin)
                self.assertEqual(r.status, 303)
                self.assertIn("HttpOnly", r.getheader("Set-Cookie"))
        finally:
            os.unlink(f.name)

    def test_loopback_needs_no_login(self):
        with Desk() as desk:
            self.assertIn("只有本机可以访问", desk.output())
            r, _ = request(desk, "GET", "/")
            self.assertEqual(r.status, 200)


class CrossOriginTest(unittest.TestCase):
    def test_other_origins_and_missing_tokens_are_refused(self):
        with Desk() as desk:
            _, page = request(desk, "GET", "/")
            csrf = csrf_of(page)
            r, data = upload(desk, "requests.csv", EXAMPLE, csrf, extra_headers={"Origin": "http://evil.example"})
            self.assertEqual(r.status, 403)
            self.assertIn("其他网站".encode(), data)
            r, _ = upload(desk, "requests.csv", EXAMPLE, csrf, origin=False, extra_headers={"Referer": "http://evil.example/x"})
            self.assertEqual(r.status, 403)
            r, data = upload(desk, "requests.csv", EXAMPLE, "0" * 32)
            self.assertEqual(r.status, 403)
            self.assertIn("页面令牌".encode(), data)
            # A page elsewhere pointing its own domain name at 127.0.0.1 (DNS rebinding).
            r, _ = request(desk, "GET", "/", host="evil.example:%d" % desk.port)
            self.assertEqual(r.status, 403)
            r, _ = upload(desk, "requests.csv", EXAMPLE, csrf)
            self.assertEqual(r.status, 303)


class IsolationTest(unittest.TestCase):
    def test_uploads_are_private_temporary_and_leave_the_rules_alone(self):
        before = rules_digest()
        with Desk() as desk:
            _, page = request(desk, "GET", "/")
            csrf = csrf_of(page)
            r1, _ = upload(desk, "requests.csv", EXAMPLE, csrf)
            r2, _ = upload(desk, "test_errors_table.csv", read(os.path.join(FIXTURES, "test_errors_table.csv")), csrf)
            a, b = r1.getheader("Location"), r2.getheader("Location")
            self.assertRegex(a, r"^/u/[0-9a-f]{32}/$")
            self.assertNotEqual(a, b)
            _, pa = request(desk, "GET", a)
            _, pb = request(desk, "GET", b)
            self.assertIn("台账：requests.csv".encode(), pa)
            self.assertNotIn("test_errors_table".encode(), pa)
            self.assertIn("台账：test_errors_table.csv".encode(), pb)
            self.assertIn("2 处错误".encode(), pb)
            self.assertIn("test_errors_table.csv:3: error[cell-date]".encode(), pb)
            r, _ = request(desk, "GET", "/u/" + "0" * 32 + "/")
            self.assertEqual(r.status, 404)
            r, data = request(desk, "GET", a + "due.csv")
            self.assertEqual(r.status, 200)
            inputs = scratch_with("requests.csv")
            try:
                self.assertEqual(data, cli(["due", "requests.csv", "--as-of", "2025-01-10", "--format", "csv"], inputs))
            finally:
                shutil.rmtree(inputs)
            # Clearing removes the upload.
            r, _ = request(desk, "POST", a + "clear", "csrf=" + csrf,
                           {"Origin": "http://127.0.0.1:%d" % desk.port, "Content-Type": "application/x-www-form-urlencoded"})
            self.assertEqual(r.status, 303)
            r, _ = request(desk, "GET", a)
            self.assertEqual(r.status, 404)
            self.assertEqual(desk.temp_leftovers(), [], "every request's temporary folder is removed")
        self.assertEqual(rules_digest(), before, "the desk never writes to the rules folder")

    def test_concurrent_uploads_never_mix(self):
        errors = read(os.path.join(FIXTURES, "test_errors_table.csv"))
        with Desk() as desk:
            _, page = request(desk, "GET", "/")
            csrf = csrf_of(page)
            results = {}

            def one(i):
                name, data = ("requests-%d.csv" % i, EXAMPLE) if i % 2 == 0 else ("errors-%d.csv" % i, errors)
                r, _ = upload(desk, name, data, csrf)
                _, body = request(desk, "GET", r.getheader("Location"))
                results[i] = (name, r.getheader("Location"), body)

            threads = [threading.Thread(target=one, args=(i,)) for i in range(6)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            self.assertEqual(len({loc for _, loc, _ in results.values()}), 6, "every upload has its own id")
            for i, (name, _, body) in results.items():
                self.assertIn(("台账：" + name).encode(), body)
                for j, (other, _, _) in results.items():
                    if j != i:
                        self.assertNotIn(other.encode(), body)
                self.assertEqual("共 58 件申请".encode() in body, i % 2 == 0)
            self.assertEqual(desk.temp_leftovers(), [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
