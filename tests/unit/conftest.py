"""Unit-test settings: Hypothesis keeps no example database and writes its caches to a
temporary folder (removed at exit), so a run leaves nothing in the checkout."""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile

from hypothesis import settings

if "HYPOTHESIS_STORAGE_DIRECTORY" not in os.environ:
    _store = tempfile.mkdtemp(prefix="picoagent-unit-hypothesis-")
    os.environ["HYPOTHESIS_STORAGE_DIRECTORY"] = _store
    atexit.register(shutil.rmtree, _store, ignore_errors=True)

settings.register_profile("picoagent-unit", database=None, deadline=None)
settings.load_profile("picoagent-unit")
