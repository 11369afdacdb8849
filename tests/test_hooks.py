"""hooks/notebook_css.py: what it keeps of the JupyterLab CSS on a notebook page, and what
it drops. (Its effect on the rendered tutorials is checked in the browser tests: no
output wraps, no code is cut off, colours pass axe-core in both schemes.)"""

from __future__ import annotations

import ast
import re
from pathlib import Path

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
KNOWN_HOOKS = ["hooks/markup.py", "hooks/notebook_css.py", "hooks/notebooks.py", "hooks/versions.py"]
KNOWN_PLUGINS = ["search", "mkdocs-jupyter"]
# The Markdown extensions the rules were written for: another one rewrites what the reader
# sees after the harness read the source (pymdownx.smartsymbols turns "+/-" into "±", a
# tolerance sign), or makes markup the census has never seen.
KNOWN_EXTENSIONS = ["admonition", "attr_list", "md_in_html", "tables", "toc", "pymdownx.details",
                    "pymdownx.highlight", "pymdownx.inlinehilite", "pymdownx.snippets",
                    "pymdownx.superfences", "pymdownx.tabbed"]
# What a hook may import: nothing that tells a test build from the published one
# (os.environ, sys.argv), runs programs or reaches the network. `tests` is the harness's
# own page reader (hooks/notebooks.py makes each page's notebook with it); of `sys`, a
# hook may use only `sys.path`, to find it.
HOOK_IMPORTS = {"__future__", "base64", "functools", "hashlib", "html", "json", "re", "pathlib",
                "sys", "tests", "tinycss2"}
# !!python/... runs any Python object at build time (a custom fence's formatter), !ENV
# makes the build depend on the environment, INHERIT pulls in another configuration.
CONFIG_CONSTRUCTS = ("!!python", "!ENV", "!relative", "INHERIT")


def build_problems(repo: Path) -> list[str]:
    """Why `repo`'s build could run code other than the known hooks and plugins."""
    import yaml

    text = (repo / "mkdocs.yml").read_text(encoding="utf-8")
    problems = [f"mkdocs.yml uses {c}: the build could differ from what the tests build"
                for c in CONFIG_CONSTRUCTS if c in text]
    if problems:
        return problems
    config = yaml.safe_load(text)
    if config.get("hooks") != KNOWN_HOOKS:
        problems.append(f"mkdocs.yml's hooks are {config.get('hooks')}, not {KNOWN_HOOKS}")
    plugins = [next(iter(p)) if isinstance(p, dict) else p for p in config.get("plugins", [])]
    if plugins != KNOWN_PLUGINS:
        problems.append(f"mkdocs.yml's plugins are {plugins}, not {KNOWN_PLUGINS}")
    extensions = [next(iter(e)) if isinstance(e, dict) else e for e in config.get("markdown_extensions", [])]
    if extensions != KNOWN_EXTENSIONS:
        problems.append(f"mkdocs.yml's markdown_extensions are {extensions}, not {KNOWN_EXTENSIONS}")
    files = sorted(p.relative_to(repo).as_posix() for p in (repo / "hooks").rglob("*")
                   if p.is_file() and "__pycache__" not in p.parts)
    if files != KNOWN_HOOKS:
        problems.append(f"hooks/ holds {files}, not {KNOWN_HOOKS}: a hook not in mkdocs.yml is neither run nor tested")
    for hook in sorted(set(files) & set(KNOWN_HOOKS)):
        imported = hook_imports((repo / hook).read_text(encoding="utf-8"))
        if not imported <= HOOK_IMPORTS:
            problems.append(f"{hook} uses {sorted(imported - HOOK_IMPORTS)}, not on {sorted(HOOK_IMPORTS)}")
    return problems


def hook_imports(source: str) -> set[str]:
    """The modules a hook imports, and the ways around an import statement it uses."""
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
        elif isinstance(node, ast.Name) and node.id in ("__import__", "__builtins__", "eval", "exec", "compile", "globals"):
            imported.add(node.id)
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id == "sys" and node.attr != "path"):
            imported.add(f"sys.{node.attr}")
        if isinstance(node, (ast.Attribute, ast.Constant)):
            word = node.attr if isinstance(node, ast.Attribute) else node.value
            if isinstance(word, str) and re.search(r"environ|getenv|argv|pytest|__import__", word, re.I):
                imported.add(repr(word))
    return imported


def test_the_build_runs_exactly_the_known_hooks_and_plugins():
    """mkdocs.yml names exactly the known hooks and plugins, hooks/ holds no other file, and
    a hook imports nothing that could tell a test build from the published one."""
    problems = build_problems(Path(__file__).resolve().parents[1])
    assert not problems, "\n".join(problems)
