"""The browser checks of test_browser_pages.py (issue 21, classes 2 and 3) catch what they
are for: each test serves the published site with one edit, the way a page or extra.css
could hide a block or add to it, and the checks must refuse the page. The site is built
once, and each page is loaded once for all its cases (`edited`): a CSS edit is appended to
extra.css's rules in the loaded page, a markup edit made on its elements (each shown to be
the same as the edit of the served HTML, `same_as_served`); then the edit is undone and the
checks must find on the page what they found on it as loaded, which shows the edit undone
and keeps one case from leaking into the next. An edit that cannot be made or undone that
way is served with the page, loaded anew (`checked`, through Playwright routes).

Also here: extra.css itself, read as CSS, loads nothing and adds no text but the Output
label.
"""

from __future__ import annotations

import re
import urllib.request

import pytest
import tinycss2

from tests.test_browser import (  # noqa: F401  (fixtures)
    DESKTOP,
    DOCS,
    PHONE,
    SETTLED,
    Visit,
    browser,
    pages,
    server,
)
from tests.test_browser_pages import (
    LABELS,
    added_problems,
    dark,
    seen_problems,
    style_problems,
)

EXTRA_CSS = DOCS / "stylesheets" / "extra.css"
# A page with Python blocks, outputs, a figure; one with <details> and tabs; a notebook.
FIGURE_PAGE = "training/fit/"
DETAILS_PAGE = "reference/summary-table/"
TABS_PAGE = "reference/pooling/"
NOTEBOOK_PAGE = "tutorials/mnist/"


@pytest.fixture(scope="module")
def tab(browser, pages):
    """The tabs of the edits: one for each page and width, the cases of which share one
    load of it (a tab costs a renderer process to start, a load more), and one that loads
    a page anew for each edit served with it."""
    tabs = Tabs(browser, pages)
    yield tabs
    tabs.close()


class Tabs:
    def __init__(self, browser, pages):
        self.browser, self.pages, self.shared, self._fresh = browser, pages, {}, None

    def load(self, path: str, width: dict) -> "Shared":
        """The tab with the page at `path` loaded at `width`, as loaded."""
        key = (path, width["width"])
        if key not in self.shared:
            self.shared[key] = Shared(Visit(self.browser, width, search_worker=False),
                                      self.pages, path, width)
        shared = self.shared[key]
        shared.load()
        return shared

    @property
    def fresh(self) -> Visit:
        if self._fresh is None:
            self._fresh = Visit(self.browser, PHONE, search_worker=False)
        return self._fresh

    def close(self):
        for visit in [*(s.visit for s in self.shared.values()), self._fresh]:
            if visit:
                visit.close()


class Shared:
    """A tab with the page at `path` loaded at `width` (`loaded`: false when it must be
    loaded anew), with what the checks find on it as loaded (`baseline`: nothing at the
    phone width; at the desktop width the style attributes the theme's script sets on the
    sidebars, which test_browser_pages.py checks only at the phone width)."""

    def __init__(self, visit, pages, path, width):
        self.visit, self.pages, self.path, self.width = visit, pages, path, width
        self.loaded, self.baseline = False, None

    def load(self) -> None:
        if not self.loaded:
            self.visit.open(self.pages + self.path)
            self.visit.page.evaluate(RECORD)
            self.baseline = problems(self.visit, self.pages, self.path, self.width)
            self.loaded = True
            self.put_back()

    def put_back(self) -> None:
        """Undo the edit made on the page, and what the checks changed on it."""
        try:
            self.visit.page.evaluate(PUT_BACK)
        except BaseException:
            self.loaded = False
            raise


def problems(visit, pages, path, width=PHONE, scheme=None):
    """All the problems the browser checks find on the page open in `visit`."""
    if scheme == "dark":
        dark(visit)
    return (style_problems(visit, pages, path) + added_problems(visit)
            + seen_problems(visit, path, f"{width['width']} px"))


