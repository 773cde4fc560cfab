"""Issue 8's check: with seeded data, the dashboard's figures equal the database's counts, its SVG is valid XML,
and /metrics parses with prometheus_client's text parser. Screenshots in light and dark are kept as artifacts."""
import json
import re
import urllib.request
import xml.etree.ElementTree as ElementTree

from prometheus_client.parser import text_string_to_metric_families
from selenium.webdriver.common.by import By

import dashboard_fixture


def fetch(ctx, path, headers=None):
    """GET with the browser's cookies (or the given headers): status, content type, body text."""
    cookies = "; ".join("%s=%s" % (c["name"], c["value"]) for c in ctx.driver.get_cookies())
    request = urllib.request.Request(ctx.url(path), headers=dict({"Cookie": cookies}, **(headers or {})))
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.headers.get("Content-Type", ""), response.read().decode("utf-8")


def fetch_headers(ctx, path):
    cookies = "; ".join("%s=%s" % (c["name"], c["value"]) for c in ctx.driver.get_cookies())
    with urllib.request.urlopen(urllib.request.Request(ctx.url(path), headers={"Cookie": cookies}), timeout=30) as response:
        return response.headers


def number(text):
    match = re.match(r"\s*(\d+)", text)
    if not match:
        raise AssertionError("not a number: %r" % text)
    return int(match.group(1))


def shown_figures(ctx):
    """Every figure the dashboard shows, read from the page in the browser."""
    d = ctx.driver
    funnel = {}
    for cell in d.find_elements(By.CSS_SELECTOR, "#funnel-table td[data-kind]"):
        funnel.setdefault(cell.get_attribute("data-kind"), {})[cell.get_attribute("data-stage")] = number(cell.get_attribute("textContent"))
    per_day = {}
    for row in d.find_elements(By.CSS_SELECTOR, "#per-day-table tr[data-date]"):
        cells = {c.get_attribute("data-series"): number(c.get_attribute("textContent")) for c in row.find_elements(By.CSS_SELECTOR, "td[data-series]")}
        per_day[row.get_attribute("data-date")] = (cells["sent"], cells["accepted"])
    seats = {}
    for row in d.find_elements(By.CSS_SELECTOR, "#seats-table tr[data-key]"):
        figure = {c.get_attribute("data-figure"): c.get_attribute("textContent") for c in row.find_elements(By.CSS_SELECTOR, "td[data-figure]")}
        used, of = re.match(r"(\d+) of (\d+)", figure["used"]).groups()
        seats[row.get_attribute("data-key")] = {"used": int(used), "seats": int(of), "invited": number(figure["invited"]),
                                                "free": number(figure["free"]), "attention": "attention" in (row.get_attribute("class") or "")}
    delivery = {e.get_attribute("data-figure"): number(e.text) for e in d.find_elements(By.CSS_SELECTOR, "#delivery [data-figure]")}
    return {"funnel": funnel, "per_day": per_day, "seats": seats, "delivery": delivery}


def compare(ctx, label, shown, expected):
    if shown != expected:
        ctx.fail("dashboard " + label, "shown %r but the database says %r" % (shown, expected))


def screenshots(ctx):
    """The whole page, light then dark (prefers-color-scheme emulated through the DevTools protocol)."""
    d = ctx.driver
    original = d.get_window_size()
    d.set_window_size(1280, min(6000, d.execute_script("return document.documentElement.scrollHeight") + 100))
    try:
        for scheme in ("light", "dark"):
            d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
            print("  screenshot (%s): %s" % (scheme, ctx.screenshot("dashboard-" + scheme)))
    finally:
        d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
        d.set_window_size(original["width"], original["height"])


