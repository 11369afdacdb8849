"""Claims tests run in the pytest worker, with TensorFlow as a reader gets it; only its
native INFO and WARNING lines are off, as on the pages (README, "How the checks work")."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
