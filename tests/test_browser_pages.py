"""Every published page in headless Chromium (the server and browser of test_browser.py):
it loads with no console error, no failed request and no link to a missing anchor; at a
360 px phone width nothing scrolls sideways and no output block wraps (a summary table
scrolls inside its box); at a 1280 px desktop width no Python line is wider than its block.

And on every page, what the reader sees is what the harness ran and checked (issue 21,
classes 2 and 3), decided in the browser rather than from a list of ways to hide:

- every Python block, output block and figure (on a notebook page every cell, its code,
  outputs and figures) is seen, at the phone width in the light scheme and at the desktop
  width in the dark one (seen.js says what "seen" means), a block in a collapsed <details>
  or a later tab once the reader opens it; and the page shows as many of each as the
  harness runs and checks, so a block hidden by not being drawn at all is missed;
- each output block reads, as rendered (text-transform and all), the text the harness
  checked;
- the page's style sheets are the theme's, extra.css and, on a notebook page, the styles
  mkdocs-jupyter writes around the notebook; no <link> or <style> in the page, no style
  attribute but the theme's;
- no style adds text (`content`) but the Output label extra.css draws, no style draws a
  url() picture in the article but the theme's icons, nothing paints a shadow or outline
  far outside its box.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.harness import notebooks
from tests.harness.census import comparable
from tests.harness.pages import OUTPUT_LANG, scan
from tests.harness.rules import PYTHON_LANGS
from tests.test_browser import (  # noqa: F401  (fixtures)
    AXE_OPTIONS,
    DESKTOP,
    DOCS,
    LAID_OUT,
    PAGES,
    PHONE,
    browser,
    describe,
    pages,
    phone,
    server,
)

# axe-core on every page too, at phone width: all the rules of the page-type runs in
# test_browser.py but colour contrast (the slow one, which depends on the colours, the
# same on every page of a type, not on a page's content). It found an empty table header
# and navigation links too close together on pages no page-type run covered.
AXE_EVERY_PAGE = {**AXE_OPTIONS, "rules": {**AXE_OPTIONS["rules"],
                                             "color-contrast": {"enabled": False}}}


SEEN = (Path(__file__).with_name("seen.js")).read_text(encoding="utf-8")
# The smallest text a block may show (the code in an admonition is about 10.5 px) and the
# least contrast it may have with its background (WCAG AA for text of that size).
MIN_TEXT_PX = 9
MIN_CONTRAST = 4.5
# A figure is drawn at its own size, or at least this wide (extra.css: 30rem), and never
# squashed.
MIN_FIGURE_PX = 400
# Where extra.css draws the Output label, the one text a style may add to a page.
LABELS = [".md-typeset .language-output", ".md-typeset p.figure",
          ".jupyter-wrapper .jp-OutputArea-child:first-child .jp-OutputArea-output"]
# Pictures a style may draw in the article: the theme's icons on its own buttons (copy,
# tab scrolling) and on the title of a <details> or an admonition.
ICONS = [".md-code__button", ".tabbed-button", "summary", ".admonition-title"]

# The style sheets of a page: the theme's, extra.css (mkdocs.yml) and, on a notebook page,
# the styles mkdocs-jupyter writes around the notebook (outside its cells) and
# hooks/notebook_css.py trims. Nothing a page links or writes itself, no @import, and no
# style attribute but those the theme's script sets and a table cell's alignment.
STYLE_SHEETS = r"""({allowed, notebook, laidOut}) => {
  const problems = [];
  const article = document.querySelector('article');
  allowed = allowed.map(pattern => new RegExp(pattern));
  if (document.adoptedStyleSheets.length) problems.push('style sheets made by a script');
  for (const sheet of document.styleSheets) {
    const node = sheet.ownerNode;
    if (sheet.href) {
      if (!allowed.some(re => re.test(sheet.href))) problems.push(`a style sheet that is not the site's: ${sheet.href}`);
      else if (node.parentNode !== document.head) problems.push(`${sheet.href} linked from inside the page`);
    } else if (node.parentNode === document.head && node.textContent === laidOut) {
      // the tests' own (test_browser.LAID_OUT)
    } else if (!(notebook && node.tagName === 'STYLE' && !node.closest('.jp-Notebook') &&
                 (node.parentElement === article || node.parentElement.matches('article > .jupyter-wrapper')))) {
      problems.push(`a <${node.tagName.toLowerCase()}> written by the page: ${node.outerHTML.slice(0, 80)}`);
    }
    for (const rule of sheet.cssRules) {
      if (rule instanceof CSSImportRule) problems.push(`@import in ${sheet.href || 'a <style>'}: ${rule.href}`);
    }
  }
  const ATTRIBUTES = [['.md-top', /^top$/], ['.tabbed-set', /^--md-indicator-(x|width)$/],
                      ['th, td', /^text-align$/]];
  for (const el of document.querySelectorAll('[style]')) {
    const names = [...el.style].filter(p => !ATTRIBUTES.some(([s, re]) => el.matches(s) && re.test(p)));
    if (names.length) problems.push(`a style attribute: <${el.tagName.toLowerCase()} style="${el.getAttribute('style').slice(0, 60)}">`);
  }
  return problems;
}"""

# Text and pictures that styles add. Text: `content` on the ::before, ::after or ::marker of
# anything in the document is empty or nothing, but for the Output label; no element is
# replaced by `content`, no list marker is a string. Pictures: no style draws a url() image
# in the article (a background, a list marker, a border, a mask, a filter or clip
# reference), but the theme's icons. Nothing paints far outside its box (shadows, outlines),
# where hit testing (seen.js) would not see it cover a block.
ADDED = r"""({labels, icons}) => {
  const problems = [];
  const article = document.querySelector('article');
  const name = e => e.tagName.toLowerCase() + (typeof e.className === 'string' && e.className.trim()
    ? '.' + e.className.trim().split(/\s+/).join('.') : '');
  const PICTURES = ['backgroundImage', 'listStyleImage', 'borderImageSource', 'maskImage',
                    'webkitMaskImage', 'webkitMaskBoxImageSource', 'filter', 'clipPath', 'shapeOutside'];
  for (const e of document.querySelectorAll('body, body *')) {
    const style = getComputedStyle(e);
    if (style.content !== 'normal') problems.push(`${name(e)} { content: ${style.content.slice(0, 60)} }`);
    if (/^["']/.test(style.listStyleType)) problems.push(`${name(e)} { list-style-type: ${style.listStyleType} }`);
    const pseudos = ['::before', '::after'].concat(style.display.includes('list-item') ? ['::marker'] : []);
    for (const p of pseudos) {
      const content = getComputedStyle(e, p).content;
      if (['none', 'normal', '""'].includes(content)) continue;
      if (p === '::before' && content === '"Output"' && labels.some(s => e.matches(s))) continue;
      problems.push(`${name(e)}${p} { content: ${content.slice(0, 60)} }`);
    }
    // Paint outside the box, which hit testing does not see: a wide shadow or outline
    // drawn over a block.
    const inArticle = article.contains(e);
    const limit = inArticle ? 4 : 12;
    for (const p of ['', '::before', '::after']) {
      const s = p ? getComputedStyle(e, p) : style;
      if (p && ['none', 'normal'].includes(s.content)) continue;
      const wide = v => (v.match(/-?[\d.]+px/g) || []).some(n => Math.abs(parseFloat(n)) > limit);
      const far = [];
      if (s.boxShadow !== 'none' && wide(s.boxShadow)) far.push(`box-shadow: ${s.boxShadow}`);
      if (s.textShadow !== 'none' && wide(s.textShadow)) far.push(`text-shadow: ${s.textShadow}`);
      if (s.outlineStyle !== 'none' && wide(s.outlineWidth + ' ' + s.outlineOffset)) far.push(`outline: ${s.outlineWidth} offset ${s.outlineOffset}`);
      if (s.filter.includes('shadow')) far.push(`filter: ${s.filter}`);
      if (!/^0(px)?$/.test(s.borderImageOutset)) far.push(`border-image-outset: ${s.borderImageOutset}`);
      if (far.length) problems.push(`${name(e)}${p} paints outside its box: ${far.join(', ')}`);
    }
    if (!inArticle) continue;
    for (const p of ['', '::before', '::after']) {
      const s = p ? getComputedStyle(e, p) : style;
      if (p && ['none', 'normal'].includes(s.content)) continue;
      const drawn = PICTURES.filter(prop => s[prop] && s[prop].includes('url('));
      if (drawn.length && !(p && icons.some(sel => e.matches(sel)))) {
        problems.push(`${name(e)}${p} draws a picture: ${drawn.map(prop => prop + ': ' + s[prop].slice(0, 50)).join(', ')}`);
      }
    }
  }
  return problems;
}"""


def page_sources() -> dict[str, Path]:
    """Each page's source, by its path (test_browser.page_paths)."""
    sources = {}
    for source in sorted([*DOCS.rglob("*.md"), *DOCS.rglob("*.ipynb")]):
        rel = source.relative_to(DOCS).with_suffix("")
        sources["" if rel.name == "index" and rel.parent == Path(".") else f"{rel.as_posix()}/"] = source
    return sources


SOURCES = page_sources()
assert sorted(SOURCES) == sorted(PAGES)


# The dark scheme, as the theme's toggle sets it, its colours at once where they settle:
# the theme eases them over up to 0.25 s (test_browser.SETTLED), which the transitions,
# started by laying the page out, finishing now skips.
DARK = """() => {
  document.body.setAttribute('data-md-color-scheme', 'slate');
  document.documentElement.getBoundingClientRect();
  for (const a of document.getAnimations()) {
    if (a.effect && a.effect.getComputedTiming().endTime !== Infinity) a.finish();
  }
}"""


def dark(visit) -> None:
    """The page open in `visit` in the dark scheme, its colours settled."""
    visit.page.evaluate(DARK)


def style_problems(visit, pages: str, path: str) -> list[str]:
    """Style sheets and style attributes on the page open in `visit` that are not the site's."""
    return visit.page.evaluate(STYLE_SHEETS, {
        "allowed": sheet_addresses(pages), "notebook": SOURCES[path].suffix == ".ipynb",
        "laidOut": LAID_OUT})


def added_problems(visit) -> list[str]:
    """Text and pictures that styles add to the page open in `visit`."""
    return visit.page.evaluate(ADDED, {"labels": LABELS, "icons": ICONS})


def expected_blocks(path: str) -> dict:
    """What the harness runs and checks on the page at `path`: its Python blocks, output
    texts and figures (a Markdown page), or its cells, their outputs and figures (a
    notebook)."""
    source = SOURCES[path]
    if source.suffix == ".ipynb":
        nb = notebooks.read(source)
        code = [c for c in nb.cells if c.cell_type == "code"]
        return {"notebook": True, "source": source,
                "cells": len(nb.cells), "code cells": len(code),
                "outputs": [comparable(notebooks.shown_text(c)) for c in code],
                "figures": [sum(o.output_type == "display_data" for o in c.outputs) for c in code]}
    page = scan(source)
    return {"notebook": False, "source": source, "python": len(page.python),
            "outputs": [comparable(f.body) for f in page.fences if f.lang == OUTPUT_LANG],
            "figures": sum(1 for pf in page.python if pf.figure and "notest" not in pf.options)}


def seen_problems(visit, path: str, width: str) -> list[str]:
    """Every way a block of the page open in `visit` is not seen as the harness checked it
    (seen.js), and whether the page shows as many blocks as the harness runs and checks."""
    want = expected_blocks(path)
    result = visit.page.evaluate(SEEN, {
        "python": sorted(PYTHON_LANGS), "notebook": want["notebook"], "minText": MIN_TEXT_PX,
        "minContrast": MIN_CONTRAST, "minFigure": MIN_FIGURE_PX, "labels": LABELS})
    problems = [f"at {width}: {p}" for p in result["problems"]]
    found = result["found"]
    kinds = [b["kind"] for b in found]
    if want["notebook"]:
        cells = [i for i, k in enumerate(kinds) if k in ("cell", "markdown cell")]
        code = [i for i in cells if kinds[i] == "cell"]
        if len(cells) != want["cells"] or len(code) != want["code cells"]:
            problems.append(f"at {width}: the page shows {len(cells)} cells, {len(code)} of code; "
                            f"the notebook has {want['cells']}, {want['code cells']} of code")
        else:
            for n, (start, text, figures) in enumerate(
                    zip(code, want["outputs"], want["figures"]), start=1):
                end = next((i for i in cells if i > start), len(found))
                mine = found[start + 1:end]
                shown = comparable("\n".join(b["text"] for b in mine if b["kind"] == "cell output"))
                if shown != text:
                    problems.append(f"at {width}: code cell {n} reads\n{shown}\nwhere the notebook "
                                    f"checked\n{text}")
                drawn = sum(b["kind"] == "cell figure" for b in mine)
                if drawn != figures:
                    problems.append(f"at {width}: code cell {n} shows {drawn} figures, the "
                                    f"notebook {figures}")
    else:
        python = kinds.count("python")
        if python != want["python"]:
            problems.append(f"at {width}: the page shows {python} Python blocks, the harness "
                            f"runs {want['python']}")
        shown = [comparable(b["text"]) for b in found if b["kind"] == "output"]
        if shown != want["outputs"]:
            diff = next((i for i, (a, b) in enumerate(zip(shown, want["outputs"])) if a != b),
                        min(len(shown), len(want["outputs"])))
            problems.append(
                f"at {width}: the page shows {len(shown)} output blocks, the harness checks "
                f"{len(want['outputs'])}; block {diff + 1} reads\n"
                f"{shown[diff] if diff < len(shown) else '(none)'}\nwhere the harness checked\n"
                f"{want['outputs'][diff] if diff < len(want['outputs']) else '(none)'}")
        figures = kinds.count("figure")
        if figures != want["figures"]:
            problems.append(f"at {width}: the page shows {figures} pictures, the harness "
                            f"draws {want['figures']}")
    return problems




def sheet_addresses(pages: str) -> list[str]:
    """The addresses of the style sheets a page may load, as JavaScript patterns."""
    site = re.escape(pages)
    return [f"^{site}assets/stylesheets/(main|palette)\\.[0-9a-f]{{8}}\\.min\\.css$",
            f"^{site}stylesheets/extra\\.css$"]


# Output blocks whose rendered height shows more lines than their text has: wrapped.
WRAPPED_OUTPUTS = """() => [...document.querySelectorAll(
    '.language-output pre > code, .jp-RenderedText pre')]
  .filter(code => {
    const style = getComputedStyle(code);
    const lines = code.textContent.replace(/\\n$/, '').split('\\n').length;
    const inner = code.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
    const line = parseFloat(style.lineHeight);  // NaN for 'normal': counted as wrapped
    return style.whiteSpace !== 'pre' || !(inner <= (lines + 0.5) * line);
  })
  .map(code => code.textContent.split('\\n')[0].slice(0, 60))"""

SIDEWAYS = """() => document.documentElement.scrollWidth - document.documentElement.clientWidth"""

# Links within the page whose target is missing (a table of contents out of step with
# the headings, a skip link to nowhere).
DEAD_ANCHORS = """() => [...document.querySelectorAll('a[href^="#"]')]
  .map(a => decodeURIComponent(a.getAttribute('href').slice(1)))
  .filter(id => id && !document.getElementById(id))"""

# Python blocks (Markdown pages and notebook cells) with a line wider than their box.
# mkdocs-jupyter puts a code cell's source in .highlight-ipynb, not .highlight.
CUT_OFF_CODE = """() => [...document.querySelectorAll(
    '.language-python pre > code, .jp-CodeCell .jp-InputArea .highlight-ipynb > pre')]
  .filter(code => code.scrollWidth > code.clientWidth + 1)
  .map(code => code.textContent.split('\\n').find(
    line => line.length === Math.max(...code.textContent.split('\\n').map(l => l.length))))"""


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p or "home")
def test_page_loads_cleanly_and_fits_a_phone(path, pages, phone):
    url = pages + path
    response = phone.open(url)
    assert response.status == 200, f"{url}: HTTP {response.status}"
    assert not phone.problems, f"{url}:\n" + "\n".join(phone.problems)
    dead = phone.page.evaluate(DEAD_ANCHORS)
    assert not dead, f"{url}: links to anchors the page does not have: {dead}"
    sideways = phone.page.evaluate(SIDEWAYS)
    assert sideways <= 0, f"{url}: at {PHONE['width']} px the page scrolls {sideways} px sideways"
    wrapped = phone.page.evaluate(WRAPPED_OUTPUTS)
    assert not wrapped, f"{url}: output blocks wrap instead of scrolling: {wrapped}"
    found = phone.axe_violations(AXE_EVERY_PAGE)
    assert not found, f"{url}: axe-core at {PHONE['width']} px:\n" + describe(found)
    styled = style_problems(phone, pages, path)
    assert not styled, f"{url}: styles other than the site's:\n" + "\n".join(styled)
    added = added_problems(phone)
    assert not added, f"{url}: styles add text or pictures:\n" + "\n".join(added)
    unseen = seen_problems(phone, path, f"{PHONE['width']} px")
    phone.page.set_viewport_size(DESKTOP)
    try:
        cut = phone.page.evaluate(CUT_OFF_CODE)
        # The dark scheme here: extra.css changes only colours there (test_harness_browser).
        dark(phone)
        unseen += seen_problems(phone, path, f"{DESKTOP['width']} px, dark")
    finally:
        phone.page.goto("about:blank")  # so that going back to a phone lays out nothing
        phone.page.set_viewport_size(PHONE)
    failures = []
    if cut:
        failures.append(f"{url}: at {DESKTOP['width']} px these Python lines are wider than "
                        f"their block (break them deliberately): {cut}")
    if unseen:
        failures.append(f"{url}: blocks the reader does not see as the harness checked "
                        f"them:\n" + "\n".join(unseen))
    assert not failures, "\n".join(failures)
