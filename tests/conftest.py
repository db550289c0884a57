"""Make the checkout importable as ``ansible_collections.golive.readiness`` for pytest."""

import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLLECTIONS = os.path.join(REPO, 'collections')
if COLLECTIONS not in sys.path:
    sys.path.insert(0, COLLECTIONS)

# Shared test helpers (catalogue_params) live in tests/unit.
UNIT = os.path.join(REPO, 'tests', 'unit')
if UNIT not in sys.path:
    sys.path.insert(0, UNIT)
