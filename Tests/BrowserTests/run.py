#!/usr/bin/env python3
"""Browser tests for Herald: selenium + headless Chromium against a real server.

Run after `swift build` (scripts/test does this):

    python3 Tests/BrowserTests/run.py [--binary .build/debug/herald] [--keep]

What it does:
  * starts the already-built server `herald serve --hostname 127.0.0.1 --port P`
    on a free port with a fresh HERALD_DATA_DIR (so SQLite, file mail transport,
    no administrator yet) and none of the caller's HERALD_* / DATABASE_URL
    variables, so the server prints its first-run setup link;
  * runs the flows in `FLOWS` in order against one browser session; a flow is a
    function taking the Context and raising (AssertionError or anything else)
    to fail. Flows build on each other (the first one creates the
    administrator), so when an `ESSENTIAL` flow fails the rest are not run;
  * prints "N passed, N failed" and exits non-zero if anything failed;
  * on a failure saves a PNG screenshot of the page (one per failed page
    check) and the server log into a temp dir, whose path is printed;
  * always stops the server and the browser, also on Ctrl-C / SIGTERM.

To add a flow, write `def my_flow(ctx): ...` using the Context helpers
(ctx.visit, ctx.submit_form, ctx.expect_path, ...) and append it to FLOWS.

Environment: HERALD_TEST_CHROMEDRIVER (default /usr/bin/chromedriver) and
HERALD_TEST_CHROMIUM (default /usr/bin/chromium), as exported by
scripts/test-servers.
"""

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

# Selenium must never try to download a driver or browser (CI has no
# internet); we always pass explicit paths.
os.environ.setdefault("SE_OFFLINE", "true")

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import NoSuchElementException, WebDriverException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import business_account  # noqa: E402
import languages  # noqa: E402
import client_wizard  # noqa: E402
import license_install  # noqa: E402
import dashboard  # noqa: E402
import bulk_forms  # noqa: E402
import bulk_job  # noqa: E402
import accessibility  # noqa: E402
import two_factor  # noqa: E402
import single_sign_on  # noqa: E402
import webhooks  # noqa: E402

SETUP_LINK_TIMEOUT = 60
PAGE_LOAD_TIMEOUT = 30

ADMIN = {
    "name": "Ada Browser-Test",
    "email": "ada.browser@example.com",
    "organization": "Browser Test Org",
    # Meets the setup page's rule: >= 10 characters, two character classes.
    "password": "Correct-Horse-42",
}

CONSOLE_PAGES = [
    "/console",
    "/console/members",
    "/console/invitations",
    "/console/licenses",
    "/console/client-invitations",
    "/console/client-invitations/settings",
    "/console/directory",
    "/console/mail",
    "/console/templates",
    "/console/audit",
    "/console/api-tokens",
    "/console/two-factor",
    "/console/sso",
]

# Browser console messages that are not the app's fault. Chrome asks for
# /favicon.ico on its own and logs a 404 as SEVERE.
IGNORED_CONSOLE_PATTERNS = [re.compile(r"/favicon\.ico")]


