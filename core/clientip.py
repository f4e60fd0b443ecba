"""The visitor's address: the one function everything that counts by address uses
(allauth's rate limits and ours through accounts.adapters.AccountAdapter.get_client_ip,
the open-data limit, the login lockout in accounts.lockout).

Behind a load balancer every request comes from the balancer's address. The address it
forwards in X-Forwarded-For is believed only when the request comes from a proxy listed
in TRUSTED_PROXIES (addresses or networks); anyone else can write that header, so from
them it is ignored. The proxies append to the header, so it is read from the right: the
first address that is not a trusted proxy is the visitor's. Anything unreadable on the
way stops the walk at the last hop we trust.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in spec if item.strip())


def trusted_proxies() -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return _networks(tuple(settings.TRUSTED_PROXIES))


def parse_address(value: str) -> Address | None:
    """An address as proxies write it: "1.2.3.4", "1.2.3.4:5678", "2001:db8::1",
    "[2001:db8::1]:443"; an IPv4 address mapped into IPv6 is the IPv4 address."""
    value = value.strip()
    if value.startswith("["):
        value = value[1:].partition("]")[0]
    elif value.count(":") == 1:
        value = value.partition(":")[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _is_trusted(address: Address, networks) -> bool:
    return any(address in network for network in networks)


def client_ip(request) -> str:
    remote = parse_address(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return request.META.get("REMOTE_ADDR", "") or "unknown"
    networks = trusted_proxies()
    if not networks or not _is_trusted(remote, networks):
        return str(remote)
    client = remote
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = parse_address(hop)
        if address is None:
            break
        client = address
        if not _is_trusted(address, networks):
            break
    return str(client)
