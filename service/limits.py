"""Process limits shared by the query workers and the update process: nothing else of ours here."""

from __future__ import annotations

import errno
import os
import resource
import socket


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