def checked(tab, pages, path, css="", html=None, width=PHONE, scheme=None):
    """All the problems the browser checks find on the page at `path`, loaded anew and
    served with `css` added to extra.css and `html(page)` applied to the page's HTML (for
    an edit that only the HTML parser makes: see `edited` for the rest)."""
    visit = tab.fresh

    def edited_css(route):
        response = route.fetch()
        route.fulfill(response=response, body=response.text() + "\n" + css)

    def edited_html(route):
        response = route.fetch()
        route.fulfill(response=response, body=html(response.text()))

    visit.page.set_viewport_size(width)
    visit.page.route("**/stylesheets/extra.css", edited_css)
    if html:
        visit.page.route(pages + path, edited_html)
    try:
        visit.open(pages + path)
        return problems(visit, pages, path, width, scheme)
    finally:
        visit.page.unroute("**/stylesheets/extra.css", edited_css)
        if html:
            visit.page.unroute(pages + path, edited_html)
        visit.page.goto("about:blank")


# What the checks (seen.js, DARK) change on a page, recorded once it is loaded and put
# back after each run of the checks: style attributes (seen.js sets pointer-events on
# every element), open <details>, chosen tabs, how pictures load, the colour scheme, the
# scroll position.
RECORD = """() => {
  window.__before = {
    styles: [...document.querySelectorAll('*')].map(e => [e, e.getAttribute('style')]),
    open: [...document.querySelectorAll('details')].map(d => [d, d.open]),
    checked: [...document.querySelectorAll('input')].map(i => [i, i.checked]),
    loading: [...document.querySelectorAll('img')].map(i => [i, i.getAttribute('loading')]),
    scheme: document.body.getAttribute('data-md-color-scheme'),
  };
}"""
PUT_BACK = """async () => {
  if (window.__undo) { await window.__undo(); window.__undo = null; }
  const before = window.__before;
  const set = (e, name, value) => value === null ? e.removeAttribute(name) : e.setAttribute(name, value);
  for (const [d, open] of before.open) d.open = open;
  for (const [i, checked] of before.checked) i.checked = checked;
  for (const [i, loading] of before.loading) set(i, 'loading', loading);
  set(document.body, 'data-md-color-scheme', before.scheme);
  window.scrollTo(0, 0);
  // The style attributes last, once the theme's script has followed the page back (it
  // sets the sidebars' as the page scrolls or its layout changes).
  await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
  const recorded = new Set(before.styles.map(([e]) => e));
  for (const [e, style] of before.styles) if (e.getAttribute('style') !== style) set(e, 'style', style);
  // Elements the theme's script made since (the copy buttons' <nav>): without what
  // seen.js set on them.
  for (const e of document.querySelectorAll('[style]')) {
    if (recorded.has(e) || e.style.getPropertyPriority('pointer-events') !== 'important') continue;
    e.style.removeProperty('pointer-events');
    if (!e.getAttribute('style').trim()) e.removeAttribute('style');
  }
  // And the colours settled (test_browser.SETTLED, whose two frames are those above).
  await Promise.all(document.getAnimations().filter(
    a => a.effect && a.effect.getComputedTiming().endTime !== Infinity).map(a => a.finished.catch(() => null)));
}"""
# A CSS edit, made where the served edit makes it: appended to extra.css (the theme's
# <link> in the head), rule by rule, each as the browser reads it. Each rule must read
# back as itself, so that the rules added are the ones written.
ADD_CSS = """css => {
  const sheet = [...document.styleSheets].find(
    s => s.href && /\\/stylesheets\\/extra\\.css$/.test(s.href) && s.ownerNode.parentNode === document.head);
  const rules = new CSSStyleSheet();
  rules.replaceSync(css);
  const start = sheet.cssRules.length;
  const added = [];
  for (const rule of rules.cssRules) {
    sheet.insertRule(rule.cssText, sheet.cssRules.length);
    added.push([rule.cssText, sheet.cssRules[sheet.cssRules.length - 1].cssText]);
  }
  window.__undo = () => { while (sheet.cssRules.length > start) sheet.deleteRule(sheet.cssRules.length - 1); };
  return added;
}"""


def edited(tab, pages, path, css="", dom=None, width=PHONE, scheme=None):
    """All the problems the browser checks find on the page at `path`, loaded once for
    all the cases of that page, with `css` added to extra.css and the markup edit `dom`
    (EDITS) made on the page. Then the edit is undone, and the checks must pass again:
    the page is as loaded, for the next case."""
    tab = tab.load(path, width)
    page = tab.visit.page
    try:
        if css:
            added = page.evaluate(ADD_CSS, css)
            assert added and all(a == b for a, b in added), (css, added)
        if dom:
            page.evaluate(f"async () => {{ window.__undo = await ({EDITS[dom]})(document); }}")
        page.evaluate(SETTLED)
        found = problems(tab.visit, pages, path, width, scheme)
    except BaseException:
        tab.loaded = False
        raise
    tab.put_back()
    try:
        after = problems(tab.visit, pages, path, width)
    except BaseException:
        tab.loaded = False
        raise
    tab.put_back()
    if after != tab.baseline:
        tab.loaded = False
    assert after == tab.baseline, f"undoing the edit did not give back the page as loaded: {after}"
    return found


