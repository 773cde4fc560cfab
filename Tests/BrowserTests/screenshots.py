#!/usr/bin/env python3
"""Screenshots of every console and invitee page at 1280 and 390 px, light and dark, to look at.

    python3 Tests/BrowserTests/screenshots.py OUTDIR [--binary .build/debug/herald]

Starts a fresh server like run.py, fills it through the browser flows (members, a directory and the Invite Users
wizard, license keys and install invitations, the dashboard's fixture), then saves OUTDIR/NN-page-WIDTH-SCHEME.png
(whole pages, not only the window) for each console page found from the navigation and each invitee page.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pages  # noqa: E402
import run  # noqa: E402

OUTDIR = None


def save_screenshots(ctx):
    """Every page found, at both widths and in both schemes."""
    invitee = pages.invitee_pages(ctx, run.ADMIN)
    console = [(path, path) for path in pages.console_pages(ctx)]
    targets = console + [(label, path) for label, path in invitee]
    os.makedirs(OUTDIR, exist_ok=True)
    count = 0
    for number, (label, path) in enumerate(targets, 1):
        if number == len(console) + 1:
            ctx.driver.delete_all_cookies()  # invitees are not signed in
        name = "%02d-%s" % (number, re.sub(r"[^A-Za-z0-9]+", "-", label).strip("-")[:60] or "console")
        for size in (pages.DESKTOP, pages.PHONE):
            for scheme in ("light", "dark"):
                pages.set_width(ctx.driver, size)
                pages.set_color_scheme(ctx.driver, scheme)
                ctx.visit(path, check=False)
                png = os.path.join(OUTDIR, "%s-%d-%s.png" % (name, size["width"], scheme))
                with open(png, "wb") as f:
                    f.write(pages.full_page_png(ctx.driver))
                count += 1
        pages.reset_view(ctx.driver)
        print("  %s" % name, flush=True)
    print("  %d screenshots in %s" % (count, OUTDIR))


FLOWS = [run.first_run_setup, run.business_account_invitations, run.invite_users_wizard,
         run.license_install_invitations, run.dashboard_shows_the_database, save_screenshots]

if __name__ == "__main__":
    args = sys.argv[1:]
    if not args or args[0].startswith("-"):
        sys.exit("usage: screenshots.py OUTDIR [run.py options]")
    OUTDIR = os.path.abspath(args[0])
    sys.exit(run.main(args[1:], all_flows=FLOWS, description="Herald screenshots"))
