"""Every page Herald shows, found rather than listed, and the ways to look at them (phone width, dark scheme).

Console pages are discovered from the console itself: the sidebar's sections, then the links inside each page's
main content (a license's page, a group, the install invitation form, confirmation steps...), one page per URL
shape (ids replaced), so a page another change adds is covered as soon as something links to it.

Invitee pages cannot be discovered (they are reached from emails), so `invitee_pages` creates what they need (a join
invitation, an install invitation) and lists each page with its states (valid link, bad link, refused form).
"""
import re
import urllib.parse

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

import mail_spool

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
UUID = re.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")
# Links that are not pages: downloads and machine-readable answers.
NOT_A_PAGE = re.compile(r"\.(csv|json|pem|txt)$|/export|/api/")
MAX_CONSOLE_PAGES = 60


def shape(path):
    """The URL's shape: the same page for another row is not a new page."""
    return re.sub(r"/\d+(?=/|$)", "/:n", UUID.sub(":id", path))


def console_pages(ctx, depth=2):
    """Paths of every console page reachable from the navigation (signed in as an administrator)."""
    ctx.visit("/console")
    start = [urllib.parse.urlsplit(a.get_attribute("href")).path
             for a in ctx.driver.find_elements(By.CSS_SELECTOR, "nav.sidebar a[href]")]
    if not start:
        ctx.fail("console navigation", "no links in nav.sidebar")
    found, seen, frontier = [], set(), start
    for level in range(depth + 1):
        next_level = []
        for path in frontier:
            if shape(path) in seen or len(found) >= MAX_CONSOLE_PAGES:
                continue
            seen.add(shape(path))
            found.append(path)
            if level == depth:
                continue
            ctx.visit(path, check=False)
            for a in ctx.driver.find_elements(By.CSS_SELECTOR, "main a[href]:not([download])"):
                url = urllib.parse.urlsplit(a.get_attribute("href"))
                if url.netloc == urllib.parse.urlsplit(ctx.base_url).netloc and url.path.startswith("/console") \
                        and not NOT_A_PAGE.search(url.path) and url.path not in found:
                    next_level.append(url.path + ("?" + url.query if url.query else ""))
        frontier = next_level
    return found


def invitee_pages(ctx, admin):
    """(label, path) of every invitee page state; creates the invitations it needs. Leaves the browser signed in."""
    ctx.driver.delete_all_cookies()
    ctx.visit("/signin")
    ctx.submit_form({"email": admin["email"], "password": admin["password"]})
    # A directory group: its page (auto-invite form) is then linked from /console/directory, and both invitation
    # forms show their group picker.
    ctx.visit("/console/directory")
    ctx.submit_form({"name": "Page audit group"}, form=ctx.driver.find_element(By.ID, "add-group"))
    # A join invitation.
    ctx.visit("/console/invitations")
    summary = ctx.driver.find_elements(By.CSS_SELECTOR, "details.panel summary")
    if summary:
        summary[0].click()
    ctx.submit_form({"emails": "page.audit@example.com"})
    join = urllib.parse.urlsplit(mail_spool.link_in(
        mail_spool.messages_to(ctx.server.data_dir, "page.audit@example.com")[-1], "/join/")).path
    # An install invitation (its page shows the activation code and downloads).
    ctx.visit("/console/licenses")
    ctx.submit_form({"name": "Page audit key", "product": "Herald Pro", "seats": "2"},
                    form=ctx.driver.find_element(By.ID, "create-license"))
    ctx.driver.find_element(By.LINK_TEXT, "Invite users to install").click()
    form = ctx.driver.find_element(By.ID, "install-invite")
    Select(form.find_element(By.NAME, "language")).select_by_value("de")
    form.find_element(By.NAME, "recipients").send_keys("page.install@example.com")
    ctx.click_submit(form)
    ctx.click_submit(ctx.driver.find_element(By.ID, "send-invitations"))
    install = urllib.parse.urlsplit(mail_spool.link_in(
        mail_spool.messages_to(ctx.server.data_dir, "page.install@example.com")[-1], "/install/")).path
    return [
        ("sign-in", "/signin"),
        ("setup link not valid", "/setup/not-a-valid-setup-token"),
        ("join", join),
        ("join in Japanese", join + "?lang=ja"),
        ("join in Chinese", join + "?lang=zh-Hans"),
        ("join link not valid", "/join/not-a-valid-join-token"),
        ("install (German)", install),
        ("install link not valid", "/install/not-a-valid-install-token"),
        ("page not found", "/no-such-page"),
    ]


