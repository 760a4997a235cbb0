"""Speed where people wait and where archives are big; every figure a ratio against a baseline
measured in the same run.

    python bench/speed.py [--runs 200] [--messages 2000] [--server-messages 5000] [--only server,jobs,dask,memory]
                          [--compare SRC]

- server: a one-file lint through a running `apologylint serve` (p50 and p95 over --runs
  processes) against `python -c pass` (the floor any Python client stands on) and the same lint
  in-process from a cold start (`--no-server`); the sendmail hook likewise. With `--compare SRC`
  (the `src/` of another checkout, e.g. `git archive OLD src | tar -x -C /tmp/old`) a second
  server runs that code and each timed run alternates between the two, so a slow spell of the
  machine slows both: before and after in one run.
- jobs: `Linter.lint_many(n_process=2)` against `n_process=1` over --messages messages (the
  pipeline loaded before timing).
- dask: messages per second per worker of `apologylint.dask.lint_bag` on a two-worker
  `LocalCluster` (127.0.0.1 only), against one process's `lint_many` over the same messages.
- memory: the server's peak RSS (VmHWM) after the first 1,000 messages and at each tenth of
  --server-messages, each message with new words (order numbers, names) so the vocabulary grows
  as a real outbox makes it. The default (5,000) takes a few minutes; `--server-messages 100000`
  is the long run (15 to 25 minutes on this 2-core machine).

Client processes run with bytecode caches (PYTHONDONTWRITEBYTECODE is dropped for them and
their caches go to a folder of this run): an installed package has its .pyc files, and a client
that compiled its modules on every start would measure the compiler.

`python bench/run.py` calls bench_server, bench_jobs, bench_dask and bench_memory and puts
their figures in its one table; run this script for those alone or for `--compare`.

No thresholds: the numbers are for reading and comparing commits.
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import random
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

DRAFT = "As I said, you should have ordered earlier. We apologise for any inconvenience this may have caused.\n"
EMAIL = b"From: a@example.com\nTo: b@example.com\nSubject: your order\n\nSorry the mug arrived chipped! I've sent a replacement today; it arrives on Friday.\n"
NAMES = ["Priya", "Tom", "Aoife", "Kwame", "Mei", "Lars", "Fatima", "Diego", "Olu", "Sanna"]


PYCACHE = pathlib.Path(tempfile.gettempdir()) / f"al-bench-pycache-{os.getuid()}"


def env(src: pathlib.Path | None = None) -> dict:
    src = str(src or ROOT / "src")
    out = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH", "")) if p), "NO_COLOR": "1",
           "PYTHONPYCACHEPREFIX": str(PYCACHE)}
    out.pop("PYTHONDONTWRITEBYTECODE", None)
    return out


def timed(cmd: list[str], stdin: bytes | None = None, src: pathlib.Path | None = None) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, input=stdin, capture_output=True, env=env(src), check=False)
    return time.perf_counter() - t0


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


_BASE: list = []


def messages(n: int, offset: int = 0) -> list[tuple[str, str | None]]:
    """Messages `offset` to `offset + n` of an endless outbox: the corpora's replies, each with a
    new name and order number (the same message for the same index in every call)."""
    if not _BASE:
        from run import corpus_texts

        _BASE.extend(corpus_texts())
    out = []
    for i in range(offset, offset + n):
        text, ctx = _BASE[i % len(_BASE)]
        name = NAMES[random.Random(i).randrange(len(NAMES))]
        out.append((f"Hi {name}{i}, about order #{100000 + i}: " + text, ctx))
    return out


class RunningServer:
    def __init__(self, folder: pathlib.Path, src: pathlib.Path | None = None, name: str = "s") -> None:
        self.sock = folder / f"{name}.sock"
        self.src = src
        cmd = [sys.executable, "-m", "apologylint", "serve", "--daemon", "--socket", str(self.sock)]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env(src), timeout=300)
        if proc.returncode != 0:
            raise SystemExit(f"bench: the server did not start: {proc.stderr.strip()}")

    def stats(self):
        from apologylint import __version__, server

        return server._exchange(self.sock, server.Request(op="stats", version=__version__), 10)

    def stop(self) -> None:
        subprocess.run([sys.executable, "-m", "apologylint", "serve", "--stop", "--socket", str(self.sock)], capture_output=True,
                       env=env(self.src))


def _p(values: list[float]) -> dict:
    return {"p50": round(pct(values, 0.5), 3), "p95": round(pct(values, 0.95), 3)}


def bench_server(runs: int, folder: pathlib.Path, compare: pathlib.Path | None = None) -> dict:
    draft = folder / "draft.txt"
    draft.write_text(DRAFT, encoding="utf-8")
    py = [sys.executable, "-m", "apologylint"]
    cold_runs = max(5, runs // 20)
    subprocess.run([*py, "--version"], capture_output=True, env=env())  # write the bytecode caches
    if compare:
        subprocess.run([*py, "--version"], capture_output=True, env=env(compare))
    cold = [timed([*py, str(draft), "--no-server"]) for _ in range(cold_runs)]
    hook_cold = [timed([*py, "sendmail", "--no-server", "--notify", "never", "--", "/bin/true"], EMAIL) for _ in range(cold_runs)]
    trees = {"this": RunningServer(folder)}
    if compare:
        trees["compare"] = RunningServer(folder, compare, "c")
    times: dict[str, dict[str, list[float]]] = {k: {"python": [], "lint": [], "hook": []} for k in trees}
    try:
        for srv in trees.values():
            timed([*py, str(draft), "--socket", str(srv.sock)], src=srv.src)  # first request: the server's caches
        for _ in range(runs):  # alternated: python, then each tree's lint and hook, so load slows all alike
            for name, srv in trees.items():
                times[name]["python"].append(timed([sys.executable, "-c", "pass"]))
                times[name]["lint"].append(timed([*py, str(draft), "--socket", str(srv.sock)], src=srv.src))
                times[name]["hook"].append(timed([*py, "sendmail", "--notify", "never", "--socket", str(srv.sock), "--", "/bin/true"],
                                                 EMAIL, src=srv.src))
        served = {name: srv.stats().served if name == "this" else None for name, srv in trees.items()}  # another tree: its own protocol
    finally:
        for srv in trees.values():
            srv.stop()
    python = [t for v in times.values() for t in v["python"]]
    c50, h50 = pct(cold, 0.5), pct(hook_cold, 0.5)
    out = {
        "runs": runs,
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
        "python_-c_pass_s": _p(python),
        "one_file_cold_in_process_p50_s": round(c50, 3),
        "sendmail_hook_cold_p50_s": round(h50, 3),
    }
    for name, t in times.items():
        lint, hook, base = t["lint"], t["hook"], pct(python, 0.5)
        tag = "" if name == "this" else f"{name}_"
        out.update({
            f"{tag}one_file_via_server_s": _p(lint),
            f"{tag}sendmail_hook_via_server_s": _p(hook),
            f"{tag}ratio_server_p50_to_python_p50": round(pct(lint, 0.5) / base, 1),
            f"{tag}ratio_cold_to_server_p50": round(c50 / pct(lint, 0.5), 1),
            f"{tag}ratio_hook_cold_to_server_p50": round(h50 / pct(hook, 0.5), 1),
            f"{tag}requests_the_server_answered": served[name],
        })
    if compare:
        out["compare_src"] = str(compare)
        out["ratio_compare_to_this_one_file_p50"] = round(pct(times["compare"]["lint"], 0.5) / pct(times["this"]["lint"], 0.5), 2)
        out["ratio_compare_to_this_hook_p50"] = round(pct(times["compare"]["hook"], 0.5) / pct(times["this"]["hook"], 0.5), 2)
    return out


def _warm(n: int):
    """n messages and a linter that has loaded its pipeline and linted a few: the baseline's set-up."""
    from apologylint import Linter

    items = messages(n)
    linter = Linter()
    linter.compiled
    list(linter.lint_many(items[:50]))
    return items, linter


