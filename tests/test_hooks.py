"""hooks/notebook_css.py: what it keeps of the JupyterLab CSS on a notebook page, and what
it drops. (Its effect on the rendered tutorials is checked in the browser tests: no
output wraps, no code is cut off, colours pass axe-core in both schemes.)"""

from __future__ import annotations

import re

import pytest

from hooks.notebook_css import trim

PAGE = """<html><head>
<style>{small}</style>
<style>{big}</style>
</head><body><div class="jupyter-wrapper"><div class="jp-Cell jp-CodeCell" id="cell-1">
<pre class="out">x</pre></div></div></body></html>"""

BIG = """
.jupyter-wrapper{--used:1px;--chained:var(--used);--unused:2px;--from-site:red}
.jupyter-wrapper :root{--icon:url(data:image/svg+xml;base64,AAAA)}
.jupyter-wrapper body{margin:0}
.jupyter-wrapper .jp-Cell{padding:var(--chained)}
.jupyter-wrapper .jp-Cell:hover{outline:1px solid}
.jupyter-wrapper .jp-Cell pre.out::before{content:"x"}
.jupyter-wrapper .jp-Toolbar{display:flex}
.jupyter-wrapper .jp-Toolbar,.jupyter-wrapper #cell-1{color:blue}
.jupyter-wrapper #cell-9{color:red}
.jupyter-wrapper .jp-Cell:not(.jp-Toolbar){border:0}
.jupyter-wrapper [data-jp-theme-light=true] .jp-Cell{color:black}
@media (max-width: 600px){.jupyter-wrapper .jp-Cell{padding:0}.jupyter-wrapper .jp-Menu{top:0}}
@media print{.jupyter-wrapper .jp-Menu{display:none}}
@keyframes spin{from{opacity:0}to{opacity:1}}
"""


def kept_css(site_css: str = "") -> str:
    html = trim(PAGE.format(small=".highlight-ipynb .c{color:var(--from-small)}", big=BIG),
                site_css)
    return re.findall(r"<style>(.*?)</style>", html, re.S)[1]


def test_rules_for_elements_on_the_page_stay():
    css = kept_css()
    for rule in [".jupyter-wrapper .jp-Cell{padding:var(--chained)}",
                 ".jupyter-wrapper .jp-Cell:hover{outline:1px solid}",
                 '.jupyter-wrapper .jp-Cell pre.out::before{content:"x"}',
                 ".jupyter-wrapper .jp-Toolbar,.jupyter-wrapper #cell-1{color:blue}",
                 ".jupyter-wrapper .jp-Cell:not(.jp-Toolbar){border:0}",
                 ".jupyter-wrapper [data-jp-theme-light=true] .jp-Cell{color:black}",
                 "@media (max-width: 600px){.jupyter-wrapper .jp-Cell{padding:0}}",
                 "@keyframes spin"]:
        assert rule in css


def test_rules_nothing_on_the_page_can_match_go():
    css = kept_css()
    for gone in [".jp-Toolbar{display:flex}", "#cell-9", ".jp-Menu", "@media print",
                 ":root", ".jupyter-wrapper body"]:
        assert gone not in css


def test_custom_properties_stay_only_when_something_refers_to_them():
    assert kept_css().startswith(".jupyter-wrapper{--used:1px;--chained:var(--used)}")
    assert "--from-site:red" in kept_css(site_css="a { color: var(--from-site) }")


def test_a_rule_it_does_not_know_stops_the_build():
    html = PAGE.format(small="", big=BIG + "@supports (display: grid){.jp-Cell{display:grid}}")
    with pytest.raises(ValueError, match="supports"):
        trim(html, "")


# The build's hooks and plugins are a fixed list (issue 21, class 12): a third hook, or a
# plugin, could change the published pages in a way no test builds.
KNOWN_HOOKS = ["hooks/markup.py", "hooks/notebook_css.py"]
KNOWN_PLUGINS = ["search", "mkdocs-jupyter"]
# What a hook may import: nothing that tells a test build from the published one
# (os.environ, sys.argv), runs programs or reaches the network.
HOOK_IMPORTS = {"__future__", "base64", "functools", "hashlib", "json", "re", "pathlib", "tinycss2"}


def _config_text() -> str:
    from pathlib import Path

    return (Path(__file__).resolve().parents[1] / "mkdocs.yml").read_text(encoding="utf-8")


def test_the_build_runs_exactly_the_known_hooks_and_plugins():
    import yaml

    text = _config_text()
    # !!python/... runs any Python object at build time (a custom fence's formatter), !ENV
    # makes the build depend on the environment, INHERIT pulls in another configuration.
    for construct in ("!!python", "!ENV", "!relative", "INHERIT"):
        assert construct not in text, f"mkdocs.yml uses {construct}: the build could differ from what the tests build"
    config = yaml.safe_load(text)
    assert config.get("hooks") == KNOWN_HOOKS, f"mkdocs.yml's hooks are {config.get('hooks')}, not {KNOWN_HOOKS}"
    plugins = [next(iter(p)) if isinstance(p, dict) else p for p in config.get("plugins", [])]
    assert plugins == KNOWN_PLUGINS, f"mkdocs.yml's plugins are {plugins}, not {KNOWN_PLUGINS}"


def test_hooks_holds_only_the_known_hooks():
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    files = sorted(str(p.relative_to(repo)) for p in (repo / "hooks").rglob("*")
                   if p.is_file() and "__pycache__" not in p.parts)
    assert files == KNOWN_HOOKS, f"hooks/ holds {files}: a hook not in mkdocs.yml is not run, nor tested"


@pytest.mark.parametrize("hook", KNOWN_HOOKS)
def test_a_hook_cannot_tell_a_test_build_from_the_published_one(hook):
    import ast
    from pathlib import Path

    source = (Path(__file__).resolve().parents[1] / hook).read_text(encoding="utf-8")
    tree = ast.parse(source)
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
        elif isinstance(node, ast.Name) and node.id in ("__import__", "__builtins__", "eval", "exec", "compile", "globals"):
            imported.add(node.id)
        elif isinstance(node, (ast.Attribute, ast.Constant)):
            word = node.attr if isinstance(node, ast.Attribute) else node.value
            if isinstance(word, str) and re.search(r"environ|getenv|argv|pytest|__import__", word, re.I):
                imported.add(repr(word))
    assert imported <= HOOK_IMPORTS, f"{hook} imports {sorted(imported - HOOK_IMPORTS)}, not on {sorted(HOOK_IMPORTS)}"
