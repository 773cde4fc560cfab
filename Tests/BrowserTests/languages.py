"""Issue 7's flow: invitee pages in the invitation's language, with a working language switch."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

import mail_spool


def german_join_invitation(ctx, admin):
    ctx.driver.delete_all_cookies()
    ctx.visit("/signin")
    ctx.submit_form({"email": admin["email"], "password": admin["password"]})
    ctx.visit("/console/invitations")
    ctx.driver.find_element(By.CSS_SELECTOR, "details.panel summary").click()
    form = ctx.form_with("emails")
    Select(form.find_element(By.NAME, "language")).select_by_value("de")
    form.find_element(By.NAME, "emails").send_keys("gerda@example.com")
    ctx.click_submit(form)
    ctx.check_page("German invitation sent")

    message = mail_spool.messages_to(ctx.server.data_dir, "gerda@example.com")[-1]
    if "lädt Sie zu" not in str(message["Subject"]):
        ctx.fail("German email", "subject is %r" % str(message["Subject"]))
    ctx.driver.delete_all_cookies()
    ctx.driver.get(mail_spool.link_in(message, "/join/"))
    ctx.check_page("German join page")
    html_lang = ctx.driver.find_element(By.TAG_NAME, "html").get_attribute("lang")
    text = ctx.body_text()
    if html_lang != "de" or "Konto erstellen und beitreten" not in text:
        ctx.fail("German join page", "lang=%r, text starts %r" % (html_lang, text[:200]))
    # The switch offers every language and keeps the invitation.
    ctx.driver.find_element(By.CSS_SELECTOR, "nav.language-switch a[hreflang='ja']").click()
    ctx.check_page("Japanese join page")
    if "アカウントを作成して参加" not in ctx.body_text():
        ctx.fail("language switch", "the Japanese page is not in Japanese: %r" % ctx.body_text()[:200])
