/**
 * pywin32's COM entry points as the windows view shows them to Python: `win32com.client.Dispatch`,
 * `pythoncom`, `pywintypes`; `win32crypt` (DPAPI: a browser stealer's first step), the other common
 * pywin32 modules as no-ops, the WMI package (hardware ids, process lists: empty), and the standard library's Windows-only `winreg`. Droppers gated on win32 import them right after their check (to write
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

/** The WMI package (on pywin32): a connection whose classes and queries answer through the COM recorder. */
const WMI = `"""WMI: every class and query of the connection answers (empty collections), each call recorded."""
from win32com.client import CDispatch, _record


class x_wmi(Exception):
    pass


def WMI(*args, **kwargs):
    _record('wmi.WMI(%s)' % ', '.join(repr(a) for a in args))
    return CDispatch('wmi')
`;

/** win32crypt: DPAPI decryption answers empty bytes, so a browser stealer goes on to its collection and upload. */
const WIN32CRYPT = `"""pywin32 win32crypt: DPAPI calls answer empty data; nothing is decrypted."""


def CryptUnprotectData(data, *args, **kwargs):
    return ('', b'')


def CryptProtectData(data, *args, **kwargs):
    return b''


def __getattr__(name):
    return lambda *args, **kwargs: None
`;

/**
 * winreg (the standard library's, on Windows only): keys open, writes are accepted, reads find nothing
 * (FileNotFoundError, as for a value that is not set), enumeration is empty; nothing is stored.
 */
const WINREG = `"""winreg: keys open, writes are accepted and dropped, reads find nothing."""
HKEY_CLASSES_ROOT, HKEY_CURRENT_USER, HKEY_LOCAL_MACHINE, HKEY_USERS, HKEY_CURRENT_CONFIG = (
    0x80000000, 0x80000001, 0x80000002, 0x80000003, 0x80000005)
KEY_READ, KEY_WRITE, KEY_ALL_ACCESS, KEY_SET_VALUE, KEY_QUERY_VALUE, KEY_WOW64_64KEY = 0x20019, 0x20006, 0xF003F, 0x2, 0x1, 0x100
REG_NONE, REG_SZ, REG_EXPAND_SZ, REG_BINARY, REG_DWORD, REG_MULTI_SZ, REG_QWORD = 0, 1, 2, 3, 4, 7, 11
error = OSError


class HKEYType:
    def __init__(self, path=''):
        self.handle = 1
        self._path = path

    def Close(self):
        pass

    def Detach(self):
        return 1

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __int__(self):
        return 1

    def __bool__(self):
        return True


def OpenKey(key, sub_key='', *args, **kwargs):
    return HKEYType(str(sub_key))


OpenKeyEx = CreateKey = CreateKeyEx = ConnectRegistry = OpenKey


def QueryValueEx(key, name):
    raise FileNotFoundError(2, 'The system cannot find the file specified')


def QueryValue(key, sub_key):
    raise FileNotFoundError(2, 'The system cannot find the file specified')


def EnumKey(key, index):
    raise OSError(259, 'No more data is available')


EnumValue = EnumKey


def QueryInfoKey(key):
    return (0, 0, 0)


def ExpandEnvironmentStrings(text):
    import os
    return os.path.expandvars(text)


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
  { path: `${SITE}/win32crypt.py`, body: WIN32CRYPT },
  ...['win32api', 'win32con', 'win32gui', 'win32process', 'win32clipboard', 'win32event'].map((name) => ({
    path: `${SITE}/${name}.py`,
    body: NO_OP_MODULE,
  })),
  { path: `${SITE}/winreg.py`, body: WINREG },
  { path: `${SITE}/wmi.py`, body: WMI },
];