class FlowFailure(AssertionError):
    pass


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------- server
class HeraldServer:
    """The server under test, in its own process group; output kept in a log."""

    def __init__(self, binary, work_dir):
        self.binary = binary
        self.port = free_port()
        self.base_url = "http://127.0.0.1:%d" % self.port
        self.data_dir = os.path.join(work_dir, "data")
        self.log_path = os.path.join(work_dir, "server.log")
        os.makedirs(self.data_dir)
        self.proc = None
        self.lines = []
        self._cond = threading.Condition()
        self._reader = None

    def start(self):
        if not os.access(self.binary, os.X_OK):
            raise FlowFailure("server binary %s not found or not executable "
                              "(run `swift build` first)" % self.binary)
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("HERALD_") and k != "DATABASE_URL"}
        # A fresh data dir: SQLite database, generated secret key, file mail
        # spool, and no administrator, so a setup link is printed.
        env["HERALD_DATA_DIR"] = self.data_dir
        env["HERALD_PUBLIC_URL"] = self.base_url
        # The test OpenID provider (scripts/test-servers) listens on plain http://127.0.0.1.
        env["HERALD_SSO_ALLOW_HTTP"] = "true"
        cmd = [self.binary, "serve", "--hostname", "127.0.0.1", "--port", str(self.port)]
        print("starting server: %s (data %s)" % (" ".join(cmd), self.data_dir), flush=True)
        self.proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group: stop() kills children too
        )
        self._reader = threading.Thread(target=self._read_output, daemon=True)
        self._reader.start()

    def _read_output(self):
        with open(self.log_path, "wb") as log:
            for raw in iter(self.proc.stdout.readline, b""):
                log.write(raw)
                log.flush()
                with self._cond:
                    self.lines.append(raw.decode("utf-8", "replace").rstrip("\r\n"))
                    self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    def wait_for_setup_link(self, timeout=SETUP_LINK_TIMEOUT):
        """The first `http://127.0.0.1:PORT/setup/<token>` the server prints."""
        pattern = re.compile(r"%s/setup/[A-Za-z0-9._~%%+-]+" % re.escape(self.base_url))
        deadline = time.monotonic() + timeout
        seen = 0
        with self._cond:
            while True:
                for line in self.lines[seen:]:
                    m = pattern.search(line)
                    if m:
                        return m.group(0)
                seen = len(self.lines)
                if self.proc.poll() is not None and not self._reader.is_alive():
                    raise FlowFailure("server exited with status %s before printing a setup link\n%s"
                                      % (self.proc.returncode, self.log_tail()))
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise FlowFailure("no setup link (%s/setup/...) within %ds\n%s"
                                      % (self.base_url, timeout, self.log_tail()))
                self._cond.wait(min(remaining, 0.5))

    def wait_until_listening(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise FlowFailure("server exited with status %s\n%s"
                                  % (self.proc.returncode, self.log_tail()))
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise FlowFailure("server not accepting connections on port %d within %ds\n%s"
                          % (self.port, timeout, self.log_tail()))

    def log_tail(self, n=40):
        with self._cond:
            lines = self.lines[-n:]
        return "----- server output (last %d lines) -----\n%s\n-----" % (len(lines), "\n".join(lines))

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                return
            try:
                self.proc.wait(wait)
                return
            except subprocess.TimeoutExpired:
                print("server ignored %s" % sig.name, flush=True)


# -------------------------------------------------------------------- browser
def make_driver():
    chromedriver = os.environ.get("HERALD_TEST_CHROMEDRIVER", "/usr/bin/chromedriver")
    chromium = os.environ.get("HERALD_TEST_CHROMIUM", "/usr/bin/chromium")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox",
                "--disable-dev-shm-usage",      # small /dev/shm in containers
                "--disable-gpu", "--window-size=1280,1024",
                "--no-first-run", "--disable-extensions",
                "--disable-background-networking", "--disable-sync",
                "--disable-features=PasswordLeakDetection,Translate"):
        options.add_argument(arg)
    # Needed for driver.get_log("browser") (console messages).
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(chromedriver), options=options)
    driver.set_page_load_timeout(PAGE_LOAD_TIMEOUT)
    return driver


