"""Issue 19's webhook endpoints in Chromium: the administrator adds one, then changes its description, switch and
event filter through its edit form (the URL unchanged, so no re-authentication); the list shows the change."""
import urllib.parse

from selenium.webdriver.common.by import By

from client_wizard import expect_text, sign_in
from single_sign_on import tick


def add_and_edit_an_endpoint(ctx, admin):
    sign_in(ctx, admin)
    ctx.visit("/console/webhooks")
    ctx.submit_form({"url": "https://hooks.example.com/herald", "description": "HR system"})
    ctx.check_page("after adding an endpoint")
    expect_text(ctx, "Signing secret", "the new endpoint's secret, shown once")
    links = ctx.driver.find_elements(By.CSS_SELECTOR, 'main a[href$="/edit"]')
    if not links:
        ctx.fail("webhooks page", "no Edit link for the new endpoint")
    ctx.visit(urllib.parse.urlsplit(links[0].get_attribute("href")).path)
    form = ctx.driver.find_element(By.ID, "webhook-edit")
    label = form.find_element(By.CSS_SELECTOR, 'input[value="invitation.opened"]').find_element(By.XPATH, "..").text
    if "Invitation opened for the first time" not in label:
        ctx.fail("edit form", "the invitation.opened box is labelled %r" % label)
    tick(form, "enabled", on=False)
    form.find_element(By.CSS_SELECTOR, 'input[value="invitation.opened"]').click()
    ctx.submit_form({"description": "People team"}, form=form)
    ctx.check_page("after saving the endpoint")
    ctx.expect_path("/console/webhooks", "back on the webhooks page")
    expect_text(ctx, "People team", "the changed description")
    expect_text(ctx, "invitation.opened", "the changed event filter")
