"""Every step kind and every CLI command is documented, with an example."""
from __future__ import annotations

import re

import click

from picoagent.cli import main
from picoagent.task import STEP_KINDS
from tests.helpers import ROOT

TASK_DOC = (ROOT / "docs" / "task-format.md").read_text()
CLI_DOC = (ROOT / "docs" / "cli.md").read_text()


def test_every_step_kind_has_a_section_with_an_example():
    for kind in STEP_KINDS:
        m = re.search(rf"^### `{kind}`\n(.*?)(?=^### |\Z)", TASK_DOC, re.S | re.M)
        assert m, f"docs/task-format.md has no section for `{kind}`"
        assert "```yaml" in m.group(1), f"the `{kind}` section has no YAML example"
        assert f"{kind}:" in m.group(1), f"the `{kind}` example does not use `{kind}:`"


def test_every_cli_command_is_documented_with_an_example_in_its_help():
    for name, cmd in main.commands.items():
        assert f"## picoagent {name}" in CLI_DOC, f"docs/cli.md lacks `picoagent {name}`"
        ctx = click.Context(cmd, info_name=name)
        assert "picoagent " + name in cmd.get_help(ctx), f"`{name} --help` has no example"


def test_every_setting_is_documented():
    from picoagent.task.loader import SETTING_KEYS
    for key in SETTING_KEYS:
        assert f"`{key}`" in TASK_DOC, key
