"""MkDocs hook: the version selector only on the site mike publishes.

mkdocs.yml names mike as the version provider (`extra.version`): on every page the theme's
script then requests `../versions.json`, the list of published versions mike keeps at the
root of the gh-pages branch. Only mike's build has that file above the pages; under
`mkdocs serve` or a plain `mkdocs build` each page's request fails (a 404 in the browser's
console). `mike deploy` builds with its plugin added to the configuration
(mike/mkdocs_utils.py, `inject_plugin`): without it, the selector is dropped, and the
pages request nothing that is not there.

tests/test_serve.py opens every page under `mkdocs serve`; tests/test_browser.py checks
that the published site still lists its versions.
"""

from __future__ import annotations


def on_config(config):
    if "mike" not in config["plugins"]:
        config["extra"].pop("version", None)
    return config
