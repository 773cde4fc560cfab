"""Bulk work through the console at the documented sizes (README, "Limits"): 10,000 pasted addresses, a
100,000-row directory CSV upload, a long template edit, and an oversized upload refused with 413, not 403.

Runs last: it leaves 10,000 join invitations and 100,000 directory users behind."""
import os
import tempfile
import time

from selenium.webdriver.common.by import By

from client_wizard import expect_text, sign_in, wait_for_import

BULK_TIMEOUT = 600


def set_value(ctx, element, text):
    # Typing 250 KB key by key takes minutes; the value is set as a paste would, the form is still the browser's.
    ctx.driver.execute_script("arguments[0].value = arguments[1];", element, text)


def submit_slow(ctx, form, label):
    """Submit and wait as long as a bulk request may take (the page-load timeout is for ordinary pages)."""
    ctx.driver.set_page_load_timeout(BULK_TIMEOUT)
    started = time.monotonic()
    try:
        ctx.click_submit(form, timeout=BULK_TIMEOUT)
    finally:
        ctx.driver.set_page_load_timeout(30)
    print("  %s: %.1f s" % (label, time.monotonic() - started))


def paste_ten_thousand_addresses(ctx):
    ctx.visit("/console/invitations")
    ctx.driver.find_element(By.CSS_SELECTOR, "details.panel summary").click()
    form = ctx.form_with("emails")
    set_value(ctx, form.find_element(By.NAME, "emails"), "\n".join("bulk%05d@example.com" % i for i in range(10000)))
    submit_slow(ctx, form, "10,000 pasted addresses")
    ctx.check_page("results of 10,000 pasted addresses")
    outcomes = ctx.driver.execute_script(
        "return document.querySelectorAll(\"#invite-results td.outcome-invited\").length;")
    if outcomes != 10000:
        ctx.fail("10,000 pasted addresses", "expected 10,000 'invited' rows, got %r" % outcomes)


def upload_hundred_thousand_rows(ctx, work_dir):
    path = os.path.join(work_dir, "directory-100000.csv")
    with open(path, "w") as f:
        f.write("name,email,groups\n")
        for i in range(100000):
            # About 3 MB: within the directory import's documented 5 MB.
            f.write("P%d,p%06d@example.com,Bulk %d\n" % (i, i, i % 10))
    ctx.visit("/console/directory")
    form = ctx.driver.find_element(By.ID, "import-users")
    form.find_element(By.NAME, "file").send_keys(path)
    submit_slow(ctx, form, "100,000-row CSV upload")
    # The upload is answered once the file is checked; the rows are written in the background while the
    # progress page reloads itself with the rows done.
    started = time.monotonic()
    states = wait_for_import(ctx, "import of 100,000 rows", timeout=BULK_TIMEOUT)
    print("  100,000-row import after the upload: %.1f s, page states %s" % (time.monotonic() - started, states))
    if states[0] != "running":
        ctx.fail("import progress", "the first progress page did not show a running import: %s" % states)
    expect_text(ctx, "100000 added", "import summary")
    ctx.visit("/console/directory")
    ctx.check_page("directory after importing 100,000 rows")
    rows = ctx.driver.find_elements(By.CSS_SELECTOR, "#directory-users tbody tr")
    if len(rows) != 100:
        ctx.fail("directory page", "expected one page of 100 users, got %d rows" % len(rows))
    ctx.driver.find_element(By.LINK_TEXT, "Next users").click()
    ctx.check_page("second page of users")


def long_template_edit(ctx):
    ctx.visit("/console/templates")
    form = ctx.driver.find_element(By.ID, "template-form")
    area = form.find_elements(By.TAG_NAME, "textarea")[0]
    set_value(ctx, area, area.get_attribute("value") + "\n" + "A longer paragraph for the new policy. " * 100)
    button = form.find_element(By.CSS_SELECTOR, "button[value=preview]")
    ctx.click_submit_button(button)
    ctx.check_page("preview of a 4 KB template")


def oversized_upload_is_413(ctx, work_dir):
    path = os.path.join(work_dir, "too-large.csv")
    with open(path, "w") as f:
        f.write("x" * (11 * 1024 * 1024))
    ctx.visit("/console/directory")
    form = ctx.driver.find_element(By.ID, "import-users")
    form.find_element(By.NAME, "file").send_keys(path)
    submit_slow(ctx, form, "11 MB upload")
    ctx.check_page("oversized upload", allow_error_status=True)
    text = ctx.body_text()
    if "10 MB" not in text or "expired" in text:
        ctx.fail("oversized upload", "expected the 413 page naming the 10 MB limit, got: %s" % text[:400])


def bulk_work_at_documented_sizes(ctx, admin):
    sign_in(ctx, admin)
    with tempfile.TemporaryDirectory(prefix="herald-bulk-") as work_dir:
        long_template_edit(ctx)
        paste_ten_thousand_addresses(ctx)
        upload_hundred_thousand_rows(ctx, work_dir)
        oversized_upload_is_413(ctx, work_dir)
