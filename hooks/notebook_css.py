"""The JupyterLab style sheet mkdocs-jupyter inlines into every notebook page, cut down to
the rules that page can use.

mkdocs-jupyter puts all of JupyterLab's CSS (575 KB: widgets, menus, dialogs, 80 KB of
icons as data URIs) in a `<style>` element of each notebook page. A phone has to parse it
and match every element against its 3,000 rules before the page shows, which cost the
tutorials about 20 points of Lighthouse's mobile performance score. A rule stays if the
page could use it:

- a selector is dropped only when it names a class or an id that appears nowhere in the
  page's markup, or puts `:root`, `html` or `body` inside another element (JupyterLab
  writes `.jupyter-wrapper :root`, which nothing matches); attribute tests, pseudo-classes
  and pseudo-elements are not judged, so a rule for `:hover` stays with its element;
- a custom property (`--jp-...`) stays if some kept rule, another style element of the
  page or the site's own style sheet refers to it with `var()`, directly or through
  another property that stays;
- `@media` blocks are trimmed rule by rule; keyframes stay.

Only the one big style element is trimmed; the page's own markup and mkdocs-jupyter's
other styles (code colours, its theme's variables) are left as they are. Classes that
JupyterLab's scripts would add never occur on these pages: mkdocs-jupyter runs none.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import tinycss2

STYLE = re.compile(r"(<style[^>]*>)(.*?)(</style>)", re.S)
CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
ID = re.compile(r"#(-?[_a-zA-Z][\w-]*)")
INSIDE_SOMETHING = re.compile(r"\S\s+(?::root|html|body)\b")
NOT_JUDGED = [re.compile(r"\[[^\]]*\]"), re.compile(r":not\([^)]*\)"), re.compile(r"::?[-\w]+")]
VAR = re.compile(r"var\(\s*(--[\w-]+)")


def _page_names(html: str) -> tuple[set[str], set[str]]:
    markup = STYLE.sub("", html)
    classes = {c for value in re.findall(r'\sclass="([^"]*)"', markup) for c in value.split()}
    return classes, set(re.findall(r'\sid="([^"]*)"', markup))


def _possible(selector: str, classes: set[str], ids: set[str]) -> bool:
    if INSIDE_SOMETHING.search(selector):
        return False
    for pattern in NOT_JUDGED:
        selector = pattern.sub("", selector)
    return (all(c in classes for c in CLASS.findall(selector))
            and all(i in ids for i in ID.findall(selector)))


Rule = tuple  # (selectors, [(name, value, important)]) or ("@media ...", [Rule]) or (None, text)


@functools.lru_cache(maxsize=2)
def _parse(css: str) -> tuple[Rule, ...]:
    """The style sheet as rules, parsed once per build: every notebook page has the same."""
    return tuple(_parse_nodes(tinycss2.parse_stylesheet(css, skip_comments=True,
                                                        skip_whitespace=True)))


def _parse_nodes(nodes) -> list[Rule]:
    rules = []
    for node in nodes:
        if node.type == "qualified-rule":
            declarations = [
                (d.name, tinycss2.serialize(d.value).strip(), d.important)
                for d in tinycss2.parse_declaration_list(node.content, skip_comments=True,
                                                         skip_whitespace=True)
                if d.type == "declaration"]
            rules.append((tuple(s.strip() for s in tinycss2.serialize(node.prelude).split(",")),
                          declarations))
        elif node.type == "at-rule" and node.lower_at_keyword == "media":
            rules.append(("@media " + tinycss2.serialize(node.prelude).strip(), _parse_nodes(
                tinycss2.parse_rule_list(node.content, skip_comments=True, skip_whitespace=True))))
        elif node.type == "at-rule" and node.lower_at_keyword.endswith("keyframes"):
            rules.append((None, node.serialize()))
        elif node.type == "at-rule" and node.lower_at_keyword == "charset":
            continue
        else:
            raise ValueError(f"notebook CSS: no rule for {node.type} "
                             f"{getattr(node, 'lower_at_keyword', '')} at line {node.source_line}")
    return rules


def _rules(rules, classes: set[str], ids: set[str]) -> list[Rule]:
    """The rules some element of the page could match."""
    kept = []
    for head, body in rules:
        if head is None:
            kept.append((head, body))
        elif isinstance(head, str):
            inner = _rules(body, classes, ids)
            if inner:
                kept.append((head, inner))
        elif any(_possible(s, classes, ids) for s in head):
            kept.append((head, body))
    return kept


def _declarations(rules):
    for head, body in rules:
        if head is None:
            continue
        if isinstance(head, str):
            yield from _declarations(body)
        else:
            yield from body


def _serialize(rules, variables: set[str]) -> str:
    out = []
    for head, body in rules:
        if head is None:
            out.append(body)
        elif isinstance(head, str):
            inner = _serialize(body, variables)
            if inner:
                out.append(f"{head}{{{inner}}}")
        else:
            kept = [(name, value, important) for name, value, important in body
                    if not name.startswith("--") or name in variables]
            if kept:
                out.append(",".join(head) + "{" + ";".join(
                    f"{name}:{value}" + ("!important" if important else "")
                    for name, value, important in kept) + "}")
    return "".join(out)


def trim(html: str, site_css: str) -> str:
    """The page with its largest style element cut to the rules it can use."""
    styles = list(STYLE.finditer(html))
    biggest = max(styles, key=lambda m: len(m.group(2)))
    classes, ids = _page_names(html)
    rules = _rules(_parse(biggest.group(2)), classes, ids)
    declarations = list(_declarations(rules))
    # Custom properties referred to from outside this style element, then, until nothing
    # changes, from the values of the properties kept.
    used = set(VAR.findall(site_css))
    for other in styles:
        if other is not biggest:
            used.update(VAR.findall(other.group(2)))
    used.update(VAR.findall(STYLE.sub("", html)))
    values: dict[str, list[str]] = {}
    for name, value, _ in declarations:
        values.setdefault(name, []).append(value)
        if not name.startswith("--"):
            used.update(VAR.findall(value))
    frontier = set(used)
    while frontier:
        found = {v for name in frontier for value in values.get(name, []) for v in VAR.findall(value)}
        frontier = found - used
        used |= found
    return html[:biggest.start(2)] + _serialize(rules, used) + html[biggest.end(2):]


def on_post_page(output: str, page, config) -> str:
    if not page.file.src_uri.endswith(".ipynb"):
        return output
    site_css = "".join((Path(config["docs_dir"]) / name).read_text(encoding="utf-8")
                       for name in config["extra_css"])
    return trim(output, site_css)