# Markup edits made on the loaded page, each a function of the document that returns how
# to undo it, and each the same as an edit of the served HTML (MARKUP, NOTEBOOK_EDITS):
# `same_as_served` parses both and compares them.
EDITS = {
    "hidden attribute": """doc => {
      const el = [...doc.querySelectorAll('div')].find(d => d.getAttribute('class') === 'language-python highlight');
      el.setAttribute('hidden', '');
      return () => el.removeAttribute('hidden');
    }""",
    "a stylesheet linked from the page": """async doc => {
      const link = doc.createElement('link');
      link.setAttribute('rel', 'stylesheet');
      link.setAttribute('href', '../../stylesheets/extra.css');
      doc.querySelector('article').prepend(link);
      if (doc === document) await new Promise(done => { link.onload = done; link.onerror = done; });
      return () => link.remove();
    }""",
    "a <style> in the page": """doc => {
      const style = doc.createElement('style');
      style.textContent = 'p{}';
      doc.querySelector('article').prepend(style);
      return () => style.remove();
    }""",
    "a style attribute": """doc => {
      const p = [...doc.querySelectorAll('p')].find(p => !p.attributes.length);
      p.setAttribute('style', 'color: red');
      return () => p.removeAttribute('style');
    }""",
    "celltag_hide": """doc => {
      const cells = [...doc.querySelectorAll('[class*="jp-CodeCell jp-Notebook-cell"]')];
      const before = cells.map(c => c.getAttribute('class'));
      cells.forEach((c, i) => c.setAttribute('class', before[i].replaceAll(
        'jp-CodeCell jp-Notebook-cell', 'jp-CodeCell jp-Notebook-cell celltag_hide')));
      return () => cells.forEach((c, i) => c.setAttribute('class', before[i]));
    }""",
    "a <style> in a cell": """doc => {
      const wrapper = [...doc.querySelectorAll('div')].find(d => d.getAttribute('class') === 'jp-Cell-inputWrapper');
      const style = doc.createElement('style');
      style.textContent = '.x {}';
      wrapper.before(style);
      return () => style.remove();
    }""",
}

SAME = """async ({original, served, edit}) => {
  const parse = html => new DOMParser().parseFromString(html, 'text/html');
  const mine = parse(original);
  await (eval('(' + edit + ')'))(mine);
  return [mine.documentElement.outerHTML, parse(served).documentElement.outerHTML];
}"""


def same_as_served(tab, pages, path, dom, html):
    """The markup edit `dom` makes of the page's HTML, parsed, what the edit `html` of its
    text makes of it."""
    original = urllib.request.urlopen(pages + path).read().decode("utf-8")
    mine, served = tab.load(path, PHONE).visit.page.evaluate(
        SAME, {"original": original, "served": html(original), "edit": EDITS[dom]})
    assert original != html(original), dom
    assert mine == served, f"the edit {dom!r} on the page is not the served one"


def test_the_unedited_pages_pass(tab, pages):
    """The pages the edits below start from pass, so each failure below is the edit's."""
    for path in (FIGURE_PAGE, DETAILS_PAGE, TABS_PAGE):
        assert tab.load(path, PHONE).baseline == [], path


