"""Issue 6's flow: import the directory, nest groups (a cycle is refused), walk the Invite Users wizard with
Back, a validation error, the missing-variable warning, an unknown variable and the preview, send, then read
the delivered messages: one per person, a configuration link per device type with ConnMode=2, manual steps."""
import re
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

import mail_spool

PEOPLE_CSV = ("name,email,groups\n"
              "Wiz Ann,wiz.ann@example.com,Wiz staff\n"
              "<b>x</b>,wiz.bob@example.com,Wiz staff;Wiz engineering\n"
              "Wiz Cat,wiz.cat@example.com,Wiz engineering\n")
# The visible Next of a wizard step (each step also has an out-of-sight copy first, for Enter in a field).
NEXT = ".wizard-buttons button[value=next]:not(.default-submit)"
EMAILS = ["wiz.ann@example.com", "wiz.bob@example.com", "wiz.cat@example.com"]


def sign_in(ctx, admin):
    ctx.driver.delete_all_cookies()
    ctx.visit("/signin")
    ctx.submit_form({"email": admin["email"], "password": admin["password"]})
    ctx.check_page("signed in")


def click(ctx, css, label):
    buttons = ctx.driver.find_elements(By.CSS_SELECTOR, css)
    if not buttons:
        ctx.fail(label, "no %s on %s" % (css, ctx.path()))
    ctx.click_submit_button(buttons[0])


def expect_text(ctx, needle, label):
    if needle not in ctx.body_text():
        ctx.fail(label, "%r is not on the page: %s" % (needle, ctx.body_text()[:600]))


def wait_for_import(ctx, label, timeout=60):
    """The import's progress page reloads itself (HTTP Refresh header, no script) until the import has finished.
    Returns the states the page showed, in order."""
    states, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        sections = ctx.driver.find_elements(By.ID, "import-progress")
        if not sections:
            ctx.fail(label, "not the import progress page: %s" % ctx.path())
        try:
            state = sections[0].get_attribute("data-state")
        except Exception:  # the page reloaded between finding and reading
            continue
        if not states or states[-1] != state:
            states.append(state)
        if state != "running":
            if state != "finished":
                ctx.fail(label, "the import ended %s: %s" % (state, ctx.body_text()[:600]))
            ctx.check_page(label)
            return states
        time.sleep(0.5)
    ctx.fail(label, "the import did not finish within %d s" % timeout)
    return states


def group_page(ctx, name):
    ctx.visit("/console/directory")
    ctx.driver.find_element(By.LINK_TEXT, name).click()
    ctx.check_page("group %s" % name)


def add_member_group(ctx, child):
    form = ctx.driver.find_element(By.ID, "add-member-group")
    Select(form.find_element(By.NAME, "member_group_id")).select_by_visible_text(child)
    ctx.click_submit(form)


def build_directory(ctx):
    ctx.visit("/console/directory")
    # A bad file first: nothing is imported and the line is named.
    ctx.submit_form({"csv": "Nobody,not-an-address\n"}, form=ctx.driver.find_element(By.ID, "import-users"))
    ctx.check_page("bad import", allow_error_status=True)
    expect_text(ctx, "line 1:", "bad import names the line")
    ctx.submit_form({"csv": PEOPLE_CSV}, form=ctx.driver.find_element(By.ID, "import-users"))
    wait_for_import(ctx, "import")
    expect_text(ctx, "3 added", "import summary")
    group_page(ctx, "Wiz staff")
    add_member_group(ctx, "Wiz engineering")
    ctx.check_page("nest Wiz engineering in Wiz staff")
    group_page(ctx, "Wiz engineering")
    add_member_group(ctx, "Wiz staff")
    ctx.check_page("cycle refused", allow_error_status=True)
    expect_text(ctx, "cycle", "a cycle is refused")