def submit_new_account_form(ctx, join_path, repeated_password):
    """Fills the join page's new-account form; False when the page has none (the link was used up)."""
    ctx.visit(join_path, check=False)
    forms = ctx.driver.find_elements(By.XPATH, "//form[.//input[@name='password_confirmation']]")
    if not forms:
        return False
    ctx.submit_form({"name": "Page Audit", "password": "Sturdy-Pass-77", "password_confirmation": repeated_password},
                    form=forms[0])
    return True


def refused_join_form(ctx, join_path):
    """The join page showing a refusal (passwords that do not match): its error state must pass the checks too."""
    return submit_new_account_form(ctx, join_path, "Other-Pass-77")


def join_as_new_member(ctx, join_path):
    """Accepts the join invitation as a new person, leaving the browser signed in as a Regular Member."""
    ctx.driver.delete_all_cookies()
    return submit_new_account_form(ctx, join_path, "Sturdy-Pass-77")


# ------------------------------------------------------------------ how the page is looked at
def set_color_scheme(driver, scheme):
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                           {"features": [{"name": "prefers-color-scheme", "value": scheme}]})


def set_width(driver, size):
    """A window of that CSS width. Not emulated as a mobile device: a phone's browser widens its layout viewport to
    a page that overflows (and zooms out), which would hide the very overflow the phone check looks for."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": size["width"], "height": size["height"], "deviceScaleFactor": 1, "mobile": False})


def reset_view(driver):
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    set_color_scheme(driver, "light")


def horizontal_overflow(driver, width):
    """How many CSS pixels the page is wider than the window (0 when it fits), and the widest culprits."""
    return driver.execute_script("""
        const doc = document.documentElement, width = window.innerWidth;
        const over = Math.max(0, doc.scrollWidth - width, width - arguments[0]);
        if (!over) return [0, []];
        const culprits = [];
        for (const el of document.body.querySelectorAll('*')) {
            const r = el.getBoundingClientRect();
            if (r.right > width + 1 && r.width > 0) {
                // Only the outermost overflowing element of each branch.
                let parent = el.parentElement, nested = false;
                while (parent && parent !== document.body) {
                    const pr = parent.getBoundingClientRect();
                    if (pr.right > width + 1) { nested = true; break; }
                    parent = parent.parentElement;
                }
                if (!nested) culprits.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                    (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '') +
                    ' (right ' + Math.round(r.right) + ')');
            }
        }
        return [over, culprits.slice(0, 5)];
    """, width)


def wrapped_dates(driver):
    """Table cells holding a date and time ("2026-12-06 04:24:17 UTC") whose date breaks over lines."""
    return driver.execute_script("""
        const found = [];
        for (const td of document.querySelectorAll('td')) {
            if (!/^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}/.test(td.textContent.trim())) continue;
            const range = document.createRange();
            range.selectNodeContents(td);
            const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
            if (tops.size > 1) found.push(td.textContent.trim());
        }
        return found.slice(0, 3);
    """)


def full_page_png(driver):
    """The whole page, not only the window (Chrome DevTools' capture beyond the viewport)."""
    import base64
    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    size = metrics.get("cssContentSize") or metrics["contentSize"]
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 6000), "scale": 1}})
    return base64.b64decode(shot["data"])