# Class 2: hiding. The examples (opacity, tiny fonts, off-screen positioning,
# transforms, a stylesheet linked from inside a page, an element that renders nothing)
# and variants of ours.
HIDING = {
    "opacity": (".md-typeset .language-output { opacity: 0.01 }", "opacity: 0.01"),
    "tiny font": (".md-typeset .language-output code { font-size: 1px }", "font size 1px"),
    "off screen": (".md-typeset .language-python { position: absolute; left: -9999px }",
                   "outside the page"),
    "shrunk": (".md-typeset .language-output { transform: scale(0.01) }", "transform"),
    "scale property": (".md-typeset .language-output pre { scale: 0.05 }", "scale"),
    "zoom": (".md-typeset .language-output pre { zoom: 0.05 }", "zoom"),
    "text moved out of its box": (".md-typeset .language-output code { text-indent: -200em }",
                                  "outside its block"),
    "the background's colour": (".md-typeset .language-output code span { color: #f4f4f4 !important }",
                                "contrast"),
    "another colour space": (".md-typeset .language-output code span { color: oklch(96% 0 0) !important }",
                             "colour"),
    "transparent text": (".md-typeset .language-python code span { -webkit-text-fill-color: transparent }",
                         "contrast"),
    "cut off": (".md-typeset .language-output { max-height: 0.6rem; overflow: hidden }",
                "cut off"),
    "clipped": (".md-typeset .language-output pre { clip-path: inset(0 0 100% 0) }", "clip"),
    "one span gone": (".md-typeset .language-python .mi { display: none }", "not visible"),
    "filtered": (".md-typeset p.figure { filter: opacity(0) }", "filter"),
    "masked": (".md-typeset .language-output pre { mask-image: linear-gradient(transparent, transparent) }",
               "mask"),
    "bullets for text": (".md-typeset .language-output code { -webkit-text-security: disc }",
                         "text-security"),
    "mirrored": (".md-typeset .language-output code { direction: rtl; unicode-bidi: bidi-override }",
                 "direction"),
    "covered": (".md-typeset p { position: relative; z-index: 3; background: #fff; "
                "margin-bottom: -40rem !important; pointer-events: none }", "covered by"),
    "a wide box in a narrow window": (".md-typeset p.figure { width: 1px; padding: 0 }",
                                      "out of view"),
    "behind the page": (".md-typeset .language-output { position: relative; z-index: -1 }",
                        "covered by"),
    "overlapping letters": (".md-typeset .language-output code { letter-spacing: -0.55em }",
                            "wide a character"),
    "lines on top of each other": (".md-typeset .language-output code { line-height: 0 }",
                                   "covered by"),
    "content-visibility": (".md-typeset .language-output { content-visibility: hidden !important }",
                           "not visible"),
    "first line": (".md-typeset .language-output code::first-line { color: #fff }", "::first-line"),
    "first letter": (".md-typeset .language-output code::first-letter { font-size: 1px }",
                     "::first-letter"),
    "struck through": (".md-typeset .language-output code { text-decoration: line-through 1em #f5f5f5 }",
                       "text-decoration"),
    "an outline over it": (".md-typeset .language-output code { outline: 40rem solid #fff; "
                           "outline-offset: -2px }", "paints outside its box"),
    "a shadow over it": (".md-typeset .language-output + p { box-shadow: 0 -20rem 0 20rem #fff }",
                         "paints outside its box"),
    "the header's shadow": (".md-header { box-shadow: 0 0 0 100rem #fff }", "paints outside its box"),
    "a picture moved out of its box": (".md-typeset p.figure img { object-position: 100rem 0 }",
                                       "moved inside its box"),
    "a squashed picture": (".md-typeset p.figure img { height: 3rem }", "drawn"),
    "the label over the output": (".md-typeset .language-output::before { position: absolute; "
                                  "height: 20rem; width: 100%; background: #fff; z-index: 2 }",
                                  "covered by"),
    "dark scheme only": ('[data-md-color-scheme="slate"] .md-typeset .language-output code span '
                         '{ color: #1e2129 !important }', "contrast"),
}


@pytest.mark.parametrize("css, expected", HIDING.values(), ids=HIDING.keys())
def test_a_style_that_hides_a_block_is_refused(css, expected, tab, pages):
    found = edited(tab, pages, FIGURE_PAGE, css=css, scheme="dark" if "slate" in css else None)
    assert any(expected in problem for problem in found), found


def test_a_block_hidden_in_a_collapsed_details_or_a_later_tab_is_refused(tab, pages):
    found = edited(tab, pages, DETAILS_PAGE, css="details .language-output { opacity: 0.5 }")
    assert any("opacity: 0.5" in p for p in found), found
    found = edited(tab, pages, DETAILS_PAGE, css="details > summary { font-size: 2px }")
    assert any("the title of the <details>" in p for p in found), found
    found = edited(tab, pages, TABS_PAGE, css=".tabbed-block:nth-child(2) pre { opacity: 0 }")
    assert any("opacity: 0" in p for p in found), found


