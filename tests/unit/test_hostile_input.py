"""Hostile and broken task files: the loader raises TaskFileError and nothing else;
variables are data; paths stay inside the task's folder; secrets stay secret."""
from __future__ import annotations

import string

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from picoagent.devices import ImageScreen, RecordingInput
from picoagent.errors import TaskFileError
from picoagent.task import STEP_KINDS, load_task
from picoagent.task.loader import LOCATOR_KEYS, SETTING_KEYS, TOP_KEYS

KEYS = list(TOP_KEYS + STEP_KINDS + LOCATOR_KEYS + SETTING_KEYS) + ["then", "else", "x"]
scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**6),
                    st.floats(allow_nan=True, allow_infinity=True),
                    st.text(alphabet=string.printable + "${}·ＯＫ", max_size=12),
                    st.sampled_from(["${x}", "$${", "${env.HOME}", "10s", "-1s", "@t", "("]))
trees = st.recursive(scalars, lambda kids: st.one_of(
    st.lists(kids, max_size=4),
    st.dictionaries(st.sampled_from(KEYS), kids, max_size=4)), max_leaves=25)


def _only_task_errors(tmp_path, text):
    try:
        load_task(tmp_path / "fuzz.yaml", text=text, env={"HOME": "/root"})
    except TaskFileError as e:
        assert e.file and str(e).startswith(e.file)
        return e
    return None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=string.printable + "·ＯＫ\u2028", max_size=200))
def test_random_text_only_raises_task_file_errors(tmp_path, text):
    e = _only_task_errors(tmp_path, text)
    if e is not None and e.line is not None:
        assert 1 <= e.line <= text.count("\n") + text.count("\r") + text.count("\u2028") + 2


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(list(TOP_KEYS) + ["steps"] * 3), trees, max_size=5))
def test_random_structures_only_raise_task_file_errors_with_lines(tmp_path, tree):
    text = yaml.safe_dump(tree, allow_unicode=True)
    e = _only_task_errors(tmp_path, text)
    if e is not None:
        assert e.line is not None, str(e)


def test_variables_are_data_never_code(tmp_path):
    v = 'a; touch pwned $(touch pwned2) `touch pwned3` ${x}'
    p = tmp_path / "t.yaml"
    p.write_text('vars: {v: "x"}\nsteps:\n  - launch: {cmd: [touch, "${v}"], wait: true}\n'
                 '  - launch: {cmd: "touch \'${v}\'", wait: true}\n')
    from picoagent.agent import Runner
    from picoagent.vision import Vision
    res = Runner(load_task(p, {"v": v}), screen=ImageScreen(_png(tmp_path)),
                 input=RecordingInput(), vision=Vision()).run()
    assert res.ok, res.failure
    assert (tmp_path / v).exists()                    # one file, named literally
    for bad in ("pwned", "pwned2", "pwned3"):
        assert not (tmp_path / bad).exists()


def test_interpolation_never_evaluates(tmp_path):
    from picoagent.task.interpolate import interpolate
    assert interpolate("${a}", {"a": "${b}"}, {}) == "${b}"        # no second pass
    assert interpolate("${a}", {"a": "{{7*7}} __import__('os')"}, {}) == \
        "{{7*7}} __import__('os')"


def test_include_and_image_paths_stay_inside_the_task_folder(tmp_path):
    outside = tmp_path / "outside.yaml"
    outside.write_text("steps:\n  - log: hi\n")
    (tmp_path / "icon.png").write_bytes(_png_bytes())
    task_dir = tmp_path / "tasks"
    task_dir.mkdir()
    t = task_dir / "t.yaml"
    t.write_text("steps:\n  - include: ../outside.yaml\n")
    try:
        load_task(t)
        raise AssertionError("include outside the folder was accepted")
    except TaskFileError as e:
        assert e.line == 2 and "outside the task's folder" in str(e)
    assert load_task(t, allow_outside=True).steps[0].kind == "include"
    t.write_text("steps:\n  - click: {image: ../icon.png}\n")
    try:
        load_task(t)
        raise AssertionError("image outside the folder was accepted")
    except TaskFileError as e:
        assert e.key == "image"
    (task_dir / "sub").mkdir()
    (task_dir / "sub" / "ok.yaml").write_text("steps:\n  - log: fine\n")
    t.write_text("steps:\n  - include: sub/ok.yaml\n")
    assert load_task(t).steps[0].kind == "include"


def test_secret_variables_and_env_never_appear(tmp_path):
    import json

    from picoagent.agent import Report, Runner
    from picoagent.vision import Vision
    p = tmp_path / "t.yaml"
    p.write_text("vars: {pin: '4711'}\nsecrets: [pin, env.KIOSK_TOKEN]\nsteps:\n"
                 "  - type: '${pin}'\n  - type: {text: '${env.KIOSK_TOKEN}'}\n"
                 "  - log: 'pin ${pin} token ${env.KIOSK_TOKEN}'\n"
                 "  - set: {copy: 'x${pin}x'}\n  - log: '${copy}'\n")
    env = {"KIOSK_TOKEN": "s3cr3t-token"}
    lines = []
    task = load_task(p, env=env)
    inp = RecordingInput()
    res = Runner(task, screen=ImageScreen(_png(tmp_path)), input=inp, vision=Vision(),
                 env=env, report=Report(tmp_path / "rep"),
                 on_step=lambda r: lines.append(json.dumps(r.to_record()))).run()
    assert res.ok
    assert ("type", "4711") in inp.actions and ("type", "s3cr3t-token") in inp.actions
    text = "\n".join(lines) + (tmp_path / "rep" / "run.jsonl").read_text()
    assert "4711" not in text and "s3cr3t" not in text
    assert not list((tmp_path / "rep").glob("step-*-type.png"))   # no images of typing


def _png_bytes() -> bytes:
    import io

    from PIL import Image
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), "white").save(buf, "PNG")
    return buf.getvalue()


def _png(tmp_path):
    f = tmp_path / "blank.png"
    f.write_bytes(_png_bytes())
    return f
