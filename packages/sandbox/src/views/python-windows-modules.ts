/**
 * pywin32's COM entry points as the windows view shows them to Python: `win32com.client.Dispatch`,
 * `pythoncom`, `pywintypes`. Droppers gated on win32 import them right after their check (to write
 * shortcuts, reach WScript.Shell); without them the payload stops at the import, as on Linux. Every object
 * answers and every call or assignment is appended to the programs log; nothing is done. Planted only in
 * the windows view (in the system site-packages, which the project's virtualenv sees), so Linux code that
 * tries `import win32com` to detect Windows is unaffected elsewhere.
 */
import { PROGRAMS_LOG } from './windows-programs.js';

const RECORDER = String.raw`"""pywin32 COM objects: every object answers; calls and assignments are recorded, nothing is done."""


def _record(text):
    try:
        with open('${PROGRAMS_LOG}', 'a') as log:
            log.write('com ' + text[:2000] + '\n')
    except OSError:
        pass


class CDispatch:
    def __init__(self, name):
        object.__setattr__(self, '_oleobj_name', name)

    def __getattr__(self, attr):
        if attr.startswith('__'):
            raise AttributeError(attr)
        return CDispatch(self._oleobj_name + '.' + attr)

    def __setattr__(self, attr, value):
        _record('%s.%s = %r' % (self._oleobj_name, attr, value))

    def __call__(self, *args, **kwargs):
        _record('%s(%s)' % (self._oleobj_name, ', '.join(repr(a) for a in args)))
        return CDispatch(self._oleobj_name + '()')

    def __getitem__(self, key):
        return CDispatch('%s[%r]' % (self._oleobj_name, key))

    def __iter__(self):
        return iter(())

    def __len__(self):
        return 0

    def __bool__(self):
        return True

    def __str__(self):
        return ''

    def __repr__(self):
        return '<COMObject %s>' % self._oleobj_name


def Dispatch(prog_id, *args, **kwargs):
    _record('Dispatch(%r)' % (prog_id,))
    return CDispatch(str(prog_id))


DispatchEx = Dispatch
GetObject = Dispatch
GetActiveObject = Dispatch


class _Constants:
    def __getattr__(self, name):
        return 0


constants = _Constants()
`;

const NO_OP_MODULE = `"""pywin32 module: every function exists and does nothing."""


class error(Exception):
    pass


com_error = error


def __getattr__(name):
    return lambda *args, **kwargs: None
`;

const SITE = '/usr/lib/python3/dist-packages';

/** Files (path, body) to plant as root for the windows view; folders first. */
export const PYTHON_WINDOWS_MODULES: { path: string; body: string | null }[] = [
  { path: `${SITE}/win32com`, body: null },
  { path: `${SITE}/win32com/client`, body: null },
  { path: `${SITE}/win32com/__init__.py`, body: '' },
  { path: `${SITE}/win32com/client/__init__.py`, body: RECORDER },
  { path: `${SITE}/pythoncom.py`, body: NO_OP_MODULE },
  { path: `${SITE}/pywintypes.py`, body: NO_OP_MODULE },
];
