"""Imports every top-level module of an installed distribution, each on its own so that one failure
does not hide the others, and writes /airlock/out/import.result.json."""
import importlib
import importlib.metadata as md
import json
import sys
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


def main():
    name = sys.argv[1]
    result = {'package': name, 'modules': {}}
    try:
        modules = top_level_modules(name)
    except Exception as err:  # not installed, or no metadata
        result['error'] = f'{type(err).__name__}: {err}'[:2000]
        modules = [name.replace('-', '_')]
    for module in modules:
        try:
            loaded = importlib.import_module(module)
            result['modules'][module] = {'ok': True, 'exportKeys': sorted(k for k in vars(loaded) if not k.startswith('_'))[:50]}
        except BaseException as err:  # SystemExit and KeyboardInterrupt from hostile modules too
            result['modules'][module] = {'ok': False, 'code': type(err).__name__, 'message': ''.join(traceback.format_exception_only(type(err), err))[:2000]}
    with open('/airlock/out/import.result.json', 'w') as out:
        json.dump(result, out)
    ok = any(m['ok'] for m in result['modules'].values())
    sys.exit(0 if ok else 1)


main()