def test_a_hiding_style_is_caught_at_desktop_width_too(tab, pages):
    css = "@media (min-width: 1000px) { .md-typeset .language-output { opacity: 0.2 } }"
    assert not edited(tab, pages, FIGURE_PAGE, css=css)
    found = edited(tab, pages, FIGURE_PAGE, css=css, width=DESKTOP)
    assert any("opacity: 0.2" in p for p in found), found


# Edits of a notebook page's HTML, made on the page (EDITS).
NOTEBOOK_EDITS = {
    "celltag_hide": lambda h: h.replace("jp-CodeCell jp-Notebook-cell",
                                        "jp-CodeCell jp-Notebook-cell celltag_hide"),
    "a <style> in a cell": lambda h: h.replace(
        '<div class="jp-Cell-inputWrapper"', '<style>.x {}</style><div class="jp-Cell-inputWrapper"', 1),
}


def test_a_notebook_cell_styled_away_is_refused(tab, pages):
    same_as_served(tab, pages, NOTEBOOK_PAGE, "celltag_hide", NOTEBOOK_EDITS["celltag_hide"])
    found = edited(tab, pages, NOTEBOOK_PAGE, css=".celltag_hide .jp-OutputArea { opacity: 0.05 }",
                   dom="celltag_hide")
    assert any("cell output" in p and "opacity: 0.05" in p for p in found), found
    found = edited(tab, pages, NOTEBOOK_PAGE,
                    css=".jupyter-wrapper .jp-RenderedSVG img { min-width: 0; width: 3rem }")
    assert any("cell figure" in p and "drawn" in p for p in found), found


def test_a_style_written_in_a_notebook_cell_is_refused(tab, pages):
    same_as_served(tab, pages, NOTEBOOK_PAGE, "a <style> in a cell", NOTEBOOK_EDITS["a <style> in a cell"])
    found = edited(tab, pages, NOTEBOOK_PAGE, dom="a <style> in a cell")
    assert any("written by the page" in p for p in found), found


MARKUP = {
    # Hiding by not rendering: the block is in the HTML, the browser draws nothing of it.
    "noframes": (lambda h: h.replace('<div class="language-output highlight">',
                                     '<noframes><div class="language-output highlight">', 1)
                 .replace("</code></pre></div>", "</code></pre></div></noframes>", 1), "output blocks"),
    "hidden attribute": (lambda h: h.replace('<div class="language-python highlight">',
                                             '<div class="language-python highlight" hidden>', 1),
                         "no box"),
    "a stylesheet linked from the page": (
        lambda h: h.replace('<article class="md-content__inner md-typeset">',
                            '<article class="md-content__inner md-typeset">'
                            '<link rel="stylesheet" href="../../stylesheets/extra.css">', 1),
        "linked from inside the page"),
    "a <style> in the page": (
        lambda h: h.replace('<article class="md-content__inner md-typeset">',
                            '<article class="md-content__inner md-typeset"><style>p{}</style>', 1),
        "written by the page"),
    "a style attribute": (lambda h: h.replace("<p>", '<p style="color: red">', 1), "style attribute"),
}


@pytest.mark.parametrize("name", MARKUP)
def test_markup_that_hides_or_styles_is_refused(name, tab, pages):
    html, expected = MARKUP[name]
    if name in EDITS:
        # Made on the loaded page, once it is shown to be the served edit.
        same_as_served(tab, pages, FIGURE_PAGE, name, html)
        found = edited(tab, pages, FIGURE_PAGE, dom=name)
    else:
        # <noframes> around a block: what the HTML parser does with it (its contents
        # become text, up to its end tag) no edit of the page's elements reproduces.
        found = checked(tab, pages, FIGURE_PAGE, html=html)
    assert any(expected in problem for problem in found), found