def walk_the_wizard(ctx):
    ctx.visit("/console/client-invitations")
    click(ctx, "#start-wizard button[type=submit]", "start the wizard")
    ctx.expect_path("/console/client-invitations/wizard/mail")
    # Step 1: without a sender the wizard refuses to continue and says why.
    form = ctx.driver.find_element(By.ID, "wizard-form")
    form.find_element(By.NAME, "sender_address").clear()
    click(ctx, NEXT, "mail next without sender")
    ctx.check_page("mail step without sender", allow_error_status=True)
    expect_text(ctx, "sender_address", "the mail step names the missing sender")
    Select(ctx.driver.find_element(By.NAME, "transport")).select_by_value("file")
    ctx.driver.find_element(By.NAME, "sender_address").send_keys("it@example.com")
    click(ctx, NEXT, "mail next")
    ctx.expect_path("/console/client-invitations/wizard/connection", "after the mail step")

    # Step 2: a bad address is refused naming the field; Back and Next keep what was typed.
    for device in ("windows", "macos", "ios"):
        ctx.driver.find_element(By.CSS_SELECTOR, "input[name='device_types[]'][value='%s']" % device).click()
    ctx.driver.find_element(By.NAME, "server").send_keys("not a host")
    Select(ctx.driver.find_element(By.NAME, "connection_mode")).select_by_value("gateway-ssl")
    click(ctx, NEXT, "connection next with a bad server")
    ctx.check_page("bad server", allow_error_status=True)
    expect_text(ctx, "server: 'not a host' is not a fully qualified domain name", "the server error")
    server = ctx.driver.find_element(By.NAME, "server")
    server.clear()
    server.send_keys("gw.example.com")
    click(ctx, "#wizard-form button[value=back]", "connection back")
    ctx.expect_path("/console/client-invitations/wizard/mail", "back to the mail step")
    click(ctx, NEXT, "mail next again")
    ctx.expect_path("/console/client-invitations/wizard/connection")
    if ctx.driver.find_element(By.NAME, "server").get_attribute("value") != "gw.example.com":
        ctx.fail("back keeps input", "the server field lost its value")
    checked = [e.get_attribute("value") for e in ctx.driver.find_elements(By.CSS_SELECTOR, "input[name='device_types[]']:checked")]
    if checked != ["windows", "macos", "ios"]:
        ctx.fail("back keeps input", "device types after Back: %r" % checked)
    click(ctx, NEXT, "connection next")
    ctx.expect_path("/console/client-invitations/wizard/recipients")

    # Step 3: a group with a nested group; Bob is in both.
    ctx.driver.find_element(By.XPATH, "//label[contains(., 'Wiz staff')]/input").click()
    click(ctx, "#wizard-form button[value=refresh]", "show recipients")
    resolved = ctx.driver.find_element(By.ID, "resolved-recipients").text
    if [e for e in EMAILS if e in resolved] != EMAILS or resolved.count("wiz.bob@example.com") != 1:
        ctx.fail("recipients", "resolved list: %r" % resolved)
    click(ctx, NEXT, "recipients next")
    ctx.expect_path("/console/client-invitations/wizard/message")

    # Step 4: the missing-variable warning, an unknown variable, and the preview.
    template = ctx.driver.find_element(By.NAME, "template")
    text = template.get_attribute("value").replace("%MANUALINSTRUCTIONS%", "%FOO%")
    template.clear()
    template.send_keys(text)
    click(ctx, NEXT, "message next with %FOO%")
    ctx.check_page("unknown variable", allow_error_status=True)
    expect_text(ctx, "unknown variable %FOO%", "the unknown variable is named")
    template = ctx.driver.find_element(By.NAME, "template")
    template.clear()
    template.send_keys(text.replace("%FOO%", "(see the links above)"))
    Select(ctx.driver.find_element(By.NAME, "preview_user_id")).select_by_visible_text("<b>x</b> <wiz.bob@example.com>")
    click(ctx, "#wizard-form button[value=preview]", "preview")
    ctx.check_page("preview")
    expect_text(ctx, "Warning: template: %MANUALINSTRUCTIONS% is not used", "the missing-variable warning")
    frame = ctx.driver.find_element(By.ID, "message-preview")
    if frame.get_attribute("sandbox") is None:
        ctx.fail("preview", "the preview frame is not sandboxed")
    ctx.driver.switch_to.frame(frame)
    try:
        preview_text = ctx.driver.find_element(By.TAG_NAME, "body").text
        bold = ctx.driver.find_elements(By.TAG_NAME, "b")
    finally:
        ctx.driver.switch_to.default_content()
    if "<b>x</b>" not in preview_text or bold:
        ctx.fail("preview escaping", "the name is not shown as text: %r" % preview_text[:300])
    if "tuxclient:///?Command=LaunchApp&ConnMode=2&Server=gw.example.com&Port=443" not in preview_text:
        ctx.fail("preview", "no configuration link in the preview: %r" % preview_text[:600])
    # The warning does not block; put the manual steps back so the messages carry them.
    template = ctx.driver.find_element(By.NAME, "template")
    template.clear()
    template.send_keys(text.replace("%FOO%", "%MANUALINSTRUCTIONS%"))
    click(ctx, NEXT, "message next")
    ctx.expect_path("/console/client-invitations/wizard/summary")

    # Step 5: summary with counts per device type, then send and watch delivery.
    devices = ctx.driver.find_element(By.ID, "summary-devices").text
    for device in ("Windows 3", "macOS 3", "iOS 3"):
        if device not in devices:
            ctx.fail("summary", "%r not in %r" % (device, devices))
    click(ctx, "#wizard-send button", "send")
    ctx.expect_path(lambda p: p.startswith("/console/client-invitations/batches/"), "after send")
    deadline = time.monotonic() + 30
    while "Delivery finished." not in ctx.body_text():
        if time.monotonic() > deadline:
            ctx.fail("delivery", "not finished: %s" % ctx.body_text()[:400])
        time.sleep(1)
        ctx.driver.refresh()
    expect_text(ctx, "sent", "delivery counts")


def check_delivered_messages(ctx):
    link = "tuxclient:///?Command=LaunchApp&ConnMode=2&Server=gw.example.com&Port=443"
    for address in EMAILS:
        messages = mail_spool.messages_to(ctx.server.data_dir, address)
        if len(messages) != 1:
            ctx.fail("delivered", "%d messages to %s (expected exactly one)" % (len(messages), address))
        text = mail_spool.text_of(messages[0])
        html = messages[0].get_body(preferencelist=("html",)).get_content()
        if text.count(link) != 3 or len(re.findall(r'data-device="(windows|macos|ios)"', html)) != 3:
            ctx.fail("delivered", "%s: expected one link per device type: %s" % (address, text[:800]))
        if "Set the connection mode to Gateway SSL." not in text:
            ctx.fail("delivered", "%s: no manual steps" % address)


def invite_users_wizard(ctx, admin):
    sign_in(ctx, admin)
    build_directory(ctx)
    walk_the_wizard(ctx)
    check_delivered_messages(ctx)
