"""Two-factor sign-in in Chromium: enrol with the QR page's key and a pyotp code, note a recovery code, sign out,
sign in with the password and a pyotp code, then turn it off again (the other flows sign in with the password alone)."""
import time

import pyotp
from selenium.webdriver.common.by import By

import accessibility
from client_wizard import expect_text, sign_in


def wait_for_next_step(started_step):
    # A code is good once: the sign-in after enrolment needs a code of a later 30-second step than the one confirmed.
    while int(time.time() // 30) <= started_step:
        time.sleep(1)


def audit(ctx, label, script):
    """The two-factor pages are linked from the top bar, not the navigation the accessibility flow walks."""
    problems = accessibility.audit_page(ctx, label, None, script, phone_check=True, load=False)
    if problems:
        ctx.fail(label, "; ".join(problems))


def enrol_sign_in_and_turn_off(ctx, admin):
    script = accessibility.axe_script()
    sign_in(ctx, admin)
    ctx.visit("/console/two-factor")
    audit(ctx, "enrolment page", script)
    if not ctx.driver.find_elements(By.CSS_SELECTOR, "#qr-code svg"):
        ctx.fail("enrolment page", "no QR code drawn on the page")
    key = ctx.driver.find_element(By.ID, "totp-key").text.replace(" ", "")
    totp = pyotp.TOTP(key)
    enrolled_step = int(time.time() // 30)
    ctx.submit_form({"code": totp.at(enrolled_step * 30)})
    ctx.check_page("after enrolment")
    codes = [e.text for e in ctx.driver.find_elements(By.CSS_SELECTOR, "#recovery-codes code")]
    if len(codes) != 10:
        ctx.fail("recovery codes", "expected 10 recovery codes shown once, got %r" % codes)
    audit(ctx, "recovery codes", script)

    ctx.driver.delete_all_cookies()
    ctx.visit("/signin")
    ctx.submit_form({"email": admin["email"], "password": admin["password"]})
    ctx.expect_path("/signin/code", "second sign-in step")
    if ctx.http_status("/console") == 200:
        ctx.fail("second step", "the console is open after the password alone")
    audit(ctx, "second sign-in step", script)
    wait_for_next_step(enrolled_step)
    ctx.submit_form({"code": totp.now()})
    ctx.check_page("after the second step")
    ctx.expect_path(lambda path: path.startswith("/console"), "signed in with a pyotp code")

    ctx.visit("/console/two-factor")
    expect_text(ctx, "Recovery codes left: 10", "two-factor page after sign-in")
    ctx.submit_form({"password": admin["password"]})
    ctx.check_page("after turning two-factor sign-in off")
    expect_text(ctx, "Two-factor sign-in is off", "two-factor page after turning it off")
