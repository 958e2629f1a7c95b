"""Which addresses an untrusted URL may reach (SSRF policy)."""
from __future__ import annotations

import ipaddress
import socket
from typing import Callable, Iterable, Sequence

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Sequence[str]]


def address_allowed(ip: str | IPAddress, allowed: Iterable[Network] = ()) -> bool:
    """True if ``ip`` is a public address, or inside an operator-allowed network.

    Loopback, private, link-local (incl. cloud metadata 169.254.169.254), multicast,
    reserved and unspecified addresses are refused; IPv4-mapped IPv6 is judged as IPv4.
    """
    addr = ipaddress.ip_address(ip) if isinstance(ip, str) else ip
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    if any(addr in net for net in allowed if net.version == addr.version):
        return True
    if addr.is_loopback or addr.is_private or addr.is_link_local or addr.is_multicast:
        return False
    if addr.is_reserved or addr.is_unspecified:
        return False
    return addr.is_global


def literal_ip(host: str) -> IPAddress | None:
    """The address ``host`` spells literally, or None for a name that must be resolved.

    Besides the usual forms (``127.0.0.1``, ``::1``, ``[::1]``) this accepts what C resolvers
    read as IPv4 (``2130706433``, ``0x7f.1``, ``127.1``, ``0177.0.0.1``), so a policy check never
    depends on which resolver sees such a host.
    """
    text = host.strip().strip("[]").rstrip(".")
    try:
        return ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        pass
    if text and all(c in "0123456789abcdefxABCDEFX." for c in text):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(text))
        except OSError:
            return None
    return None


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for ``host`` (IPv4 and IPv6)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: list[str] = []
    for info in infos:
        ip = info[4][0]
        if ip not in seen:
            seen.append(ip)
    return seen
