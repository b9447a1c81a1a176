"""The linear programs behind the disclosure audit (:mod:`.disclosure_audit`).

What is published and how counts add up become linear constraints (`constraints_of`, split into
independent components by `components_of`); a `Model` keeps one program loaded in HiGHS and
changes only the objective between its solves; `Witnesses` keeps the feasible points found so
far as running bounds (a count whose witnesses already span the protection width needs no
program of its own); `Blocks` solves the small local program of one project and its
neighbours when the table holds many projects.
"""

from __future__ import annotations

import bisect
import math
import os
import sys
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from integratiescan.relations import COUNT_FIELDS, Relation

#: Column marking a row that is not published but whose counts are in relations (an
#: unpublished part: the project table's per-cohort parts). Withheld; protected also when
#: the published figures tell no more about it than its own block's do (`iter_findings`).
HIDDEN = "hidden"

#: Count columns of a row that the audit reasons about.
AUDITED_FIELDS: tuple[str, ...] = COUNT_FIELDS
COMPLEMENT = "denominator-numerator"

Key = tuple[str, str]  # (indicator_id, field): like Cell, but field may be n_missing


def audit_records(table: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """The rows the audit reads, by indicator id, with only the columns it reads (a table
    row also carries its definition and labels: converting those is most of the cost)."""
    wanted = ["indicator_id", "suppressed", HIDDEN, "measure", "unit", *AUDITED_FIELDS]
    narrow = table[[c for c in wanted if c in table.columns]]
    return {str(r["indicator_id"]): r for r in narrow.to_dict("records")}


def as_number(value: object) -> float | None:
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(out) else out


def as_flag(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "ja"}
    return bool(value) and not (isinstance(value, float) and math.isnan(value))


@dataclass(frozen=True)
class Constraint:
    keys: tuple[Key, ...]
    coefs: tuple[float, ...]
    exact: bool  # sum(coef * x) == 0 when exact, else <= 0
    text: str


def constraints_of(relations: Sequence[Relation], carries_missing: set[str]) -> list[Constraint]:
    """``sum(parts) - total (== | <=) 0`` for each relation, plus the n_missing parallels."""
    out = []
    for r in relations:
        keys = ((r.total.indicator_id, r.total.field),) + tuple(
            (p.indicator_id, p.field) for p in r.parts
        )
        coefs = (-1.0,) + (1.0,) * len(r.parts)
        out.append(Constraint(keys, coefs, r.exact, str(r)))
        ids = [k[0] for k in keys]
        if (
            len(r.parts) > 1
            and all(k[1] == "denominator" for k in keys)
            and all(i in carries_missing for i in ids)
        ):
            missing = tuple((i, "n_missing") for i in ids)
            text = f"{ids[0]}.n_missing >= " + " + ".join(f"{i}.n_missing" for i in ids[1:])
            out.append(Constraint(missing, coefs, False, text))
    return out


def components_of(constraints: list[Constraint], free: set[Key]) -> dict[Key, int]:
    """Connected components of the unknown counts (union-find over shared constraints)."""
    parent: dict[Key, Key] = {k: k for k in free}

    def find(k: Key) -> Key:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for c in constraints:
        unknown = [k for k in c.keys if k in free]
        for k in unknown[1:]:
            a, b = find(unknown[0]), find(k)
            if a != b:
                parent[max(a, b)] = min(a, b)
    roots = sorted({find(k) for k in free})
    index = {root: i for i, root in enumerate(roots)}
    return {k: index[find(k)] for k in free}


class Recent(OrderedDict):
    """A dict that keeps only its `LIMIT` most recently used entries.

    Why: the audit visits its targets project by project, and each project's small linear
    programs are loaded HiGHS models (about a megabyte each); keeping every project's model
    made memory grow with the number of projects for no gain.
    """

    LIMIT = 8

    def get_or(self, key: Any, make: Callable[[], Any]) -> Any:
        if key in self:
            self.move_to_end(key)
            return self[key]
        value = self[key] = make()
        while len(self) > self.LIMIT:
            self.popitem(last=False)
        return value


_BANNER_SHOWN: list[bool] = []  # HiGHS prints its banner once per process


def _quiet_highs() -> Any:
    """A HiGHS instance that logs nothing. Its C++ constructor writes a licence banner to the
    process's standard output (once per process, before any option can be set), which would
    land in the middle of Snakemake's output; the first construction runs with file
    descriptor 1 pointed at /dev/null."""
    import highspy

    if _BANNER_SHOWN:
        highs = highspy.Highs()
    else:
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "wb") as null:
                os.dup2(null.fileno(), 1)
                highs = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _BANNER_SHOWN.append(True)
    highs.setOptionValue("output_flag", False)
    return highs


