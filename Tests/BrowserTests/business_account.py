"""Issue 4's flow: invite two people, both join from the delivered emails, then manage them."""
from selenium.webdriver.common.by import By

import mail_spool

BOB = {"email": "bob.existing@example.com", "password": "Bobs-Password-9", "organization": "Bob's Own Org"}
NEW = {"email": "nia.new@example.com", "name": "Nia New", "password": "Sturdy-Pass-77"}


def sign_in(ctx, email, password):
    ctx.driver.delete_all_cookies()
    ctx.visit("/signin")
    ctx.submit_form({"email": email, "password": password})
    ctx.check_page("signed in as %s" % email)


def member_row(ctx, email):
    rows = ctx.driver.find_elements(By.CSS_SELECTOR, "tr[data-email='%s']" % email)
    if not rows:
        ctx.fail("members", "%s is not in the members list" % email)
    return rows[0]


def member_action(ctx, email, action, note=None):
    ctx.visit("/console/members")
    row = member_row(ctx, email)
    links = row.find_elements(By.CSS_SELECTOR, "a[href$='/%s']" % action)
    if links:
        # A destructive action leads to its confirmation step, which names the member; its form does the POST.
        ctx.click_submit_button(links[0])
        ctx.check_page("confirm %s %s" % (action, email))
        if email not in ctx.driver.find_element(By.TAG_NAME, "h1").text:
            ctx.fail("confirm %s" % action, "the step does not name %s" % email)
        ctx.click_submit(ctx.driver.find_element(By.CSS_SELECTOR, "form.confirm-actions"))
        ctx.check_page("after %s %s" % (action, email))
        return
    button = row.find_element(By.CSS_SELECTOR, "button[value='%s']" % action)
    form = button.find_element(By.XPATH, "./ancestor::form")
    if note is not None:
        field = form.find_element(By.NAME, "note")
        field.clear()
        field.send_keys(note)
    ctx.click_submit_button(button)
    ctx.check_page("after %s %s" % (action, email))


