"""The `fernet` module (and, beside it, its distribution metadata, so `setup_requires=["fernet"]` is met) as the PyPI package of that name offers it (`from fernet import Fernet`), backed by
Debian's python3-cryptography. The sandbox has no package index: packages that `pip install fernet` at
install time (a common stealer pattern: decrypt a payload with Fernet, then exec it) would otherwise
stop before their payload, and the sandbox would see nothing."""
from cryptography.fernet import Fernet, InvalidToken, MultiFernet  # noqa: F401

__all__ = ["Fernet", "InvalidToken", "MultiFernet"]
