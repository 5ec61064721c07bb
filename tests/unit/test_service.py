"""`picoagent service install/remove/run`: units for the graphical session, checked
by the real `systemd-analyze --user verify`, installed into a temporary
XDG_CONFIG_HOME (a stand-in `systemctl` on PATH records what would be enabled),
report folders rotated."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from picoagent.cli import main
from picoagent.service import rotate
from tests.helpers import ROOT

TASK = "name: kiosk\nsettings: {max_runtime: 2m}\nsteps:\n  - log: hello\n"


@pytest.fixture
def home(tmp_path):
    """A temporary HOME / XDG_CONFIG_HOME / XDG_STATE_HOME and a recording systemctl."""
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    log = tmp_path / "systemctl.log"
    (bin_ / "systemctl").write_text(f'#!/bin/sh\necho "$@" >> {log}\n')
    (bin_ / "systemctl").chmod(0o755)
    task = tmp_path / "my kiosk" / "kiosk.yaml"        # a space: quoting is exercised
    task.parent.mkdir()
    task.write_text(TASK)
    env = {"HOME": str(tmp_path / "home"), "XDG_CONFIG_HOME": str(tmp_path / "cfg"),
           "XDG_STATE_HOME": str(tmp_path / "state"), "DISPLAY": ":7",
           "XAUTHORITY": str(tmp_path / "xauth"), "WAYLAND_DISPLAY": None,
           "PATH": f"{bin_}{os.pathsep}{os.environ['PATH']}"}
    return {"tmp": tmp_path, "env": env, "task": task, "log": log,
            "units": tmp_path / "cfg" / "systemd" / "user"}


def cli(home, *args, env=None):
    r = CliRunner().invoke(main, list(args), env={**home["env"], **(env or {})})
    return r


def verify(home, *files: Path) -> subprocess.CompletedProcess:
    """`systemd-analyze --user verify` with a private runtime dir (it needs one)."""
    rt = home["tmp"] / "rt"
    rt.mkdir(mode=0o700, exist_ok=True)
    env = {**os.environ, **{k: v for k, v in home["env"].items() if v is not None},
           "XDG_RUNTIME_DIR": str(rt)}
    return subprocess.run(["systemd-analyze", "--user", "verify", *map(str, files)],
                          capture_output=True, text=True, env=env, timeout=30)


needs_analyze = pytest.mark.skipif(shutil.which("systemd-analyze") is None,
                                   reason="systemd-analyze is not installed (apt: systemd)")


@needs_analyze
def test_install_every_writes_verified_units_and_enables_the_timer(home):
    r = cli(home, "service", "install", str(home["task"]), "--every", "10m", "--keep", "5")
    assert r.exit_code == 0, r.output
    svc, timer = home["units"] / "picoagent-kiosk.service", home["units"] / "picoagent-kiosk.timer"
    assert svc.is_file() and timer.is_file()
    assert home["log"].read_text().splitlines() == [
        "--user daemon-reload", "--user enable --now picoagent-kiosk.timer"]
    s = svc.read_text()
    exe = Path(sys.executable).parent / "picoagent"
    assert f'ExecStart={exe} service run "{home["task"]}" --reports ' \
           f'{home["tmp"] / "state" / "picoagent" / "kiosk"} --keep 5' in s
    for line in ("After=graphical-session.target", "PartOf=graphical-session.target",
                 'Environment="DISPLAY=:7"', f'Environment="XAUTHORITY={home["tmp"]}/xauth"',
                 f"WorkingDirectory={home['task'].parent}", "Type=oneshot",
                 "TimeoutStartSec=180"):
        assert line in s.splitlines(), line
    t = timer.read_text()
    assert "OnUnitInactiveSec=10min" in t and "Unit=picoagent-kiosk.service" in t
    assert "WantedBy=graphical-session.target" in t
    v = verify(home, svc, timer)
    assert v.returncode == 0 and v.stdout + v.stderr == "", v.stderr


@needs_analyze
def test_at_boot_on_wayland_and_print_installs_nothing(home):
    r = cli(home, "service", "install", str(home["task"]), "--at-boot", "--print",
            "--name", "front desk", env={"WAYLAND_DISPLAY": "wayland-1", "DISPLAY": None})
    assert r.exit_code == 0, r.output
    assert not home["units"].exists() and not home["log"].exists()
    assert r.output.startswith(f"# {home['units'] / 'picoagent-front-desk.service'}\n")
    text = r.output.split("\n", 1)[1]
    assert 'Environment="WAYLAND_DISPLAY=wayland-1"' in text
    assert 'Environment="XDG_RUNTIME_DIR=%t"' in text and "DISPLAY=" not in \
        text.replace("WAYLAND_DISPLAY=", "")
    assert "Restart=on-failure" in text and "WantedBy=graphical-session.target" in text
    f = home["tmp"] / "picoagent-front-desk.service"
    f.write_text(text)
    v = verify(home, f)
    assert v.returncode == 0 and v.stdout + v.stderr == "", v.stderr
    # and a broken unit is not silently accepted by the same check
    f.write_text(text.replace("Type=oneshot", "Type=sometimes"))
    assert "Failed to parse service type" in verify(home, f).stderr


def test_remove_disables_and_deletes(home):
    assert cli(home, "service", "install", str(home["task"]), "--at-boot").exit_code == 0
    assert (home["units"] / "picoagent-kiosk.service").is_file()
    home["log"].unlink()
    r = cli(home, "service", "remove", str(home["task"]))
    assert r.exit_code == 0, r.output
    assert list(home["units"].iterdir()) == []
    assert home["log"].read_text().splitlines() == [
        "--user disable --now picoagent-kiosk.service", "--user daemon-reload"]
    r = cli(home, "service", "remove", "kiosk")
    assert r.exit_code == 2 and "no units named picoagent-kiosk" in r.output


@pytest.mark.parametrize("args, env, code, msg", [
    (["--every", "10m", "--at-boot"], {}, 2, "exactly one of --every"),
    ([], {}, 2, "exactly one of --every"),
    (["--every", "20s"], {}, 2, "at least 1m"),
    (["--every", "soon"], {}, 2, "--every"),
    (["--every", "1h"], {"DISPLAY": None}, 3, "neither WAYLAND_DISPLAY nor DISPLAY"),
])
def test_install_refuses_bad_usage(home, args, env, code, msg):
    r = cli(home, "service", "install", str(home["task"]), *args, env=env)
    assert r.exit_code == code and msg in r.output, r.output
    assert not home["units"].exists()


def test_install_refuses_an_invalid_task(home):
    home["task"].write_text("steps:\n  - clik: OK\n")
    r = cli(home, "service", "install", str(home["task"]), "--every", "1h")
    assert r.exit_code == 2 and "unknown step 'clik'" in r.output


def test_failed_systemctl_is_an_environment_problem(home):
    (home["tmp"] / "bin" / "systemctl").write_text(
        "#!/bin/sh\necho 'Failed to connect to bus: No medium found' >&2\nexit 1\n")
    r = cli(home, "service", "install", str(home["task"]), "--every", "1h")
    assert r.exit_code == 3
    assert "units written, but `systemctl --user daemon-reload` failed: Failed to connect" \
        in r.output


def test_rotate_keeps_the_last_n_and_only_run_folders(tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "19990101-000000.txt").write_text("x")
    made = [rotate(tmp_path, 3, now=1_700_000_000 + i * 60) for i in range(5)]
    left = sorted(p.name for p in tmp_path.iterdir())
    assert [p.name for p in made[-3:]] == [n for n in left if n[0] == "2"]
    assert "notes" in left and "19990101-000000.txt" in left
    again = rotate(tmp_path, 3, now=1_700_000_000 + 4 * 60)      # same second: -2
    assert again.name.endswith("-2") and len([n for n in os.listdir(tmp_path)
                                              if n[0] == "2"]) == 3


def test_service_run_runs_into_rotated_report_folders(home, xdisplay):
    reports = home["tmp"] / "reports"
    for _ in range(3):
        r = cli(home, "service", "run", str(home["task"]), "--reports", str(reports),
                "--keep", "2", env={"DISPLAY": xdisplay, "XAUTHORITY": None})
        assert r.exit_code == 0, r.output
        assert "passed: 1 steps" in r.output
    runs = sorted(reports.iterdir())
    assert len(runs) == 2 and all((d / "run.jsonl").is_file() for d in runs)


def test_docs_describe_the_service_commands():
    doc = (ROOT / "docs" / "operations.md").read_text()
    for word in ("picoagent service install", "--every", "--at-boot", "--print",
                 "picoagent service remove", "systemd-analyze"):
        assert word in doc, word
