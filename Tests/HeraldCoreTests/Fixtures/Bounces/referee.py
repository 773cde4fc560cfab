"""Second opinion on which addresses a bounce names: GNU Mailman's flufl.bounce (PyPI), run over the corpus.

Prints {file name: {"hard": [...], "soft": [...]}} as JSON: flufl.bounce's permanent failures are Herald's hard
bounces, its temporary failures Herald's soft ones.
"""
import email
import json
import sys
from email import policy

from flufl.bounce import all_failures

out = {}
for path in sys.argv[1:]:
    with open(path, 'rb') as f:
        msg = email.message_from_binary_file(f, policy=policy.compat32)
    temporary, permanent = all_failures(msg)
    out[path.rsplit('/', 1)[-1]] = {
        "hard": sorted(a.decode('ascii') for a in permanent),
        "soft": sorted(a.decode('ascii') for a in temporary),
    }
print(json.dumps(out))
