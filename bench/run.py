"""Benchmarks, reported as ratios against baselines measured in the same run.

    python bench/run.py [--quick] [--repeat N] [--json PATH] [--server-messages N]
    python bench/run.py --degenerate [--largest-kb KB]

Prints one markdown table (every figure beside its baseline from the same run), then the same
results as JSON (also written to --json PATH if given). The server, hook, --jobs, Dask and
server-memory rows are bench/speed.py's functions, called from here; `python bench/speed.py`
still runs those alone (and `--compare SRC`, before and after in one run).

- throughput: `Linter.lint_many` over the rule examples (and corpora/ if present) against bare
  `nlp.pipe` over the same texts with the same pipeline: the ratio is what our rules cost on top
  of parsing. Measured in CPU time of the process, alternating the two, best of `--repeat`, so a
  busy machine does not move it; the wall-clock ratio is printed beside it.
- n_process: `lint_many(n_process=2)` against `n_process=1` (speed.bench_jobs).
- length: one reply of ~200 characters, 2 KB, 20 KB and 200 KB (realistic sentences repeated),
  `Linter.lint` against the bare parse of the same normalised text, CPU time, best of --repeat
  (one run at 200 KB): flat milliseconds per KB is linear cost.
- start-up: a one-file lint (`--no-server`), `--help` and `rules` against `python -c pass` and
  against a process that imports and loads the spaCy pipeline; proselint's cold start on the same
  file beside it, if proselint is installed (it is not a dependency: `pip install proselint`).
- server: a one-file lint and the sendmail hook through a running `apologylint serve`, p50 and
  p95, against `python -c pass` and the same cold in-process (speed.bench_server).
- dask: messages per second per worker on a two-worker LocalCluster (speed.bench_dask).
- memory: peak RSS of a CLI run and of an in-process lint of the corpus against a process that
  only loads the pipeline; of the server after --server-messages (speed.bench_memory; the long
  run is `--server-messages 100000`, opt-in); of each Dask worker.
- degenerate (`--degenerate`, alone): hostile shapes ("a\\n", "sorry ", "!?.", "&amp;", a word
  with no spaces, invisible characters) from 1 KB up to the size limit, each against the bare
  parse of the same normalised text, and a 1 MB email of short lines through `lint_email`.

`--quick` is small sizes and few repeats (a couple of minutes on 2 cores); the default run is
under ten minutes there.

No thresholds live here or in the tests: the numbers are for reading and for comparing commits.
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent


def corpus_texts() -> list[tuple[str, str | None]]:
    from apologylint.ruleset import load_all

    rules, _ = load_all()
    items = [(ex.text, ex.in_reply_to) for r in rules for ex in (*r.examples.bad, *r.examples.good)]
    for f in sorted((ROOT / "corpora").glob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                items.append((row["text"], row.get("in_reply_to")))
    return items


def best_of(fn, repeat: int, clock=time.perf_counter) -> float:
    times = []
    for _ in range(repeat):
        t0 = clock()
        fn()
        times.append(clock() - t0)
    return min(times)


def throughput(repeat: int) -> dict:
    from apologylint import Linter
    from apologylint.text import normalize

    linter = Linter()
    linter.compiled  # load outside the timing
    items = corpus_texts()
    texts = [normalize(t).text for t, _ in items] + [normalize(c).text for _, c in items if c]
    nlp = linter.nlp
    # alternated, best of each, in CPU time of this process (both are single-threaded Python and
    # numpy): another program on the machine then slows neither; wall time is reported beside it
    base_times, our_times, base_wall, our_wall = [], [], [], []
    for _ in range(repeat):
        base_times.append(best_of(lambda: list(nlp.pipe(texts, batch_size=64)), 1, time.process_time))
        our_times.append(best_of(lambda: list(linter.lint_many(items)), 1, time.process_time))
        base_wall.append(best_of(lambda: list(nlp.pipe(texts, batch_size=64)), 1))
        our_wall.append(best_of(lambda: list(linter.lint_many(items)), 1))
    base, ours = min(base_times), min(our_times)
    single = best_of(lambda: [linter.lint(t, c) for t, c in items], 1)
    return {
        "messages": len(items),
        "parse_only_s": round(base, 3),  # CPU seconds (see above)
        "lint_many_s": round(ours, 3),
        "lint_one_by_one_s": round(single, 3),
        "lint_many_per_message_ms": round(1000 * ours / len(items), 2),
        "ratio_lint_many_to_parse": round(ours / base, 2),
        "ratio_lint_many_to_parse_wall": round(min(our_wall) / min(base_wall), 2),
        "ratio_one_by_one_to_lint_many": round(single / ours, 2),
    }


def startup(repeat: int, draft: pathlib.Path) -> dict:
    """Cold starts of the CLI (bytecode caches on, as an installed package has them; the lint
    with `--no-server`, so a running server does not answer for it) against an empty interpreter
    and against importing and loading the spaCy pipeline; proselint on the same file beside it."""
    from speed import timed

    py = sys.executable
    timed([py, "-m", "apologylint", "--version"])  # write the bytecode caches
    baseline = min(timed([py, "-c", "pass"]) for _ in range(repeat))
    spacy_load = min(timed([py, "-c", "import apologylint.nlp as n; n.load()"]) for _ in range(repeat))
    out = {"python_-c_pass_s": round(baseline, 3), "spacy_load_s": round(spacy_load, 3), "file": draft.read_text(encoding="utf-8")}
    for name, args in {
        "help": ["--help"],
        "rules": ["rules"],
        "explain": ["explain", "AL101"],
        "lint_one_file": [str(draft), "--no-server"],
    }.items():
        t = min(timed([py, "-m", "apologylint", *args]) for _ in range(repeat))
        out[f"{name}_s"] = round(t, 3)
        out[f"{name}_ratio_to_python"] = round(t / baseline, 1)
    out["lint_one_file_ratio_to_spacy_load"] = round(out["lint_one_file_s"] / spacy_load, 2)
    out["proselint"] = proselint_cold(repeat, draft)
    return out


def proselint_cold(repeat: int, draft: pathlib.Path) -> dict | None:
    """proselint's cold start on the same file, for context: its command on PATH (next to this
    interpreter first), else `python -m proselint`; None when it is not installed."""
    import importlib.util
    import shutil

    from speed import timed

    exe = pathlib.Path(sys.executable).with_name("proselint")
    cmd = [str(exe)] if exe.exists() else ([shutil.which("proselint")] if shutil.which("proselint") else None)
    if cmd is None and importlib.util.find_spec("proselint") is not None:
        cmd = [sys.executable, "-m", "proselint"]
    if cmd is None:
        return None
    # 0.16 and later: `proselint check FILE`; older releases: `proselint FILE`
    probe = subprocess.run([*cmd, "check", str(draft)], capture_output=True, check=False)
    args = [*cmd, "check", str(draft)] if probe.returncode in (0, 1) else [*cmd, str(draft)]
    version = subprocess.run([*cmd, "version"], capture_output=True, text=True, check=False).stdout.strip()
    t = min(timed(args) for _ in range(repeat))
    shown = [pathlib.Path(args[0]).name, *("FILE" if a == str(draft) else a for a in args[1:])]
    return {"command": " ".join(shown), "version": version,
            "cold_s": round(t, 3)}


SENTENCES = [
    "Hi Sam, thanks for getting in touch about order #48213.",
    "I'm sorry the mug arrived chipped; that is not the condition it should have reached you in.",
    "I've sent a replacement by tracked post today, and it should arrive on Friday.",
    "You don't need to return the damaged one.",
    "As I said in my last message, refunds go back to the card you paid with.",
    "We apologise for any inconvenience this may have caused.",
    "If the new one is not with you by Monday, reply to this email and I'll chase the courier myself.",
    "Our warehouse team has added extra packing for fragile items after this.",
]


def reply_of(chars: int) -> str:
    """A reply of about `chars` characters: realistic support sentences, repeated, in paragraphs
    of four."""
    parts, size, i = [], 0, 0
    while size < chars:
        sentence = SENTENCES[i % len(SENTENCES)]
        parts.append(sentence + ("\n\n" if i % 4 == 3 else " "))
        size += len(parts[-1])
        i += 1
    return "".join(parts)[: chars - 1].rstrip() + "\n"


def length_scaling(repeat: int, sizes: list[int]) -> dict:
    from apologylint import Linter
    from apologylint.text import normalize

    linter = Linter()
    linter.compiled
    nlp = linter.nlp
    linter.lint(reply_of(2000))  # warm
    out = {}
    for chars in sizes:
        text = reply_of(chars)
        parsed = normalize(text).text
        reps = repeat if chars < 100_000 else 1
        base, ours = [], []
        for _ in range(reps):  # alternated, CPU time of this process
            base.append(best_of(lambda: nlp(parsed), 1, time.process_time))
            ours.append(best_of(lambda: linter.lint(text), 1, time.process_time))
        kb = len(text) / 1000
        out[str(chars)] = {
            "chars": len(text), "parse_s": round(min(base), 4), "lint_s": round(min(ours), 4),
            "parse_ms_per_kb": round(1000 * min(base) / kb, 1), "lint_ms_per_kb": round(1000 * min(ours) / kb, 1),
            "ratio": round(min(ours) / min(base), 2), "runs": reps,
        }
    return out


def peak_rss_mb(code: str) -> float:
    """Peak resident memory of a fresh process running `code` (VmHWM: ru_maxrss would include the
    parent's peak, inherited across fork and exec)."""
    probe = code + (
        "\nfor line in open('/proc/self/status'):\n"
        "    if line.startswith('VmHWM:'): print(int(line.split()[1]))"
    )
    from speed import env

    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env()).stdout
    return int(out.strip().splitlines()[-1]) / 1024


