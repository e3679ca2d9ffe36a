"""The `voxbooth` command finds each layer's sub-commands and routes options to the studio."""

from __future__ import annotations

import argparse

import pytest

from voxbooth import cli


def test_every_command_is_registered_by_its_layer() -> None:
    parser = cli.build_parser(None)
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert set(cli._COMMANDS) <= set(sub.choices)


@pytest.mark.parametrize("argv", [["--data-dir", "/tmp/vb"], ["studio", "--data-dir", "/tmp/vb"]])
def test_options_without_a_command_open_the_studio(argv: list[str]) -> None:
    routed = cli.with_command(argv)
    args = cli.build_parser("studio").parse_args(routed)
    assert args.command == "studio" and str(args.data_dir) == "/tmp/vb"


def test_a_command_keeps_its_own_options() -> None:
    args = cli.build_parser("serve").parse_args(cli.with_command(["serve", "--port", "9"]))
    assert args.command == "serve" and args.port == 9
