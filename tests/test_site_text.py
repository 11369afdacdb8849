"""Numbers in everything the served site shows, not only the article (issue 21, class 12,
its prose parts, and the versions in prose).

Each page is read as the site serves it (the `published` build, as test_site.py reads it):
its article, the table of contents, the window title, the meta description, the site
name, the navigation labels and the footer. The prose rule (tests/harness/prose.py) applies
to all of it against the outputs the served page shows, so that a build step (a hook, a
theme override, the configuration) cannot add a number the tests of the source never saw;
the site's own text around the article (what mkdocs.yml writes: site name, navigation
labels, copyright, footer) holds no number at all that is not a pinned version or a number
printed on the page it labels."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.harness import prose
from tests.test_site import DOCS, NOTEBOOKS, PAGES, REPO, built_page


@pytest.fixture(scope="module")
def served(published) -> dict[Path, BeautifulSoup]:
    """Every page as the site serves it, parsed once."""
    return {page: BeautifulSoup(built_page(published.site, page).read_text(encoding="utf-8"), "html.parser")
            for page in PAGES + NOTEBOOKS}


@pytest.fixture(scope="module")
def outputs(served, published) -> dict[Path, list[str]]:
    """The outputs each served page shows, by its served file."""
    return {built_page(published.site, page).resolve(): prose.served_outputs(soup) for page, soup in served.items()}


def test_every_number_the_served_site_shows_is_printed_or_pinned(served, outputs, published):
    problems = []
    for page, soup in served.items():
        folder = built_page(published.site, page).parent

        def linked(href: str, folder=folder) -> list[str]:
            target = (folder / href.split("#")[0].split("?")[0]).resolve()
            return outputs.get(target / "index.html" if target.is_dir() else target, [])

        problems += [f"{page.relative_to(REPO)} (as served): {p}" for p in prose.served_problems(soup, page, linked)]
    assert not problems, "\n".join(problems)


def test_the_site_configuration_names_no_unpinned_version():
    """mkdocs.yml's site name, description, copyright and navigation labels are text every
    page shows: a version there is the pinned one."""
    import yaml

    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    texts = [str(config.get(key) or "") for key in ("site_name", "site_description", "copyright")]

    def labels(nav):
        for entry in nav or []:
            if isinstance(entry, dict):
                for label, target in entry.items():
                    yield str(label)
                    if isinstance(target, list):
                        yield from labels(target)

    texts += list(labels(config.get("nav")))
    versions = [n for text in texts for n in prose.prose_numbers(prose.normalise_text(text)) if n.kind == "version"]
    wrong = [n.text for n in versions if not prose.backed(n, [])]
    assert not wrong, f"mkdocs.yml names versions that are not the pinned ones: {wrong}"


def test_a_served_page_that_adds_a_number_is_refused(served, outputs, published):
    """The check above, on a served page changed as a build step could change it."""
    page = DOCS / "reference" / "pooling.md"
    folder = built_page(published.site, page).parent

    def linked(href: str) -> list[str]:
        target = (folder / href.split("#")[0]).resolve()
        return outputs.get(target / "index.html" if target.is_dir() else target, [])

    html = str(served[page])
    assert not prose.served_problems(html, page, linked)
    assert not prose.served_problems(html.replace("    Glossary\n", "    Glossary, 5,000 images\n", 1), page,
                                     lambda href: ["images: 5,000"] if "glossary" in href else linked(href))
    for added in [
        html.replace("    Glossary\n", "    Glossary of 40 terms\n", 1),  # a navigation label: the glossary prints no 40
        html.replace("</article>", "<p>The model reaches 0.99 on the test set.</p></article>", 1),
        html.replace("<title>", "<title>99% right: ", 1),
        html.replace('class="md-copyright">', 'class="md-copyright">Copyright 2026, tested on Keras 3.11 ', 1),
        html.replace("Keras Sequential, verified", "Keras Sequential, verified on 500 models", 1),
    ]:
        assert added != html
        assert prose.served_problems(added, page, linked), added[:200]
