"""Run every benchmark (or the named ones) and print the tables BENCHMARKS.md shows.

    python bench/run.py                      # all figures, full sizes (~5 minutes)
    python bench/run.py sse typed            # some of them
    python bench/run.py --quick              # tiny sizes: checks the benchmarks still run

Figures: sse (decoding), typed (typed streaming), fold (get_final_response()
against iteration and the openai SDK; NDJSON vs SSE), requests (request
overhead and a 200-chunk stream), raw (raw-response wrappers vs a plain call),
generation (four specs, the official OpenAI spec vs openapi-python-client,
scaling), realspecs (each spec providers publish, ../shared/real-specs/,
generated as a user runs it), imports (import plus client construction;
run after generation, which leaves the official spec's package for it).
Peers come from the bench extra: pip install -e '.[bench]'.
"""

from __future__ import annotations

import argparse
import sys

import common

FIGURES = (
    "sse",
    "typed",
    "fold",
    "requests",
    "raw",
    "generation",
    "realspecs",
    "imports",
)
QUICK = {
    "sse": ["--events", "300", "--rounds", "1"],
    "typed": ["--events", "200", "--rounds", "1"],
    "fold": ["--chunks", "50", "--events", "200", "--rounds", "1"],
    "requests": [
        "--requests",
        "20",
        "--rounds",
        "1",
        "--chunks",
        "10",
        "--stream-repeats",
        "2",
    ],
    "raw": ["--requests", "20", "--rounds", "1"],
    "generation": ["--rounds", "1", "--skip-official", "--sizes", "8"],
    "realspecs": ["--rounds", "1", "--only", "ollama"],
    "imports": ["--runs", "1"],
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "figures", nargs="*", metavar="FIGURE", help=f"any of {', '.join(FIGURES)}"
    )
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one round")
    args = parser.parse_args(argv)
    chosen = args.figures or list(FIGURES)
    unknown = [f for f in chosen if f not in FIGURES]
    if unknown:
        parser.error(
            f"unknown figure(s) {', '.join(unknown)}; choose from {', '.join(FIGURES)}"
        )
    print(f"# Benchmarks\n\nMachine: {common.machine()}")
    for name in chosen:
        extra = QUICK[name] if args.quick else []
        if name == "sse":
            import sse_decode

            sse_decode.main(extra)
        elif name == "typed":
            import typed_stream

            typed_stream.main(extra)
        elif name == "fold":
            import stream_fold

            stream_fold.main(extra)
        elif name == "requests":
            import requests_bench

            requests_bench.main(extra)
        elif name == "raw":
            import raw_response

            raw_response.main(extra)
        elif name == "generation":
            import generation

            generation.main(extra)
        elif name == "realspecs":
            import real_specs

            real_specs.main(extra)
        elif name == "imports":
            import import_time

            import_time.main(extra)
    return 0


if __name__ == "__main__":
    sys.exit(main())
