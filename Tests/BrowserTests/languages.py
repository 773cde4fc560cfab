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


def japanese_activation_page(ctx, admin):
    """An install invitation in Japanese: the email and the download/activation page are in Japanese."""
    ctx.driver.delete_all_cookies()
    ctx.visit("/signin")
    ctx.submit_form({"email": admin["email"], "password": admin["password"]})
    ctx.visit("/console/licenses")
    ctx.submit_form({"name": "Japan key", "product": "Herald Pro", "seats": "3"}, form=ctx.driver.find_element(By.ID, "create-license"))
    ctx.check_page("Japan key")
    ctx.driver.find_element(By.LINK_TEXT, "Invite users to install").click()
    form = ctx.driver.find_element(By.ID, "install-invite")
    Select(form.find_element(By.NAME, "language")).select_by_value("ja")
    form.find_element(By.NAME, "recipients").send_keys("yuki@example.com")
    ctx.click_submit(form)
    ctx.check_page("install review")
    ctx.click_submit(ctx.driver.find_element(By.ID, "send-invitations"))
    ctx.check_page("install invitations sent")

    message = mail_spool.messages_to(ctx.server.data_dir, "yuki@example.com")[-1]
    ctx.driver.delete_all_cookies()
    ctx.driver.get(mail_spool.link_in(message, "/install/"))
    ctx.check_page("Japanese activation page")
    html_lang = ctx.driver.find_element(By.TAG_NAME, "html").get_attribute("lang")
    text = ctx.body_text()
    if html_lang != "ja" or "インストール" not in text or "アクティベーションコード" not in text:
        ctx.fail("Japanese activation page", "lang=%r, text starts %r" % (html_lang, text[:300]))
