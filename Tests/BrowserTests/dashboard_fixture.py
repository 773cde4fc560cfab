"""Seeds the running server's SQLite database for the dashboard test, and counts what the dashboard should show.

The rows go straight into the database beside the running server (WAL mode allows it): invitations of every
kind and status, outbox messages in every state, license keys at various usage. The counting functions are a
deliberately naive second implementation (load rows, count in Python) to check the server's GROUP BY queries.

Storage as Fluent writes it on SQLite: UUIDs as upper-case text, dates as seconds since 1970 (REAL).
"""
import os
import sqlite3
import time
import uuid

DAY = 86400.0
KINDS = ("join", "install", "client")


def connect(data_dir):
    db = sqlite3.connect(os.path.join(data_dir, "herald.sqlite"), timeout=30)
    db.execute("PRAGMA busy_timeout = 30000")
    return db


def new_id():
    return str(uuid.uuid4()).upper()


def organization_id(db, name):
    row = db.execute("SELECT id FROM organizations WHERE name = ?", (name,)).fetchone()
    if not row:
        raise AssertionError("no organization named %r" % name)
    return row[0]


def seed(data_dir, organization_name):
    """Adds the fixture to the organization; returns a description of what was added."""
    now = time.time()
    db = connect(data_dir)
    org = organization_id(db, organization_name)
    with db:
        added = seed_invitations(db, org, now)
        seed_license_keys(db, org, now)
        seed_batch(db, org, now)
    db.close()
    return added


def insert_invitation(db, org, kind, email, status, expires_at, now, sent_at=None, opened_at=None, accepted_at=None):
    invitation_id = new_id()
    db.execute(
        "INSERT INTO invitations (id, organization_id, kind, email, language, status, token_hash, expires_at, sent_at,"
        " opened_at, accepted_at, revoked_at, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (invitation_id, org, kind, email, "en", status, "fixture-" + invitation_id, expires_at, sent_at, opened_at,
         accepted_at, now if status == "revoked" else None, now, now))
    return invitation_id


def insert_message(db, org, status, now, invitation_id=None, batch_id=None, to="someone@example.com", last_error=None, settled_at=None):
    # Waiting messages are due in an hour, so the server's delivery worker leaves them alone during the test.
    next_attempt = now + 3600 if status in ("queued", "deferred") else now
    db.execute(
        "INSERT INTO outbox_messages (id, organization_id, invitation_id, batch_id, status, mail_from, recipients, message_id,"
        " subject, raw, attempts, next_attempt_at, lease_expires_at, leased_by, last_error, sent_at, created_at, updated_at)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (new_id(), org, invitation_id, batch_id, status, "herald@example.com", to, "<%s@fixture>" % new_id(),
         "Fixture message to " + to, b"Subject: fixture\r\n\r\nbody\r\n", 0 if status == "queued" else 1, next_attempt,
         now + 3600 if status == "sending" else None, "fixture-worker" if status == "sending" else None, last_error,
         now if status == "sent" else None, settled_at or now, settled_at or now))


# (status, expired, delivered, opened, outbox states, how many per kind unit)
SHAPES = [
    ("pending", False, True, False, ["sent"], 2),
    ("pending", False, True, True, ["sent"], 1),
    ("pending", True, True, False, ["sent"], 1),
    ("expired", True, True, False, ["sent"], 1),
    ("accepted", False, True, True, ["sent"], 3),
    ("revoked", False, True, False, ["sent"], 1),
    ("pending", False, False, False, ["failed"], 1),
    ("pending", False, False, False, ["queued"], 1),
    ("pending", False, False, False, ["failed", "deferred"], 1),
]
MULTIPLIER = {"join": 1, "install": 2, "client": 3}
SENT_DAYS_AGO = [0, 1, 3, 7, 12, 20, 29, 40]
REPLIES = ["550 5.1.1 <%s>: Recipient address rejected: User unknown", "552 5.2.2 mailbox full", "554 5.7.1 relay access denied"]


def seed_invitations(db, org, now):
    n = 0
    for kind in KINDS:
        for status, expired, delivered, opened, outbox, per_kind in SHAPES:
            for _ in range(per_kind * MULTIPLIER[kind]):
                n += 1
                email = "fixture-%s-%d@example.com" % (kind, n)
                sent_at = now - SENT_DAYS_AGO[n % len(SENT_DAYS_AGO)] * DAY - 120 if delivered else None
                invitation = insert_invitation(
                    db, org, kind, email, status, now - 3600 if expired else now + 7 * DAY, now, sent_at=sent_at,
                    opened_at=sent_at + 60 if opened else None, accepted_at=sent_at + 90 if status == "accepted" else None)
                for state in outbox:
                    error = REPLIES[n % len(REPLIES)] % email if "%s" in REPLIES[n % len(REPLIES)] else REPLIES[n % len(REPLIES)]
                    insert_message(db, org, state, now, invitation_id=invitation, to=email,
                                   last_error=error if state in ("failed", "deferred") else None)
    # A failure from two days ago: not "in the last 24 hours".
    insert_message(db, org, "failed", now, to="old-failure@example.com", last_error="550 old", settled_at=now - 2 * DAY)
    return n


# name, seats, active machines, deactivated machines, live invitations (unused codes)
KEYS = [
    ("Fixture Design Suite", 10, 3, 1, 2),
    ("Fixture CAD Pro", 5, 4, 0, 0),
    ("Fixture Office", 2, 2, 1, 1),
    ("Fixture Viewer", 20, 2, 0, 20),
]


