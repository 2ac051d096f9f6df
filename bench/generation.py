"""Generation: our four specs; the official OpenAI spec against openapi-python-client; scaling.

    python bench/generation.py [--rounds 3] [--skip-official] [--sizes 50,200,800]

Every run is a separate process (``python -m generator generate ...`` and
``openapi-python-client generate ...``), timed wall-clock with its peak RSS
read from ``wait4``. Operations generated are counted in the output: for us,
the methods of the generated resource classes; for openapi-python-client, the
endpoint modules under ``api/``. The official spec's package is left in
bench/results/official/ for bench/import_time.py.
"""

from __future__ import annotations

import argparse
import ast
import shutil
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

import common
import yaml
from common import emit, median, run_process, table

OFFICIAL = common.SHARED / "real-specs" / "openai-openapi.yaml"
OPC = Path(sys.executable).with_name("openapi-python-client")


def count_our_operations(package: Path) -> int:
    """Sync methods that call the runtime (one per operation)."""
    count = 0
    for path in (package / "resources").glob("*.py"):
        tree = ast.parse(path.read_text())
        for cls in tree.body:
            if isinstance(cls, ast.ClassDef) and not cls.name.startswith("Async"):
                for fn in cls.body:
                    if (
                        isinstance(fn, ast.FunctionDef)
                        and "_request(" in ast.unparse(fn)
                        and not any(
                            isinstance(d, ast.Name) and d.id == "overload"
                            for d in fn.decorator_list
                        )
                    ):
                        count += 1
    return count


def count_opc_operations(root: Path) -> int:
    return sum(1 for p in root.rglob("api/**/*.py") if p.name != "__init__.py")


def spec_operations(spec: Path) -> int:
    data = yaml.load(spec.read_text(), Loader=yaml.CSafeLoader)
    methods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
    return sum(1 for item in data["paths"].values() for m in item if m in methods)


def ours(specs: list[Path], out: Path, lenient: bool = False) -> tuple[float, int, int]:
    argv = [
        sys.executable,
        "-m",
        "generator",
        "generate",
        *map(str, specs),
        "--out",
        str(out),
    ]
    if lenient:
        argv.append("--lenient")
    seconds, rss, result = run_process(argv, cwd=common.ROOT)
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    return (
        seconds,
        rss,
        sum(
            count_our_operations(p) for p in out.iterdir() if (p / "resources").is_dir()
        ),
    )


def opc(spec: Path, out: Path) -> tuple[float, int, int]:
    argv = [
        str(OPC),
        "generate",
        "--path",
        str(spec),
        "--output-path",
        str(out),
        "--overwrite",
    ]
    seconds, rss, result = run_process(argv, cwd=out.parent)
    assert out.is_dir(), result.stderr.decode()[-2000:]
    return seconds, rss, count_opc_operations(out)


def synthetic(n: int) -> dict[str, object]:
    """A spec of exactly ``n`` operations (four per path), each with its own schema."""
    paths: dict[str, dict[str, object]] = {}
    schemas: dict[str, object] = {}
    methods = ("get", "post", "put", "delete")
    for k in range(n):
        i, method = k // 4, methods[k % 4]
        schemas[f"Thing{k}"] = {
            "type": "object",
            "required": ["id"],
            "properties": {
                "id": {"type": "string"},
                "count": {"type": "integer"},
                "tags": {"type": "array", "items": {"type": "string"}},
                "child": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string"},
                        "at": {"type": "string", "format": "date-time"},
                    },
                },
            },
        }
        op: dict[str, object] = {
            "operationId": f"things{i}.{method}_thing",
            "parameters": [
                {"name": "limit", "in": "query", "schema": {"type": "integer"}}
            ],
            "responses": {
                "200": {
                    "description": "ok",
                    "content": {
                        "application/json": {
                            "schema": {"$ref": f"#/components/schemas/Thing{k}"}
                        }
                    },
                }
            },
        }
        if method in ("post", "put"):
            op["requestBody"] = {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {"$ref": f"#/components/schemas/Thing{k}"}
                    }
                },
            }
        item = paths.setdefault(
            f"/things{i}/{{id}}",
            {
                "parameters": [
                    {
                        "name": "id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    }
                ]
            },
        )
        item[method] = op
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"Synthetic {n}",
            "version": "1",
            "x-package-name": f"synthetic_{n}",
            "x-client-name": "Synthetic",
        },
        "servers": [{"url": "https://example.invalid/v1"}],
        "paths": paths,
        "components": {"schemas": schemas},
    }


