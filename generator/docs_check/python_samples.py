"""Python SDK samples in a doc page: the calls they make and the base URL they set.

``client.chat.completions.create(model="x", messages=[...])`` names an
operation by its dotted operationId and carries a request body in its
literal keyword arguments; ``base_url="..."`` names a server.
"""

from __future__ import annotations

import ast

from .items import BaseUrl, Item, SdkCall


def python_items(lines: list[str], start: int, end: int) -> list[Item]:
    """The SDK calls and base URLs of the Python sample on ``lines[start:end]``."""
    items: list[Item] = []
    source = "\n".join(lines[start:end])
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return items  # partial snippets are common; nothing to read from them
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        dotted = _dotted(node.func)
        line = start + node.lineno
        for kw in node.keywords:
            if kw.arg == "base_url":
                try:
                    url = ast.literal_eval(kw.value)
                except ValueError:
                    continue
                if isinstance(url, str):
                    items.append(BaseUrl(start + kw.value.lineno, url))
        if dotted is None or "." not in dotted:
            continue
        body: dict[str, object] = {}
        skipped: list[str] = []
        arg_lines: dict[str, int] = {}
        for kw in node.keywords:
            if kw.arg is None:
                skipped.append("**" + (_dotted(kw.value) or "..."))
                continue
            try:
                body[kw.arg] = ast.literal_eval(kw.value)
                arg_lines[kw.arg] = start + kw.value.lineno
            except (ValueError, SyntaxError, TypeError):
                skipped.append(kw.arg)
        items.append(SdkCall(line, dotted, body, skipped, arg_lines))
    return items


def _dotted(node: ast.AST) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None