class Context:
    """What every flow gets: the server, the browser and check helpers."""

    def __init__(self, server, driver, artifacts_dir):
        self.server = server
        self.driver = driver
        self.base_url = server.base_url
        self.artifacts_dir = artifacts_dir
        self.screenshots = []
        self.state = {}  # flows may leave things for later flows here

    # -- navigation and checks --
    def url(self, path):
        return urllib.parse.urljoin(self.base_url + "/", path.lstrip("/"))

    def path(self):
        return urllib.parse.urlsplit(self.driver.current_url).path

    def visit(self, path, check=True):
        # Drop console messages of earlier pages, so they are not blamed on
        # this one.
        self.driver.get_log("browser")
        self.driver.get(self.url(path))
        if check:
            self.check_page(path)

    def check_page(self, label, allow_error_status=False):
        """Fail if the page is an error page or the console logged errors."""
        problems = []
        if not allow_error_status:
            marker = self.driver.find_elements(By.CSS_SELECTOR, "[data-error-page]")
            if marker:
                problems.append("error page (data-error-page=%r): %s"
                                % (marker[0].get_attribute("data-error-page"), self.body_text()[:300]))
            elif "error" in self.driver.title.lower():
                problems.append("title says error: %r" % self.driver.title)
        problems += ["browser console: " + m for m in self.severe_console_messages(allow_error_status)]
        if problems:
            self.fail(label, "; ".join(problems))

    def severe_console_messages(self, allow_error_status=False):
        messages = []
        for entry in self.driver.get_log("browser"):
            if entry.get("level") != "SEVERE":
                continue
            msg = entry.get("message", "")
            if any(p.search(msg) for p in IGNORED_CONSOLE_PATTERNS):
                continue
            # A page we expect to answer 4xx (e.g. a failed sign-in) makes
            # Chrome log "Failed to load resource: ... status of 401".
            if allow_error_status and "Failed to load resource" in msg and " 4" in msg:
                continue
            messages.append(msg)
        return messages

    def http_status(self, path):
        """Status of a GET with the browser's cookies, redirects not followed.

        Selenium cannot see HTTP status codes, so we repeat the request."""
        cookies = "; ".join("%s=%s" % (c["name"], c["value"]) for c in self.driver.get_cookies())

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        opener = urllib.request.build_opener(NoRedirect)
        req = urllib.request.Request(self.url(path), headers={"Cookie": cookies})
        try:
            with opener.open(req, timeout=PAGE_LOAD_TIMEOUT) as resp:
                return resp.status
        except urllib.error.HTTPError as e:
            return e.code

    def expect_path(self, expected, label=None):
        actual = self.path()
        ok = expected(actual) if callable(expected) else actual == expected
        if not ok:
            self.fail(label or str(expected), "expected to be at %s, but at %s (title %r)"
                      % (getattr(expected, "__doc__", None) or expected, actual, self.driver.title))

    def body_text(self):
        try:
            return self.driver.find_element(By.TAG_NAME, "body").text
        except NoSuchElementException:
            return ""

    # -- forms --
    def form_with(self, field_name):
        """The form containing an input called field_name."""
        try:
            return self.driver.find_element(
                By.XPATH, "//form[.//*[@name=%s]]" % xpath_literal(field_name))
        except NoSuchElementException:
            self.fail("form", "no form with a field named %r on %s" % (field_name, self.path()))

    def submit_form(self, fields, form=None):
        """Type into the named fields of one form, then click its submit button."""
        form = form or self.form_with(next(iter(fields)))
        for name, value in fields.items():
            el = form.find_element(By.NAME, name)
            el.clear()
            el.send_keys(value)
        self.click_submit(form)

    def click_submit_button(self, button):
        old = self.driver.find_element(By.TAG_NAME, "html")
        button.click()
        wait_for_navigation(self.driver, old)

    def click_submit(self, form, timeout=PAGE_LOAD_TIMEOUT):
        buttons = form.find_elements(By.CSS_SELECTOR, "button[type=submit], input[type=submit], button:not([type])")
        if not buttons:
            self.fail("form", "form %r has no submit button" % form.get_attribute("action"))
        old = self.driver.find_element(By.TAG_NAME, "html")
        buttons[0].click()
        wait_for_navigation(self.driver, old, timeout)

    # -- failure reporting --
    def screenshot(self, label):
        name = re.sub(r"[^A-Za-z0-9._-]+", "_", label).strip("_") or "page"
        path = os.path.join(self.artifacts_dir, "%02d-%s.png" % (len(self.screenshots) + 1, name))
        try:
            self.driver.save_screenshot(path)
            self.screenshots.append(path)
            return path
        except WebDriverException as e:
            print("  (screenshot failed: %s)" % e)
            return None

    def fail(self, label, message):
        shot = self.screenshot(label)
        raise FlowFailure("%s: %s%s" % (label, message, "\n  screenshot: %s" % shot if shot else ""))


