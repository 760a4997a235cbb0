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

How one file reads (keys, paths, `extend`) is `apologylint.config`, below this module; this one
finds the file and remembers what it found. Every problem is a `ConfigError`: one line that names
the file and the key. Nothing here imports spaCy, so `apologylint config` answers at once.
"""
from __future__ import annotations

import os
import pathlib

from pydantic import BaseModel, ConfigDict, Field

from .client import CONFIG_FILES
from .config import Config, ConfigError, display, load_file, read_table

#: CONFIG_FILES (from apologylint.client, whose cheap Finder finds them as Resolver.find does):
#: the files searched for in each folder, in order of precedence


class Settings(BaseModel):
    """The settings in force and where they came from."""

    model_config = ConfigDict(frozen=True)

    config: Config
    sources: list[pathlib.Path] = Field(
        default_factory=list,
        description="the file that applies, then each file it extends, in order; empty when the defaults apply",
    )
    isolated: bool = Field(False, description="True when --isolated kept every configuration file out")


def find_config(start: str | os.PathLike | None = None) -> pathlib.Path | None:
    """The nearest configuration file for `start` (a file or a folder; None: the working
    directory), searched upward; None when there is none up to the root."""
    return Resolver().find(start)


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
        key = os.path.abspath(path)
        if key not in self._loaded:
            config, sources = load_file(key)
            self._loaded[key] = Settings(config=config, sources=sources)
        return self._loaded[key]

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