def seed_license_keys(db, org, now):
    for name, seats, active, deactivated, invited in KEYS:
        key = new_id()
        db.execute("INSERT INTO license_keys (id, organization_id, name, product, seats, expires_at, secret_ciphertext, created_at, updated_at)"
                   " VALUES (?,?,?,?,?,?,?,?,?)", (key, org, name, name + " 2026", seats, None, "fixture", now, now))
        for i in range(active + deactivated):
            db.execute(
                "INSERT INTO installations (id, license_key_id, fingerprint, computer_name, operating_system, status,"
                " certificate_serial, activated_at, deactivated_at) VALUES (?,?,?,?,?,?,?,?,?)",
                (new_id(), key, "fp-" + new_id(), "PC-%d" % i, "Windows 11", "active" if i < active else "deactivated",
                 new_id(), now - DAY, None if i < active else now))
        # Live codes, plus one expired code and one used code that must not count as invited.
        for i, (code_status, expires, invitation_status) in enumerate(
                [("unused", now + DAY, "pending")] * invited + [("unused", now - 60, "pending"), ("used", now + DAY, "accepted")]):
            invitation = insert_invitation(db, org, "install", "seat-%s-%d@example.com" % (key[:8].lower(), i), invitation_status,
                                           expires, now)
            db.execute("INSERT INTO activation_codes (id, invitation_id, license_key_id, code_hash, status, expires_at, used_at, created_at)"
                       " VALUES (?,?,?,?,?,?,?,?)", (new_id(), invitation, key, "hash-" + new_id(), code_status, expires,
                                                     now if code_status == "used" else None, now))


def seed_batch(db, org, now):
    """A batch in progress: 3 sent, 1 failed, 2 being sent, 4 queued."""
    batch = new_id()
    for status, count in (("sent", 3), ("failed", 1), ("sending", 2), ("queued", 4)):
        for i in range(count):
            insert_message(db, org, status, now, batch_id=batch, to="batch-%s-%d@example.com" % (status, i),
                           last_error="552 5.2.2 mailbox full" if status == "failed" else None)
    return batch


# ------------------------------------------------------------------ expected figures, counted row by row
def expected(data_dir, organization_name, now=None):
    """What the dashboard must show for the organization, from the database as it is now."""
    now = now or time.time()
    db = connect(data_dir)
    org = organization_id(db, organization_name)
    invitations = db.execute("SELECT id, kind, status, expires_at, sent_at, opened_at, accepted_at FROM invitations"
                             " WHERE organization_id = ?", (org,)).fetchall()
    messages = db.execute("SELECT invitation_id, status, updated_at, organization_id FROM outbox_messages").fetchall()
    states_by_invitation = {}
    for invitation_id, status, _, _ in messages:
        states_by_invitation.setdefault(invitation_id, []).append(status)

    funnel = {kind: dict.fromkeys(("invited", "delivered", "failed", "bounced", "opened", "accepted", "pending", "expired", "revoked"), 0)
              for kind in KINDS}
    today = int(now // DAY)
    per_day = {today - i: [0, 0] for i in range(30)}
    for invitation_id, kind, status, expires_at, sent_at, opened_at, accepted_at in invitations:
        row = funnel.setdefault(kind, dict.fromkeys(funnel["join"], 0))
        states = states_by_invitation.get(invitation_id, [])
        row["invited"] += 1
        row["delivered"] += sent_at is not None
        row["failed"] += sent_at is None and "failed" in states and not any(s in ("queued", "sending", "deferred") for s in states)
        row["opened"] += opened_at is not None
        effective = "expired" if status == "pending" and now >= expires_at else status
        row[effective] += 1
        for index, moment in ((0, sent_at), (1, accepted_at)):
            if moment is not None and int(moment // DAY) in per_day:
                per_day[int(moment // DAY)][index] += 1

    ours = [m for m in messages if m[3] == org]
    delivery = {status: sum(1 for m in ours if m[1] == status) for status in ("queued", "sending", "deferred")}
    delivery["failed-24h"] = sum(1 for m in ours if m[1] == "failed" and m[2] >= now - DAY)

    seats = {}
    for key_id, name, count in db.execute("SELECT id, name, seats FROM license_keys WHERE organization_id = ?", (org,)).fetchall():
        used = db.execute("SELECT COUNT(*) FROM installations WHERE license_key_id = ? AND status = 'active'", (key_id,)).fetchone()[0]
        invited = 0
        for code_status, code_expires, invitation_status in db.execute(
                "SELECT c.status, c.expires_at, i.status FROM activation_codes c JOIN invitations i ON i.id = c.invitation_id"
                " WHERE c.license_key_id = ?", (key_id,)).fetchall():
            invited += code_status == "unused" and code_expires > now and invitation_status == "pending"
        seats[name] = {"used": used, "seats": count, "invited": invited, "free": max(0, count - used),
                       # highlighted: 80 % or more used, or more live invitations than free seats
                       "attention": used * 5 >= count * 4 or invited > max(0, count - used)}

    outbox = {status: sum(1 for m in messages if m[1] == status) for status in ("queued", "sending", "deferred", "failed")}
    db.close()
    days = {time.strftime("%Y-%m-%d", time.gmtime(day * DAY)): tuple(counts) for day, counts in per_day.items()}
    return {"funnel": funnel, "per_day": days, "delivery": delivery, "seats": seats, "outbox": outbox}
