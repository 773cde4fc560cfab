"""Throwaway certificate authorities for the TLS listeners: a self-signed CA and a server certificate it issued."""
import subprocess

from .processes import StartFailed, log, print_log_tail

SERVER_EXTENSIONS = """basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName={san}
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid,issuer
"""


def make_ca_and_server_certificate(directory, logfile, subject_alt_name, ca_name="Herald Test CA", checks=()):
    """Writes ca.pem/ca.key and server.pem/server.key (CN localhost) into DIRECTORY; each of CHECKS is extra
    `openssl verify` arguments the server certificate must pass (e.g. ["-verify_hostname", "localhost"])."""
    directory.mkdir(parents=True)
    (directory / "server.ext").write_text(SERVER_EXTENSIONS.format(san=subject_alt_name))
    steps = [
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "30", "-keyout", "ca.key",
         "-out", "ca.pem", "-subj", f"/CN={ca_name}", "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
        ["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-sha256", "-keyout", "server.key", "-out", "server.csr",
         "-subj", "/CN=localhost"],
        ["openssl", "x509", "-req", "-sha256", "-days", "30", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
         "-CAcreateserial", "-extfile", "server.ext", "-out", "server.pem"],
    ] + [["openssl", "verify", "-CAfile", "ca.pem", *check, "server.pem"] for check in checks]
    with open(logfile, "ab") as output:
        for step in steps:
            if subprocess.run(step, cwd=directory, stdin=subprocess.DEVNULL, stdout=output,
                              stderr=subprocess.STDOUT).returncode != 0:
                log(f"creating certificates in {directory} failed")
                print_log_tail(logfile)
                raise StartFailed("certificates")
