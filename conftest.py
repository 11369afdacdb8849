# The documentation harness lives in tests/harness; this file only switches it on:
# the pages as tests (plugin), the installed versions held to the pins (pins), and the
# sources recorded before any page runs, published from that record and unchanged at the
# end (sources).
pytest_plugins = ["pytester", "tests.harness.plugin", "tests.harness.pins", "tests.harness.sources"]
