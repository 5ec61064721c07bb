"""`picoagent schema`: the JSON Schema generated from the loader's tables accepts every
example and every documented snippet the loader accepts, and rejects structurally
broken files (which the loader rejects too)."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import textwrap

import jsonschema
import pytest

from picoagent.errors import TaskFileError
from picoagent.task import load_task
from picoagent.task.loader import ELEMENT_KINDS, SETTING_KEYS, STEP_KINDS, TOP_KEYS
from picoagent.task.schema import DIALECT, task_schema
from picoagent.task.yamlsrc import load_yaml_text
from tests.helpers import EXAMPLES, ROOT

SCHEMA = task_schema()
# 2020-12 is what it declares; draft 7 is what editors (yaml-language-server) apply
VALIDATORS = (jsonschema.Draft202012Validator(SCHEMA),
              jsonschema.Draft7Validator({**SCHEMA, "$schema":
                                          "http://json-schema.org/draft-07/schema#"}))


def schema_errors(text: str) -> list[str]:
    data = load_yaml_text(text, "t.yaml")
    out = []
    for v in VALIDATORS:
        out += [f"{type(v).__name__}: {e.message}" for e in v.iter_errors(data)]
    return out


def test_is_a_valid_draft_2020_12_schema_built_from_the_loader_tables():
    assert SCHEMA["$schema"] == DIALECT == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert set(SCHEMA["properties"]) == set(TOP_KEYS)
    assert set(SCHEMA["$defs"]["step"]["properties"]) >= set(STEP_KINDS)
    assert set(SCHEMA["$defs"]["settings"]["properties"]) == set(SETTING_KEYS)
    kinds = [b for b in SCHEMA["$defs"]["locator"]["anyOf"] if b.get("type") == "object"]
    assert kinds[0]["properties"]["kind"]["enum"] == list(ELEMENT_KINDS)


def test_cli_prints_it():
    r = subprocess.run([sys.executable, "-m", "picoagent.cli", "schema"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == SCHEMA


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_every_example_validates(path):
    text = path.read_text()
    load_task(path)                                       # the loader agrees
    assert schema_errors(text) == []
    # with the editor's modeline first, as docs/authoring.md shows
    assert schema_errors("# yaml-language-server: $schema=picoagent.schema.json\n"
                         + text) == []


def _doc_snippets():
    doc = "".join((ROOT / "docs" / f).read_text() for f in ("task-format.md", "authoring.md"))
    for block in re.findall(r"```yaml\n(.*?)```", doc, re.S):
        data = load_yaml_text(block, "doc")
        if isinstance(data, list):                         # a list of steps
            block = "steps:\n" + textwrap.indent(block, "  ")
        elif not (isinstance(data, dict) and "steps" in data):
            continue                                       # a fragment of something else
        yield block


def test_every_documented_task_the_loader_accepts_validates(tmp_path):
    """The schema is never stricter than the loader on the documented forms."""
    shutil.copytree(EXAMPLES / "images", tmp_path / "images")
    checked = 0
    for text in _doc_snippets():
        for inc in re.findall(r"(?:include:|file:)\s*([\w/.-]+\.yaml)", text):
            (tmp_path / inc).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / inc).write_text("steps: [{log: included}]\n")
        refs = set(re.findall(r"\$\{\s*([A-Za-z_]\w*)\s*\}", text))
        load_task(tmp_path / "t.yaml", {r: "x" for r in refs}, text=text,
                  env={"HOME": "/home/pi", "KIOSK_TOKEN": "t"})
        assert schema_errors(text) == [], text
        checked += 1
    assert checked >= 25


BROKEN = {
    "unknown step": "steps:\n  - clik: OK\n",
    "unknown top-level key": "stepz: []\nsteps:\n  - click: OK\n",
    "unknown locator key": "steps:\n  - click: {text: OK, colour: red}\n",
    "unknown setting": "settings: {timout: 2s}\nsteps:\n  - click: OK\n",
    "unknown step argument": "steps:\n  - scroll: {direction: up, speed: 2}\n",
    "unknown element kind": "steps:\n  - click: {kind: knob}\n",
    "unknown key name": "steps:\n  - press: ctrl+shfit+s\n",
    "wrong type: sleep list": "steps:\n  - sleep: [1, 2]\n",
    "wrong type: duration text": "steps:\n  - sleep: soon\n",
    "wrong type: negative duration": "steps:\n  - sleep: -1s\n",
    "wrong type: optional": "steps:\n  - click: OK\n    optional: maybe\n",
    "wrong type: region": "settings: {region: [0, 0, 10]}\nsteps:\n  - click: OK\n",
    "wrong type: min_score": "settings: {min_score: 2}\nsteps:\n  - click: OK\n",
    "wrong type: type text": "steps:\n  - type: {text: true}\n",
    "wrong type: scroll direction": "steps:\n  - scroll: {direction: sideways}\n",
    "wrong type: vars": "vars: [a, b]\nsteps:\n  - click: OK\n",
    "wrong type: screenshot name": "steps:\n  - screenshot: shot.jpg\n",
    "not a mapping: file is a list": "- click: OK\n",
    "not a mapping: file is text": "click OK\n",
    "not a mapping: step is text": "steps:\n  - click\n",
    "empty steps": "steps: []\n",
    "empty on_failure": "on_failure: []\nsteps:\n  - click: OK\n",
    "empty then": "steps:\n  - if: {visible: OK}\n    then: []\n",
    "missing steps": "name: nothing\n",
    "two steps in one item": "steps:\n  - click: OK\n    expect: Done\n",
    "no step in an item": "steps:\n  - label: just a label\n",
    "then without if": "steps:\n  - click: OK\n    then: [{click: Yes}]\n",
    "if without then": "steps:\n  - if: {visible: OK}\n",
    "locator with nothing to find": "steps:\n  - click: {index: 1}\n",
    "locator with text and regex": "steps:\n  - click: {text: OK, regex: O.}\n",
    "condition with two kinds": "steps:\n  - if: {visible: A, var: x, equals: y}\n"
                                "    then: [{click: OK}]\n",
    "repeat until without max": "steps:\n  - repeat: {until: {visible: OK}, "
                                "steps: [{click: Next}]}\n",
    "read with at and region": "steps:\n  - read: {at: A, region: [0, 0, 9, 9], into: v}\n",
    "check without comparison": "steps:\n  - check: {value: a}\n",
    "clear without into": "steps:\n  - type: {text: a, clear: true}\n",
    "drag without to": "steps:\n  - drag: {from: A}\n",
    "bad variable name": "vars: {1x: a}\nsteps:\n  - log: hi\n",
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_files_are_rejected_by_the_schema_and_the_loader(name, tmp_path):
    text = BROKEN[name]
    for v in VALIDATORS:
        assert list(v.iter_errors(load_yaml_text(text, "t.yaml"))), \
            f"{type(v).__name__} accepted {name}"
    with pytest.raises(TaskFileError):
        load_task(tmp_path / "t.yaml", text=text)


def test_the_runtime_does_not_need_jsonschema():
    code = ("import sys; sys.modules['jsonschema'] = None\n"
            "from picoagent.task.schema import task_schema; import picoagent.cli\n"
            "assert task_schema()['type'] == 'object'")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr
