"""The runtime's one value conversion, and the runtime's shape (no import circle, small modules)."""

from __future__ import annotations

import ast
import datetime as dt
import enum
import json
import uuid
from decimal import Decimal
from pathlib import Path

import pytest

from generator.runtime._encode import encode_json, param_text, wire_value
from generator.runtime._params import encode_query

RUNTIME = Path(__file__).resolve().parents[1] / "generator" / "runtime"


class Color(enum.Enum):
    RED = "red"
    ONE = 1


VALUES = [
    dt.datetime(2024, 5, 1, 12, 30, tzinfo=dt.timezone.utc),
    dt.date(2024, 5, 1),
    dt.time(12, 30, 5),
    dt.timedelta(days=1, seconds=2, microseconds=500_000),
    uuid.UUID("12345678-1234-5678-1234-567812345678"),
    Color.RED,
    Color.ONE,
    b"\x00\xffbytes",
]


@pytest.mark.parametrize("value", VALUES, ids=[type(v).__name__ for v in VALUES])
def test_text_and_json_agree(value: object) -> None:
    """A value is the same on the wire whether it travels as JSON or as parameter text."""
    in_json = json.loads(encode_json({"v": value}))["v"]
    assert param_text(value) == (
        in_json if isinstance(in_json, str) else json.dumps(in_json)
    )
    assert encode_query({"q": value}) == {"q": param_text(value)}


def test_wire_values() -> None:
    assert wire_value(dt.timedelta(days=1, seconds=2, microseconds=500_000)) == (
        "P1DT2.5S"
    )
    assert wire_value(Color.ONE) == 1
    assert wire_value(b"hi") == "aGk="
    assert sorted(wire_value({3, 1})) == [1, 3]
    assert wire_value(Decimal("1.5")) == 1.5
    assert param_text(Decimal("1.10")) == "1.10"  # text keeps the decimal exact
    with pytest.raises(TypeError, match="cannot send a value of type object"):
        wire_value(object())


def _imports(path: Path) -> set[str]:
    """The runtime modules ``path`` imports, at any depth of the code (function-level too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(alias.name for alias in node.names)
    return found


def test_runtime_has_no_import_circle_and_small_modules() -> None:
    graph = {p.stem: _imports(p) for p in RUNTIME.glob("*.py")}
    for name, path in ((p.stem, p) for p in RUNTIME.glob("*.py")):
        lines = path.read_text(encoding="utf-8").count("\n")
        assert lines < 500, f"{name}.py has {lines} lines"

    def visit(node: str, trail: tuple[str, ...]) -> None:
        for dep in graph.get(node, ()):
            assert dep not in trail, f"import circle: {' -> '.join(trail + (dep,))}"
            visit(dep, trail + (dep,))

    for module in graph:
        visit(module, (module,))
