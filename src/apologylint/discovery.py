"""Which configuration applies to a file: found as ruff finds its own, and followed through `extend`.

For each linted file the settings are those of the nearest `.apologylint.toml`, or `pyproject.toml`
with a `[tool.apologylint]` table, in the file's folder or the first folder above it that has one
(standard input: from the working directory). A `pyproject.toml` without the table is not a
configuration, so the search goes on above it: a team's replies folder inside a Python project is
not configured by the project's build file. In one folder `.apologylint.toml` wins over
`pyproject.toml`. `--config FILE` names the file instead of searching; `--isolated` uses the
defaults and reads no file.

A file may `extend` another (a path relative to the file that names it, any of TOML, YAML or
JSON): the base is read first and the file's own keys go on top. A key replaces the base's value,
except `rules` and `per-file-ignores` (tables, merged entry by entry, the extending file winning)
and `extend-select` (added to the base's). Chains are followed; a cycle is an error naming the
files. Relative paths (`rule-paths`, `template-paths`, `per-file-ignores` globs with a `/`) are
resolved against the folder of the file that wrote them, before the files are merged, so a base
in another folder keeps meaning what it says.

Every problem is a `ConfigError`: one line that names the file and the key. Nothing here imports
spaCy, so `apologylint config` answers at once.
"""
from __future__ import annotations

import os
import pathlib
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .config import Config
from .safeload import DataFileError, load

#: the files searched for in each folder, in order of precedence
CONFIG_FILES = (".apologylint.toml", "pyproject.toml")
#: keys a configuration file may have beyond the Config fields
FILE_ONLY_KEYS = ("extend",)
#: keys whose paths are relative to the file that names them
_PATH_LISTS = ("rule_paths", "template_paths")


class ConfigError(DataFileError):
    """A configuration that cannot be used; str(exc) is one line naming the file and the key.

    A `DataFileError` (a ValueError), like the refusals of `safeload` (a FIFO, a file too large,
    YAML aliases that expand too far), which pass through unchanged: catching this one class's
    parent catches every one-line configuration problem."""


class Settings(BaseModel):
    """The settings in force and where they came from."""

    model_config = ConfigDict(frozen=True)

    config: Config
    sources: list[pathlib.Path] = Field(
        default_factory=list,
        description="the file that applies, then each file it extends, in order; empty when the defaults apply",
    )
    isolated: bool = Field(False, description="True when --isolated kept every configuration file out")


def display(path: str | os.PathLike) -> str:
    """A path as messages show it: relative to the working directory when under it, else absolute."""
    full = os.path.abspath(path)
    try:
        rel = os.path.relpath(full)
    except ValueError:  # another drive (Windows)
        return full
    return full if rel.startswith("..") else rel


def _where(path: pathlib.Path) -> str:
    """The prefix of an error about a key: the file, and the table when it is inside pyproject."""
    return f"{display(path)}: [tool.apologylint]" if path.name == "pyproject.toml" else f"{display(path)}:"


def read_table(path: pathlib.Path, *, required: bool) -> dict[str, Any] | None:
    """The apologylint table of a file: the whole document, or `[tool.apologylint]` of a
    pyproject.toml. A pyproject.toml without the table is None when searching (`required`
    False: it is not a configuration) and {} when named (`--config`, `extend`)."""
    if path.name == "pyproject.toml":
        doc = load(path, pyproject_table=())
        tool = doc.get("tool") if isinstance(doc, dict) else None
        if not isinstance(tool, dict) or "apologylint" not in tool:
            return {} if required else None
        data = tool["apologylint"]
    else:
        data = load(path)
    if data is None and path.suffix.lower() not in (".toml", ".json"):
        data = {}  # an empty YAML file
    if not isinstance(data, dict):
        raise ConfigError(f"{_where(path)} the configuration must be a table/mapping, not {type(data).__name__}")
    return data