def main(argv: Iterable[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-official", action="store_true")
    parser.add_argument("--sizes", default="50,200,800")
    args = parser.parse_args(list(argv) if argv is not None else None)
    data: dict[str, object] = {}
    sections = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        specs = sorted((common.ROOT / "specs").glob("*.yaml"))
        runs = [ours(specs, tmp / f"four{r}") for r in range(args.rounds)]
        t = median([r[0] for r in runs])
        sections.append(
            f"Our four specs ({runs[0][2]} operations), median of {args.rounds} runs: {t:.2f} s, peak RSS {max(r[1] for r in runs) / 1024:.0f} MiB."
        )
        data["four_specs_s"] = t

        if not args.skip_official:
            expected = spec_operations(OFFICIAL)
            rows_ours, rows_opc = [], []
            for r in range(args.rounds):  # interleaved
                rows_ours.append(ours([OFFICIAL], tmp / f"official{r}", lenient=True))
                rows_opc.append(opc(OFFICIAL, tmp / f"opc{r}"))
            to, tp = median([r[0] for r in rows_ours]), median([r[0] for r in rows_opc])
            sections.append(
                f"The official OpenAI spec ({expected} operations in the spec), median of {args.rounds} interleaved runs:\n\n"
                + table(
                    [
                        "generator",
                        "time",
                        "peak RSS",
                        "operations generated",
                        "time vs openapi-python-client",
                    ],
                    [
                        [
                            "ours (generate --lenient)",
                            f"{to:.1f} s",
                            f"{max(r[1] for r in rows_ours) / 1024:.0f} MiB",
                            rows_ours[0][2],
                            f"{to / tp:.2f}x",
                        ],
                        [
                            "openapi-python-client 0.29.1",
                            f"{tp:.1f} s",
                            f"{max(r[1] for r in rows_opc) / 1024:.0f} MiB",
                            rows_opc[0][2],
                            "1.00x",
                        ],
                    ],
                )
            )
            data["official"] = {
                "ours_s": to,
                "opc_s": tp,
                "ours_ops": rows_ours[0][2],
                "opc_ops": rows_opc[0][2],
                "spec_ops": expected,
            }
            keep = common.ROOT / "bench" / "results" / "official"
            shutil.rmtree(keep, ignore_errors=True)
            shutil.copytree(tmp / "official0", keep)

        rows = []
        for n in [int(x) for x in args.sizes.split(",") if x]:
            spec = tmp / f"synthetic_{n}.yaml"
            spec.write_text(yaml.safe_dump(synthetic(n), sort_keys=False))
            runs = [ours([spec], tmp / f"syn{n}_{r}") for r in range(args.rounds)]
            t = median([r[0] for r in runs])
            rss = max(r[1] for r in runs) / 1024
            rows.append(
                [
                    n,
                    f"{t:.2f} s",
                    f"{t / n * 1000:.1f} ms",
                    f"{rss:.0f} MiB",
                    runs[0][2],
                ]
            )
            data[f"synthetic_{n}"] = {"s": t, "rss_mib": rss}
        sections.append(
            f"Scaling on synthetic specs (median of {args.rounds} runs):\n\n"
            + table(
                [
                    "operations",
                    "time",
                    "per operation",
                    "peak RSS",
                    "operations generated",
                ],
                rows,
            )
        )
    emit("generation", "\n\n".join(sections), data)
    return data


if __name__ == "__main__":
    main()
