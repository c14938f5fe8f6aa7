"""`opsdesk demo` owns its children: SIGTERM, Ctrl+C (SIGINT) or SIGHUP stops the worker and gunicorn (its workers
included), and no process it started survives it.

Each test runs a small Python program in a subprocess (signals must reach a real process), finds the processes it
started through /proc, signals it, and checks that every one of them is gone.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process tree from /proc")

SLEEPER = [sys.executable, "-c", "import time; time.sleep(600)"]
# A shell that ignores SIGTERM and starts a grandchild that ignores it too (ignored signals survive exec).
STUBBORN = ["sh", "-c", "trap '' TERM; sleep 600 & wait"]

CHILDREN_PROGRAM = """
import json, sys
from opsdesk.cli import ChildProcesses

commands = json.loads(sys.argv[1])
with ChildProcesses(timeout=float(sys.argv[2]), poll_interval=0.05) as children:
    for name, command in commands.items():
        children.start(name, command)
    print("started", flush=True)
    sys.exit(children.wait())
"""

# `opsdesk demo` itself, with the database work and the worker replaced (no migrations, no demo data): the server
# is the real gunicorn command serving the real WSGI application with two workers.
DEMO_PROGRAM = """
import sys
import opsdesk.cli as cli
import opsdesk.core.demo as demo

cli._setup_django = cli._migrate = lambda: None
demo.demo_exists = lambda: True
demo.demo_logins = lambda: []
cli._worker_command = lambda: [sys.executable, "-c", "import time; time.sleep(600)"]
sys.exit(cli.main(["demo", "--port", sys.argv[1], "--workers", "2"]))
"""


def _parents() -> dict[int, int]:
    """pid -> parent pid of every live (not zombie) process."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # gone meanwhile
            continue
        state, parent = stat.rsplit(")", 1)[1].split()[:2]
        if state not in {"Z", "X"}:
            parents[int(entry.name)] = int(parent)
    return parents


def _descendants(pid: int) -> set[int]:
    parents = _parents()
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pids: set[int]) -> set[int]:
    return pids & set(_parents())


def _wait_for_descendants(process: subprocess.Popen, count: int, seconds: float = 60) -> set[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the program exited early: {process.communicate()}"
        found = _descendants(process.pid)
        if len(found) >= count:
            return found
        time.sleep(0.1)
    raise AssertionError(f"expected {count} descendants of {process.pid}, found {sorted(_descendants(process.pid))}")


def _wait_gone(pids: set[int], seconds: float = 5) -> set[int]:
    deadline = time.monotonic() + seconds
    while _alive(pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return _alive(pids)


def _kill(pids: set[int]) -> None:
    """Clean up after a failed test."""
    for pid in _alive(pids):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _run_children(commands: dict[str, list[str]], timeout: float) -> subprocess.Popen:
    import json

    return subprocess.Popen(
        [sys.executable, "-c", CHILDREN_PROGRAM, json.dumps(commands), str(timeout)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP], ids=lambda s: s.name)
def test_a_stop_signal_stops_every_child_and_exits_0(signum):
    # given: two well-behaved children
    program = _run_children({"worker": SLEEPER, "server": SLEEPER}, timeout=30)
    children = _wait_for_descendants(program, 2)
    try:
        # when
        started = time.monotonic()
        program.send_signal(signum)
        status = program.wait(timeout=20)
        seconds = time.monotonic() - started
        # then: stopped by SIGTERM well before the 30 s timeout would have called for SIGKILL
        assert status == 0
        assert seconds < 10
        assert _wait_gone(children) == set()
        assert f"opsdesk: {signum.name}, stopping the worker and server." in program.stderr.read()
    finally:
        _kill(children | {program.pid})


def test_children_ignoring_sigterm_are_killed_after_the_timeout_with_their_own_children():
    # given: the server ignores SIGTERM and has a child of its own that ignores it as well
    program = _run_children({"worker": SLEEPER, "server": STUBBORN}, timeout=1)
    processes = _wait_for_descendants(program, 3)
    try:
        # when
        program.send_signal(signal.SIGTERM)
        status = program.wait(timeout=20)
        # then
        assert status == 0
        assert _wait_gone(processes) == set()
    finally:
        _kill(processes | {program.pid})


def test_a_second_signal_kills_at_once():
    # given: a stubborn child and a timeout far beyond the test's patience
    program = _run_children({"server": STUBBORN}, timeout=300)
    processes = _wait_for_descendants(program, 2)
    try:
        # when
        program.send_signal(signal.SIGINT)
        time.sleep(0.5)
        program.send_signal(signal.SIGINT)
        status = program.wait(timeout=20)
        # then
        assert status == 0
        assert _wait_gone(processes) == set()
    finally:
        _kill(processes | {program.pid})


def test_a_child_that_exits_stops_the_others_and_gives_its_status():
    # given: the server fails after a moment (a port in use, say)
    program = _run_children({"worker": SLEEPER, "server": ["sh", "-c", "sleep 1; exit 3"]}, timeout=30)
    processes = _wait_for_descendants(program, 2)
    try:
        # when
        status = program.wait(timeout=20)
        # then
        assert status == 3
        assert _wait_gone(processes) == set()
        assert "opsdesk: the server stopped; stopping the rest." in program.stderr.read()
    finally:
        _kill(processes | {program.pid})


def test_children_are_terminated_when_the_command_itself_is_killed():
    # given
    program = _run_children({"worker": SLEEPER, "server": SLEEPER}, timeout=30)
    children = _wait_for_descendants(program, 2)
    try:
        # when: SIGKILL cannot be handled; Linux sends the children SIGTERM (PR_SET_PDEATHSIG)
        program.kill()
        program.wait(timeout=20)
        # then
        assert _wait_gone(children) == set()
    finally:
        _kill(children)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_sigterm_to_opsdesk_demo_stops_the_worker_and_gunicorn_with_its_workers(tmp_path):
    # given: `opsdesk demo` serving with gunicorn (master + 2 workers) and a worker process
    env = {**os.environ, "OPSDESK_VAR_DIR": str(tmp_path / "var"), "PYTHONUNBUFFERED": "1"}
    program = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(DEMO_PROGRAM), str(_free_port())],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    processes = _wait_for_descendants(program, 4, seconds=120)
    try:
        # when
        program.send_signal(signal.SIGTERM)
        status = program.wait(timeout=30)
        # then
        assert status == 0
        assert _wait_gone(processes) == set()
        assert "opsdesk: SIGTERM, stopping the worker and server." in program.stderr.read()
    finally:
        _kill(processes | {program.pid})
