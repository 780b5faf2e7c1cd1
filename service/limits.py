"""Process limits and names shared by the processes that parse what clients send (query workers, the
update process, the process that extracts posted documents): nothing else of ours here."""

from __future__ import annotations

import ctypes
import errno
import os
import resource
import socket
from collections.abc import Iterable


def limit_address_space(extra_mb: int) -> None:
    """Cap this process's address space at what it holds now plus ``extra_mb`` MiB (``RLIMIT_AS``).

    Called once the store is open, so the cap counts only what a query or update adds; past it,
    allocations fail and the process dies or answers an error. Does nothing for ``extra_mb <= 0``
    or where ``/proc`` does not tell the current size.
    """
    if extra_mb <= 0:
        return
    base = 0
    try:
        with open(f"/proc/{os.getpid()}/status") as status:
            base = next((int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:")), 0)
    except OSError:
        return
    if base:
        hard = resource.getrlimit(resource.RLIMIT_AS)[1]
        resource.setrlimit(resource.RLIMIT_AS, (base + extra_mb * 1024 * 1024, hard))


def can_forbid_network() -> bool:
    """Whether :func:`forbid_network` can work here: Linux with libseccomp (``libseccomp2``)."""
    try:
        import pyseccomp  # noqa: F401  # raises RuntimeError where libseccomp is missing
    except (ImportError, OSError, RuntimeError):
        return False
    return True


def forbid_network() -> bool:
    """Deny this process every socket but a Unix one, for good (a seccomp filter; False where
    libseccomp is missing, and nothing is changed).

    A query worker calls it before it reads its first request, so that whatever text reaches its
    engines (a SERVICE or a JSON-LD context that the checks did not see included) cannot open a
    connection: ``socket()`` and ``socketpair()`` fail with EACCES for any family but AF_UNIX (the
    worker's pipe to the server is a Unix socket pair, made before), ``io_uring_setup`` too (its
    rings can open sockets without the ``socket`` call). The filter holds for every thread of the
    process and every process it starts, and cannot be lifted; a system call of another ABI (i386,
    x32) kills the thread that makes it.
    """
    try:
        import pyseccomp as seccomp
    except (ImportError, OSError, RuntimeError):
        return False
    refuse = seccomp.ERRNO(errno.EACCES)
    not_unix = seccomp.Arg(0, seccomp.NE, socket.AF_UNIX)
    rules = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    rules.set_attr(seccomp.Attr.CTL_TSYNC, 1)  # every thread, not only the calling one
    rules.add_rule(refuse, "socket", not_unix)
    rules.add_rule(refuse, "socketpair", not_unix)
    rules.add_rule(refuse, "io_uring_setup")
    rules.load()
    return True


# Landlock (Linux 6.7+, ABI 4): the system calls and constants of <linux/landlock.h>, the same
# numbers on every architecture. No Python package exposes its network rules yet.
_LANDLOCK_CREATE_RULESET, _LANDLOCK_ADD_RULE, _LANDLOCK_RESTRICT_SELF = 444, 445, 446
_LANDLOCK_CREATE_RULESET_VERSION = 1
_LANDLOCK_ACCESS_NET_CONNECT_TCP = 2
_LANDLOCK_RULE_NET_PORT = 2
_PR_SET_NO_NEW_PRIVS = 38


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64)]


class _NetPortAttr(ctypes.Structure):
    _fields_ = [("allowed_access", ctypes.c_uint64), ("port", ctypes.c_uint64)]


def landlock_abi() -> int:
    """The Landlock ABI this kernel offers (0: none; 4 and above can limit TCP connections)."""
    libc = ctypes.CDLL(None, use_errno=True)
    version = libc.syscall(_LANDLOCK_CREATE_RULESET, None, ctypes.c_size_t(0), _LANDLOCK_CREATE_RULESET_VERSION)
    return max(0, int(version))


def limit_connections(ports: Iterable[int]) -> bool:
    """Allow this thread, and every thread and process it starts afterwards, TCP connections to
    ``ports`` only (Landlock; False where the kernel cannot, and nothing is changed).

    For a worker that may call SERVICE endpoints: it can reach the allowlist's ports (and DNS),
    not a database, an admin console or a metadata service on another port, whatever text gets
    past the allowlist check. Call it before the process starts threads: Landlock binds the
    calling thread and what it creates, not threads that already run.
    """
    if landlock_abi() < 4:
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    attr = _RulesetAttr(handled_access_fs=0, handled_access_net=_LANDLOCK_ACCESS_NET_CONNECT_TCP)
    ruleset = libc.syscall(_LANDLOCK_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(ctypes.sizeof(attr)), 0)
    if ruleset < 0:
        raise OSError(ctypes.get_errno(), "landlock_create_ruleset failed")
    try:
        for port in sorted(set(ports)):
            rule = _NetPortAttr(allowed_access=_LANDLOCK_ACCESS_NET_CONNECT_TCP, port=port)
            if libc.syscall(_LANDLOCK_ADD_RULE, ruleset, _LANDLOCK_RULE_NET_PORT, ctypes.byref(rule), 0) < 0:
                raise OSError(ctypes.get_errno(), f"landlock_add_rule failed for port {port}")
        if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
        if libc.syscall(_LANDLOCK_RESTRICT_SELF, ruleset, 0) < 0:
            raise OSError(ctypes.get_errno(), "landlock_restrict_self failed")
    finally:
        os.close(ruleset)
    return True


def name_process(name: str) -> None:
    """The name ps and top show for this process (Linux; at most 15 characters)."""
    try:
        with open("/proc/self/comm", "w") as comm:
            comm.write(name)
    except OSError:
        pass
