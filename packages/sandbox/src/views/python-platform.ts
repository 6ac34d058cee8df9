/**
 * The Python side of a platform view: Debian's own `sitecustomize` (loaded by every interpreter, pip's
 * build subprocess and `setup.py install` included), planted by the host with its original content
 * plus the fake. Nothing new appears in sys.modules but `platform`, `subprocess` and (Windows) `ctypes`, which it imports.
 *
 * `os.name = 'nt'` for everyone would break Python's own os.path and subprocess; so `sys` and `os` in
 * sys.modules become thin proxies whose `platform` / `name` answer by caller: code from the standard
 * library, pip, setuptools and the other installed distributions (the package's dependencies: a library
 * that picks a native backend by platform must keep loading; each dependency is analysed as a package of
 * its own) get the real value, anything else (setup.py, the package's modules, code they exec) gets the
 * fake: the view lists the dependency wheels' distributions in `view.conf`. `platform.system()` and friends answer the same way, and subprocess takes
 * Windows-only arguments (creationflags, startupinfo) from package code instead of raising, and
 * `ctypes.windll` exists (every function answers 1). Shown Windows, names on a drive (`C:\...`) are opened,
 * listed, made and started on the planted drive under `/mnt/c` (windows-profile.ts), for every caller, and
 * `os.startfile` exists. Left detectable: those functions are Python functions, not builtins, and
 * `importlib.metadata` is loaded once a dependency reads the platform.
 *
 * Planted in every view with a developer's shell, not only the platform views: there `os.getlogin()`
 * answers the account's name as a login terminal would (`_login`); a CI job's fails as CI's does.
 */
