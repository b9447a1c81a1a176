"""Write the lock (requirements/lock.txt) and the conda environment from pyproject.toml.

    python scripts/lock.py                      # keep every pin that still fits
    python scripts/lock.py --upgrade pandas     # let these packages move to newer versions

Needs uv (``pip install uv``). See docs/dependencies.md for what to re-check afterwards.
"""

import argparse
from pathlib import Path

from integratiescan.toolchain import CONDA_ENV_FILE, LOCK_FILE, write_lock

ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument("--upgrade", nargs="*", default=[], metavar="PACKAGE")
args = ap.parse_args()
locked, runtime = write_lock(Path(__file__).parents[1], args.upgrade)
print(f"{LOCK_FILE}: {locked} pins; {CONDA_ENV_FILE}: {runtime} runtime pins")
