"""make test-dist: the .deb installs and works without Swift. Its contents are unpacked into a
scratch root (dpkg -x), then `govrules classify` and `govrules serve` run from there with nothing
but /usr/bin:/bin on PATH, from a folder with no rules/ of its own: the binary finds the rules
it shipped with. The tarball is checked the same way, and packaging twice gives the same bytes."""
import glob
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DIST = os.environ.get("DIST_DIR", os.path.join(ROOT, "dist"))
CLEAN_ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
AS_OF = "2025-01-10"

sys.path.insert(0, os.path.join(ROOT, "Tests", "desk"))
from desk_support import multipart  # noqa: E402


def only(pattern):
    found = glob.glob(os.path.join(DIST, pattern))
    if len(found) != 1:
        raise AssertionError("expected one %s in %s, found %r (run make dist)" % (pattern, DIST, found))
    return found[0]


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


class InstalledDebTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.deb = only("govrules_*.deb")
        cls.root = tempfile.mkdtemp(prefix="govrules-deb-root-")
        subprocess.run(["dpkg", "-x", cls.deb, cls.root], check=True)
        cls.bin = os.path.join(cls.root, "usr", "bin", "govrules")
        # A working folder with the ledger and nothing else: no rules/ or reports/ beside it.
        cls.work = tempfile.mkdtemp(prefix="govrules-deb-work-")
        shutil.copy(os.path.join(ROOT, "examples", "requests.csv"), cls.work)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.root, ignore_errors=True)
        shutil.rmtree(cls.work, ignore_errors=True)

    def run_installed(self, *args, **kw):
        return subprocess.run([self.bin, *args], cwd=self.work, env=CLEAN_ENV, capture_output=True, **kw)

    def test_package_metadata_and_contents(self):
        info = subprocess.run(["dpkg-deb", "-f", self.deb], check=True, capture_output=True, text=True).stdout
        self.assertRegex(info, r"(?m)^Package: govrules$")
        self.assertRegex(info, r"(?m)^Depends: .*liblua5\.4")
        listing = subprocess.run(["dpkg-deb", "-c", self.deb], check=True, capture_output=True, text=True).stdout
        for path in ["./usr/bin/govrules", "./usr/share/govrules/rules/policy.lua", "./usr/share/govrules/rules/steps.lua",
                     "./usr/share/govrules/reports/", "./usr/share/govrules/letters/office.lua", "./lib/systemd/system/govrules-desk.service",
                     "./usr/share/man/man1/govrules.1.gz", "./etc/default/govrules"]:
            self.assertIn(path, listing)
        for line in listing.splitlines():
            self.assertIn(" root/root ", line, "every file is owned by root: " + line)
        with open(os.path.join(self.root, "lib/systemd/system/govrules-desk.service")) as f:
            unit = f.read()
        self.assertIn("ExecStart=/usr/bin/govrules serve", unit)
        self.assertIn("DynamicUser=yes", unit, "the service runs as an unprivileged user")
        man = subprocess.run(["gzip", "-dc", os.path.join(self.root, "usr/share/man/man1/govrules.1.gz")],
                             check=True, capture_output=True, text=True).stdout
        self.assertIn(".TH GOVRULES 1", man)
        self.assertNotIn("@VERSION@", man)

    def test_no_swift_runtime_is_linked(self):
        ldd = subprocess.run(["ldd", self.bin], check=True, capture_output=True, text=True, env=CLEAN_ENV).stdout
        self.assertNotIn("libswift", ldd)
        self.assertNotIn("libFoundation", ldd)
        self.assertIn("liblua5.4", ldd, "Lua stays the system library")
        self.assertNotIn("not found", ldd)

    def test_classify_from_the_installed_tree(self):
        r = self.run_installed("classify", "requests.csv", "--as-of", AS_OF, "--summary")
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        self.assertIn("分类完成：共 58 件申请", r.stderr.decode())
        dev = subprocess.run([os.path.join(ROOT, ".build", "debug", "govrules"), "classify", "requests.csv",
                              "--as-of", AS_OF, "--rules", os.path.join(ROOT, "rules")],
                             cwd=self.work, capture_output=True)
        if dev.returncode == 0:
            self.assertEqual(r.stdout, dev.stdout, "the packaged binary classifies exactly as the source tree")
        r = self.run_installed("check")
        self.assertEqual(r.returncode, 0, r.stderr.decode())

    def test_serve_from_the_installed_tree(self):
        out = tempfile.TemporaryFile()
        self.addCleanup(out.close)
        p = subprocess.Popen([self.bin, "serve", "--port", "0"], cwd=self.work, env=CLEAN_ENV, stdout=out, stderr=subprocess.STDOUT)
        try:
            url = None
            deadline = time.time() + 30
            while time.time() < deadline and not url:
                out.seek(0)
                m = re.search(rb"http://127\.0\.0\.1:(\d+)/", out.read())
                url = m and "http://127.0.0.1:%s" % m.group(1).decode()
                time.sleep(0.05)
            self.assertTrue(url, "serve printed its URL")
            page = urllib.request.urlopen(url + "/", timeout=30).read().decode()
            self.assertIn("上传申请登记台账", page)
            csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
            with open(os.path.join(self.work, "requests.csv"), "rb") as f:
                body, ctype = multipart({"csrf": csrf, "as_of": AS_OF}, {"ledger": ("requests.csv", f.read())})
            req = urllib.request.Request(url + "/upload", data=body, method="POST",
                                         headers={"Content-Type": ctype, "Origin": url})
            results = urllib.request.urlopen(req, timeout=60).read().decode()
            self.assertIn("共 58 件申请", results)
            self.assertIn("已超期", results)
        finally:
            p.terminate()
            self.assertEqual(p.wait(timeout=10), 0, "SIGTERM stops the desk cleanly")


class TarballTest(unittest.TestCase):
    def test_tarball_runs_from_wherever_it_is_unpacked(self):
        tar = only("govrules-*-linux-*.tar.gz")
        d = tempfile.mkdtemp(prefix="govrules-tar-")
        try:
            subprocess.run(["tar", "-xzf", tar, "-C", d], check=True)
            (top,) = os.listdir(d)
            binary = os.path.join(d, top, "bin", "govrules")
            self.assertTrue(os.path.exists(os.path.join(d, top, "share", "govrules", "rules", "policy.lua")))
            r = subprocess.run([binary, "classify", os.path.join(ROOT, "examples", "requests.csv"), "--as-of", AS_OF],
                               cwd=d, env=CLEAN_ENV, capture_output=True)
            self.assertEqual(r.returncode, 0, r.stderr.decode())
        finally:
            shutil.rmtree(d)


class DeterminismTest(unittest.TestCase):
    def test_packaging_again_gives_the_same_bytes(self):
        again = tempfile.mkdtemp(prefix="govrules-dist-again-")
        try:
            env = dict(os.environ, DIST_DIR=again)
            subprocess.run(["bash", os.path.join(ROOT, "scripts", "dist.sh")], cwd=ROOT, env=env, check=True, capture_output=True)
            for pattern in ["govrules_*.deb", "govrules-*-linux-*.tar.gz"]:
                (a,) = glob.glob(os.path.join(DIST, pattern))
                (b,) = glob.glob(os.path.join(again, pattern))
                self.assertEqual(sha(a), sha(b), pattern + " is byte-identical when packaged again")
        finally:
            shutil.rmtree(again)


if __name__ == "__main__":
    unittest.main(verbosity=2)
