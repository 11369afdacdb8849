# The documentation harness lives in tests/harness; this file only switches it on.
pytest_plugins = ["pytester", "tests.harness.plugin"]
