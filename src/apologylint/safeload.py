"""Reading the files a user hands the tool as data: configuration, rule packs, scenarios, contexts
and templates. Every such file is read here, and only here, so every one has the same limits and
the same one-line errors that name the file.

Why limits: these files are small by nature (the largest shipped one is 34 KB), and a file that is
not small is a mistake or an attack: `--rules /dev/zero` would read forever, a FIFO would block,
and a YAML "billion laughs" of nine nested aliases is a few hundred bytes that expands to 10⁹
nodes once pydantic walks it. So a data file must be a regular file of at most `MAX_FILE_BYTES`,
UTF-8 (a BOM is allowed), and a YAML document may hold at most `MAX_YAML_NODES` nodes counted
with every alias expanded, nested at most `MAX_YAML_DEPTH` deep.
"""
from __future__ import annotations

import json
import os
import pathlib
import re
import stat
import sys
from typing import Any

#: the largest data file the tool reads: 1 MiB, thirty times the largest shipped one
MAX_FILE_BYTES = 1 << 20
#: the most nodes a YAML document may have once its aliases are expanded (the shipped
#: signals.yaml has about 2,800; billion laughs has 10⁹)
MAX_YAML_NODES = 100_000
#: the deepest a YAML document may nest, aliases expanded (the shipped files nest 11 deep)
MAX_YAML_DEPTH = 100


class DataFileError(ValueError):
    """A data file the tool will not use; the message is one line and starts with the file."""


def _size(n: int) -> str:
    return f"{n / (1 << 20):.0f} MiB" if n >= 1 << 20 and n % (1 << 20) == 0 else f"{n:,} bytes"


def regular_file(path: str | pathlib.Path, limit: int | None = MAX_FILE_BYTES) -> os.stat_result:
    """The stat of a regular file (of at most `limit` bytes unless None). A FIFO, a device or a
    folder is refused before it is opened: opening a FIFO blocks, and /dev/zero never ends."""
    path = pathlib.Path(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise DataFileError(f"{path}: no such file") from None
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if not stat.S_ISREG(st.st_mode):
        kind = "a folder" if stat.S_ISDIR(st.st_mode) else "not a regular file"
        raise DataFileError(f"{path}: {kind}" + (f"; give a file of at most {_size(limit)}" if limit else "; give a file"))
    if limit is not None and st.st_size > limit:
        raise DataFileError(f"{path}: {st.st_size:,} bytes is over the limit of {_size(limit)} for this kind of file")
    return st


def read_bytes(path: str | pathlib.Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes (see `regular_file`)."""
    path = pathlib.Path(path)
    regular_file(path, limit)
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)  # a file that grew since stat is caught here
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise DataFileError(f"{path}: over the limit of {_size(limit)} for this kind of file")
    return data


def read_text(path: str | pathlib.Path, limit: int = MAX_FILE_BYTES) -> str:
    """The UTF-8 text of a data file (see `read_bytes`); undecodable bytes are an error that says
    where, not a traceback."""
    data = read_bytes(path, limit)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataFileError(f"{path}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})") from None


# -- YAML ---------------------------------------------------------------------------------------
def _loader_class():
    """A safe loader with YAML 1.2 booleans (in word lists `no`, `on` and `off` are words) whose
    composer counts nodes with aliases expanded, and refuses a document past the bounds before
    anything is constructed from it."""
    import yaml
    from yaml.composer import ComposerError

    class BoundedLoader(yaml.SafeLoader):
        def __init__(self, stream: str) -> None:
            super().__init__(stream)
            self._expanded: dict[int, tuple[int, int]] = {}  # id(node) -> (nodes, depth) with aliases expanded
            self._depth = 0
            self._total = 0

        def compose_document(self):
            self._expanded, self._total = {}, 0
            return super().compose_document()

        def compose_node(self, parent, index):
            is_alias = self.check_event(yaml.AliasEvent)
            self._depth += 1
            try:
                if self._depth > MAX_YAML_DEPTH:
                    raise ComposerError(None, None, f"nested more than {MAX_YAML_DEPTH} deep", self.peek_event().start_mark)
                node = super().compose_node(parent, index)
            finally:
                self._depth -= 1
            if is_alias:
                if id(node) not in self._expanded:  # an alias to a node still being composed: a cycle
                    raise ComposerError(None, None, "an alias refers to the node that contains it", node.start_mark)
                size, depth = self._expanded[id(node)]
                self._total += size
            else:
                kids = [self._expanded.get(id(c), (1, 1)) for c in self._children(node)]
                size, depth = 1 + sum(k[0] for k in kids), 1 + max((k[1] for k in kids), default=0)
                self._expanded[id(node)] = (size, depth)
                self._total += 1
            if self._total > MAX_YAML_NODES:
                raise ComposerError(
                    None, None, f"expands to more than {MAX_YAML_NODES:,} nodes (aliases are counted expanded)", node.start_mark
                )
            if depth > MAX_YAML_DEPTH:
                raise ComposerError(None, None, f"nests more than {MAX_YAML_DEPTH} deep (aliases expanded)", node.start_mark)
            return node

        @staticmethod
        def _children(node):
            if isinstance(node, yaml.SequenceNode):
                return node.value
            if isinstance(node, yaml.MappingNode):
                return [x for kv in node.value for x in kv]
            return ()

    BoundedLoader.yaml_implicit_resolvers = {
        k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:bool"] for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    BoundedLoader.add_implicit_resolver(
        "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
    )
    return BoundedLoader


_LOADER = None


def _yaml_problem(exc: Exception) -> str:
    """":7:8: expands to more than ..." from PyYAML's several-line message with its snippet."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None)
    if problem is None:
        return ": " + " ".join(str(exc).split())
    where = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
    context = getattr(exc, "context", None)
    return f"{where}: {context + ': ' if context else ''}{problem}"


def parse_yaml(text: str, name: str | pathlib.Path) -> Any:
    """One YAML document, within the bounds; an error is one line that starts with `name`."""
    import yaml

    global _LOADER
    if _LOADER is None:
        _LOADER = _loader_class()
    try:
        return yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        raise DataFileError(f"{name}{_yaml_problem(exc)}") from None
    except RecursionError:
        raise DataFileError(f"{name}: nested too deeply") from None


def load(path: str | pathlib.Path, *, pyproject_table: tuple[str, ...] = ("tool", "apologylint")) -> Any:
    """A data file parsed by its suffix: .toml (for pyproject.toml, its `[tool.apologylint]`
    table), .json, else YAML. Size, encoding, aliases and depth are bounded as above."""
    path = pathlib.Path(path)
    text = read_text(path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".toml":
            if sys.version_info >= (3, 11):
                import tomllib
            else:  # pragma: no cover
                import tomli as tomllib
            data: Any = tomllib.loads(text)
            if path.name == "pyproject.toml":
                for key in pyproject_table:
                    data = data.get(key, {}) if isinstance(data, dict) else {}
            return data
        if suffix == ".json":
            return json.loads(text)
    except RecursionError:
        raise DataFileError(f"{path}: nested too deeply") from None
    except ValueError as exc:  # json.JSONDecodeError and tomllib.TOMLDecodeError are ValueErrors
        raise DataFileError(f"{path}: {' '.join(str(exc).split())}") from None
    return parse_yaml(text, path)
