# The documentation harness lives in tests/harness; this file only switches it on:
# the pages as tests (plugin) and the installed versions held to the pins (pins).
pytest_plugins = ["pytester", "tests.harness.plugin", "tests.harness.pins"]
