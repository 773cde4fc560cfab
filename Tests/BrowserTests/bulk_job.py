"""A bulk revoke of more than 200 invitations in a real browser: the confirmation leads to the job's progress page,
which passes axe (light, dark, 390 px) while the job runs, and moves on by its own script until the job is over."""
import time

from selenium.webdriver.common.by import By

import accessibility
from bulk_forms import set_value
from client_wizard import expect_text, sign_in

PEOPLE = 300


def bulk_job_progress(ctx, admin):
    sign_in(ctx, admin)
    ctx.visit("/console/invitations")
    ctx.driver.find_element(By.CSS_SELECTOR, "details.panel summary").click()
    form = ctx.form_with("emails")
    set_value(ctx, form.find_element(By.NAME, "emails"), "\n".join("job%03d@example.com" % i for i in range(PEOPLE)))
    ctx.click_submit(form)
    ctx.check_page("%d invitations for the bulk job" % PEOPLE)
    ctx.visit("/console/invitations/bulk?action=revoke&kind=join&status=pending&older_than_days=&batch=")
    expect_text(ctx, "the work runs in the background", "bulk confirmation of a large selection")
    ctx.click_submit(ctx.driver.find_element(By.CSS_SELECTOR, "form.confirm-actions"))
    if not ctx.path().startswith("/console/bulk-jobs/"):
        ctx.fail("bulk job", "confirming did not lead to the progress page: %s" % ctx.path())
    if not ctx.driver.find_elements(By.CSS_SELECTOR, "progress#bulk-progress[max]"):
        ctx.fail("bulk job", "no <progress> on the progress page")
    problems = accessibility.audit_page(ctx, "bulk job progress", None, accessibility.axe_script(), phone_check=True, load=False)
    if problems:
        ctx.screenshot("bulk job progress")
        ctx.fail("bulk job progress", "; ".join(problems))
    # The script polls the job's JSON and reloads once it is over: no reload from here.
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        finished = ctx.driver.find_elements(By.ID, "bulk-finished")
        if finished:
            break
        time.sleep(0.5)
    else:
        ctx.fail("bulk job", "the progress page did not reach the finish: %s" % ctx.body_text()[:600])
    bar = ctx.driver.find_element(By.ID, "bulk-progress")
    # The selection is every pending join invitation: these 300 and whatever earlier flows left pending.
    value, maximum = bar.get_attribute("value"), bar.get_attribute("max")
    if value != maximum or not maximum.isdigit() or int(maximum) < PEOPLE:
        ctx.fail("bulk job", "the finished bar shows %s of %s (at least %d expected, all done)" % (value, maximum, PEOPLE))
    expect_text(ctx, "Finished", "bulk job finish")
