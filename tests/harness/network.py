"""Everything must work offline: a connection anywhere but this machine fails."""

from __future__ import annotations

import socket

LOCAL = {"localhost", "127.0.0.1", "::1", "", None}


class NetworkRefused(OSError):
    pass


def refuse() -> None:
    """Make every connection and name lookup to another machine raise NetworkRefused.

    Loopback stays open: a multi-worker tf.distribute run talks over it.
    """
    if getattr(socket.socket.connect, "_docs_guard", False):
        return
    real = {name: getattr(socket.socket, name) for name in ("connect", "connect_ex", "sendto")}
    real_lookups = {
        name: getattr(socket, name) for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex")
    }

    def check(host):
        if host not in LOCAL:
            raise NetworkRefused(f"the docs tests run offline, but the code tried to reach {host!r}")

    def guard_socket(name):
        def method(self, *args):
            address = args[-1]
            if self.family != getattr(socket, "AF_UNIX", None) and isinstance(address, tuple):
                check(address[0])
            return real[name](self, *args)

        method._docs_guard = True
        return method

    def guard_lookup(name):
        def lookup(host, *args, **kwargs):
            check(host)
            return real_lookups[name](host, *args, **kwargs)

        return lookup

    for name in real:
        setattr(socket.socket, name, guard_socket(name))
    for name in real_lookups:
        setattr(socket, name, guard_lookup(name))
