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
