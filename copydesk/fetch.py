"""Fetch: one URL -> the page's bytes, with the guards that untrusted URLs need.

Only http and https. Unless `allow_private=True`, every address a host resolves to must be globally
routable: private, loopback, link-local (cloud metadata at 169.254.169.254), shared, multicast and
reserved ranges are refused, the usual targets of server-side request forgery. The check runs on every
hop (redirects included), and the connection goes to the address that was checked, so a second DNS
answer cannot slip another address in between. Bodies are read up to `max_bytes`, within one overall
deadline. Standard library only: one GET is too small a job for an HTTP client dependency."""
from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
import urllib.parse
from dataclasses import dataclass

from .options import DEFAULT_MAX_BYTES

MAX_REDIRECTS = 5
DEFAULT_FETCH_TIMEOUT = 15.0  # seconds for the whole fetch, redirects included
CHUNK = 64 * 1024
REDIRECTS = frozenset((301, 302, 303, 307, 308))
ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"

# FetchError statuses
REFUSED, TOO_LARGE, TIMEOUT, HTTP_ERROR, ERROR = "refused", "too_large", "timeout", "http_error", "error"


class FetchError(Exception):
    """Why a URL was not fetched: `status` (refused, too_large, timeout, http_error, error) and `reason`."""

    def __init__(self, status: str, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str  # as asked
    final_url: str  # after redirects
    status: int
    content_type: str | None
    charset: str | None  # from the Content-Type header, for `extract(..., http_charset=...)`
    body: bytes


def is_public_address(addr: str) -> bool:
    """A globally routable unicast address (IPv4-mapped IPv6 judged as the IPv4 it maps)."""
    try:
        ip = ipaddress.ip_address(addr.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def fetch(url: str, *, allow_private: bool = False, max_bytes: int = DEFAULT_MAX_BYTES,
          timeout: float = DEFAULT_FETCH_TIMEOUT, user_agent: str | None = None) -> Fetched:
    """GET `url`, following up to MAX_REDIRECTS redirects. Raises FetchError, never anything else."""
    if not isinstance(url, str) or not url:
        raise FetchError(ERROR, "the URL must be a non-empty string")
    from . import __version__

    agent = user_agent or f"copydesk/{__version__}"
    deadline = time.monotonic() + timeout
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        parts = urllib.parse.urlsplit(current)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            raise FetchError(REFUSED, f"only http and https URLs are fetched, not {scheme or 'a relative URL'!r}")
        host = parts.hostname
        if not host:
            raise FetchError(ERROR, f"the URL has no host: {current!r}")
        try:
            port = parts.port or (443 if scheme == "https" else 80)
        except ValueError:
            raise FetchError(ERROR, f"the URL's port is not a number: {current!r}") from None
        addr = _vetted_address(host, port, allow_private)
        left = deadline - time.monotonic()
        if left <= 0:
            raise FetchError(TIMEOUT, f"no answer within {timeout:g}s")
        conn = _connection(scheme, host, addr, port, left)
        try:
            target = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
            conn.request("GET", target, headers={"User-Agent": agent, "Accept": ACCEPT, "Accept-Encoding": "identity"})
            resp = conn.getresponse()
            if resp.status in REDIRECTS:
                location = resp.getheader("Location")
                if not location:
                    raise FetchError(HTTP_ERROR, f"HTTP {resp.status} without a Location header")
                current = urllib.parse.urljoin(current, location.strip())
                continue
            if resp.status >= 400:
                raise FetchError(HTTP_ERROR, f"HTTP {resp.status} {resp.reason}".strip())
            declared = resp.getheader("Content-Length")
            if declared and declared.strip().isdigit() and int(declared) > max_bytes:
                raise FetchError(TOO_LARGE, f"the page is {int(declared)} bytes, above max_bytes={max_bytes}")
            body = _read(resp, max_bytes, deadline, timeout)
            ctype = resp.getheader("Content-Type")
            return Fetched(url, current, resp.status, ctype, charset_of(ctype), body)
        except FetchError:
            raise
        except TimeoutError:
            raise FetchError(TIMEOUT, f"no answer within {timeout:g}s") from None
        except (OSError, http.client.HTTPException, ValueError) as e:
            raise FetchError(ERROR, f"{type(e).__name__}: {e}") from None
        finally:
            conn.close()
    raise FetchError(HTTP_ERROR, f"more than {MAX_REDIRECTS} redirects")


def _vetted_address(host: str, port: int, allow_private: bool) -> str:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as e:
        raise FetchError(ERROR, f"cannot resolve {host}: {e}") from None
    addrs = [str(info[4][0]) for info in infos]
    if not addrs:
        raise FetchError(ERROR, f"cannot resolve {host}")
    if not allow_private:
        bad = [a for a in addrs if not is_public_address(a)]
        if bad:
            raise FetchError(REFUSED, f"{host} resolves to a non-public address ({bad[0]}): refused "
                                      "(allow_private=True, or --allow-private, fetches it)")
    return addrs[0]


def _read(resp: http.client.HTTPResponse, max_bytes: int, deadline: float, timeout: float) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise FetchError(TIMEOUT, f"the page did not arrive within {timeout:g}s")
        chunk = resp.read(CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(TOO_LARGE, f"the page is above max_bytes={max_bytes}")
        chunks.append(chunk)


def charset_of(ctype: str | None) -> str | None:
    """The charset parameter of a Content-Type value ("text/html; charset=ISO-8859-1"), or None."""
    for part in (ctype or "").split(";")[1:]:
        k, _, v = part.partition("=")
        if k.strip().lower() == "charset" and v.strip():
            return v.strip().strip("\"'")
    return None


class _PinnedHTTP(http.client.HTTPConnection):
    """HTTP to a vetted address; the Host header keeps the name."""

    def __init__(self, host: str, addr: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._addr = addr

    def connect(self) -> None:
        self.sock = socket.create_connection((self._addr, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to a vetted address; SNI and certificate checks use the name."""

    def __init__(self, host: str, addr: str, port: int, timeout: float) -> None:
        self._tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self._tls)
        self._addr = addr

    def connect(self) -> None:
        sock = socket.create_connection((self._addr, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)


def _connection(scheme: str, host: str, addr: str, port: int, timeout: float) -> http.client.HTTPConnection:
    return _PinnedHTTPS(host, addr, port, timeout) if scheme == "https" else _PinnedHTTP(host, addr, port, timeout)