def dashboard_matches_the_database(ctx, admin):
    data_dir = ctx.server.data_dir
    added = dashboard_fixture.seed(data_dir, admin["organization"])
    print("  seeded %d invitations, %d license keys and a batch" % (added, len(dashboard_fixture.KEYS)))
    ctx.driver.delete_all_cookies()
    ctx.visit("/signin")
    ctx.submit_form({"email": admin["email"], "password": admin["password"]})
    # Messages are queued, so /console reloads itself every 5 s, which can replace the page while it is read:
    # read the figures with reloading turned off.
    ctx.visit("/console?refresh=off")
    shown = shown_figures(ctx)
    expected = dashboard_fixture.expected(data_dir, admin["organization"])

    compare(ctx, "funnel", shown["funnel"], expected["funnel"])
    compare(ctx, "per day", shown["per_day"], expected["per_day"])
    compare(ctx, "delivery", {k: shown["delivery"][k] for k in expected["delivery"]}, expected["delivery"])
    compare(ctx, "seats", shown["seats"], expected["seats"])
    flagged = sorted(name for name, row in shown["seats"].items() if row["attention"])
    if not {"Fixture CAD Pro", "Fixture Office", "Fixture Viewer"} <= set(flagged) or "Fixture Design Suite" in flagged:
        ctx.fail("dashboard", "highlighted keys: %r" % flagged)
    if sum(shown["funnel"]["client"].values()) == 0 or shown["delivery"]["queued"] == 0:
        ctx.fail("dashboard", "the fixture did not show up: %r" % shown)
    print("  figures match the database: %s" % json.dumps(shown["funnel"]))

    # Messages are queued, so the page reloads itself to show progress (the Refresh header, no JavaScript), and
    # says so with a link that stops it.
    if fetch_headers(ctx, "/console").get("Refresh") != "5" or not ctx.driver.find_elements(By.CSS_SELECTOR, "#auto-refresh a"):
        ctx.fail("dashboard", "no self-refresh (with a way to stop it) while messages are queued")
    if not ctx.driver.find_elements(By.CSS_SELECTOR, "#batches-table progress"):
        ctx.fail("dashboard", "the batch in progress is not shown")
    screenshots(ctx)

    # The SVG exactly as the server sent it (not the browser's re-serialisation) must be well-formed XML.
    status, _, html = fetch(ctx, "/console")
    svgs = re.findall(r"<svg\b.*?</svg>", html, re.S)
    if len(svgs) != 3 + 1 + len(expected["seats"]):
        ctx.fail("dashboard SVG", "expected %d charts, found %d" % (3 + 1 + len(expected["seats"]), len(svgs)))
    for svg in svgs:
        try:
            root = ElementTree.fromstring(svg)
        except ElementTree.ParseError as e:
            ctx.fail("dashboard SVG", "not well-formed XML (%s): %s" % (e, svg[:200]))
        if root.find("{http://www.w3.org/2000/svg}title") is None:
            ctx.fail("dashboard SVG", "a chart without a <title> text alternative: %s" % svg[:200])
    print("  %d SVG charts parse as XML" % len(svgs))

    check_stats_api(ctx, expected)
    check_metrics(ctx, expected)


def check_stats_api(ctx, expected):
    ctx.visit("/console/api-tokens")
    ctx.submit_form({"name": "dashboard-monitoring"})
    token = ctx.driver.find_element(By.ID, "new-token").text.strip()
    status, content_type, body = fetch(ctx, "/api/v1/stats", headers={"Authorization": "Bearer " + token, "Cookie": ""})
    stats = json.loads(body)
    by_kind = {row["kind"]: {k: v for k, v in row.items() if k != "kind"} for row in stats["invitations"]}
    compare(ctx, "/api/v1/stats invitations", by_kind, expected["funnel"])
    compare(ctx, "/api/v1/stats seats", {k["name"]: k["used"] for k in stats["licenseKeys"]},
            {name: row["used"] for name, row in expected["seats"].items()})
    print("  /api/v1/stats agrees")


def check_metrics(ctx, expected):
    status, content_type, body = fetch(ctx, "/metrics", headers={"Cookie": ""})
    if not content_type.startswith("text/plain"):
        ctx.fail("/metrics", "content type %r" % content_type)
    try:
        families = {family.name: family for family in text_string_to_metric_families(body)}
    except Exception as e:  # noqa: BLE001 - any parser error fails the check
        ctx.fail("/metrics", "prometheus_client cannot parse it: %s\n%s" % (e, body[:500]))
    for name in ("herald_outbox_messages", "herald_outbox_oldest_due_age_seconds", "http_request_duration_seconds", "http_requests"):
        if name not in families:
            ctx.fail("/metrics", "no %s family (have %s)" % (name, sorted(families)))
    queued = [s.value for s in families["herald_outbox_messages"].samples if s.labels.get("status") == "queued"]
    if queued != [expected["outbox"]["queued"]]:
        ctx.fail("/metrics", "herald_outbox_messages{status=queued} is %r, the database has %d" % (queued, expected["outbox"]["queued"]))
    if families["http_request_duration_seconds"].type != "histogram":
        ctx.fail("/metrics", "http_request_duration_seconds is a %s" % families["http_request_duration_seconds"].type)
    print("  /metrics parses: %d families" % len(families))
