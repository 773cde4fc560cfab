"""Issue 16's standard: no WCAG 2.1 A/AA violation (axe-core) on any page, light and dark; console pages fit a phone.

axe-core comes from PyPI's axe-selenium-python (scripts/install-test-deps installs it); it is injected into each
page and run with the WCAG 2.0/2.1 A and AA rules only.
"""
import os

from selenium.webdriver.common.by import By

import pages

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_script():
    from axe_selenium_python import axe
    with open(axe._DEFAULT_SCRIPT, encoding="utf-8") as f:
        return f.read()


def axe_violations(driver, script):
    """axe-core's violations on the page as it is now: ['rule: summary (selector, ...)', ...]."""
    driver.execute_script(script)
    driver.set_script_timeout(60)
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: %r}, resultTypes: ['violations']})"
        ".then(r => done(r.violations), e => done([{id: 'axe-error', help: String(e), nodes: []}]));" % WCAG_TAGS)
    found = []
    for v in result:
        targets = [", ".join(n.get("target", [])) for n in v.get("nodes", [])][:4]
        detail = v["nodes"][0].get("failureSummary", "").replace("\n", " ") if v.get("nodes") else ""
        found.append("%s: %s [%s] %s" % (v["id"], v.get("help", ""), "; ".join(targets), detail[:200]))
    return found


def skip_link_first(driver):
    """The first Tab stop is a link to the main content, and it moves focus there."""
    # Called on a freshly loaded page, so Tab starts at the top of the document.
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys
    ActionChains(driver).send_keys(Keys.TAB).perform()
    first = driver.switch_to.active_element
    href = first.get_attribute("href") or ""
    if first.tag_name != "a" or "#" not in href:
        return "first Tab stop is <%s> %r, not a skip link" % (first.tag_name, first.text[:40])
    target = href.split("#", 1)[1]
    if not driver.find_elements(By.CSS_SELECTOR, "main#%s" % target):
        return "the skip link points to #%s, which is not the <main>" % target
    if not first.is_displayed() or first.size["height"] == 0:
        return "the skip link is not visible when focused"
    return None


def layout_problems(driver, size):
    """At this window width the page must not scroll sideways, and no date in a table may break over lines."""
    pages.set_width(driver, size)
    try:
        problems = []
        over, culprits = pages.horizontal_overflow(driver, size["width"])
        if over:
            problems.append("at %d px the page is %d px too wide: %s" % (size["width"], over, ", ".join(culprits)))
        wrapped = pages.wrapped_dates(driver)
        if wrapped:
            problems.append("dates wrap in table cells at %d px: %s" % (size["width"], ", ".join(wrapped)))
        return problems
    finally:
        pages.reset_view(driver)


def audit_page(ctx, label, path, script, phone_check, load=True):
    """axe in light and dark; the skip link; at 1280 and 390 px the page must not scroll sideways nor wrap a date."""
    driver = ctx.driver
    problems = []
    if load:
        ctx.visit(path, check=False)
    ctx.check_page(label, allow_error_status=True)
    if driver.find_elements(By.CSS_SELECTOR, "main"):
        problem = skip_link_first(driver)
        if problem:
            problems.append(problem)
    for scheme in ("light", "dark"):
        pages.set_color_scheme(driver, scheme)
        problems += ["%s: %s" % (scheme, v) for v in axe_violations(driver, script)]
    pages.set_color_scheme(driver, "light")
    problems += layout_problems(driver, pages.DESKTOP)
    if phone_check:
        problems += layout_problems(driver, pages.PHONE)
        # The phone layout has its own ways to fail (tables that scroll need keyboard access).
        pages.set_width(driver, pages.PHONE)
        try:
            problems += ["390 px: %s" % v for v in axe_violations(driver, script)]
        finally:
            pages.reset_view(driver)
    return problems


def audit_setup_form(ctx):
    """Called by first_run_setup on the setup page before it is submitted (the only time it exists)."""
    ctx.state["setup page problems"] = audit_page(ctx, "setup form", None, axe_script(), phone_check=True, load=False)
    ctx.driver.refresh()  # the skip-link check pressed Tab; start the form from a fresh page


def every_page(ctx, admin):
    script = axe_script()
    failures = []

    def check(label, path, phone_check, load=True):
        problems = audit_page(ctx, label, path, script, phone_check, load)
        print("  %s %s%s" % ("FAIL" if problems else "ok", label, "".join("\n      " + p for p in problems)), flush=True)
        if problems:
            ctx.screenshot(label)
            failures.append(label)

    # Creating the invitee pages' invitations first also gives the console a license key, an install batch and
    # a pending invitation to link to.
    invitee = pages.invitee_pages(ctx, admin)
    console = pages.console_pages(ctx)
    print("  %d console pages found from the navigation" % len(console), flush=True)
    for path in console:
        check(path, path, phone_check=True)
    ctx.driver.delete_all_cookies()
    for label, path in invitee:
        # Invitee pages must fit a phone too (they do today; keep it so).
        check(label, path, phone_check=True)
    # The setup form exists only before the first administrator: first_run_setup audited it on its way.
    if ctx.state.get("setup page problems"):
        print("  FAIL setup form%s" % "".join("\n      " + p for p in ctx.state["setup page problems"]), flush=True)
        failures.append("setup form")
    join = dict(invitee)["join"]
    if pages.refused_join_form(ctx, join):
        check("join refused (passwords differ)", join, phone_check=True, load=False)
    # A Regular Member's console: the page after joining, then what the member's navigation offers.
    if pages.join_as_new_member(ctx, join):
        check("after joining (%s)" % ctx.path(), ctx.path(), phone_check=True, load=False)
        for path in pages.console_pages(ctx):
            check("member " + path, path, phone_check=True)
    if failures:
        raise AssertionError("%d pages fail the accessibility/phone checks: %s" % (len(failures), ", ".join(failures)))
