"""The desk in a real browser (Debian's chromium and chromium-driver, Selenium from PyPI), as a
clerk would use it: open the printed URL, drop the example ledger, find an overdue application,
read why, download the report and the results, and check each download's bytes equal the CLI's
for the same inputs and as-of date. Screenshots go to .build/desk-artifacts/.

One browser session for the whole walk. Without Chromium or Selenium the test is skipped, except
under CI=true, where it must run."""
import glob
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import zipfile

sys.path.insert(0, os.path.dirname(__file__))
from desk_support import ARTIFACTS, BIN, FIXTURES, LETTERS, REPORTS, ROOT, RULES, Desk, cli, scratch_with  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
AS_OF = "2025-01-10"

try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import Select, WebDriverWait
    HAVE_SELENIUM = True
except ImportError:
    HAVE_SELENIUM = False

MISSING = [what for what, ok in [("selenium (pip install selenium)", HAVE_SELENIUM),
                                 (CHROMIUM, os.path.exists(CHROMIUM)),
                                 (CHROMEDRIVER, os.path.exists(CHROMEDRIVER))] if not ok]
if MISSING and os.environ.get("CI") == "true":
    sys.exit("test_desk_browser: CI=true but missing: " + ", ".join(MISSING))

# Drop a file the way a desktop drag does: the file is chosen through a hidden input (the only way
# a WebDriver can hand a browser a local file), then a `drop` event carrying it is fired on the box.
DROP_JS = """
var target = arguments[0];
var input = document.createElement('input');
input.type = 'file';
input.style.display = 'none';
input.onchange = function () {
  var dt = new DataTransfer();
  dt.items.add(input.files[0]);
  ['dragenter', 'dragover', 'drop'].forEach(function (t) {
    target.dispatchEvent(new DragEvent(t, {bubbles: true, cancelable: true, dataTransfer: dt}));
  });
  input.remove();
};
document.body.appendChild(input);
return input;
"""