def invite_two_people_and_manage_them(ctx, admin):
    server = ctx.server
    # Bob already has a Herald account (another organization), created by the CLI beside the running server.
    mail_spool.herald_cli(server.binary, server.data_dir,
                          ["admin", "create", "--email", BOB["email"], "--organization", BOB["organization"], "--password-stdin"],
                          stdin=BOB["password"] + "\n")

    sign_in(ctx, admin["email"], admin["password"])
    ctx.visit("/console/invitations")
    ctx.driver.find_element(By.CSS_SELECTOR, "details.panel summary").click()
    ctx.submit_form({"emails": "%s\n%s" % (BOB["email"], NEW["email"]), "message": "Welcome to the team"})
    ctx.check_page("invitation results")
    cells = ctx.driver.find_elements(By.CSS_SELECTOR, "#invite-results td[class^='outcome-']")
    outcomes = [(td.get_attribute("class"), td.text) for td in cells]
    if outcomes != [("outcome-invited", "Invited")] * 2:
        ctx.fail("invitation results", "expected two rows labelled 'Invited', got %r" % outcomes)

    # Both join from the links in the delivered messages.
    new_link = mail_spool.link_in(mail_spool.messages_to(server.data_dir, NEW["email"])[-1], "/join/")
    bob_link = mail_spool.link_in(mail_spool.messages_to(server.data_dir, BOB["email"])[-1], "/join/")
    ctx.driver.delete_all_cookies()
    ctx.driver.get(new_link)
    ctx.check_page("join page (new person)")
    if "Welcome to the team" not in ctx.body_text():
        ctx.fail("join page (new person)", "the personal message is missing")
    ctx.submit_form({"name": NEW["name"], "password": NEW["password"], "password_confirmation": NEW["password"]})
    ctx.check_page("after joining (new person)")
    ctx.expect_path("/console/welcome", "after joining (new person)")
    if "Welcome to" not in ctx.driver.find_element(By.TAG_NAME, "h1").text:
        ctx.fail("welcome page", "no welcome heading: %r" % ctx.driver.find_element(By.TAG_NAME, "h1").text)

    ctx.driver.delete_all_cookies()
    ctx.driver.get(bob_link)
    ctx.check_page("join page (existing account)")
    ctx.submit_form({"password": BOB["password"]}, form=ctx.driver.find_element(By.XPATH, "//form[.//input[@name='mode' and @value='signin']]"))
    ctx.check_page("after joining (existing account)")
    ctx.expect_path("/console/welcome", "after joining (existing account)")

    # The administrator manages them.
    sign_in(ctx, admin["email"], admin["password"])
    member_action(ctx, BOB["email"], "promote", note="Leads the IT team")
    if "Account Administrator" not in member_row(ctx, BOB["email"]).find_element(By.CSS_SELECTOR, ".role").text:
        ctx.fail("promote", "Bob is not shown as Account Administrator")
    count_before = len(mail_spool.messages_to(server.data_dir, NEW["email"], timeout=0))
    member_action(ctx, NEW["email"], "block")
    if member_row(ctx, NEW["email"]).find_element(By.CSS_SELECTOR, ".status").text != "blocked":
        ctx.fail("block", "the member is not shown as blocked")
    notice = mail_spool.wait_for_new_message(server.data_dir, NEW["email"], count_before)
    if "blocked" not in str(notice["Subject"]):
        ctx.fail("block", "the block notice has subject %r" % str(notice["Subject"]))
    member_action(ctx, NEW["email"], "unblock")

    # License administrator rights over one key of two; the member then sees only that key.
    for name in ("Granted key", "Other key"):
        ctx.visit("/console/licenses")
        ctx.submit_form({"name": name, "product": "Herald Pro", "seats": "5"}, form=ctx.driver.find_element(By.ID, "create-license"))
        ctx.check_page("created %s" % name)
    ctx.visit("/console/members")
    grants = member_row(ctx, NEW["email"]).find_element(By.CSS_SELECTOR, "form.license-grants")
    grants.find_element(By.XPATH, ".//label[contains(., 'Granted key')]/input").click()
    ctx.click_submit_button(grants.find_element(By.CSS_SELECTOR, "button[value='grant']"))
    ctx.check_page("after granting license rights")
    sign_in(ctx, NEW["email"], NEW["password"])
    ctx.visit("/console/licenses")
    licenses = ctx.body_text()
    if "Granted key" not in licenses or "Other key" in licenses:
        ctx.fail("license administrator", "expected to see only 'Granted key': %r" % licenses[:300])

    sign_in(ctx, admin["email"], admin["password"])
    member_action(ctx, NEW["email"], "remove")
    ctx.visit("/console/members")
    if ctx.driver.find_elements(By.CSS_SELECTOR, "tr[data-email='%s']" % NEW["email"]):
        ctx.fail("remove", "the removed member is still listed")

    ctx.visit("/console/audit")
    audit = ctx.body_text()
    actions = {td.get_attribute("data-action") for td in ctx.driver.find_elements(By.CSS_SELECTOR, "td[data-action]")}
    for expected in ["invitation.join.sent", "invitation.join.accepted", "member.joined", "member.promote",
                     "member.block", "member.unblock", "member.license_keys_granted", "member.remove"]:
        if expected not in actions:
            ctx.fail("audit log", "%r is missing from the audit log's actions %r" % (expected, sorted(actions)))
    # The page shows each action by its label, never the code, with the details given.
    for expected in ["Join invitation sent", "Member made administrator", "Member removed",
                     "note: Leads the IT team", "keys: Granted key"]:
        if expected not in audit:
            ctx.fail("audit log", "%r is missing from the audit log's text" % expected)
    if "member.promote" in audit:
        ctx.fail("audit log", "an action is shown by its code instead of its label")