def memory(draft: pathlib.Path) -> dict:
    base = peak_rss_mb("import apologylint.nlp as n; n.load()")
    ours = peak_rss_mb(
        "import json, pathlib, sys; sys.path.insert(0, %r)\n"
        "from run import corpus_texts\nfrom apologylint import Linter\n"
        "l = Linter(); r = list(l.lint_many(corpus_texts()))" % str(ROOT / "bench")
    )
    cli = peak_rss_mb(
        "import runpy, sys; sys.argv = ['apologylint', %r, '--no-server']\n"
        "try:\n    runpy.run_module('apologylint', run_name='__main__')\nexcept SystemExit:\n    pass" % str(draft)
    )
    return {"spacy_pipeline_only_mb": round(base, 1), "lint_corpus_mb": round(ours, 1), "ratio": round(ours / base, 2),
            "cli_one_file_mb": round(cli, 1), "cli_ratio": round(cli / base, 2)}


DEGENERATE = {
    "a-newline": "a\n",
    "sorry": "sorry ",
    "punctuation": "!?.",
    "entities": "&amp;",
    "one-word": "x",
    "invisible": "sorry\u200e\u202e \u0430s I said ",
}


def degenerate(repeat: int, largest_kb: int) -> dict:
    from apologylint import Linter
    from apologylint.mail import lint_email
    from apologylint.text import normalize

    linter = Linter()
    linter.compiled
    nlp = linter.nlp
    out: dict = {}
    sizes = [kb for kb in (1, 4, 16, 64, 128, 192) if kb <= largest_kb]
    for name, unit in DEGENERATE.items():
        rows = {}
        for kb in sizes:
            text = unit * (kb * 1000 // len(unit))
            parsed = normalize(text).text
            base = best_of(lambda: nlp(parsed), repeat)
            ours = best_of(lambda: linter.lint(text), repeat)
            rows[f"{kb}KB"] = {"parse_s": round(base, 3), "lint_s": round(ours, 3), "ratio": round(ours / base, 2)}
        out[name] = rows
    from apologylint.inputs import InputError

    for label, lines in (("email_80KB_of_40k_lines", 40_000), ("email_1MB_of_short_lines", 333_000)):
        raw = ("From: a@example.com\nTo: b@example.com\nSubject: x\n\n" + "ok\n" * lines).encode()

        def run(raw=raw):
            try:
                lint_email(raw, linter=linter)
                return "linted"
            except InputError:
                return "refused"

        outcome = run()
        out[f"{label}_s"] = {"seconds": round(best_of(run, 1), 3), "outcome": outcome}
    return out


def _s(x: float) -> str:
    return f"{x:.3f} s" if x < 10 else f"{x:.1f} s"


def table(r: dict) -> str:
    """The one table: each row a figure beside the baseline measured in the same run."""
    rows: list[tuple[str, str, str, str]] = []
    t = r["throughput"]
    rows.append((f"`lint_many`, {t['messages']} messages (rule examples and corpora), CPU time",
                 f"bare `nlp.pipe`, same texts and pipeline: {_s(t['parse_only_s'])}", _s(t["lint_many_s"]),
                 f"{t['ratio_lint_many_to_parse']}x (wall {t['ratio_lint_many_to_parse_wall']}x)"))
    j = r.get("jobs")
    if j:
        rows.append((f"`lint_many(n_process=2)`, {j['messages']} messages, {j['cores']} cores",
                     f"`n_process=1`: {_s(j['n_process_1_s'])} ({j['messages_per_s_1']} msg/s)",
                     f"{_s(j['n_process_2_s'])} ({j['messages_per_s_2']} msg/s)",
                     f"speed-up {j['speedup_2_over_1']}x; same reports in order: {'yes' if j['same_reports_in_order'] else 'NO'}"))
    for row in r["length"].values():
        size = f"{row['chars'] / 1000:.0f} KB" if row["chars"] >= 1000 else f"{row['chars']} chars"
        rows.append((f"`lint` of one reply, {size} ({'best of ' + str(row['runs']) if row['runs'] > 1 else '1 run'}, CPU)",
                     f"bare parse of the same text: {row['parse_s'] * 1000:.1f} ms ({row['parse_ms_per_kb']} ms/KB)",
                     f"{row['lint_s'] * 1000:.1f} ms ({row['lint_ms_per_kb']} ms/KB)", f"{row['ratio']}x"))
    u = r["startup"]
    rows.append(("cold CLI, one-file lint (`--no-server`)", f"import + load the spaCy pipeline: {_s(u['spacy_load_s'])}",
                 _s(u["lint_one_file_s"]), f"{u['lint_one_file_ratio_to_spacy_load']}x"))
    rows.append(("the same against an empty interpreter", f"`python -c pass`: {_s(u['python_-c_pass_s'])}",
                 _s(u["lint_one_file_s"]), f"{u['lint_one_file_ratio_to_python']}x"))
    rows.append(("cold `--help` / `rules` (no spaCy)", f"`python -c pass`: {_s(u['python_-c_pass_s'])}",
                 f"{_s(u['help_s'])} / {_s(u['rules_s'])}", f"{u['help_ratio_to_python']}x / {u['rules_ratio_to_python']}x"))
    pl = u["proselint"]
    rows.append(("proselint, cold start on the same file (context)", f"our cold one-file lint: {_s(u['lint_one_file_s'])}",
                 f"{_s(pl['cold_s'])} (`{pl['command']}`, {pl['version'] or 'version unknown'})" if pl else "not installed",
                 f"ours is {u['lint_one_file_s'] / pl['cold_s']:.1f}x" if pl else ""))
    v = r.get("server")
    if v:
        rows.append((f"one-file lint through a warm server ({v['runs']} runs)",
                     f"`python -c pass`: p50 {_s(v['python_-c_pass_s']['p50'])}; cold `--no-server`: p50 {_s(v['one_file_cold_in_process_p50_s'])}",
                     f"p50 {_s(v['one_file_via_server_s']['p50'])}, p95 {_s(v['one_file_via_server_s']['p95'])}",
                     f"{v['ratio_server_p50_to_python_p50']}x python; {v['ratio_cold_to_server_p50']}x faster than cold"))
        rows.append((f"`apologylint sendmail` hook through the server ({v['runs']} runs)",
                     f"the hook with `--no-server`: p50 {_s(v['sendmail_hook_cold_p50_s'])}",
                     f"p50 {_s(v['sendmail_hook_via_server_s']['p50'])}, p95 {_s(v['sendmail_hook_via_server_s']['p95'])}",
                     f"{v['ratio_hook_cold_to_server_p50']}x faster"))
    d = r.get("dask")
    if d:
        rows.append((f"Dask `lint_bag`, {d['messages']} messages, {d['workers']}-worker LocalCluster",
                     f"one process's `lint_many`: {d['in_process_messages_per_s']} msg/s",
                     f"{d['messages_per_s_per_worker']} msg/s per worker", f"{d['ratio_per_worker_to_in_process']} per worker"))
    elif "dask" in r:
        rows.append(("Dask `lint_bag`", "", "not measured: dask or distributed not installed", ""))
    m = r["memory"]
    rows.append(("peak RSS, cold CLI one-file lint", f"a process that only loads the pipeline: {m['spacy_pipeline_only_mb']} MB",
                 f"{m['cli_one_file_mb']} MB", f"{m['cli_ratio']}x"))
    rows.append((f"peak RSS, `lint_many` of the {t['messages']} messages in process", f"pipeline only: {m['spacy_pipeline_only_mb']} MB",
                 f"{m['lint_corpus_mb']} MB", f"{m['ratio']}x"))
    sm = r.get("server_memory")
    if sm:
        rows.append((f"peak RSS, server after {sm['messages']:,} messages (each with a new name and order number)",
                     f"loaded: {sm['server_peak_rss_mb_at_start']} MB; after 1,000: {sm['after_1000_messages_mb']} MB",
                     f"{sm.get('after_%d_messages_mb' % sm['messages'], sm['after_1000_messages_mb'])} MB",
                     f"+{sm['growth_after_first_1000_mb']} MB ({sm['ratio_last_to_1000']}x) after the first 1,000"))
    if d:
        rows.append(("peak RSS, each Dask worker", f"pipeline only: {m['spacy_pipeline_only_mb']} MB",
                     " and ".join(f"{x} MB" for x in d["worker_peak_rss_mb"]),
                     " / ".join(f"{x / m['spacy_pipeline_only_mb']:.2f}x" for x in d["worker_peak_rss_mb"])))
    lines = ["| what | baseline, same run | measured | ratio |", "|---|---|---|---|"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes and few repeats: a couple of minutes")
    ap.add_argument("--repeat", type=int, help="repeats of each CPU-time and start-up figure (3; 1 with --quick)")
    ap.add_argument("--runs", type=int, help="server and hook runs for p50/p95 (200; 20 with --quick)")
    ap.add_argument("--messages", type=int, help="messages for n_process and Dask (2000; 300 with --quick)")
    ap.add_argument("--server-messages", type=int, help="messages for the server's memory (5000; 1000 with --quick); "
                    "100000 is the long run (15 to 25 minutes)")
    ap.add_argument("--json", type=pathlib.Path, metavar="PATH", help="also write the results as JSON here")
    ap.add_argument("--degenerate", action="store_true", help="only the degenerate-input benchmark")
    ap.add_argument("--largest-kb", type=int, default=192, help="largest degenerate input, in KB")
    args = ap.parse_args()
    q = args.quick
    repeat = args.repeat or (1 if q else 3)
    if args.degenerate:
        print(json.dumps({"degenerate": degenerate(repeat, args.largest_kb)}, indent=2))
        return 0
    import shutil

    import speed

    runs = args.runs or (20 if q else 200)
    n = args.messages or (300 if q else 2000)
    server_messages = args.server_messages or (1000 if q else 5000)
    sizes = [200, 2_000, 20_000] if q else [200, 2_000, 20_000, 200_000]
    folder = pathlib.Path(tempfile.mkdtemp(prefix="al-bench-", dir="/tmp"))
    draft = folder / "draft.txt"
    draft.write_text(speed.DRAFT, encoding="utf-8")  # the file bench_server lints too
    result: dict = {"when_utc": time.strftime("%Y-%m-%d %H:%M", time.gmtime()), "quick": q, "cores": os.cpu_count(),
                    "load_average_1_5_15_at_start": [round(x, 2) for x in os.getloadavg()]}
    started = time.perf_counter()

    def step(name: str, fn):
        t0 = time.perf_counter()
        print(f"bench: {name}...", file=sys.stderr, flush=True)
        result[name] = fn()
        print(f"bench: {name} took {time.perf_counter() - t0:.0f} s (load average {os.getloadavg()[0]:.2f})",
              file=sys.stderr, flush=True)

    try:
        step("throughput", lambda: throughput(repeat))
        step("jobs", lambda: speed.bench_jobs(n))
        step("length", lambda: length_scaling(repeat, sizes))
        step("startup", lambda: startup(repeat, draft))
        step("server", lambda: speed.bench_server(runs, folder))
        try:
            import dask.bag  # noqa: F401
            import distributed  # noqa: F401
        except ImportError:
            result["dask"] = None
        else:
            step("dask", lambda: speed.bench_dask(n))
        step("memory", lambda: memory(draft))
        step("server_memory", lambda: speed.bench_memory(server_messages, folder))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    result["seconds"] = round(time.perf_counter() - started)
    result["load_average_1_5_15_at_end"] = [round(x, 2) for x in os.getloadavg()]
    la0, la1 = result["load_average_1_5_15_at_start"], result["load_average_1_5_15_at_end"]
    print(f"`python bench/run.py{' --quick' if q else ''}`, {result['when_utc']} UTC, {result['cores']} cores, "
          f"{result['seconds']} s; load average (1 min) {la0[0]} at start, {la1[0]} at end.\n")
    print(table(result))
    text = json.dumps(result, indent=2)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    print("\n```json\n" + text + "\n```")
    return 0


if __name__ == "__main__":
    sys.exit(main())
