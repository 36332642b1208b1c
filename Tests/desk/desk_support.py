"""Starting and stopping `govrules serve` for the desk tests, and running the CLI beside it."""
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("GOVRULES", os.path.join(ROOT, ".build", "debug", "govrules"))
RULES = os.path.join(ROOT, "rules")
REPORTS = os.path.join(ROOT, "reports")
LETTERS = os.path.join(ROOT, "letters")
EXAMPLES = os.path.join(ROOT, "examples")
FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures")
ARTIFACTS = os.path.join(ROOT, ".build", "desk-artifacts")


class Desk:
    """`govrules serve --port 0` with its own private TMPDIR, so a test can see that every
    temporary folder is gone afterwards."""

    def __init__(self, *args, binary=BIN, cwd=None, env=None):
        self.tmpdir = tempfile.mkdtemp(prefix="desk-test-tmp-")
        e = dict(os.environ if env is None else env)
        e["TMPDIR"] = self.tmpdir
        self.stdout_path = os.path.join(self.tmpdir, "..", os.path.basename(self.tmpdir) + ".out")
        self.out = open(self.stdout_path, "w+")
        cmd = [binary, "serve", "--port", "0", "--rules", RULES, "--reports", REPORTS, "--letters", LETTERS, *args]
        self.proc = subprocess.Popen(cmd, stdout=self.out, stderr=subprocess.STDOUT, cwd=cwd or ROOT, env=e)
        deadline = time.time() + 60
        self.url = None
        while time.time() < deadline:
            text = self.output()
            m = re.search(r"http://(\S+?):(\d+)/", text)
            if m:
                self.port = int(m.group(2))
                self.url = "http://127.0.0.1:%d" % self.port
                break
            if self.proc.poll() is not None:
                raise RuntimeError("govrules serve exited early:\n" + text)
            time.sleep(0.05)
        if not self.url:
            self.stop()
            raise RuntimeError("govrules serve printed no URL:\n" + self.output())

    def output(self):
        self.out.flush()
        with open(self.stdout_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def temp_leftovers(self):
        return os.listdir(self.tmpdir)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.out.close()
        os.unlink(self.stdout_path)
        shutil.rmtree(self.tmpdir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def cli(args, cwd):
    """The CLI's stdout bytes for the same request, run where the inputs have the names the
    browser uploads them under."""
    return subprocess.run([BIN, *args, "--rules", RULES], cwd=cwd, check=True, capture_output=True).stdout


def scratch_with(*names):
    """A folder holding copies of example files under their own names."""
    d = tempfile.mkdtemp(prefix="desk-test-inputs-")
    for n in names:
        src = n if os.path.isabs(n) else os.path.join(EXAMPLES, n)
        shutil.copy(src, os.path.join(d, os.path.basename(n)))
    return d


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):
        return None


def multipart(fields, files):
    """A multipart/form-data body: fields {name: value}, files {name: (filename, bytes)}."""
    boundary = "----desktest" + os.urandom(8).hex()
    out = b""
    for k, v in fields.items():
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n" % (boundary, k, v)).encode()
    for k, (fn, data) in files.items():
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\nContent-Type: text/csv\r\n\r\n"
                % (boundary, k, fn)).encode() + data + b"\r\n"
    out += ("--%s--\r\n" % boundary).encode()
    return out, "multipart/form-data; boundary=" + boundary
