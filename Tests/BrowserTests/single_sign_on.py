"""Issue 19's single sign-on, in Chromium: the administrator connects the organization to the OpenID provider that
scripts/test-servers runs (scripts/oidc-test-provider.py), signs out, and signs in again through the provider's login
page; then a person from an allowed domain joins just-in-time the same way."""
import os

from selenium.webdriver.common.by import By


def provider_settings():
    issuer = os.environ.get("OIDC_TEST_ISSUER")
    if not issuer:
        raise AssertionError("OIDC_TEST_ISSUER is not set: run through ./scripts/test, which starts the OpenID provider")
    return issuer, os.environ["OIDC_TEST_CLIENT_ID"], os.environ["OIDC_TEST_CLIENT_SECRET"]


def tick(form, name, on=True):
    box = form.find_element(By.NAME, name)
    if box.is_selected() != on:
        box.click()


def through_provider(ctx, sign_in_url, email, name):
    """From the organization's sign-in link, through the provider's login form, back to Herald."""
    ctx.driver.delete_all_cookies()
    ctx.driver.get(sign_in_url)
    ctx.check_page("sign-in page with the provider's button")
    button = ctx.driver.find_element(By.ID, "sso-sign-in")
    if button.text != "Sign in with Browser IdP":
        ctx.fail("sign-in button", "the button says %r" % button.text)
    ctx.click_submit_button(button)
    if ctx.driver.title != "Test identity provider":
        ctx.fail("provider", "expected the provider's login page, got %r at %s" % (ctx.driver.title, ctx.driver.current_url))
    ctx.submit_form({"email": email, "name": name})
    ctx.check_page("back from the provider")
    ctx.expect_path(lambda path: path == "/console" or path.startswith("/console/"), "after signing in through the provider")
    if email not in ctx.body_text():
        ctx.fail("after signing in through the provider", "%s is not shown as signed in" % email)


def sign_in_through_the_identity_provider(ctx, admin):
    issuer, client_id, client_secret = provider_settings()
    # Flows before this one may leave another account signed in.
    ctx.driver.delete_all_cookies()
    ctx.visit("/signin")
    ctx.submit_form({"email": admin["email"], "password": admin["password"]})
    ctx.check_page("signed in as %s" % admin["email"])
    ctx.visit("/console/sso")
    form = ctx.driver.find_element(By.ID, "sso-settings")
    tick(form, "enabled")
    tick(form, "just_in_time")
    tick(form, "passwords_allowed")
    ctx.submit_form({"provider_name": "Browser IdP", "issuer": issuer, "client_id": client_id, "client_secret": client_secret,
                     "allowed_domains": "example.com"}, form=form)
    ctx.check_page("after saving single sign-on")
    sign_in_url = ctx.driver.find_element(By.ID, "sso-signin-url").text
    through_provider(ctx, sign_in_url, admin["email"], admin["name"])
    # Just-in-time: a new person from the allowed domain becomes a Regular Member.
    through_provider(ctx, sign_in_url, "jit.browser@example.com", "Jit Browser")
    # Back as the administrator for any flow after this one.
    through_provider(ctx, sign_in_url, admin["email"], admin["name"])
    ctx.visit("/console/members")
    if "jit.browser@example.com" not in ctx.body_text():
        ctx.fail("members", "the person who joined just-in-time is not listed")
