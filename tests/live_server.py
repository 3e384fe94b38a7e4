"""`vetted serve --demo` in a subprocess on a free loopback port with its own data folder: the real server the
end-to-end API test and the browser tests drive. Its output is followed to read the demo users' passwords."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

VETTED = Path(sys.executable).parent / "vetted"
PASSWORD_LINE = re.compile(r"^\s+(procurement|legal|senior_legal|finance|admin)\s+(\S+)\s+(\S+)\s*$")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """This environment without any VETTED_* setting of the developer's, pointed at ``data_dir``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VETTED_")}
    env.update(VETTED_DATA_DIR=str(data_dir), HF_HUB_OFFLINE="1", **extra)
    return env


@dataclass
class LiveServer:
    """A running `vetted serve --demo`: its address, its output, and the demo users' printed passwords."""

    url: str
    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)
    passwords: dict[str, str] = field(default_factory=dict)

    def output(self) -> str:
        return "\n".join(self.lines[-80:])

    def follow(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            if found := PASSWORD_LINE.match(line):
                self.passwords[found.group(2)] = found.group(3)

    def wait_until_up(self, seconds: float = 180) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"vetted serve exited:\n{self.output()}"
            try:
                if httpx.get(f"{self.url}/api/health", timeout=2).status_code == 200 and len(self.passwords) == 6:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.3)
        raise AssertionError(f"vetted serve did not answer in {seconds:.0f}s:\n{self.output()}")

    def login(self, client: httpx.Client, username: str) -> dict[str, str]:
        """Bearer headers for a demo user, through the OAuth2 password flow."""
        response = client.post(f"{self.url}/api/auth/token",
                               data={"username": username, "password": self.passwords[username]})
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


@contextlib.contextmanager
def demo_server(data_dir: Path, **settings: str) -> Iterator[LiveServer]:
    """`vetted serve --demo` on a free port with ``data_dir`` and extra VETTED_* ``settings``, up and signed in
    users known; stopped (Ctrl-C, as a user would) on exit."""
    port = free_port()
    process = subprocess.Popen([str(VETTED), "serve", "--demo", "--port", str(port)], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, cwd=data_dir, env=server_env(data_dir, **settings))
    server = LiveServer(f"http://127.0.0.1:{port}", process)
    threading.Thread(target=server.follow, daemon=True).start()
    try:
        server.wait_until_up()
        yield server
    finally:
        server.stop()
