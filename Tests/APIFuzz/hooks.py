"""Schemathesis checks beyond "no 5xx": every error Herald returns is JSON naming the problem."""
import schemathesis


@schemathesis.check
def error_is_json_with_reason(ctx, response, case):
    if response.status_code < 400:
        return None
    try:
        body = response.json()
    except Exception:
        raise AssertionError(f"{response.status_code} without a JSON body: {response.text[:200]!r}")
    reason = body.get("reason") if isinstance(body, dict) else None
    if not isinstance(reason, str) or not reason.strip():
        raise AssertionError(f"{response.status_code} JSON error without a reason: {body!r}")
    return None