def find_config(start: str | os.PathLike | None = None) -> pathlib.Path | None:
    """The nearest configuration file for `start` (a file or a folder; None: the working
    directory), searched upward; None when there is none up to the root."""
    return Resolver().find(start)


def _normalise(path: pathlib.Path, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Keys in snake_case, paths resolved against the file's folder, each value checked on its
    own so an error names this file. Returns the values and how each key was spelt."""
    fields = set(Config.model_fields) | set(FILE_ONLY_KEYS)
    out: dict[str, Any] = {}
    spelt: dict[str, str] = {}
    for key, value in data.items():
        name = str(key).replace("-", "_")
        if name not in fields:
            raise ConfigError(f"{_where(path)} unknown key '{key}'")
        if name in out:
            raise ConfigError(f"{_where(path)} '{key}' and '{spelt[name]}' are the same key; give it once")
        out[name] = value
        spelt[name] = str(key)
    base = pathlib.Path(os.path.abspath(path)).parent
    for name in _PATH_LISTS:
        if name in out:
            value = out[name]
            if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
                raise ConfigError(f"{_where(path)} {spelt[name]}: expected a list of paths")
            out[name] = [str(base / p) for p in value]
    if "per_file_ignores" in out:
        value = out["per_file_ignores"]
        if not isinstance(value, dict):
            raise ConfigError(f"{_where(path)} {spelt['per_file_ignores']}: expected a table of glob = [rules]")
        anchored = {}
        for glob, keys in value.items():
            if isinstance(keys, str):
                keys = [keys]
            glob = str(glob)
            if "/" in glob and not glob.startswith("/"):
                glob = base.as_posix().rstrip("/") + "/" + glob.removeprefix("./")
            anchored[glob] = keys
        out["per_file_ignores"] = anchored
    if "extend" in out and not isinstance(out["extend"], str):
        raise ConfigError(f"{_where(path)} {spelt['extend']}: expected the path of a configuration file")
    own = {k: v for k, v in out.items() if k not in FILE_ONLY_KEYS}
    try:
        Config.model_validate(own)
    except ValidationError as exc:
        raise ConfigError(f"{_where(path)} {_validation_line(exc, spelt)}") from None
    return out, spelt


def _validation_line(exc: ValidationError, spelt: dict[str, str]) -> str:
    """'fail-on: Input should be ... (got 'fatal')' from pydantic's errors, with the key as the
    file spells it."""
    err = exc.errors()[0]
    loc = [str(p) for p in err["loc"]]
    if loc:
        loc[0] = spelt.get(loc[0], loc[0])
    if err["type"] == "extra_forbidden":
        return f"{'.'.join(loc[:-1])}: unknown key '{loc[-1]}'" if len(loc) > 1 else f"unknown key '{loc[0]}'"
    got = err.get("input")
    detail = f" (got {got!r})" if isinstance(got, (str, int, float, bool)) and len(repr(got)) <= 60 else ""
    msg = err["msg"].removeprefix("Value error, ")
    return f"{'.'.join(loc)}: {msg}{detail}" if loc else f"{msg}{detail}"


def _merge(base: dict[str, Any], own: dict[str, Any]) -> dict[str, Any]:
    """`own` on top of `base`: keys replace, tables merge per entry, `extend-select` adds."""
    merged = dict(base)
    for key, value in own.items():
        if key == "rules" and isinstance(base.get(key), dict):
            rules = {k: dict(v) for k, v in base[key].items()}
            for rule, options in value.items():
                rules[rule] = {**rules.get(rule, {}), **options} if isinstance(options, dict) else options
            merged[key] = rules
        elif key == "per_file_ignores" and isinstance(base.get(key), dict):
            merged[key] = {**base[key], **value}
        elif key == "extend_select" and isinstance(base.get(key), list) and isinstance(value, list):
            merged[key] = [*base[key], *value]
        else:
            merged[key] = value
    return merged


class Resolver:
    """Discovery with its lookups remembered: one run lints many files in few folders, and each
    folder is searched, and each file read, once."""

    def __init__(self) -> None:
        self._nearest: dict[str, pathlib.Path | None] = {}
        self._loaded: dict[str, Settings] = {}

    def find(self, start: str | os.PathLike | None = None) -> pathlib.Path | None:
        """The nearest configuration file at or above `start` (a file's folder, or a folder)."""
        here = pathlib.Path(os.path.abspath(start if start is not None else os.getcwd()))
        if not here.is_dir():
            here = here.parent
        seen: list[str] = []
        found: pathlib.Path | None = None
        for folder in (here, *here.parents):
            key = str(folder)
            if key in self._nearest:
                found = self._nearest[key]
                break
            seen.append(key)
            found = self._in_folder(folder)
            if found is not None:
                break
        for key in seen:  # every folder walked through has the same answer
            self._nearest[key] = found
        return found

    def _in_folder(self, folder: pathlib.Path) -> pathlib.Path | None:
        for name in CONFIG_FILES:
            candidate = folder / name
            if not candidate.exists():
                continue
            if name == "pyproject.toml" and read_table(candidate, required=False) is None:
                continue  # a Python project's file, not ours: keep looking above
            return candidate
        return None

    def load(self, path: str | os.PathLike) -> Settings:
        """The settings of one file, with its `extend` chain."""
        path = pathlib.Path(os.path.abspath(path))
        key = str(path)
        if key not in self._loaded:
            values, sources = self._chain(path, [])
            try:
                config = Config.model_validate({k: v for k, v in values.items() if k not in FILE_ONLY_KEYS})
            except ValidationError as exc:  # each file was valid alone; the merge should be too
                raise ConfigError(f"{_where(path)} {_validation_line(exc, {})}") from None
            self._loaded[key] = Settings(config=config, sources=sources)
        return self._loaded[key]

    def _chain(self, path: pathlib.Path, stack: list[pathlib.Path]) -> tuple[dict[str, Any], list[pathlib.Path]]:
        if not path.exists():
            if stack:
                raise ConfigError(f"{_where(stack[-1])} extend: no such file '{display(path)}'")
            raise ConfigError(f"{display(path)}: no such configuration file")
        if path in stack:
            cycle = " -> ".join(display(p) for p in [*stack[stack.index(path):], path])
            raise ConfigError(f"{_where(stack[-1])} extend: the files extend each other in a cycle: {cycle}")
        data = read_table(path, required=True) or {}
        own, _ = _normalise(path, data)
        sources = [path]
        if "extend" in own:
            base_path = pathlib.Path(os.path.abspath(path.parent / own["extend"]))
            base, base_sources = self._chain(base_path, [*stack, path])
            own = _merge(base, own)
            sources += base_sources
        return own, sources

    def settings_for(
        self, path: str | os.PathLike | None = None, *, config: str | os.PathLike | None = None, isolated: bool = False
    ) -> Settings:
        """The settings for `path` (a file or folder; None: the working directory): `config`
        when given, the defaults when `isolated`, else the nearest configuration file's."""
        if isolated and config is not None:
            raise ConfigError("--isolated reads no configuration file; it cannot be used with --config")
        if isolated:
            return Settings(config=Config(), isolated=True)
        if config is not None:
            return self.load(config)
        found = self.find(path)
        return self.load(found) if found is not None else Settings(config=Config())


def settings_for(
    path: str | os.PathLike | None = None, *, config: str | os.PathLike | None = None, isolated: bool = False
) -> Settings:
    """The settings in force for `path` and the files they came from (the API's way to do what
    the CLI does for each file). Raises ConfigError."""
    return Resolver().settings_for(path, config=config, isolated=isolated)


def load_settings(path: str | os.PathLike) -> Settings:
    """The settings of one named configuration file, `extend` chain followed. Raises ConfigError."""
    return Resolver().load(path)


__all__ = ["CONFIG_FILES", "ConfigError", "Resolver", "Settings", "display", "find_config", "load_settings", "read_table", "settings_for"]