class Model:
    """One linear program ``A_ub x <= b_ub, A_eq x = b_eq``, bounds on x, loaded into HiGHS
    once; each `minimum` changes only the objective.

    Why: the audit solves thousands of programs over the same constraints with different
    objectives. Through `scipy.optimize.linprog` each call checked and copied its input
    again (about half of its time) and started from scratch; here the model stays loaded
    and HiGHS's simplex starts from the previous optimal basis.
    """

    def __init__(self, a_ub, b_ub, a_eq, b_eq, bounds: list[tuple]) -> None:
        import highspy
        from scipy.sparse import csc_array, vstack

        n = len(bounds)
        blocks = [m for m in (a_ub, a_eq) if m is not None]
        a = csc_array(vstack(blocks)) if blocks else csc_array((0, n))
        inf = highspy.kHighsInf
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = n, a.shape[0]
        lp.col_cost_ = np.zeros(n)
        lp.col_lower_ = np.array([-inf if lo is None else lo for lo, _ in bounds], dtype=float)
        lp.col_upper_ = np.array([inf if hi is None else hi for _, hi in bounds], dtype=float)
        ub = np.asarray(b_ub, dtype=float) if b_ub is not None else np.zeros(0)
        eq = np.asarray(b_eq, dtype=float) if b_eq is not None else np.zeros(0)
        lp.row_lower_ = np.concatenate([np.full(len(ub), -inf), eq])
        lp.row_upper_ = np.concatenate([ub, eq])
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = a.indptr.astype(np.int32)
        lp.a_matrix_.index_ = a.indices.astype(np.int32)
        lp.a_matrix_.value_ = a.data.astype(float)
        self.n = n
        self.CAP = 1e6  # far above any count here; only bounds the witness points
        self.highs = _quiet_highs()
        self.highs.setOptionValue("presolve", "off")  # keep the basis between objectives
        self.highs.passModel(lp)
        self._status = highspy.HighsModelStatus
        self._all = np.arange(n, dtype=np.int32)
        self._lower, self._upper = lp.col_lower_.copy(), lp.col_upper_.copy()
        self.solves = 0

    def minimum(self, c: np.ndarray, cap: bool = False) -> tuple[float, np.ndarray | None]:
        """min c @ x and where it is reached; (-inf, None) when unbounded below. Raises
        when the constraints conflict (the published counts are inconsistent). *cap*: with
        every unknown at most `CAP` (a point of the program all the same, for a witness)."""
        h, status = self.highs, self._status
        if self.n == 0:
            return 0.0, np.zeros(0)
        h.changeColsCost(self.n, self._all, np.asarray(c, dtype=float))
        if cap:
            h.changeColsBounds(
                self.n,
                self._all,
                np.maximum(self._lower, -self.CAP),
                np.minimum(self._upper, self.CAP),
            )
        h.run()
        self.solves += 1
        got = h.getModelStatus()
        found = (
            (float(h.getInfo().objective_function_value), np.array(h.getSolution().col_value))
            if got == status.kOptimal
            else (-math.inf, None)
        )
        if cap:
            h.changeColsBounds(self.n, self._all, self._lower, self._upper)
        if got not in (status.kOptimal, status.kUnbounded):
            raise ValueError(
                "disclosure audit: the published counts are inconsistent "
                f"({h.modelStatusToString(got)})"
            )
        return found


