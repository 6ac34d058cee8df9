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
    """The call view: every public callable of every top-level module, with a few argument shapes; string
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
    started = time.monotonic()
    targets = []
    for module_name, module in loaded:
        for key, value in public_callables(module_name, module):
            targets.append((f'{module_name}.{key}', value))
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