# Class 3: styles that add text or pictures.
ADDING = {
    "text after an output": (".md-typeset .language-output code::after { content: ' (99.1%)' }",
                             "content: \" (99.1%)\""),
    "text before an output line": (".md-typeset .language-output .go:first-child::before { content: 'x' }",
                                   "content: \"x\""),
    "another label": (".md-typeset .language-output::before { content: 'Output 99%' }",
                      "Output 99%"),
    "text after a paragraph": (".md-typeset p::after { content: 'accuracy 0.99' }", "accuracy 0.99"),
    "text in the footer": (".md-footer::before { content: 'tested on 4 GPUs' }", "4 GPUs"),
    "a list marker": (".md-typeset li { list-style-type: '99% ' }", "list-style-type"),
    "capitalised output": (".md-typeset .language-output code { text-transform: capitalize }",
                           "text-transform"),
    "upper case output": (".md-typeset .language-output code { text-transform: uppercase }",
                          "reads"),
    "a background picture": (".md-typeset p { background-image: url(../figures/fit-history.svg) }",
                             "draws a picture"),
    "a figure replaced": (".md-typeset img { content: url(../figures/fit-history.svg) }",
                          "content: url("),
    "a picture on a pseudo-element": (
        ".md-typeset h2::after { content: ''; background: url(../figures/fit-history.svg); "
        "display: block; width: 10rem; height: 5rem }", "draws a picture"),
}


# Edits made on a page loaded anew, served with the edit: Chromium does not give an <img>
# back its size once a `content: url()` that replaced it is removed (the figure stays
# 26 px tall), so on the page as loaded the edit could not be shown to be undone.
RELOADED = {"a figure replaced"}


@pytest.mark.parametrize("name", ADDING)
def test_a_style_that_adds_text_or_a_picture_is_refused(name, tab, pages):
    css, expected = ADDING[name]
    if name in RELOADED:
        found = checked(tab, pages, FIGURE_PAGE, css=css)
    else:
        found = edited(tab, pages, FIGURE_PAGE, css=css)
    assert any(expected in problem for problem in found), found


# What extra.css may set (found by the second red-team round of issue 21: `position` and
# `left` moved block titles off the screen, `order` moved outputs away from their code,
# `max-width` with `overflow: hidden` cut outputs short, `word-spacing` merged numbers):
# an allow-list of properties that colour, space and frame blocks, none that moves, hides,
# cuts or reflows their text. Each property with the values it may take (None: any).
CSS_PROPERTIES = {
    "color": None, "background-color": None, "border-left": None, "border-radius": None,
    "margin": None, "margin-top": None, "padding": None, "padding-left": None,
    "padding-right": None, "font-weight": None, "text-decoration": {"underline"},
    "text-underline-offset": None, "white-space": {"pre", "normal"},
    "word-break": {"normal"}, "overflow-wrap": {"normal"}, "overflow": {"visible", "auto"},
    "overflow-x": {"visible", "auto"}, "min-width": None, "min-height": None,
    "content-visibility": {"auto"}, "contain-intrinsic-size": None,
}
# Only in the rules that draw the Output label.
LABEL_PROPERTIES = {"content": None, "display": {"block"}, "letter-spacing": None,
                    "text-transform": {"uppercase"}, "font-size": None}
# Only where the theme's copy button sits over an output block.
NAV_PROPERTIES = {"top": None}
NAV = ".md-typeset .language-output .md-code__nav"


def _property_problems(name: str, value: str, selectors: set, labels: set, where: str) -> list[str]:
    if name.startswith("--"):
        ok = name.endswith("-color") or (name.endswith("-opacity") and value == "1")
        return [] if ok else [f"{where}: a custom property that is not a colour"]
    if name == "box-shadow":
        return [] if value.startswith("inset") else [f"{where}: a shadow outside the box"]
    if name == "line-height":
        return [] if re.fullmatch(r"1(\.\d+)?|[2-9](\.\d+)?", value) else [f"{where}: line-height {value}"]
    if name == "font-size":
        m = re.fullmatch(r"(\d*\.?\d+)(rem|em)", value)
        if not m or float(m.group(1)) < 0.6:
            return [f"{where}: font-size {value} (at least 0.6rem/em)"]
        return []
    for table, applies in ((CSS_PROPERTIES, True), (LABEL_PROPERTIES, selectors <= labels),
                           (NAV_PROPERTIES, selectors == {NAV})):
        if name in table and applies:
            allowed = table[name]
            if allowed is None or value in allowed:
                return []
            return [f"{where}: {name}: {value} (allowed: {sorted(allowed)})"]
    return [f"{where}: {name} is not on extra.css's allow-list of properties"]


