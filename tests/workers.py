"""The test run on two cores: pytest-xdist workers, with the session builds in one of them.

The README's test command runs two workers (`-n 2` in pyproject.toml). The session builds
(tests/sessionbuilds.py) are processes and threads of the worker that starts them, so the
tests that use them must run in that worker: :data:`BUILD_WORKER`. The other tests go, a
module at a time (so a module's fixtures are made once), to whichever worker is free.

- Each worker marks the tests that use a session build with the xdist group
  :data:`GROUP` (its test ids get the suffix ``@session-builds``; `--dist loadgroup`).
- The controller's scheduler (:class:`BuildsInOneWorker`) gives that group, as one unit in
  the order collected, to the build worker first: its first test waits for the 2023 build
  while the other worker runs unit tests on the core the builds leave. When the build
  worker is through, both take modules until none are left.

Without xdist (`-n 0`, `-p no:xdist`) or with another `--dist`, none of this applies and the
run is the one-process run it always was.
"""

from __future__ import annotations

from collections import OrderedDict

import pytest
from sessionbuilds import BUILD_WORKER, uses_session_builds
from xdist.scheduler import LoadScopeScheduling
from xdist.workermanage import WorkerController

GROUP = "session-builds"
_UNIT = f"@{GROUP}"  # the scope (work unit) of the grouped tests


@pytest.hookimpl(tryfirst=True)  # before xdist turns the group into the test id's suffix
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if uses_session_builds(item):
            item.add_marker(pytest.mark.xdist_group(GROUP))


class BuildsInOneWorker(LoadScopeScheduling):
    """Load scheduling by module, with the session-build group pinned to the build worker."""

    def _split_scope(self, nodeid: str) -> str:
        if nodeid.endswith(_UNIT):
            return _UNIT
        return nodeid.split("::", 1)[0]

    def _assign_work_unit(self, node: WorkerController) -> None:
        queue: OrderedDict[str, dict[str, bool]] = self.workqueue
        pinned = any(n.gateway.id == BUILD_WORKER for n in self.nodes)
        if _UNIT in queue:
            if node.gateway.id == BUILD_WORKER or not pinned:
                queue.move_to_end(_UNIT, last=False)
            elif len(queue) == 1:
                return  # only the build worker's unit is left: this worker waits to finish
            else:
                queue.move_to_end(_UNIT)
        super()._assign_work_unit(node)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    if config.getvalue("dist") != "loadgroup":
        return None
    return BuildsInOneWorker(config, log)