@unittest.skipIf(MISSING, "missing: " + ", ".join(MISSING))
class DeskInBrowserTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        os.makedirs(ARTIFACTS, exist_ok=True)
        for old in glob.glob(os.path.join(ARTIFACTS, "desk-*.png")):
            os.unlink(old)
        cls.downloads = tempfile.mkdtemp(prefix="desk-test-downloads-")
        cls.inputs = scratch_with("requests.csv", "appeals.csv", "proactive-2024.csv", "narrative-2024.md",
                                  os.path.join(FIXTURES, "test_errors_table.csv"))
        cls.desk = Desk()
        opts = webdriver.ChromeOptions()
        opts.binary_location = CHROMIUM
        for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--window-size=1280,1600", "--lang=zh-CN"]:
            opts.add_argument(a)
        opts.add_experimental_option("prefs", {"download.default_directory": cls.downloads,
                                               "download.prompt_for_download": False})
        # The driver is named outright, so Selenium Manager never downloads one.
        os.environ["SE_OFFLINE"] = "true"
        cls.browser = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=opts)
        cls.wait = WebDriverWait(cls.browser, 60)

    @classmethod
    def tearDownClass(cls):
        cls.browser.quit()
        leftovers = cls.desk.temp_leftovers()
        cls.desk.stop()
        shutil.rmtree(cls.downloads, ignore_errors=True)
        shutil.rmtree(cls.inputs, ignore_errors=True)
        assert leftovers == [], "temporary folders left behind: %r" % leftovers

    def shot(self, name, full=True):
        b = self.browser
        if full:
            height = b.execute_script("return document.documentElement.scrollHeight")
            b.set_window_size(1280, min(max(height + 40, 800), 6000))
        path = os.path.join(ARTIFACTS, name)
        b.save_screenshot(path)
        b.set_window_size(1280, 1600)
        return path

    def drop(self, name):
        b = self.browser
        date = b.find_element(By.NAME, "as_of")
        b.execute_script("arguments[0].value = arguments[1]", date, AS_OF)
        picker = b.execute_script(DROP_JS, b.find_element(By.ID, "drop"))
        picker.send_keys(os.path.join(self.inputs, name))

    def downloaded(self, suffix, before):
        deadline = time.time() + 60
        while time.time() < deadline:
            new = [f for f in set(os.listdir(self.downloads)) - before
                   if f.endswith(suffix) and not f.endswith(".crdownload")]
            if new:
                path = os.path.join(self.downloads, new[0])
                time.sleep(0.2)
                with open(path, "rb") as f:
                    return new[0], f.read()
            time.sleep(0.1)
        self.fail("no %s download appeared" % suffix)

    def assertLetters(self, zipped, selection, fmt):
        out = tempfile.mkdtemp(prefix="desk-test-letters-")
        try:
            subprocess.run([BIN, "letters", "requests.csv", *selection, "--as-of", AS_OF, "--format", fmt,
                            "-o", os.path.join(out, "l"), "--rules", RULES, "--letters", LETTERS],
                           cwd=self.inputs, check=True, capture_output=True)
            expected = sorted(os.listdir(os.path.join(out, "l")))
            with zipfile.ZipFile(io.BytesIO(zipped)) as z:
                self.assertEqual(sorted(z.namelist()), expected)
                self.assertTrue(expected)
                for n in expected:
                    with open(os.path.join(out, "l", n), "rb") as f:
                        self.assertEqual(z.read(n), f.read(), n)
        finally:
            shutil.rmtree(out)

    def test_a_clerk_walks_through_the_desk(self):
        b, wait = self.browser, self.wait
        # The URL the command printed.
        b.get(self.desk.url + "/")
        self.assertIn("上传申请登记台账", b.page_source)
        self.shot("desk-1-upload.png")

        # A ledger with mistakes: the errors table, row by row, as the CLI prints them.
        self.drop("test_errors_table.csv")
        wait.until(EC.url_contains("/u/"))
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "table.problems")))
        rows = b.find_elements(By.CSS_SELECTOR, "table.problems tbody tr")
        self.assertEqual([r.find_elements(By.TAG_NAME, "td")[1].text for r in rows], ["3", "4"])
        self.assertIn("列“收到日期”的值“2024-02-30”不是有效的日期", rows[0].text)
        self.assertIn("test_errors_table.csv:3: error[cell-date]", rows[0].text)
        self.shot("desk-2-errors.png")

        # The example ledger, dropped on the upload box.
        b.get(self.desk.url + "/")
        self.drop("requests.csv")
        wait.until(EC.url_contains("/u/"))
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "table.due")))
        results = b.current_url.split("#")[0].split("?")[0]
        self.assertIn("共 58 件申请", b.page_source)
        due_cli = cli(["due", "requests.csv", "--as-of", AS_OF, "--format", "csv"], self.inputs).decode()
        expected_ids = [line.split(",")[0] for line in due_cli.splitlines()[1:]]
        shown = [tr.find_element(By.TAG_NAME, "a").text for tr in b.find_elements(By.CSS_SELECTOR, "table.due tbody tr")]
        self.assertEqual(shown, expected_ids, "the due list is the CLI's, soonest first")
        self.shot("desk-3-results.png")

        # Only the overdue ones.
        b.find_element(By.PARTIAL_LINK_TEXT, "已超期").click()
        wait.until(EC.url_contains("status=overdue"))
        overdue = b.find_elements(By.CSS_SELECTOR, "table.due tbody tr")
        self.assertTrue(overdue)
        self.assertTrue(all("overdue" in tr.get_attribute("class") for tr in overdue))
        first = overdue[0].find_element(By.TAG_NAME, "a").text
        self.assertIn(first, [l.split(",")[0] for l in due_cli.splitlines() if ",overdue," in l])

        # Why: clicking the row opens its explanation, the CLI's text.
        overdue[0].find_elements(By.TAG_NAME, "td")[4].click()
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "pre.explain")))
        explain_cli = cli(["explain", "requests.csv", "--id", first, "--as-of", AS_OF], self.inputs).decode()
        self.assertEqual(b.find_element(By.CSS_SELECTOR, "pre.explain").text.strip(), explain_cli.strip())
        self.assertIn("已超期", b.page_source)
        self.shot("desk-4-explain.png")

        # The letters of a decided application (from its page), and of a date range (from the
        # results page): each file exactly as `govrules letters` writes it.
        b.get(results + "/explain?app=2024-041")
        before = set(os.listdir(self.downloads))
        b.find_element(By.PARTIAL_LINK_TEXT, "下载该申请的文书").click()
        self.assertLetters(self.downloaded(".zip", before)[1], ["--id", "2024-041"], "docx")
        b.get(results + "/")
        b.execute_script("document.querySelector('input[name=from]').value = '2024-12-01';"
                         "document.querySelector('input[name=to]').value = '2024-12-31';")
        Select(b.find_element(By.XPATH, "//form[contains(@action, 'letters.zip')]//select[@name='format']")).select_by_value("txt")
        before = set(os.listdir(self.downloads))
        b.find_element(By.XPATH, "//button[contains(., '制作并下载文书')]").click()
        self.assertLetters(self.downloaded(".zip", before)[1], ["--from", "2024-12-01", "--to", "2024-12-31"], "txt")

        # Downloads: the classified results, byte for byte the CLI's.
        b.get(results + "/")
        before = set(os.listdir(self.downloads))
        b.find_element(By.PARTIAL_LINK_TEXT, "中文列名").click()
        name, data = self.downloaded(".csv", before)
        self.assertEqual(data, cli(["classify", "requests.csv", "--as-of", AS_OF, "--headers", "zh", "--bom"], self.inputs))

        # The 2024 annual report with the files beside the ledger, byte for byte the CLI's.
        form = b.find_element(By.ID, "report-form")
        year = form.find_element(By.NAME, "year")
        year.clear()
        year.send_keys("2024")
        form.find_element(By.NAME, "agency").send_keys("云溪县人民政府办公室")
        for field, f in [("appeals", "appeals.csv"), ("proactive", "proactive-2024.csv"), ("narrative", "narrative-2024.md")]:
            form.find_element(By.NAME, field).send_keys(os.path.join(self.inputs, f))
        self.shot("desk-5-downloads.png")
        before = set(os.listdir(self.downloads))
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        name, data = self.downloaded(".html", before)
        expected = cli(["report", "requests.csv", "--year", "2024", "--agency", "云溪县人民政府办公室",
                        "--appeals", "appeals.csv", "--proactive", "proactive-2024.csv",
                        "--narrative", "narrative-2024.md", "--format", "html", "--reports", REPORTS], self.inputs)
        self.assertEqual(data, expected, "the report downloaded is the CLI's, byte for byte")
        self.assertIn("2024年度政府信息公开工作年度报告", name)

        # The same report as Word (.docx), byte for byte the CLI's.
        b.get(results + "/")
        form = wait.until(EC.presence_of_element_located((By.ID, "report-form")))
        year = form.find_element(By.NAME, "year")
        year.clear()
        year.send_keys("2024")
        form.find_element(By.NAME, "agency").send_keys("云溪县人民政府办公室")
        for field, f in [("appeals", "appeals.csv"), ("proactive", "proactive-2024.csv"), ("narrative", "narrative-2024.md")]:
            form.find_element(By.NAME, field).send_keys(os.path.join(self.inputs, f))
        Select(form.find_element(By.NAME, "format")).select_by_value("docx")
        before = set(os.listdir(self.downloads))
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        _, docx = self.downloaded(".docx", before)
        self.assertEqual(docx, cli(["report", "requests.csv", "--year", "2024", "--agency", "云溪县人民政府办公室",
                                    "--appeals", "appeals.csv", "--proactive", "proactive-2024.csv",
                                    "--narrative", "narrative-2024.md", "--format", "docx", "--reports", REPORTS], self.inputs))

        # A larger ledger over a slow link: the page shows how far the upload has got.
        big = os.path.join(self.inputs, "ledger-3000.csv")
        subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "gen-ledger.py"), "--rows", "3000",
                        "--seed", "7", "-o", big], check=True)
        b.get(self.desk.url + "/")
        b.set_network_conditions(offline=False, latency=5, download_throughput=10 << 20,
                                 upload_throughput=max(1, os.path.getsize(big) // 4))
        self.drop("ledger-3000.csv")
        progress = WebDriverWait(b, 30, poll_frequency=0.05).until(
            lambda d: (lambda t: t if "%" in t and "100%" not in t else False)(d.find_element(By.ID, "upload-status").text))
        self.assertRegex(progress, r"正在上传“ledger-3000.csv”：\d+%")
        self.shot("desk-0-progress.png", full=False)
        wait.until(EC.url_contains("/u/"))
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "table.due")))
        self.assertIn("共 3000 件申请", b.page_source)
        b.delete_network_conditions()

        # And the report, as it prints.
        path = os.path.join(self.downloads, name)
        b.get("file://" + path)
        self.shot("desk-6-report.png")


if __name__ == "__main__":
    unittest.main(verbosity=2)
