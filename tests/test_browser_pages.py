"""Every published page in headless Chromium (the server and browser of test_browser.py):
it loads with no console error, no failed request and no link to a missing anchor; at a
360 px phone width nothing scrolls sideways and no output block wraps (a summary table
scrolls inside its box); at a 1280 px desktop width no Python line is wider than its block.
"""

from __future__ import annotations

import pytest

from tests.test_browser import (  # noqa: F401  (fixtures)
    AXE_OPTIONS,
    DESKTOP,
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
CUT_OFF_CODE = """() => [...document.querySelectorAll(
    '.language-python pre > code, .jp-InputArea .highlight pre')]
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
    phone.page.set_viewport_size(DESKTOP)
    try:
        cut = phone.page.evaluate(CUT_OFF_CODE)
    finally:
        phone.page.goto("about:blank")  # so that going back to a phone lays out nothing
        phone.page.set_viewport_size(PHONE)
    assert not cut, (f"{url}: at {DESKTOP['width']} px these Python lines are wider than "
                     f"their block (break them deliberately): {cut}")