def bench_jobs(n: int) -> dict:
    items, linter = _warm(n)
    t0 = time.perf_counter()
    one = [r.model_dump() for r in linter.lint_many(items)]
    t1 = time.perf_counter() - t0
    t0 = time.perf_counter()
    two = [r.model_dump() for r in linter.lint_many(items, n_process=2)]
    t2 = time.perf_counter() - t0
    return {
        "messages": n, "cores": os.cpu_count(), "n_process_1_s": round(t1, 2), "n_process_2_s": round(t2, 2),
        "speedup_2_over_1": round(t1 / t2, 2), "same_reports_in_order": one == two,
        "messages_per_s_1": round(n / t1, 1), "messages_per_s_2": round(n / t2, 1),
    }


def bench_dask(n: int) -> dict:
    import dask.bag as db
    from distributed import Client, LocalCluster

    from apologylint import dask as al_dask

    items, linter = _warm(n)
    t0 = time.perf_counter()
    list(linter.lint_many(items))
    single = time.perf_counter() - t0
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1", dashboard_address=None) as cluster, \
            Client(cluster) as client:
        client.run(lambda: al_dask.worker_linter(al_dask._config_json(None)) and None)  # load outside the timing
        bag = db.from_sequence(items, npartitions=16)
        t0 = time.perf_counter()
        records = al_dask.lint_bag(bag).compute()
        elapsed = time.perf_counter() - t0
        rss = client.run(lambda: int(next(ln.split()[1] for ln in open("/proc/self/status") if ln.startswith("VmHWM:"))))
    per_worker = n / elapsed / 2
    return {
        "messages": n, "workers": 2, "seconds": round(elapsed, 2), "messages_per_s_per_worker": round(per_worker, 1),
        "in_process_messages_per_s": round(n / single, 1), "ratio_per_worker_to_in_process": round(per_worker / (n / single), 2),
        "records": len(records), "worker_peak_rss_mb": sorted(round(v / 1024, 1) for v in rss.values()),
    }