class Witnesses:
    """Feasible points of one component, kept as the smallest and largest value that each
    unknown (and each registered difference, a share's complement) takes over them: the
    first two with the fewest and the most counted persons, then every optimum found
    (see `iter_findings`, *witnesses*).

    Why running bounds rather than the points: a component with every project's rows has
    tens of thousands of unknowns; the verdict needs only these bounds.
    """

    def __init__(self, model: Model, pairs: Sequence[tuple[int, int]] = ()) -> None:
        self.low = np.full(model.n, math.inf)
        self.high = np.full(model.n, -math.inf)
        self._pair = {p: j for j, p in enumerate(pairs)}
        self._a = np.array([a for a, _ in pairs], dtype=np.int64)
        self._b = np.array([b for _, b in pairs], dtype=np.int64)
        self.pair_low = np.full(len(pairs), math.inf)
        self.pair_high = np.full(len(pairs), -math.inf)
        ones = np.ones(model.n)
        for sense in (1.0, -1.0):
            self.add(model.minimum(sense * ones, cap=True)[1])

    def add(self, point: np.ndarray | None) -> None:
        if point is None:
            return
        np.minimum(self.low, point, out=self.low)
        np.maximum(self.high, point, out=self.high)
        if len(self._a):
            d = point[self._a] - point[self._b]
            np.minimum(self.pair_low, d, out=self.pair_low)
            np.maximum(self.pair_high, d, out=self.pair_high)

    def spread(self, at: list[int], coefs: list[float]) -> tuple[float, float] | None:
        """Integer bounds inside the range of ``coefs @ x[at]`` that the points prove."""
        if len(at) == 1 and coefs == [1.0]:
            low, high = self.low[at[0]], self.high[at[0]]
        elif len(at) == 2 and coefs == [1.0, -1.0] and (at[0], at[1]) in self._pair:
            j = self._pair[(at[0], at[1])]
            low, high = self.pair_low[j], self.pair_high[j]
        else:
            return None
        if not (math.isfinite(low) and math.isfinite(high)):
            return None
        return math.ceil(low - 1e-6), math.floor(high + 1e-6)


