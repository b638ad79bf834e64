"""The command set of ``dispatches``: every command is registered, listed and documented.

A command module that is dropped from ``COMMAND_MODULES`` (or a ``register`` that stops
adding its command) fails here, and so does a ``--help`` that no longer shows a command's
usage and options.
"""
from __future__ import annotations

import argparse
import pkgutil
import re
import subprocess
import sys
from importlib import import_module
from pathlib import Path

import pytest

import pipeline.cli as cli
from pipeline.cli import COMMAND_MODULES, build_parser, main

COMMANDS = {"extract", "run", "serve", "report", "eval", "review", "export"}
NOT_COMMANDS = {"__main__", "prefect_api", "prefect_server", "prefect_migration",
                "environment", "lean", "interrupt"}  # register nothing


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    [action] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


def registered_by(module) -> set[str]:
    """The commands one module adds to an empty parser."""
    parser = argparse.ArgumentParser(prog="dispatches")
    sub = parser.add_subparsers(dest="command")
    module.register(sub)
    return set(sub.choices)


def help_of(argv: list[str], capsys) -> str:
    with pytest.raises(SystemExit) as exit_:
        main(argv + ["--help"])
    assert exit_.value.code == 0, argv
    out = capsys.readouterr()
    assert out.err == ""
    return out.out


def test_the_registered_commands_are_exactly_the_known_ones():
    assert set(subcommands(build_parser())) == COMMANDS


def test_every_command_module_in_pipeline_cli_is_registered():
    names = {m.name for m in pkgutil.iter_modules(cli.__path__)} - NOT_COMMANDS
    modules = {import_module(f"pipeline.cli.{name}") for name in names}
    assert modules, "no command modules found in pipeline/cli"
    missing = {m.__name__ for m in modules} - {m.__name__ for m in COMMAND_MODULES}
    assert not missing, f"command modules not in COMMAND_MODULES: {sorted(missing)}"
    for module in COMMAND_MODULES:
        assert registered_by(module), f"{module.__name__}.register adds no command"
    # each command comes from one module only
    owners = [name for module in COMMAND_MODULES for name in registered_by(module)]
    assert sorted(owners) == sorted(COMMANDS)


def test_dispatches_help_lists_every_command(capsys):
    out = help_of([], capsys)
    assert out.startswith("usage: dispatches")
    for name, command in subcommands(build_parser()).items():
        assert re.search(rf"^\s+{re.escape(name)}\s+\S", out, re.M), (name, out)


def test_the_console_script_prints_the_same_help():
    exe = Path(sys.executable).with_name("dispatches")
    proc = subprocess.run([str(exe), "--help"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: dispatches")
    for name in COMMANDS:
        assert re.search(rf"^\s+{name}\s+\S", proc.stdout, re.M), name


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_help_shows_its_usage_and_options(name, capsys):
    command = subcommands(build_parser())[name]
    out = help_of([name], capsys)
    assert out.startswith(f"usage: dispatches {name}"), out
    assert command.description and " ".join(command.description.split()[:4]) in \
        " ".join(out.split())
    for action in command._actions:
        for option in action.option_strings:  # --out, -q, --help…
            assert re.search(rf"(^|[\s,\[]){re.escape(option)}\b", out), (name, option)
        if not action.option_strings:  # positionals by their metavar
            assert (action.metavar or action.dest) in out, (name, action.dest)
    assert "--help" in out
