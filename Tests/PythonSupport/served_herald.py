"""A built `herald serve` for the Python test steps (Tests/APIFuzz, Tests/SCIMCompliance): a free loopback port, a
fresh SQLite data folder, the `herald` command line on the same configuration, and everything removed afterwards.

    with served_herald("herald-fuzz-") as herald:
        herald.cli("admin", "create", ...)
        herald.start()
        ... herald.base ...
"""
import contextlib, os, pathlib, shutil, socket, subprocess, sys, tempfile, time, urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[2]
HERALD = ROOT / ".build" / "debug" / "herald"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServedHerald:
    def __init__(self, prefix):
        if not HERALD.exists():
            sys.exit(f"{HERALD} is missing: run `swift build --build-tests` first")
        self.folder = tempfile.mkdtemp(prefix=prefix)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = dict(os.environ, HERALD_DATA_DIR=self.folder, HERALD_SECRET_KEY="f" * 40, LOG_LEVEL="error",
                        HERALD_PUBLIC_URL=self.base, HERALD_MAIL_TRANSPORT="file")
        self.server = None

    def cli(self, *argv, stdin=None):
        """Runs `herald ARGV...` on this instance's database; its standard output."""
        return subprocess.run([str(HERALD), *argv], env=self.env, input=stdin, capture_output=True, text=True, check=True).stdout

    def start(self):
        log = open(os.path.join(self.folder, "serve.log"), "w")
        self.server = subprocess.Popen([str(HERALD), "serve", "--hostname", "127.0.0.1", "--port", str(self.port)],
                                       env=self.env, stdout=log, stderr=log)
        for _ in range(300):
            try:
                urllib.request.urlopen(self.base + "/healthz", timeout=2)
                return
            except Exception:
                time.sleep(0.1)
        sys.exit("herald serve did not answer /healthz")

    def log_tail(self, characters=4000):
        return open(os.path.join(self.folder, "serve.log")).read()[-characters:]

    def stop(self):
        if self.server:
            self.server.terminate()
            self.server.wait(timeout=20)
        shutil.rmtree(self.folder, ignore_errors=True)


@contextlib.contextmanager
def served_herald(prefix):
    herald = ServedHerald(prefix)
    try:
        yield herald
    finally:
        herald.stop()