@dataclass
class Blocks:
    """Exact ranges and feasible points in a large component from small linear programs.

    Why: with every project's rows next to the national table, the relations "national =
    sum of the projects" join all withheld counts into one component of thousands of
    unknowns, and a range costs two linear programs over all of them. The counts of one
    project (a *block*) meet the other blocks only in those few relations (*joint*).

    - `minimum`: solve over the target's block with its own constraints only (a relaxation:
      the range can only be wider), then put that optimum into one feasible point of the
      whole component (`start`). When the joint constraints still hold, the relaxed optimum
      is reached by the whole system, so it is the exact bound.
    - `local_point`: solve over the target's block and a few neighbours (blocks that share
      joint constraints with it), every other unknown fixed at `start`. Its optimum is a
      feasible point of the whole component (a witness), though not always its optimum.
    """

    variables: list[Key]
    start: np.ndarray  # a feasible point of the whole component
    of_block: dict[str, list[int]]  # block -> positions of its unknowns
    block_at: list[str]  # position -> its block
    own: dict[str, tuple]  # block -> its own constraints as arrays (see `_arrays`)
    joint: list[tuple[np.ndarray, np.ndarray, float, bool]]  # (positions, coefs, rhs, exact)
    joint_of: dict[str, list[int]]  # block -> the joint constraints it appears in
    entries: dict[tuple[int, str], np.ndarray]  # (joint, block) -> its entries in that joint
    members: list[list[str]]  # joint -> its blocks, sorted
    at_start: np.ndarray  # joint -> its left-hand side at `start`
    NEIGHBOURS = 3

    @classmethod
    def of(
        cls,
        constraints: list[Constraint],
        system: tuple,
        published: dict[Key, float],
        signed: set[Key],
        block: Callable[[str], str],
    ) -> Blocks | None:
        variables, index, model = system
        block_at = [block(k[0]) for k in variables]
        if len(set(block_at)) < 2:
            return None
        # The point with the fewest counted persons: slack in every "at least" relation.
        cost = np.array([0.0 if k in signed else 1.0 for k in variables])
        _, start = model.minimum(cost)
        if start is None:
            return None
        of_block: dict[str, list[int]] = {}
        for j, name in enumerate(block_at):
            of_block.setdefault(name, []).append(j)
        own: dict[str, list[Constraint]] = {}
        joint: list[tuple[np.ndarray, np.ndarray, float, bool]] = []
        joint_of: dict[str, list[int]] = {}
        entries: dict[tuple[int, str], list[int]] = {}
        for con in constraints:
            known = [k in index for k in con.keys]
            names = {block_at[index[k]] for k in con.keys if k in index}
            if len(names) == 1:
                own.setdefault(next(iter(names)), []).append(con)
            elif names:
                at = [index[k] for k, inside in zip(con.keys, known, strict=True) if inside]
                coefs = [c for c, inside in zip(con.coefs, known, strict=True) if inside]
                rhs = -sum(
                    c * published[k]
                    for k, c, inside in zip(con.keys, con.coefs, known, strict=True)
                    if not inside
                )
                i = len(joint)
                for e, j in enumerate(at):
                    entries.setdefault((i, block_at[j]), []).append(e)
                for name in sorted(names):
                    joint_of.setdefault(name, []).append(i)
                joint.append((np.array(at), np.array(coefs), rhs, con.exact))
        members: list[list[str]] = [[] for _ in joint]
        for i, name in entries:
            members[i].append(name)
        for m in members:
            m.sort()
        arrays = {
            name: _arrays(own.get(name, []), [variables[j] for j in positions], published, signed)
            for name, positions in of_block.items()
        }
        return cls(
            variables,
            start,
            of_block,
            block_at,
            arrays,
            joint,
            joint_of,
            {k: np.array(v) for k, v in entries.items()},
            members,
            np.array([float(coefs @ start[at]) for at, coefs, _, _ in joint]),
        )

    def _block(self, at: list[int]) -> str | None:
        names = {self.block_at[j] for j in at}
        return names.pop() if len(names) == 1 else None

    def minimum(self, cost: np.ndarray, at: list[int]) -> tuple[float, np.ndarray] | None:
        """min cost @ x over the component (cost nonzero at *at* only) and a point of the
        component where it is reached, or None when the block alone cannot tell."""
        name = self._block(at)
        if name is None:
            return None
        positions = self.of_block[name]
        if self._systems is None:
            self._systems = Recent()
        system = self._systems.get_or(name, lambda: Model(*self.own[name]))
        value, point_b = system.minimum(cost[positions])
        if point_b is None:
            return None
        point = self.start.copy()
        point[positions] = point_b
        for i in self.joint_of.get(name, []):
            where, coefs, rhs, exact = self.joint[i]
            lhs = float(coefs @ point[where])
            tolerance = 1e-7 * max(1.0, abs(rhs))
            if (abs(lhs - rhs) if exact else lhs - rhs) > tolerance:
                return None
        return value, point

    def neighbours(self, name: str) -> list[str]:
        """Up to `NEIGHBOURS` blocks that share joint constraints with *name*: in each of
        its joint constraints in turn, the blocks that follow it (in name order, wrapping)."""
        out: list[str] = []
        for i in self.joint_of.get(name, []):
            m = self.members[i]
            k = bisect.bisect_right(m, name)
            for step in range(len(m) - 1):
                other = m[(k + step) % len(m)]
                if other != name and other not in out:
                    out.append(other)
                    break
            if len(out) >= self.NEIGHBOURS:
                break
        return out

    def local_point(self, at: list[int], cost: np.ndarray) -> np.ndarray | None:
        """A feasible point of the whole component that minimises cost @ x with only the
        target's block and its `neighbours` free; None when that program has no optimum."""
        name = self._block(at)
        if name is None:
            return None
        group = [name, *self.neighbours(name)]
        model, positions = self._local(tuple(group))
        _, point_g = model.minimum(cost[positions], cap=True)
        if point_g is None:
            return None
        point = self.start.copy()
        point[positions] = point_g
        return point

    _cache: Recent | None = None  # group -> its local program (`_local`)
    _systems: Recent | None = None  # block -> the program of its own constraints

    def _local(self, group: tuple[str, ...]) -> tuple[Model, np.ndarray]:
        """The LP over *group*'s unknowns (cached for the most recent groups)."""
        if self._cache is None:
            self._cache = Recent()
        return self._cache.get_or(group, lambda: self._local_program(group))

    def _local_program(self, group: tuple[str, ...]) -> tuple[Model, np.ndarray]:
        """*group*'s own constraints, and every joint constraint they appear in with the
        other unknowns at `start`; the model and the positions of its unknowns."""
        from scipy.sparse import coo_array

        positions = np.concatenate([self.of_block[g] for g in group])
        column = {int(p): j for j, p in enumerate(positions)}
        # (rows, columns, values, right-hand sides) of A_ub (False) and A_eq (True)
        rows: dict[bool, tuple[list, list, list, list]] = {
            True: ([], [], [], []),
            False: ([], [], [], []),
        }
        offset = 0
        for g in group:
            a_ub, b_ub, a_eq, b_eq, _ = self.own[g]
            for exact, a, b in ((False, a_ub, b_ub), (True, a_eq, b_eq)):
                if a is None:
                    continue
                r, cols, vals, rhs_list = rows[exact]
                m = coo_array(a)
                r.extend((m.row + len(rhs_list)).tolist())
                cols.extend((m.col + offset).tolist())
                vals.extend(m.data.tolist())
                rhs_list.extend(np.asarray(b, dtype=float).tolist())
            offset += len(self.of_block[g])
        for i in sorted({i for g in group for i in self.joint_of.get(g, [])}):
            where, coefs, rhs, exact = self.joint[i]
            inside = np.concatenate([self.entries[(i, g)] for g in group if (i, g) in self.entries])
            r, cols, vals, rhs_list = rows[exact]
            for e in inside:
                r.append(len(rhs_list))
                cols.append(column[int(where[e])])
                vals.append(float(coefs[e]))
            rest = self.at_start[i] - float(coefs[inside] @ self.start[where[inside]])
            rhs_list.append(rhs - rest)
        n = len(positions)

        def matrix(exact: bool) -> tuple[Any, np.ndarray | None]:
            from scipy.sparse import csr_array

            r, cols, vals, rhs_list = rows[exact]
            if not rhs_list:
                return None, None
            a = csr_array((vals, (r, cols)), shape=(len(rhs_list), n))
            return a, np.array(rhs_list, dtype=float)

        bounds = [b for g in group for b in self.own[g][4]]
        return Model(*matrix(False), *matrix(True), bounds), positions