def xpath_literal(s):
    if "'" not in s:
        return "'%s'" % s
    if '"' not in s:
        return '"%s"' % s
    return "concat('%s')" % s.replace("'", "', \"'\", '")


def wait_for_navigation(driver, old_html, timeout=PAGE_LOAD_TIMEOUT):
    """After a click that submits a form: wait until the old page is gone and
    the new one has loaded (the old <html> element goes stale)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            old_html.tag_name  # raises once the page was replaced
        except WebDriverException:
            break
        time.sleep(0.05)
    else:
        raise FlowFailure("form submission did not load a new page within %ds" % timeout)
    while time.monotonic() < deadline:
        if driver.execute_script("return document.readyState") == "complete":
            return
        time.sleep(0.05)


# ---------------------------------------------------------------------- flows
def first_run_setup(ctx):
    """Open the printed setup link and create the first administrator."""
    link = ctx.server.wait_for_setup_link()
    print("  setup link: %s" % link)
    ctx.server.wait_until_listening()
    ctx.driver.get(link)
    ctx.check_page("setup form")
    accessibility.audit_setup_form(ctx)
    ctx.submit_form({
        "organization": ADMIN["organization"],
        "name": ADMIN["name"],
        "email": ADMIN["email"],
        "password": ADMIN["password"],
        "password_confirmation": ADMIN["password"],
    })
    ctx.check_page("after setup")
    ctx.expect_path(under_console, "after setup")
    expect_signed_in(ctx, "after setup")
    # The link works once.
    if ctx.http_status(urllib.parse.urlsplit(link).path) < 400:
        ctx.fail("setup link reuse", "the setup link still answers after it was used")


def under_console(path):
    """/console or a page below it"""
    return path == "/console" or path.startswith("/console/")


def expect_signed_in(ctx, label):
    # The console layout has a sign-out form and shows the account's email.
    if not ctx.driver.find_elements(By.CSS_SELECTOR, "form[action$='/signout']"):
        ctx.fail(label, "no sign-out form: not signed in?")
    if ADMIN["email"] not in ctx.body_text():
        ctx.fail(label, "the signed-in account's email %s is not shown" % ADMIN["email"])


def visit_every_console_page(ctx):
    """Every console page loads with 200, no error page, no console errors."""
    failures = []
    for path in CONSOLE_PAGES:
        try:
            status = ctx.http_status(path)
            if status != 200:
                ctx.visit(path, check=False)
                ctx.fail(path, "HTTP status %d" % status)
            ctx.visit(path)
            ctx.expect_path(path, path)
            expect_signed_in(ctx, path)
            print("  ok %s" % path)
        except FlowFailure as e:
            # Keep going: one run should report every broken page.
            print("  FAIL %s" % e)
            failures.append(path)
    if failures:
        raise FlowFailure("%d of %d console pages failed: %s"
                          % (len(failures), len(CONSOLE_PAGES), ", ".join(failures)))


def sign_out_and_in_again(ctx):
    """Sign out, check the console is closed, sign in at /signin."""
    ctx.visit("/console")
    form = ctx.driver.find_element(By.CSS_SELECTOR, "form[action$='/signout']")
    ctx.click_submit(form)
    ctx.check_page("after sign-out")
    ctx.visit("/console", check=False)
    ctx.expect_path("/signin", "console after sign-out")
    ctx.visit("/signin")
    ctx.submit_form({"email": ADMIN["email"], "password": ADMIN["password"]})
    ctx.check_page("after sign-in")
    ctx.expect_path(under_console, "after sign-in")
    expect_signed_in(ctx, "after sign-in")


def wrong_password_is_refused_without_revealing_the_account(ctx):
    """A wrong password fails with the same message as an unknown email."""
    # Sign out first (this flow must not depend on the previous one's result).
    ctx.driver.delete_all_cookies()
    messages = {}
    for case, email in (("known email", ADMIN["email"]), ("unknown email", "nobody.here@example.com")):
        ctx.visit("/signin")
        ctx.submit_form({"email": email, "password": "Wrong-Password-123"})
        # The answer may be a 4xx; that is fine here, an error page is not.
        ctx.check_page("sign-in with wrong password (%s)" % case, allow_error_status=True)
        if ctx.driver.find_elements(By.CSS_SELECTOR, "[data-error-page]"):
            ctx.fail(case, "a wrong password gave an error page instead of the sign-in form")
        if under_console(ctx.path()):
            ctx.fail(case, "signed in with a wrong password")
        if ctx.http_status("/console") == 200:
            ctx.fail(case, "the console is open after a failed sign-in")
        alerts = [e.text.strip() for e in ctx.driver.find_elements(
            By.CSS_SELECTOR, "[role=alert], .error, .errors") if e.text.strip()]
        if not alerts:
            ctx.fail(case, "no error message shown")
        messages[case] = " ".join(alerts)
        # Equality of the two messages is the real check; this catches the
        # obvious wordings that give the account away even in one of them.
        leaks = re.search(r"no (such )?account|not found|does ?n.t exist|not registered|"
                          r"(incorrect|wrong|invalid) password\b(?! or)", messages[case], re.I)
        if leaks:
            ctx.fail(case, "the message %r tells whether the email exists" % messages[case])
        print("  %s: %r" % (case, messages[case]))
    if messages["known email"] != messages["unknown email"]:
        ctx.fail("account enumeration", "different messages for a known and an unknown email: %r vs %r"
                 % (messages["known email"], messages["unknown email"]))


def two_factor_sign_in_with_a_pyotp_code(ctx):
    """Enrol with the page's key and a pyotp code, sign in with password and code, turn it off again."""
    two_factor.enrol_sign_in_and_turn_off(ctx, ADMIN)


