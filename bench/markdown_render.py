"""Markdown render time of the worst texts each Markdown field may hold.

For every field rendered through ``core.markdown`` and every pathological text in
``tests/core/test_markdown_limits.py`` (unbalanced brackets, emphasis runs, deep nesting,
wide tables), cut to the field's length limit: the CPU time of a render (parse, sanitise),
best of ``--repeat``, against a target of 0.3 s (the test counts the renderer's calls,
which a busy machine does not change; this prints the times).

    .venv/bin/python bench/markdown_render.py [--repeat 3] [--smoke]

No database. ``--smoke`` (or ``BENCH_SIZE=smoke``): one render of each text.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portfolio_site.settings")

import django  # noqa: E402

django.setup()

from core import markdown  # noqa: E402
from tests.core.test_markdown_limits import MARKDOWN_FIELDS, PATHOLOGICAL  # noqa: E402

RENDER_SECONDS = 0.3


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    if args.smoke or os.environ.get("BENCH_SIZE") == "smoke":
        args.repeat = 1
    return args


def seconds(text: str, repeat: int) -> float:
    best = float("inf")
    for _attempt in range(repeat):
        started = time.process_time()
        markdown.render(text)
        best = min(best, time.process_time() - started)
    return best


def main() -> None:
    args = parse_args()
    width = max(len(name) for name in PATHOLOGICAL)
    worst = 0.0
    for model, source, _html in MARKDOWN_FIELDS:
        limit = model._meta.get_field(source).max_length
        print(f"\n{model._meta.label}.{source} (limit {limit:,} characters)")
        for name, make in PATHOLOGICAL.items():
            took = seconds(make(limit), args.repeat)
            worst = max(worst, took)
            print(f"  {name:<{width}}  {took * 1000:7.1f} ms")
    print(f"\nslowest: {worst * 1000:.1f} ms (target: {RENDER_SECONDS * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
