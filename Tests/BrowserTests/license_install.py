"""Issue 5's flow: invite three people to a key with two seats, download the CSV, activate through the API with the
exported codes, see the third refused for lack of seats, deactivate one machine, and activate the third."""
import csv
import io
import json
import urllib.error
import urllib.request

from selenium.webdriver.common.by import By


def sign_in(ctx, email, password):
    ctx.driver.delete_all_cookies()
    ctx.visit("/signin")
    ctx.submit_form({"email": email, "password": password})
    ctx.check_page("signed in as %s" % email)


def get_with_cookies(ctx, path):
    cookies = "; ".join("%s=%s" % (c["name"], c["value"]) for c in ctx.driver.get_cookies())
    req = urllib.request.Request(ctx.url(path), headers={"Cookie": cookies})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return resp.status, resp.headers, resp.read().decode("utf-8-sig")


def activate(ctx, code, fingerprint, computer):
    body = json.dumps({"code": code, "fingerprint": fingerprint, "computerName": computer,
                       "operatingSystem": "Browser Test OS 1.0", "macAddress": "02:00:00:00:00:0%d" % len(computer)})
    req = urllib.request.Request(ctx.url("/api/v1/activations"), data=body.encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def invite_three_to_two_seats_and_activate(ctx, admin):
    sign_in(ctx, admin["email"], admin["password"])
    # A key with two seats.
    ctx.visit("/console/licenses")
    ctx.submit_form({"name": "Browser key", "product": "Herald Pro", "seats": "2"},
                    form=ctx.driver.find_element(By.ID, "create-license"))
    ctx.check_page("after adding a key")
    key_path = ctx.path()
    if not key_path.startswith("/console/licenses/"):
        ctx.fail("add key", "expected the key's page, got %s" % key_path)
    # Invite three people.
    ctx.driver.find_element(By.LINK_TEXT, "Invite users to install").click()
    ctx.check_page("invite form")
    ctx.submit_form({"recipients": "ann@example.com\nben@example.com\ncarl@example.com"},
                    form=ctx.driver.find_element(By.ID, "install-invite"))
    ctx.check_page("review")
    if not ctx.driver.find_elements(By.ID, "seat-warning"):
        ctx.fail("review", "no warning that three invitations exceed two free seats")
    ctx.click_submit(ctx.driver.find_element(By.ID, "send-invitations"))
    ctx.check_page("invitations sent")
    link = ctx.driver.find_element(By.ID, "download-invitations").get_attribute("href")
    status, headers, text = get_with_cookies(ctx, link)
    if status != 200 or "csv" not in headers.get("Content-Type", ""):
        ctx.fail("download invitations", "status %s, type %s" % (status, headers.get("Content-Type")))
    rows = list(csv.DictReader(io.StringIO(text)))
    if len(rows) != 3 or any(not r["activation_code"] or not r["download_url"] for r in rows):
        ctx.fail("download invitations", "expected 3 rows with codes and links, got %r" % rows)
    print("  exported %d invitations" % len(rows))
    # The download page shows the code.
    ctx.driver.get(rows[0]["download_url"])
    ctx.check_page("download page")
    if rows[0]["activation_code"] not in ctx.body_text():
        ctx.fail("download page", "the activation code is not shown")
    # Two seats, three machines.
    results = [activate(ctx, r["activation_code"], "browser-fp-%d" % i, "PC-%d" % i) for i, r in enumerate(rows)]
    if [s for s, _ in results] != [201, 201, 422]:
        ctx.fail("activation", "expected 201, 201, 422; got %r" % [(s, b.get("reason")) for s, b in results])
    print("  third refused: %s" % results[2][1].get("reason"))
    # Deactivate the first machine in the console, then the third activates.
    ctx.visit(key_path)
    row = ctx.driver.find_element(By.CSS_SELECTOR, "tr[data-computer='PC-0']")
    # Deactivate leads to its confirmation step, which names the computer; its form does the POST.
    ctx.click_submit_button(row.find_element(By.CSS_SELECTOR, "a[href$='/deactivate']"))
    ctx.check_page("deactivate confirmation")
    if "PC-0" not in ctx.driver.find_element(By.TAG_NAME, "h1").text:
        ctx.fail("deactivate confirmation", "the step does not name the computer: %r" % ctx.driver.find_element(By.TAG_NAME, "h1").text)
    ctx.click_submit(ctx.driver.find_element(By.CSS_SELECTOR, "form.confirm-actions"))
    ctx.check_page("after deactivate")
    if "1 of 2 in use" not in ctx.driver.find_element(By.ID, "seat-use").text:
        ctx.fail("after deactivate", "seat use is %r" % ctx.driver.find_element(By.ID, "seat-use").text)
    status, body = activate(ctx, rows[2]["activation_code"], "browser-fp-2", "PC-2")
    if status != 201:
        ctx.fail("third activation", "expected 201 after a seat was freed, got %s %r" % (status, body))
    ctx.visit(key_path)
    if "2 of 2 in use" not in ctx.driver.find_element(By.ID, "seat-use").text:
        ctx.fail("final", "seat use is %r" % ctx.driver.find_element(By.ID, "seat-use").text)
    status, _, revoked = get_with_cookies(ctx, results[0][1]["revocationListURL"])
    if results[0][1]["certificateSerial"] not in revoked:
        ctx.fail("revocation list", "the deactivated machine's certificate is not listed")
