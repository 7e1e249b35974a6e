"""The plugin manager and the model registry.

Core registers its own models and rules (:mod:`nestjax.builtin`) through the same hooks a family
does; installed families are loaded from the entry-point group ``nestjax`` unless the environment
variable ``NESTJAX_DISABLE_PLUGIN_AUTOLOAD`` is set.
"""

from __future__ import annotations

import difflib
import importlib
import os
from dataclasses import dataclass

import pluggy

from . import hookspecs
from .catalogue import PROVIDER
from .model import Model

ENTRY_POINT_GROUP = "nestjax"
AUTOLOAD_ENV = "NESTJAX_DISABLE_PLUGIN_AUTOLOAD"


class UnknownModel(LookupError, AttributeError):
    """No installed plugin provides the model asked for."""


@dataclass(frozen=True)
class ModelInfo:
    name: str
    kind: str
    family: str
    distribution: str
    cls: type


class Registry:
    """Models and connection rules of all registered plugins, by NEST name."""

    def __init__(self, autoload: bool | None = None):
        builtin = importlib.import_module("nestjax.builtin")

        self.pm = pluggy.PluginManager(ENTRY_POINT_GROUP)
        self.pm.add_hookspecs(hookspecs)
        self._dist: dict[str, str] = {}  # plugin name -> distribution
        self.register(builtin, name="core", distribution="nestjax")
        if autoload is None:
            autoload = not os.environ.get(AUTOLOAD_ENV)
        if autoload:
            self.pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
            for plugin, dist in self.pm.list_plugin_distinfo():
                self._dist[self.pm.get_name(plugin)] = dist.project_name
        self._index()

    def register(self, plugin, name: str, distribution: str | None = None) -> None:
        """Register a plugin object or module (a third party's, or one defined in a test)."""
        self.pm.register(plugin, name=name)
        self._dist[name] = distribution or name
        if hasattr(self, "_models"):
            try:
                self._index()
            except Exception:
                self.pm.unregister(plugin)
                self._index()
                raise

    def unregister(self, name: str) -> None:
        self.pm.unregister(name=name)
        self._index()

    def _index(self) -> None:
        models: dict[str, ModelInfo] = {}
        for impl in self.pm.hook.nestjax_models.get_hookimpls():
            family, dist = impl.plugin_name, self._dist.get(impl.plugin_name, impl.plugin_name)
            for cls in impl.function():
                if not (isinstance(cls, type) and issubclass(cls, Model)):
                    raise TypeError(f"plugin {family!r} registered {cls!r}, which is not a Model class")
                if cls.name in models:
                    other = models[cls.name].distribution
                    raise ValueError(f"model {cls.name!r} is registered twice: by {other!r} and by {dist!r}")
                models[cls.name] = ModelInfo(cls.name, cls.kind, family, dist, cls)
        rules: dict[str, object] = {}
        for impl in self.pm.hook.nestjax_connection_rules.get_hookimpls():
            for rname, fn in impl.function().items():
                if rname in rules:
                    raise ValueError(f"connection rule {rname!r} is registered twice")
                rules[rname] = fn
        self._models, self._rules = models, rules

    def models(self) -> list[ModelInfo]:
        return sorted(self._models.values(), key=lambda m: (m.kind, m.name))

    def model(self, name: str) -> type:
        """The class registered under a NEST name, or an error saying where to get it."""
        if name in self._models:
            return self._models[name].cls
        if name in PROVIDER:
            raise UnknownModel(
                f"model {name!r} is not installed; it is provided by {PROVIDER[name]!r} "
                f"(pip install {PROVIDER[name]})"
            )
        close = difflib.get_close_matches(name, list(self._models), n=5)
        hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
        raise UnknownModel(f"unknown model {name!r}{hint}")

    def rule(self, name: str):
        if name not in self._rules:
            raise ValueError(f"unknown connection rule {name!r}; available: {', '.join(sorted(self._rules))}")
        return self._rules[name]


_registry: Registry | None = None


def registry() -> Registry:
    """The process-wide registry, created on first use."""
    global _registry
    if _registry is None:
        _registry = Registry()
    return _registry


def reload(autoload: bool | None = None) -> Registry:
    """Forget the registry and load the plugins again."""
    global _registry
    _registry = Registry(autoload)
    return _registry
