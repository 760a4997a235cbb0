"""Lint past one machine: a `dask.bag` of replies, or a column of a dask DataFrame.

    import dask.bag as db
    from apologylint.dask import lint_bag, findings_frame

    reports = lint_bag(db.from_sequence(texts, npartitions=8))          # a bag of report records
    frame = findings_frame(reports)                                     # one row per finding
    frame = lint_dataframe(df, "reply", in_reply_to="customer")         # from a DataFrame column

Each worker process loads one Linter per configuration, once (a module-level cache), not once
per partition or task; partitions go through `Linter.lint_many` (one `nlp.pipe` each). A record
is `Report.model_dump(mode="json")`, the JSON output's fields, with `index` (the item's position in
its partition's order, or the DataFrame's index) added. Needs the `dask` extra
(`pip install 'apologylint[dask]'`).
"""
from __future__ import annotations

from typing import Any, Iterable

from .config import Config

#: config JSON -> Linter, per worker process
_LINTERS: dict[str, Any] = {}
#: how many Linters this process has loaded (the tests read it through `loads()`)
_LOADS = 0

FINDING_COLUMNS = {
    "index": "int64", "path": "object", "rule": "object", "name": "object", "category": "object", "severity": "object",
    "line": "int64", "column": "int64", "start": "int64", "end": "int64", "excerpt": "object", "message": "object",
}


def _config_json(config: Config | dict | None) -> str:
    if config is None:
        config = Config()
    elif isinstance(config, dict):
        config = Config.model_validate(config)
    return config.model_dump_json()


def worker_linter(config_json: str):
    """This process's Linter for the configuration, loaded on first use."""
    global _LOADS
    linter = _LINTERS.get(config_json)
    if linter is None:
        from .linter import Linter

        linter = Linter(Config.model_validate_json(config_json))
        linter.compiled
        _LINTERS[config_json] = linter
        _LOADS += 1
    return linter


def loads() -> tuple[int, int]:
    """(process id, Linters loaded in it): how often a worker loaded the pipeline."""
    import os

    return os.getpid(), _LOADS


def _as_item(item):
    if isinstance(item, str):
        return (item, None)
    if isinstance(item, dict):
        return (item["text"], item.get("in_reply_to"))
    text, context = item
    return (text, context)


def _records(items: Iterable, config_json: str, indices: Iterable | None = None, paths: Iterable | None = None) -> list[dict]:
    items = [_as_item(it) for it in items]
    linter = worker_linter(config_json)
    indices = list(indices) if indices is not None else list(range(len(items)))
    paths = list(paths) if paths is not None else [None] * len(items)
    out = []
    for idx, path, report in zip(indices, paths, linter.lint_many(items)):
        record = report.model_dump(mode="json")
        record["index"] = idx
        if path is not None:
            record["path"] = path
        out.append(record)
    return out


def lint_bag(bag, config: Config | dict | None = None):
    """A bag of report records, one per item of `bag` (texts, (text, in_reply_to) pairs or dicts
    with `text`, `in_reply_to` and optionally `id`, kept in the record), in the bag's order; each
    record's `index` is the item's position in the bag."""
    import dask
    import dask.bag as db

    cfg = _config_json(config)
    parts = bag.to_delayed()
    sizes = [dask.delayed(len)(p) for p in parts]
    offsets = [dask.delayed(sum)(sizes[:n]) for n in range(len(parts))]
    lint = dask.delayed(_records_at, pure=True)
    return db.from_delayed([lint(p, cfg, off) for p, off in zip(parts, offsets)])


def _records_at(items, config_json: str, offset: int) -> list[dict]:
    items = list(items)
    records = _records(items, config_json, indices=range(offset, offset + len(items)))
    for rec, it in zip(records, items):
        if isinstance(it, dict) and "id" in it:
            rec["id"] = it["id"]
    return records


def _finding_rows(records: Iterable[dict]) -> list[dict]:
    rows = []
    for rec in records:
        for f in rec.get("findings", []):
            rows.append({"index": rec.get("index", 0), "path": rec.get("path"), **{k: f[k] for k in FINDING_COLUMNS if k in f}})
    return rows


def _frame(rows: list[dict]):
    import pandas as pd

    frame = pd.DataFrame(rows, columns=list(FINDING_COLUMNS))
    return frame.astype(FINDING_COLUMNS)


def findings_frame(records_bag):
    """A dask DataFrame with one row per finding (columns `FINDING_COLUMNS`) from a bag of records."""
    import dask
    import dask.dataframe as dd

    to_frame = dask.delayed(lambda recs: _frame(_finding_rows(recs)), pure=True)
    return dd.from_delayed([to_frame(p) for p in records_bag.to_delayed()], meta=_frame([]), verify_meta=False)


def _lint_partition(df, text: str, in_reply_to: str | None, config_json: str):
    import pandas as pd

    contexts = [None if pd.isna(c) else str(c) for c in df[in_reply_to].tolist()] if in_reply_to else [None] * len(df)
    items = list(zip((str(t) for t in df[text].tolist()), contexts))
    records = _records(items, config_json, indices=df.index.tolist())
    return _frame(_finding_rows(records))


def lint_dataframe(df, text: str, in_reply_to: str | None = None, config: Config | dict | None = None):
    """A dask DataFrame of findings, one row per finding, `index` the row of `df` it came from."""
    cfg = _config_json(config)
    return df.map_partitions(_lint_partition, text, in_reply_to, cfg, meta=_frame([]))


__all__ = ["lint_bag", "findings_frame", "lint_dataframe", "worker_linter", "loads", "FINDING_COLUMNS"]
