"""Shared test set-up: make tests/ importable for helper modules such as rawdata."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