export const PYTHON_SITECUSTOMIZE = String.raw`# install the apport exception handler if available
try:
    import apport_python_hook
except ImportError:
    pass
else:
    apport_python_hook.install()

def _view():
    import sys, os
    try:
        with open('/opt/airlock/view.conf') as f:
            conf = dict(l.split('=', 1) for l in f.read().splitlines() if '=' in l)
    except OSError:
        return
    fake = conf.get('platform')
    if fake not in ('win32', 'darwin'):
        return
    import platform, subprocess
    win = fake == 'win32'
    user = conf.get('user', 'user')
    host = conf.get('hostname', 'localhost')
    system_dirs = tuple(p.rstrip('/') + '/' for p in sys.path if p and (p.startswith('/usr/lib/python') or p.startswith('/usr/local/lib/python')))
    venv_tools = tuple(sys.prefix + '/lib/python%d.%d/site-packages/%s/' % (sys.version_info[0], sys.version_info[1], t)
                       for t in ('pip', 'setuptools', '_distutils_hack', 'pkg_resources', 'wheel'))
    system = system_dirs + venv_tools + ('<frozen ',)
    getframe = sys._getframe
    dependencies = set(d for d in conf.get('dependencies', '').split(',') if d)
    def canonical(n):
        n = n.lower().replace('_', '-').replace('.', '-')
        while '--' in n:
            n = n.replace('--', '-')
        return n
    known = {}
    found = []  # [site folders, {top-level name: distributions}], filled on first use

    def dependency(name):
        # A file of a distribution installed as the package's dependency (each analysed on its own): it gets
        # the truth, so a library with a native backend per platform (psutil) keeps loading the Linux one.
        # Every other installed distribution is the package, whatever name its setup.py gave it. Looked up once
        # per top-level name, from the distributions' RECORDs.
        if not dependencies:
            return False
        if not found:
            found.append(tuple(p.rstrip('/') + '/' for p in sys.path
                               if p.endswith(('site-packages', 'dist-packages')) and not p.startswith(system)))
        top = next((name[len(d):].split('/', 1)[0] for d in found[0] if name.startswith(d)), None)
        if not top:
            return False
        top = top[:-3] if top.endswith('.py') else top
        if top not in known:
            if len(found) == 1:
                try:
                    from importlib import metadata
                    found.append(metadata.packages_distributions())
                except Exception:  # unreadable metadata: everything stays the package's (shown the fake)
                    found.append({})
            dists = [canonical(d) for d in found[1].get(top, ())]
            known[top] = bool(dists) and all(d in dependencies for d in dists)
        return known[top]

    def from_package(depth):
        try:
            name = getframe(depth + 1).f_code.co_filename
        except ValueError:
            return False
        return not name.startswith(system) and not dependency(name)

    Module = type(sys)

    class SysView(Module):
        def __getattr__(self, name):
            return getattr(sys, name)
        def __setattr__(self, name, value):
            setattr(sys, name, value)
        def __delattr__(self, name):
            delattr(sys, name)
        def __dir__(self):
            return dir(sys)
        @property
        def platform(self):
            return fake if from_package(1) else sys.platform

    class OsView(Module):
        def __getattr__(self, name):
            return getattr(os, name)
        def __setattr__(self, name, value):
            setattr(os, name, value)
        def __delattr__(self, name):
            delattr(os, name)
        def __dir__(self):
            return dir(os)
        @property
        def name(self):
            return ('nt' if win else 'posix') if from_package(1) else os.name

    for view_type in (SysView, OsView):
        view_type.__name__ = view_type.__qualname__ = 'module'
        view_type.__module__ = 'builtins'
    for real, view_type in ((sys, SysView), (os, OsView)):
        view = view_type(real.__name__, real.__doc__)
        for key in ('__spec__', '__loader__', '__package__', '__file__'):
            if hasattr(real, key):
                Module.__setattr__(view, key, getattr(real, key))
        sys.modules[real.__name__] = view

    if win:
        answers = {
            'system': 'Windows', 'release': '10', 'version': '10.0.19045', 'machine': 'AMD64',
            'platform': 'Windows-10-10.0.19045-SP0', 'node': host,
        }
        answers['uname'] = platform.uname_result('Windows', host, '10', '10.0.19045', 'AMD64')
        answers['win32_ver'] = ('10', '10.0.19045', 'SP0', 'Multiprocessor Free')
        answers['win32_edition'] = 'Professional'
    else:
        answers = {
            'system': 'Darwin', 'release': '23.4.0', 'machine': 'x86_64', 'node': host,
            'version': 'Darwin Kernel Version 23.4.0: Fri Mar 15 00:10:42 PDT 2024; root:xnu-10063.101.17~1/RELEASE_X86_64',
            'platform': 'macOS-14.4.1-x86_64-i386-64bit',
        }
        answers['uname'] = platform.uname_result('Darwin', host, '23.4.0', answers['version'], 'x86_64')
        answers['mac_ver'] = ('14.4.1', ('', '', ''), 'x86_64')

    def answering(name, real, value):
        def f(*args, **kwargs):
            return value if from_package(1) else real(*args, **kwargs)
        f.__name__ = real.__name__
        f.__qualname__ = real.__qualname__
        f.__doc__ = real.__doc__
        f.__module__ = real.__module__
        return f

    for name, value in answers.items():
        setattr(platform, name, answering(name, getattr(platform, name), value))

    if win:
        # Drive letters: 'C:\\Users\\u\\AppData\\Roaming\\x.pyw' (or that name after os.path.join or abspath
        # added '/' parts) is '/mnt/c/Users/u/AppData/Roaming/x.pyw', where the host planted drive C:. No Linux
        # name has this shape, so every caller gets the mapping (shutil and zipfile opening for a payload too).
        import builtins, io, re
        drive = re.compile(r'(?:^|/)([A-Za-z]):[\\/]+(.*)\Z', re.S)
        def native(p):
            name = p
            if not isinstance(name, str) and hasattr(name, '__fspath__'):
                try:
                    name = os.fspath(name)
                except TypeError:
                    return p
            if isinstance(name, str) and ':' in name:
                m = drive.search(name)
                if m:
                    return '/mnt/' + m.group(1).lower() + '/' + m.group(2).replace('\\', '/')
            return p
        def mapping(real, paths=1):
            def f(*args, **kwargs):
                args = tuple(native(a) if i < paths else a for i, a in enumerate(args))
                for key in ('file', 'path', 'src', 'dst', 'name', 'top'):
                    if key in kwargs:
                        kwargs[key] = native(kwargs[key])
                return real(*args, **kwargs)
            for key in ('__name__', '__qualname__', '__doc__', '__module__'):
                try:
                    setattr(f, key, getattr(real, key))
                except (AttributeError, TypeError):
                    pass
            return f
        builtins.open = io.open = mapping(builtins.open)
        for name in ('open', 'stat', 'lstat', 'listdir', 'scandir', 'mkdir', 'makedirs', 'remove', 'unlink', 'rmdir',
                     'removedirs', 'chmod', 'access', 'utime', 'chdir', 'truncate'):
            setattr(os, name, mapping(getattr(os, name)))
        for name in ('rename', 'replace', 'link', 'symlink'):
            setattr(os, name, mapping(getattr(os, name), 2))
        def startfile(path, operation=None, *args, **kwargs):
            # Windows opens the file with its program; a script runs under Python, anything else is started.
            target = native(os.fspath(path))
            argv = [sys.executable, target] if target.lower().endswith(('.py', '.pyw')) else [target]
            try:
                subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                 start_new_session=True)
            except OSError:
                pass
        startfile.__module__ = 'nt'
        os.startfile = startfile

        popen_init = subprocess.Popen.__init__
        def init(self, *args, **kwargs):
            # Linux callers never pass these (Popen raises on them here); Windows code always may.
            kwargs.pop('creationflags', None)
            kwargs.pop('startupinfo', None)
            # A program or script named by its Windows path (a dropped stage started from %APPDATA%).
            if args and isinstance(args[0], (list, tuple)):
                args = ([native(a) for a in args[0]],) + args[1:]
            elif args and isinstance(args[0], str) and not kwargs.get('shell'):
                args = (native(args[0]),) + args[1:]
            popen_init(self, *args, **kwargs)
        init.__name__ = '__init__'
        init.__qualname__ = 'Popen.__init__'
        subprocess.Popen.__init__ = init
        class STARTUPINFO:
            def __init__(self, *, dwFlags=0, hStdInput=None, hStdOutput=None, hStdError=None, wShowWindow=0, lpAttributeList=None):
                self.dwFlags, self.hStdInput, self.hStdOutput, self.hStdError = dwFlags, hStdInput, hStdOutput, hStdError
                self.wShowWindow, self.lpAttributeList = wShowWindow, lpAttributeList or {}
        STARTUPINFO.__module__ = 'subprocess'
        # ctypes.windll.<dll>.<function>(...): every function exists and answers 1 (a handle, TRUE), so
        # payloads that hide their console or ask IsUserAnAdmin() carry on.
        import ctypes
        class WinFunction:
            def __init__(self, name):
                self.__name__ = name
            def __call__(self, *args, **kwargs):
                return 1
        class WinDLL:
            def __init__(self, name, *args, **kwargs):
                self._name = name
            def __getattr__(self, attr):
                if attr.startswith('__'):
                    raise AttributeError(attr)
                return WinFunction(attr)
        class LibraryLoader:
            def __getattr__(self, attr):
                if attr.startswith('__'):
                    raise AttributeError(attr)
                return WinDLL(attr)
            def LoadLibrary(self, name):
                return WinDLL(name)
        for cls in (WinFunction, WinDLL, LibraryLoader):
            cls.__module__ = 'ctypes'
        ctypes.windll = ctypes.oledll = LibraryLoader()
        ctypes.WinDLL = ctypes.OleDLL = WinDLL
        for key, value in (('CREATE_NO_WINDOW', 0x08000000), ('CREATE_NEW_CONSOLE', 0x10), ('DETACHED_PROCESS', 0x8),
                           ('CREATE_NEW_PROCESS_GROUP', 0x200), ('STARTF_USESHOWWINDOW', 0x1), ('STARTF_USESTDHANDLES', 0x100),
                           ('SW_HIDE', 0), ('STARTUPINFO', STARTUPINFO), ('HIGH_PRIORITY_CLASS', 0x80), ('BELOW_NORMAL_PRIORITY_CLASS', 0x4000)):
            setattr(subprocess, key, value)

def _login():
    # A developer's terminal answers os.getlogin() (glibc reads /proc/self/loginuid, else utmp for the tty on
    # stdin); a container has neither, so it raises and a payload that asks stops there. In the views with a
    # developer's shell it answers the account's name when the real call fails; in CI it fails, as in CI.
    # Shown Windows or macOS, the name is the view's user (USERNAME, the home the fake names).
    import os, posix
    try:
        with open('/opt/airlock/view.conf') as f:
            conf = dict(l.split('=', 1) for l in f.read().splitlines() if '=' in l)
    except OSError:
        return
    if conf.get('login') != 'yes':
        return
    shown = conf.get('user') if conf.get('platform') in ('win32', 'darwin') else None
    real = posix.getlogin
    def getlogin():
        try:
            return real()
        except OSError:
            import pwd
            return shown or pwd.getpwuid(os.getuid()).pw_name
    for key in ('__name__', '__qualname__', '__doc__', '__module__'):
        setattr(getlogin, key, getattr(real, key))
    os.getlogin = posix.getlogin = getlogin

def _installs():
    # A pip install that code starts without waiting (Popen, then a sleep of a few seconds, then the import)
    # is waited for here, up to a minute: on a developer's machine with a warm cache it ends within the sleep,
    # under the sandbox's kernel pip's own start-up takes longer and the import after it failed. In every view
    # with a developer's shell (the file below exists); pip's own calls are not affected (it waits for them).
    import subprocess
    try:
        open('/opt/airlock/view.conf').close()
    except OSError:
        return
    def pip_install(args):
        words = args.split() if isinstance(args, (str, bytes)) else list(args)
        words = [w.decode() if isinstance(w, bytes) else str(w) for w in words]
        named = any(w in ('pip', 'pip3') or w.endswith(('/pip', '/pip3')) for w in words[:4])
        return 'install' in words and named
    real = subprocess.Popen.__init__
    def init(self, *args, **kwargs):
        real(self, *args, **kwargs)
        command = args[0] if args else kwargs.get('args', '')
        try:
            if pip_install(command):
                self.wait(60)
        except Exception:
            pass
    init.__name__, init.__qualname__, init.__doc__ = real.__name__, real.__qualname__, real.__doc__
    subprocess.Popen.__init__ = init

try:
    _view()
    _login()
    _installs()
finally:
    del _view, _login, _installs
`;
