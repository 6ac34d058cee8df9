"""Imports every top-level module of an installed distribution, each on its own so that one failure
does not hide the others, and writes /airlock/out/import.result.json."""
import importlib
import importlib.metadata as md
import inspect
import json
import signal
import sys
import time
import traceback


def top_level_modules(dist_name):
    dist = md.distribution(dist_name)
    text = dist.read_text('top_level.txt')
    if text:
        return [line.strip() for line in text.splitlines() if line.strip()]
    names = set()
    for f in dist.files or []:
        parts = f.parts
        if not parts or parts[0].endswith(('.dist-info', '.egg-info')) or parts[0] in ('..', '__pycache__'):
            continue
        if len(parts) == 1 and parts[0].endswith('.py'):
            names.add(parts[0][:-3])
        elif len(parts) > 1:
            names.add(parts[0])
    return sorted(names)


CALL_BUDGET_S = 1.5
TOTAL_BUDGET_S = 20
MAX_CALLS = 120
# The call view's submodules: at most this many imported, within this share of the total budget.
MAX_SUBMODULES = 60
SUBMODULE_BUDGET_S = 8


class CallBudget(Exception):
    """Raised by the alarm in a call that ran past its budget."""


def public_callables(module_name, module):
    """Functions and classes the module defines itself (not what it imported), public names only."""
    out = []
    for key, value in sorted(vars(module).items()):
        if key.startswith('_') or not callable(value):
            continue
        owner = getattr(value, '__module__', '') or ''
        if owner == module_name or owner.startswith(module_name + '.'):
            out.append((key, value))
    return out


def submodule_names(loaded):
    """Every submodule of each top-level package, found on disk without importing anything (a payload in
    pkg/prices.py runs when a user imports that module, not when they import pkg); tests and entry points
    (`__main__`) are left out: no user imports them."""
    import os
    import pkgutil
    names = []
    def walk(paths, prefix):
        for info in pkgutil.iter_modules(paths, prefix):
            last = info.name.rsplit('.', 1)[-1]
            if last in ('tests', 'test', 'testing', 'conftest', '__main__') or last.startswith('test_'):
                continue
            names.append(info.name)
            if info.ispkg and hasattr(info.module_finder, 'path'):
                walk([os.path.join(info.module_finder.path, last)], info.name + '.')
    for name, module in loaded:
        paths = getattr(module, '__path__', None)
        if paths:
            walk(list(paths), name + '.')
    return names


def import_submodules(loaded, result):
    """The call view imports the submodules the package's own import did not load, each on its own with the
    call budget, and says how many it found, imported, could not import and left out."""
    found = [n for n in submodule_names(loaded) if n not in sys.modules]
    summary = {'found': len(found), 'imported': 0, 'failed': 0, 'notTried': 0}
    result['submodules'] = summary
    started = time.monotonic()
    extra = []
    for index, name in enumerate(found):
        if index >= MAX_SUBMODULES or time.monotonic() - started > SUBMODULE_BUDGET_S:
            summary['notTried'] = len(found) - index
            break
        outcome = call_with_budget(importlib.import_module, [name])
        module = sys.modules.get(name)
        if outcome == 'returned' and module is not None:
            summary['imported'] += 1
            extra.append((name, module))
        else:
            summary['failed'] += 1
    return extra


def call_with_budget(fn, args):
    def on_alarm(signum, frame):
        raise CallBudget()
    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, CALL_BUDGET_S)
    try:
        value = fn(*args)
        if inspect.iscoroutine(value):
            # An async function's body runs only when awaited (the Node side awaits promises too), within the budget.
            import asyncio
            asyncio.run(value)
        return 'returned'
    except CallBudget:
        return 'timed out'
    except BaseException as err:  # SystemExit too: a package may exit from a call
        return 'threw ' + type(err).__name__
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def call_exports(result, loaded, write):
    """The call view: every public callable of every top-level module and of its submodules, with a few argument shapes; string
    arguments carry the run's call-argument honeytoken (/airlock/input/calls.json, written only then)."""
    try:
        with open('/airlock/input/calls.json') as f:
            token = json.load(f)['token']
    except Exception:
        return
    shapes = [('none', []), ('string', [token]), ('number', [42]),
              ('object', [{'token': token, 'api_key': token, 'password': token, 'username': 'jordan'}]),
              ('callback', [token, lambda *a, **k: None])]
    calls = {'attempted': 0, 'list': []}
    explored = set()
    result['calls'] = calls
    started = time.monotonic()  # submodules and calls share the total budget: the phase's limit stays as it was
    targets = []
    seen = set()
    for module_name, module in loaded + import_submodules(loaded, result):
        for key, value in public_callables(module_name, module):
            if id(value) not in seen:  # a function re-exported by its package is called once
                seen.add(id(value))
                targets.append((f'{module_name}.{key}', value))
    calls['targets'] = len(targets)
    if len(targets) > MAX_CALLS:
        calls['notCalled'] = len(targets) - MAX_CALLS
    for path, fn in targets[:MAX_CALLS]:
        for shape, args in shapes:
            if time.monotonic() - started > TOTAL_BUDGET_S:
                calls['budgetReached'] = True
                write()
                return
            calls['attempted'] += 1
            outcome = call_with_budget(fn, args)
            # The first instance made of a class has each public method called with every shape (a table
            # made with no arguments whose add_row(row) needs one); later shapes only construct it again.
            if inspect.isclass(fn) and outcome == 'returned' and fn not in explored:
                explored.add(fn)
                try:
                    instance = fn(*args)
                    # Public methods only, then the first 40 (dunders alone fill 40 places).
                    methods = [(n, m) for n, m in inspect.getmembers(instance, callable) if not n.startswith('_')]
                    for name, method in methods[:40]:
                        for _, method_args in shapes:
                            if time.monotonic() - started > TOTAL_BUDGET_S:
                                break
                            call_with_budget(method, method_args)
                except BaseException:
                    pass
            if len(calls['list']) < 100:
                calls['list'].append({'path': path, 'shape': shape, 'outcome': outcome})
            write()


def main():
    name = sys.argv[1]
    result = {'package': name, 'modules': {}}
    loaded = []
    try:
        modules = top_level_modules(name)
    except Exception as err:  # not installed, or no metadata
        result['error'] = f'{type(err).__name__}: {err}'[:2000]
        modules = [name.replace('-', '_')]
    for module in modules:
        try:
            imported = importlib.import_module(module)
            loaded.append((module, imported))
            result['modules'][module] = {'ok': True, 'exportKeys': sorted(k for k in vars(imported) if not k.startswith('_'))[:50],
                                         'functions': len(public_callables(module, imported))}
        except BaseException as err:  # SystemExit and KeyboardInterrupt from hostile modules too
            result['modules'][module] = {'ok': False, 'code': type(err).__name__, 'message': ''.join(traceback.format_exception_only(type(err), err))[:2000]}
    def write():
        with open('/airlock/out/import.result.json', 'w') as out:
            json.dump(result, out)
    write()
    ok = any(m['ok'] for m in result['modules'].values())
    call_exports(result, loaded, write)
    sys.exit(0 if ok else 1)


main()
