"""A throw-away single-node Slurm cluster for the tests (Debian's slurm-wlm and munge).

Everything lives in one temporary folder: the munge key and socket, slurm.conf, the state
and spool folders, pid and log files. The daemons run in the foreground as children of the
test process and listen on loopback ports picked at start; `stop` ends exactly those
processes, by their pid, after cancelling every job still in the queue.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import secrets
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

DAEMONS = ("munged", "slurmctld", "slurmd")
CLIENTS = ("sbatch", "squeue", "scancel", "sinfo", "srun")
PLUGIN = "snakemake_executor_plugin_slurm"


def which(name: str) -> str | None:
    """A Slurm or munge program on PATH, else where Debian puts it (/usr/sbin for daemons)."""
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin")


def missing_requirements() -> str | None:
    """Why the local cluster cannot run here, or None when it can."""
    absent = [name for name in (*DAEMONS, *CLIENTS) if which(name) is None]
    if absent:
        return f"Slurm not installed ({', '.join(absent)} missing; apt-get install slurm-wlm munge)"
    if importlib.util.find_spec(PLUGIN) is None:
        return "Slurm executor plugin not installed (pip install -r requirements/lock-cluster.txt)"
    if os.geteuid() != 0:
        return "slurmd must run as root to start jobs (the test runs as a normal user)"
    return None


def _free_loopback_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _node_memory_mb() -> int:
    """Memory to offer the scheduler: 80% of the machine (slurmd refuses more than it has)."""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) // 1024 * 8 // 10
    raise RuntimeError("MemTotal missing from /proc/meminfo")


def slurm_conf(folder: Path, node: str, ports: tuple[int, int], cpus: int, mem_mb: int) -> str:
    """A minimal slurm.conf: one node, one partition, no cgroups, no accounting database."""
    return "\n".join(
        [
            "ClusterName=integratiescan-test",
            f"SlurmctldHost={node}(127.0.0.1)",
            f"SlurmctldPort={ports[0]}",
            f"SlurmdPort={ports[1]}",
            "SlurmUser=root",
            "SlurmdUser=root",
            "AuthType=auth/munge",
            "CredType=cred/munge",
            f"AuthInfo=socket={folder / 'munge.socket'}",
            # bind every daemon and client to the node's loopback address, never to 0.0.0.0
            "CommunicationParameters=NoCtldInAddrAny,NoInAddrAny",
            f"StateSaveLocation={folder / 'state'}",
            f"SlurmdSpoolDir={folder / 'spool'}",
            f"SlurmctldPidFile={folder / 'slurmctld.pid'}",
            f"SlurmdPidFile={folder / 'slurmd.pid'}",
            f"SlurmctldLogFile={folder / 'slurmctld.log'}",
            f"SlurmdLogFile={folder / 'slurmd.log'}",
            f"PlugStackConfig={folder / 'plugstack.conf'}",
            "ProctrackType=proctrack/linuxproc",
            "TaskPlugin=task/none",
            "JobAcctGatherType=jobacct_gather/none",
            "AccountingStorageType=accounting_storage/none",
            "SchedulerType=sched/backfill",
            "SelectType=select/cons_tres",
            "SelectTypeParameters=CR_Core_Memory",
            "MpiDefault=none",
            "ReturnToService=2",
            # finished jobs stay visible to squeue (the status command) for an hour: the tests
            # read every job's final state after the whole build, and the first job of a build
            # can have finished more than Slurm's default 5 minutes before on a loaded machine
            "MinJobAge=3600",
            f"NodeName={node} NodeAddr=127.0.0.1 CPUs={cpus} RealMemory={mem_mb} State=UNKNOWN",
            f"PartitionName=test Nodes={node} Default=YES MaxTime=INFINITE State=UP",
            "",
        ]
    )


@dataclass
class SlurmCluster:
    """munged, slurmctld and slurmd from a generated configuration in *folder*."""

    folder: Path
    # slurmctld only runs on the host named in SlurmctldHost: this machine's short name
    node: str = field(default_factory=lambda: socket.gethostname().split(".")[0])
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    _outputs: list[IO[bytes]] = field(default_factory=list)

    @property
    def conf(self) -> Path:
        return self.folder / "slurm.conf"

    def env(self, base: dict[str, str] | None = None) -> dict[str, str]:
        """*base* (default: this process's environment) pointed at this cluster."""
        env = dict(os.environ if base is None else base)
        env["SLURM_CONF"] = str(self.conf)
        env["PATH"] = f"{self.folder / 'bin'}{os.pathsep}{env.get('PATH', os.defpath)}"
        for name in [k for k in env if k.startswith(("SLURM_JOB", "SBATCH_", "SRUN_"))]:
            del env[name]
        return env

    def start(self, timeout: float = 60.0) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        for sub in ("state", "spool"):
            (self.folder / sub).mkdir(exist_ok=True)
        key = self.folder / "munge.key"
        key.write_bytes(secrets.token_bytes(1024))
        key.chmod(0o600)
        (self.folder / "plugstack.conf").write_text("")
        self._write_srun_wrapper()
        ports = (_free_loopback_port(), _free_loopback_port())
        self.conf.write_text(
            slurm_conf(self.folder, self.node, ports, os.cpu_count() or 1, _node_memory_mb())
        )
        f = self.folder
        # --force: munged warns (and refuses without it) because the socket's folder is a
        # private temporary folder; every user of the socket here is root.
        self._spawn(
            "munged",
            [which("munged"), "--foreground", "--force", f"--socket={f / 'munge.socket'}",
             f"--key-file={key}", f"--pid-file={f / 'munged.pid'}",
             f"--log-file={f / 'munged.log'}", f"--seed-file={f / 'munged.seed'}"],
        )  # fmt: skip
        self._wait(lambda: (f / "munge.socket").exists(), timeout, "munged socket")
        self._spawn("slurmctld", [which("slurmctld"), "-D", "-c", "-f", str(self.conf)])
        self._spawn("slurmd", [which("slurmd"), "-D", "-N", self.node, "-f", str(self.conf)])
        self._wait(self._node_idle, timeout, "the node to become idle")

    def _write_srun_wrapper(self) -> None:
        """An `srun` that finds this cluster's slurm.conf.

        Inside a Slurm job, the executor plugin's jobstep starts the rule with `srun` in an
        environment stripped of every SLURM_* variable, SLURM_CONF too. A real cluster keeps
        its configuration at /etc/slurm/slurm.conf (or serves it configless); this one lives
        in a temporary folder, so `srun` on the jobs' PATH puts SLURM_CONF back.
        """
        real = which("srun")
        wrapper = self.folder / "bin" / "srun"
        wrapper.parent.mkdir(exist_ok=True)
        wrapper.write_text(f'#!/bin/sh\nSLURM_CONF="{self.conf}" exec "{real}" "$@"\n')
        wrapper.chmod(0o755)

    def _spawn(self, name: str, argv: list[str]) -> None:
        log = (self.folder / f"{name}.stdout").open("wb")
        self._outputs.append(log)
        self.processes[name] = subprocess.Popen(
            argv, env=self.env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def _wait(self, ready, timeout: float, what: str) -> None:  # noqa: ANN001
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, proc in self.processes.items():
                if proc.poll() is not None:
                    raise RuntimeError(f"{name} exited ({proc.returncode}): {self.logs()}")
            if ready():
                return
            time.sleep(0.2)
        raise RuntimeError(f"timed out waiting for {what}: {self.logs()}")

    def _node_idle(self) -> bool:
        out = self.run("sinfo", "--noheader", "--Node", "--format=%T", check=False)
        return out.strip() == "idle"

    def run(self, *argv: str, check: bool = True) -> str:
        """A Slurm client command against this cluster; its standard output."""
        proc = subprocess.run(
            argv, env=self.env(), capture_output=True, text=True, check=False, timeout=60
        )
        if check and proc.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed: {proc.stderr}")
        return proc.stdout

    def jobs(self) -> dict[str, dict[str, str]]:
        """Every job slurmctld knows (finished ones for MinJobAge): id -> state, name, comment."""
        out = self.run("squeue", "--states=all", "--noheader", "--format=%i|%T|%j|%k")
        jobs = {}
        for line in out.splitlines():
            job_id, state, name, comment = line.split("|", 3)
            jobs[job_id] = {"state": state, "name": name, "comment": comment}
        return jobs

    def logs(self) -> str:
        parts = []
        for name in ("munged.log", "slurmctld.log", "slurmd.log"):
            path = self.folder / name
            if path.exists():
                tail = "\n".join(path.read_text().splitlines()[-15:])
                parts.append(f"--- {name} (tail)\n{tail}")
        return "\n".join(parts)

    def stop(self) -> None:
        """Cancel what is still queued or running, then end the daemons this object started."""
        if "slurmctld" in self.processes and self.processes["slurmctld"].poll() is None:
            with contextlib.suppress(Exception):
                self.run("scancel", "--user=root", check=False)
                deadline = time.monotonic() + 20
                while time.monotonic() < deadline and any(
                    j["state"] in ("PENDING", "RUNNING", "COMPLETING") for j in self.jobs().values()
                ):
                    time.sleep(0.5)
        for name in reversed(DAEMONS):
            proc = self.processes.pop(name, None)
            if proc is None:
                continue
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        for output in self._outputs:
            output.close()
