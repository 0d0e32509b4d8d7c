"""Generations: files replaced together behind one pointer; leftovers of killed builds cleaned."""
import os
import signal
import subprocess
import sys
import time

import pytest

from analysis.build import generations
from analysis.core import locks


def _writers(text):
    return {"a.csv": lambda p: p.write_text(f"a {text}"), "b.parquet": lambda p: p.write_text(f"b {text}")}


def _read(folder):
    cur = generations.current(folder)
    return {p.name: p.read_text() for p in cur.iterdir()}


def test_publish_switches_all_files_together_and_keeps_previous(tmp_path):
    assert generations.current(tmp_path) is None
    first = generations.publish(tmp_path, _writers(1))
    assert generations.current(tmp_path) == first and _read(tmp_path) == {"a.csv": "a 1", "b.parquet": "b 1"}
    second = generations.publish(tmp_path, _writers(2))
    third = generations.publish(tmp_path, _writers(3))
    assert _read(tmp_path) == {"a.csv": "a 3", "b.parquet": "b 3"}
    assert [g.name for g in generations.generations(tmp_path)] == [second.name, third.name]  # previous kept
    assert not first.exists()
    assert os.readlink(tmp_path / "current") == third.name  # relative: the folder can be moved


def test_failing_writer_changes_nothing(tmp_path):
    generations.publish(tmp_path, _writers("old"))

    def broken(p):
        p.write_text("half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        generations.publish(tmp_path, {"a.csv": lambda p: p.write_text("new"), "b.parquet": broken})
    assert _read(tmp_path) == {"a.csv": "a old", "b.parquet": "b old"}
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".gen-")) == []


def test_disk_error_names_the_file(tmp_path):
    def full(p):
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError) as exc:
        generations.publish(tmp_path, {"observations.parquet": full})
    assert exc.value.errno == 28 and exc.value.filename == str(tmp_path / "observations.parquet")


KILLED_BUILD = """
import sys, time
from pathlib import Path
from analysis.build import generations
def slow(p):
    p.write_text("new")
    print("writing", flush=True)
    time.sleep(60)
generations.publish(Path(sys.argv[1]), {"a.csv": lambda p: p.write_text("new"), "b.parquet": slow})
"""


def test_kill_9_mid_build_leaves_old_generation_and_is_cleaned(tmp_path):
    generations.publish(tmp_path, _writers("old"))
    (tmp_path / ".observations.csv.abc.tmp").write_bytes(b"")  # 0-byte leftover of the old layout
    proc = subprocess.Popen([sys.executable, "-c", KILLED_BUILD, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "writing"
        assert locks.is_held(tmp_path)  # a second build would wait
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert _read(tmp_path) == {"a.csv": "a old", "b.parquet": "b old"}  # a reader sees no mix
    assert any(p.name.startswith(".gen-") for p in tmp_path.iterdir())
    assert not locks.is_held(tmp_path)  # the lock died with the process
    generations.publish(tmp_path, _writers("next"))
    left = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".") and p.name != ".lock")
    assert left == [] and _read(tmp_path) == {"a.csv": "a next", "b.parquet": "b next"}


def test_second_writer_waits_or_refuses(tmp_path, capsys):
    with locks.hold(tmp_path):
        code = ("import sys; from pathlib import Path; from analysis.core import locks\n"
                "with locks.hold(Path(sys.argv[1]), wait=False): pass")
        res = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=60)
        assert res.returncode != 0 and "een andere run" in res.stderr and f"pid {os.getpid()}" in res.stderr
        waiter = subprocess.Popen([sys.executable, "-c", code.replace("wait=False", "wait=True"), str(tmp_path)],
                                  stderr=subprocess.PIPE, text=True)
        try:
            assert "wachten: een andere run" in waiter.stderr.readline()
            time.sleep(0.3)
            assert waiter.poll() is None
        except BaseException:
            waiter.kill()
            raise
    assert waiter.wait(timeout=20) == 0