def extra_css_problems(css: str) -> list[str]:
    """extra.css may load nothing (no url(), no @import), may write text with `content`
    only in the rules that draw the Output label, and only that word. It has no at-rule:
    no @media, so that its rules are the same at every width and the two widths the
    browser checks stand for all; and the rules of one colour scheme set only colours, so
    that the light scheme (phone) and the dark one (desktop) stand for both."""
    problems = []
    labels = {f"{s}::before" for s in LABELS}

    def walk(tokens, where):
        for token in tokens:
            if token.type == "url" or (token.type == "function" and token.lower_name in (
                    "url", "src", "image", "image-set", "-webkit-image-set", "element", "cross-fade")):
                problems.append(f"{where}: loads {token.serialize()[:60]}")
            for inner in ("arguments", "content"):
                if getattr(token, inner, None):
                    walk(getattr(token, inner), where)

    def rules(nodes):
        for rule in nodes:
            if rule.type == "at-rule":
                problems.append(f"@{rule.at_keyword} is not allowed")
            elif rule.type == "qualified-rule":
                selectors = {" ".join(s.split()) for s in tinycss2.serialize(rule.prelude).split(",")}
                for decl in tinycss2.parse_declaration_list(rule.content, skip_comments=True,
                                                            skip_whitespace=True):
                    if decl.type != "declaration":
                        continue
                    where = f"{', '.join(sorted(selectors))} {{ {decl.lower_name} }}"
                    walk(decl.value, where)
                    value = tinycss2.serialize(decl.value).strip()
                    if decl.lower_name == "content" and not (selectors <= labels and value == '"Output"'):
                        problems.append(f"{where}: content {value!r} outside the Output label")
                    if decl.lower_name in ("list-style", "list-style-type") and re.search("[\"']", value):
                        problems.append(f"{where}: a list marker of text")
                    problems.extend(_property_problems(decl.lower_name, value, selectors, labels, where))
                    if "data-md-color-scheme" in tinycss2.serialize(rule.prelude) and not (
                            decl.lower_name in ("color", "background-color")
                            or (decl.name.startswith("--") and decl.name.endswith("-color"))):
                        problems.append(f"{where}: a colour scheme's rule sets more than colours")
            elif rule.type == "error":
                problems.append(f"unreadable CSS: {rule.message}")

    rules(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True))
    return problems


def test_extra_css_loads_nothing_and_adds_only_the_output_label():
    assert extra_css_problems(EXTRA_CSS.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("css", [
    ".x { background: url(a.svg) }",
    ".x { background: URL( 'a.svg' ) }",
    ".x { background: u\\72l(a.svg) }",
    ".x { mask: image-set('a.svg' 1x) }",
    "@import 'other.css';",
    "@font-face { font-family: x; src: local(Arial) }",
    ".md-typeset .language-output::after { content: \"Output\" }",
    ".md-typeset .language-output::before { content: \"Output 99%\" }",
    ".md-typeset .language-output::before, .x::before { content: \"Output\" }",
    ".x::after { con\\74 ent: 'hi' }",
    ".x li { list-style-type: '99% ' }",
    "@media screen { .x::after { content: 'hi' } }",
    "@media (min-width: 40em) { .x { opacity: 0 } }",
    "[data-md-color-scheme=slate] .language-output { opacity: 0 }",
    "[data-md-color-scheme=\"slate\"] .language-output { --md-code-font-size: 1px }",
    # the second red-team round's, and variants
    ".md-typeset .highlight > span.filename { position: absolute; left: -100vw; }",
    ".md-typeset.md-content__inner>div.language-output { order: 1 }",
    ".md-typeset .language-output code { max-width: 14ch; overflow: hidden; }",
    ".md-typeset .language-output code { word-spacing: -0.62em; }",
    ".md-typeset .language-python .s2 { text-transform: uppercase; }",
    ".md-typeset .language-output code { line-height: 0 }",
    ".md-typeset .language-output code { font-size: 0.1em }",
    ".md-typeset .language-output code { box-shadow: 0 0 0 100vw white }",
    ".md-typeset .language-output code { --md-code-font-size: 1px }",
    ".md-typeset .language-output code { overflow-x: hidden }",
    ".md-typeset .language-output code { display: none }",
    ".md-typeset p { text-indent: -999em }",
])
def test_extra_css_rules_catch_what_loads_or_adds_text(css):
    assert extra_css_problems(css), css
