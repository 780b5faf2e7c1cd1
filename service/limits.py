"""Process limits shared by the query workers and the update process: nothing else of ours here."""

from __future__ import annotations

import os
import resource


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
