"""Reading what the server's file transport delivered: HERALD_DATA_DIR/outbox/*.eml."""
import email
import email.policy
import glob
import os
import re
import subprocess
import time


def messages_to(data_dir, address, timeout=20):
    """All delivered messages to `address` (parsed), waiting for at least one."""
    deadline = time.time() + timeout
    while True:
        found = []
        for path in glob.glob(os.path.join(data_dir, "outbox", "*.eml")):
            with open(path, "rb") as f:
                message = email.message_from_binary_file(f, policy=email.policy.default)
            if address in str(message["To"]):
                found.append(message)
        if found or time.time() > deadline:
            return sorted(found, key=lambda m: email.utils.parsedate_to_datetime(m["Date"]))
        time.sleep(0.3)


def text_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def link_in(message, path_prefix):
    """The first URL in the text part whose path starts with path_prefix (e.g. '/join/')."""
    match = re.search(r"https?://[^\s]+" + re.escape(path_prefix) + r"[A-Za-z0-9_-]+", text_of(message))
    if not match:
        raise AssertionError("no %s link in %r" % (path_prefix, message["Subject"]))
    return match.group(0)


def wait_for_new_message(data_dir, address, count_before, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = messages_to(data_dir, address, timeout=0)
        if len(found) > count_before:
            return found[-1]
        time.sleep(0.3)
    raise AssertionError("no new message to %s within %ss" % (address, timeout))


def herald_cli(binary, data_dir, args, stdin=None):
    """Runs the herald CLI on the server's own data folder, as an operator would while it serves."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HERALD_") and k != "DATABASE_URL"}
    env["HERALD_DATA_DIR"] = data_dir
    result = subprocess.run([binary] + args, input=stdin, capture_output=True, text=True, env=env, timeout=60)
    if result.returncode != 0:
        raise AssertionError("herald %s failed: %s" % (" ".join(args), result.stderr.strip()))
    return result.stdout