def bench_memory(total: int, folder: pathlib.Path) -> dict:
    from apologylint import server
    from apologylint.config import Config
    from apologylint.linter import LintInput

    srv = RunningServer(folder)
    step = 50
    marks_at = {1000, *(max(step, (total * k // 10) // step * step) for k in range(1, 11))}
    t0 = time.perf_counter()
    try:
        cfg = Config()
        marks = {}
        start = srv.stats().rss_kb
        for i in range(0, total, step):
            # made as they are sent: 100,000 messages are not held in this process
            batch = messages(min(step, total - i), offset=i)
            got = server.lint_via_server(cfg, [LintInput(text=t, in_reply_to=c) for t, c in batch], socket_path=srv.sock, timeout=60)
            if got is None:
                raise SystemExit("bench: the server stopped answering")
            done = i + len(batch)
            if done in marks_at or done >= total:
                marks[done] = srv.stats().rss_kb
    finally:
        srv.stop()
    after_1000 = marks.get(1000, start)
    last = marks[max(marks)]
    return {
        "messages": total,
        "seconds": round(time.perf_counter() - t0),
        "server_peak_rss_mb_at_start": round(start / 1024, 1),
        "after_1000_messages_mb": round(after_1000 / 1024, 1),
        **{f"after_{k}_messages_mb": round(v / 1024, 1) for k, v in sorted(marks.items()) if k != 1000},
        "growth_after_first_1000_mb": round((last - after_1000) / 1024, 1),
        "ratio_last_to_1000": round(last / after_1000, 3),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--messages", type=int, default=2000)
    ap.add_argument("--server-messages", type=int, default=5000)
    ap.add_argument("--only", default="server,jobs,dask,memory")
    ap.add_argument("--compare", type=pathlib.Path, metavar="SRC", help="also time the server and its clients from this src/ folder")
    args = ap.parse_args()
    parts = set(args.only.split(","))
    folder = pathlib.Path(tempfile.mkdtemp(prefix="al-bench-", dir="/tmp"))
    out: dict = {}
    try:
        if "server" in parts:
            out["server"] = bench_server(args.runs, folder, args.compare.resolve() if args.compare else None)
        if "jobs" in parts:
            out["jobs"] = bench_jobs(args.messages)
        if "dask" in parts:
            out["dask"] = bench_dask(args.messages)
        if "memory" in parts:
            out["memory"] = bench_memory(args.server_messages, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
