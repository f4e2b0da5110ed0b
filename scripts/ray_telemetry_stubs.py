# Installed by scripts/ensure-keras.mjs into the cached Keras venv (with a .pth file that imports
# it) only when the package index lacks some of ray[default]'s extras. Ray's dashboard, which
# serves the Jobs REST API, refuses to start unless ray.dashboard.optional_deps imports; a few of
# those modules only export metrics (opencensus, the OpenTelemetry Prometheus exporter and SDK)
# or add CORS headers for browsers (aiohttp_cors). For the modules listed in ROOTS, and only when
# no real package provides them (this finder runs after every other one), an import gives an
# inert module whose every attribute is a do-nothing object. Job submission, working-dir
# packages, logs and status are Ray's own code, untouched. Install the real packages and this
# file stays unused.
import importlib.abc
import importlib.machinery
import sys
import types

ROOTS = ()  # replaced by ensure-keras.mjs with the modules the index could not provide


class _Inert:
    def __init__(self, *args, **kwargs):
        pass

    def __call__(self, *args, **kwargs):
        return _Inert()

    def __getattr__(self, name):
        return _Inert()

    def __iter__(self):
        return iter(())

    def __bool__(self):
        return False

    def __mro_entries__(self, bases):
        return (object,)


class _InertModule(types.ModuleType):
    def __getattr__(self, name):
        if name.startswith('__'):
            raise AttributeError(name)
        return _Inert()


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname, path, target=None):
        if any(fullname == root or fullname.startswith(root + '.') for root in ROOTS):
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec):
        module = _InertModule(spec.name)
        module.__path__ = []
        return module

    def exec_module(self, module):
        pass


sys.meta_path.append(_Finder())