# Flows in order. ESSENTIAL ones are preconditions of the rest.
def business_account_invitations(ctx):
    """Invite an existing and a new person; both join; promote, block, unblock, remove; audit log."""
    business_account.invite_two_people_and_manage_them(ctx, ADMIN)


def invite_users_wizard(ctx):
    """Directory import and nesting, the five-step Invite Users wizard, and the messages it delivered."""
    client_wizard.invite_users_wizard(ctx, ADMIN)


def invitee_pages_in_the_invitations_language(ctx):
    """A German join invitation opens in German (switch to Japanese); a Japanese activation page in Japanese."""
    languages.german_join_invitation(ctx, ADMIN)
    languages.japanese_activation_page(ctx, ADMIN)


def license_install_invitations(ctx):
    """Three invitations to two seats: CSV export, activation via the API, seats first come first served."""
    license_install.invite_three_to_two_seats_and_activate(ctx, ADMIN)


def dashboard_shows_the_database(ctx):
    """Seed every kind and status; the dashboard, /api/v1/stats and /metrics agree with the database."""
    dashboard.dashboard_matches_the_database(ctx, ADMIN)


def webhook_endpoint_added_and_edited(ctx):
    """A webhook endpoint added in the console, then its description, switch and event filter changed in its form."""
    webhooks.add_and_edit_an_endpoint(ctx, ADMIN)


def every_page_accessible_and_fits_a_phone(ctx):
    """axe-core finds no WCAG 2.1 A/AA violation on any console or invitee page, light or dark; skip link first; 390 px fits."""
    accessibility.every_page(ctx, ADMIN)


def sign_in_through_the_identity_provider(ctx):
    """Single sign-on set up in the console, then signing in through the OpenID provider's own login page."""
    single_sign_on.sign_in_through_the_identity_provider(ctx, ADMIN)


def bulk_work_at_documented_sizes(ctx):
    """10,000 pasted addresses, a 100,000-row CSV upload, a long template; an 11 MB upload is 413 (runs last)."""
    bulk_forms.bulk_work_at_documented_sizes(ctx, ADMIN)


def bulk_job_progress_page(ctx):
    """More than 200 invitations revoked from the console: the job's progress page, accessible, until its finish."""
    bulk_job.bulk_job_progress(ctx, ADMIN)