def _arrays(
    constraints: list[Constraint],
    variables: list[Key],
    published: dict[Key, float],
    signed: set[Key],
) -> tuple:
    """(A_ub, b_ub, A_eq, b_eq, bounds) of *constraints* over *variables* (sparse; None for
    an empty part); an unknown outside *variables* must not occur in them."""
    from scipy.sparse import csr_array

    index = {k: j for j, k in enumerate(variables)}
    # (rows, columns, values, right-hand sides) of A_ub and A_eq; sparse, because a
    # component of the national table with all project tables has thousands of unknowns
    # and each constraint names a few of them (scipy hands HiGHS a sparse matrix anyway).
    parts: dict[bool, tuple[list[int], list[int], list[float], list[float]]] = {
        True: ([], [], [], []),
        False: ([], [], [], []),
    }
    for con in constraints:
        rows, cols, vals, rhs_list = parts[con.exact]
        line: dict[int, float] = {}
        rhs = 0.0
        for k, coef in zip(con.keys, con.coefs, strict=True):
            if k in index:
                line[index[k]] = line.get(index[k], 0.0) + coef
            else:
                rhs -= coef * published[k]
        for j, v in line.items():
            rows.append(len(rhs_list))
            cols.append(j)
            vals.append(v)
        rhs_list.append(rhs)
    bounds = [(None, None) if k in signed else (0, None) for k in variables]

    def matrix(exact: bool) -> csr_array | None:
        rows, cols, vals, rhs_list = parts[exact]
        if not rhs_list:
            return None
        return csr_array((vals, (rows, cols)), shape=(len(rhs_list), len(variables)))

    def rhs(exact: bool) -> np.ndarray | None:
        return np.array(parts[exact][3]) if parts[exact][3] else None

    return matrix(False), rhs(False), matrix(True), rhs(True), bounds


def matrices(
    constraints: list[Constraint],
    variables: list[Key],
    published: dict[Key, float],
    signed: set[Key],
) -> Model:
    """The loaded `Model` of `_arrays`."""
    return Model(*_arrays(constraints, variables, published, signed))


def linear_system(
    constraints: list[Constraint],
    free: set[Key],
    published: dict[Key, float],
    signed: set[Key],
    comp: int,
    component: dict[Key, int],
) -> tuple:
    """The LP of one component: its unknowns, their index, the loaded `Model`."""
    variables = sorted(k for k in free if component[k] == comp)
    index = {k: j for j, k in enumerate(variables)}
    return (variables, index, matrices(constraints, variables, published, signed))
