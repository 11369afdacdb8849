"""The formulas of docs/reference/shape-formulas.md on its worked examples.

The formulas and their random-configuration check against Keras live in the snippet the
page includes (snippets/shape-formulas/random_check.py), so that a reader runs the code
the page shows; that fence runs in the suite like every other. Here the same functions
are loaded from the snippet, without running its check, and held to the page's examples.
"""

from __future__ import annotations

import ast
from pathlib import Path

SNIPPET = Path(__file__).resolve().parents[1] / "snippets" / "shape-formulas" / "random_check.py"


def _formulas() -> dict:
    """The snippet's definitions (imports, functions, strategies), without its last lines
    that run the check and print."""
    tree = ast.parse(SNIPPET.read_text(encoding="utf-8"))
    tree.body = [n for n in tree.body if not isinstance(n, (ast.Expr, ast.Assign)) or
                 (isinstance(n, ast.Assign) and not any(
                     isinstance(c, ast.Call) and getattr(c.func, "id", "") == "check_random_configurations"
                     for c in ast.walk(n)))]
    namespace: dict = {}
    exec(compile(tree, str(SNIPPET), "exec"), namespace)
    return namespace


def test_worked_examples():
    f = _formulas()
    assert f["output_size"](32, 3, 1, "valid") == 30
    assert f["output_size"](28, 3, 2, "same") == 14
    assert f["output_size"](28, 3, 2, "valid") == 13
    assert f["conv2d_params"](3, 3, 3, 16) == 448
    assert f["dense_params"](1600, 64) == 102_464