FLOWS = [
    first_run_setup,
    visit_every_console_page,
    sign_out_and_in_again,
    wrong_password_is_refused_without_revealing_the_account,
    business_account_invitations,
    invite_users_wizard,
    invitee_pages_in_the_invitations_language,
    license_install_invitations,
    dashboard_shows_the_database,
    # Before the accessibility flow, which then also audits the endpoint's edit form.
    webhook_endpoint_added_and_edited,
    every_page_accessible_and_fits_a_phone,
    bulk_job_progress_page,
    bulk_work_at_documented_sizes,
    sign_in_through_the_identity_provider,
    # Last: if it fails half-way the administrator is left with a second factor the other flows do not type.
    two_factor_sign_in_with_a_pyotp_code,
]
ESSENTIAL = {first_run_setup}


# ----------------------------------------------------------------------- main
def main(argv, all_flows=None, description="Herald browser tests"):
    """Runs the flows (default FLOWS); other scripts (screenshots.py) pass their own list."""
    all_flows = all_flows or FLOWS
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "debug", "herald"),
                        help="the herald executable to test (default: %(default)s)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the temp dir (data dir, server log, screenshots) even on success")
    parser.add_argument("--only", default="",
                        help="comma-separated flow names to run (with the essential first-run setup), e.g. license_install_invitations")
    args = parser.parse_args(argv)
    chosen = set(filter(None, args.only.split(",")))
    unknown = chosen - {f.__name__ for f in all_flows}
    if unknown:
        parser.error("unknown flows: %s" % ", ".join(sorted(unknown)))
    flows = [f for f in all_flows if not chosen or f in ESSENTIAL or f.__name__ in chosen]

    # SIGTERM (CI timeout, scripts/test being stopped) must still run the
    # `finally` below that stops the server and the browser.
    def on_sigterm(signum, frame):
        raise KeyboardInterrupt("SIGTERM")
    signal.signal(signal.SIGTERM, on_sigterm)

    work_dir = tempfile.mkdtemp(prefix="herald-browser-tests.")
    artifacts_dir = os.path.join(work_dir, "screenshots")
    os.makedirs(artifacts_dir)
    server = HeraldServer(args.binary, work_dir)
    driver = None
    passed, failed, not_run = [], [], []
    try:
        try:
            server.start()
            driver = make_driver()
        except Exception as e:  # noqa: BLE001 - report any start-up problem as a failure
            print("FAIL start-up: %s" % e, flush=True)
            failed.append("start-up")
            not_run = [f.__name__ for f in flows]
        else:
            ctx = Context(server, driver, artifacts_dir)
            for i, flow in enumerate(flows):
                name = flow.__name__
                print("--- %s" % name, flush=True)
                started = time.monotonic()
                try:
                    flow(ctx)
                except Exception as e:  # noqa: BLE001 - any exception fails the flow
                    failed.append(name)
                    print("FAIL %s (%.1fs): %s" % (name, time.monotonic() - started, e), flush=True)
                    if not isinstance(e, FlowFailure):
                        traceback.print_exc()
                        ctx.screenshot(name)
                    print("  page: %s (title %r)" % (driver.current_url, driver.title))
                    if flow in ESSENTIAL:
                        not_run = [f.__name__ for f in flows[i + 1:]]
                        print("  %s is a precondition of the rest; not running: %s"
                              % (name, ", ".join(not_run) or "nothing"))
                        break
                else:
                    passed.append(name)
                    print("ok %s (%.1fs)" % (name, time.monotonic() - started), flush=True)
    except KeyboardInterrupt as e:
        print("interrupted (%s)" % (e or "SIGINT"), flush=True)
        failed.append("interrupted")
    finally:
        if driver is not None:
            try:
                driver.quit()
            except Exception:  # noqa: BLE001
                pass
        server.stop()

    if failed:
        print(server.log_tail(60))
    print()
    print("%d passed, %d failed%s" % (len(passed), len(failed),
                                      ", %d not run" % len(not_run) if not_run else ""))
    if failed:
        print("failed: %s" % ", ".join(failed))
    if failed or args.keep:
        print("server log, data dir and screenshots kept in %s" % work_dir)
    else:
        shutil.rmtree(work_dir, ignore_errors=True)
    return 1 if failed or not_run else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
