"""The HTTP service and the URL fetcher, against servers started by the tests on this machine (no
outside network): endpoints, limits, sanitized HTML, and the refusal of private addresses."""
from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from copydesk.cli import main as cli_main
from copydesk.fetch import FetchError, fetch, is_public_address
from copydesk.options import Options
from copydesk.service import ServiceConfig, make_server

PARAS = ("The council voted on Tuesday to build a new bridge over the river, ending two years of debate "
         "about the cost and the route that the crossing should take through the old town.",
         "Work starts in the spring and should take three years, the mayor said after the vote, adding "
         "that the ferry will keep running until the first cars can cross the finished bridge.")
PAGE = ("<!doctype html><html><head><meta charset='windows-1252'><title>Bridge approved</title></head><body>"
        "<nav><a href='/'>Home</a> | <a href='/news'>News</a></nav><article><h1>Bridge approved – at last</h1>"
        + "".join(f"<p>{p}</p>" for p in PARAS)
        + "<p onclick='steal()'>Residents welcomed the decision. <a href='javascript:alert(1)'>More</a></p>"
        "<script>alert('x')</script></article><footer>© Example News</footer></body></html>").encode("cp1252")


class _Pages(BaseHTTPRequestHandler):
    """Pages for the fetcher: /page, /redirect (to /page), /loop, /big, /slow, /missing."""

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        if self.path == "/page":
            self._send(200, PAGE, "text/html; charset=windows-1252")
        elif self.path == "/redirect":
            self._redirect("/page")
        elif self.path == "/loop":
            self._redirect("/loop")
        elif self.path == "/to-file":
            self._redirect("file:///etc/passwd")
        elif self.path == "/big":
            self._send(200, b"x" * 300_000, "text/html")
        elif self.path == "/big-unsized":  # no Content-Length: the limit must hold while reading
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Connection", "close")
            self.end_headers()
            for _ in range(10):
                self.wfile.write(b"x" * 50_000)
        elif self.path == "/slow":
            time.sleep(2)
            self._send(200, b"late", "text/html")
        else:
            self._send(404, b"no", "text/plain")

    def _redirect(self, where: str) -> None:
        self.send_response(302)
        self.send_header("Location", where)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, code: int, body: bytes, ctype: str) -> None:
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _start(server: ThreadingHTTPServer) -> str:
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    return f"http://{host}:{port}"


@pytest.fixture(scope="module")
def pages() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    server.daemon_threads = True
    base = _start(server)
    yield base
    server.shutdown()
    server.server_close()


def _service(**kw: object) -> tuple[ThreadingHTTPServer, str]:
    server = make_server("127.0.0.1", 0, ServiceConfig(**kw))  # type: ignore[arg-type]
    return server, _start(server)


@pytest.fixture(scope="module")
def service() -> Iterator[str]:
    server, base = _service(options=Options(max_bytes=200_000))
    yield base
    server.shutdown()
    server.server_close()


def _post(url: str, body: bytes, ctype: str = "text/html") -> tuple[int, str, bytes]:
    req = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": ctype})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read()


# --- fetch ------------------------------------------------------------------------------------

@pytest.mark.parametrize("addr,public", [
    ("127.0.0.1", False), ("10.1.2.3", False), ("192.168.0.10", False), ("172.16.5.4", False),
    ("169.254.169.254", False), ("100.64.0.1", False), ("0.0.0.0", False), ("224.0.0.1", False),
    ("::1", False), ("fe80::1%eth0", False), ("::ffff:127.0.0.1", False), ("fd00::1", False),
    ("8.8.8.8", True), ("2606:4700::1", True), ("not an address", False),
])
def test_public_addresses(addr: str, public: bool) -> None:
    assert is_public_address(addr) is public


@pytest.mark.parametrize("url", ["http://127.0.0.1/", "http://localhost:8080/admin", "http://[::1]/",
                                 "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/"])
def test_private_and_loopback_refused_by_default(url: str) -> None:
    with pytest.raises(FetchError) as e:
        fetch(url, timeout=5)
    assert e.value.status == "refused"


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/", "gopher://x/", "/relative/path", ""])
def test_only_http_and_https(url: str) -> None:
    with pytest.raises(FetchError) as e:
        fetch(url, timeout=5)
    assert e.value.status in ("refused", "error")


def test_fetch_when_private_allowed(pages: str) -> None:
    got = fetch(pages + "/redirect", allow_private=True, timeout=10)
    assert got.final_url == pages + "/page" and got.status == 200
    assert got.charset == "windows-1252" and got.body == PAGE


def test_fetch_limits(pages: str) -> None:
    cases = [("/big", 100_000, "too_large"), ("/big-unsized", 100_000, "too_large"), ("/loop", 10**6, "http_error"),
             ("/missing", 10**6, "http_error"), ("/to-file", 10**6, "refused")]
    for path, limit, status in cases:
        with pytest.raises(FetchError) as e:
            fetch(pages + path, allow_private=True, max_bytes=limit, timeout=10)
        assert e.value.status == status, path
    with pytest.raises(FetchError) as e:
        fetch(pages + "/slow", allow_private=True, timeout=0.5)
    assert e.value.status == "timeout"


def test_cli_extracts_a_url_only_when_allowed(pages: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["extract", pages + "/page"]) == 1
    assert "refused" in capsys.readouterr().err
    assert cli_main(["extract", pages + "/page", "--allow-private", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "ok" and "new bridge" in out["text"] and out["url"] == pages + "/page"


# --- service ----------------------------------------------------------------------------------

def test_health(service: str) -> None:
    with urllib.request.urlopen(service + "/health", timeout=10) as r:
        assert r.status == 200 and json.loads(r.read())["status"] == "ok"


def test_extract_raw_page_in_its_charset(service: str) -> None:
    code, ctype, body = _post(service + "/extract?url=https://example.org/bridge",
                              PAGE, "text/html; charset=windows-1252")
    art = json.loads(body)
    assert code == 200 and ctype.startswith("application/json")
    assert art["status"] == "ok" and art["title"].startswith("Bridge approved – at last")
    assert PARAS[0] in art["text"] and "Home" not in art["text"]
    assert "<script" not in art["html"] and "onclick" not in art["html"] and "javascript:" not in art["html"]


def test_extract_formats_and_options(service: str) -> None:
    code, ctype, body = _post(service + "/extract?format=markdown", PAGE)
    assert code == 200 and ctype.startswith("text/markdown") and PARAS[1] in body.decode()
    code, ctype, body = _post(service + "/extract?format=html", PAGE)
    html = body.decode()
    assert code == 200 and ctype.startswith("text/html") and PARAS[0] in html
    assert "<script" not in html and "onclick" not in html and "javascript:" not in html
    code, _, body = _post(service + "/extract?favor=wrong", PAGE)
    assert code == 400 and "favor" in json.loads(body)["error"]
    code, _, body = _post(service + "/extract?format=pdf", PAGE)
    assert code == 400


def test_extract_json_request(service: str) -> None:
    req = json.dumps({"html": PAGE.decode("cp1252"), "url": "https://example.org/bridge"}).encode()
    code, _, body = _post(service + "/extract", req, "application/json")
    art = json.loads(body)
    assert code == 200 and art["url"] == "https://example.org/bridge" and PARAS[0] in art["text"]


def test_extract_text_endpoint(service: str) -> None:
    text = "Example News\nBridge approved after two years\n" + "\n".join(PARAS) + "\nSign up for our newsletter\n"
    code, _, body = _post(service + "/extract-text", text.encode(), "text/plain; charset=utf-8")
    art = json.loads(body)
    assert code == 200 and art["status"] == "ok" and PARAS[1] in art["text"]
    assert "newsletter" not in art["text"]


def test_bad_requests(service: str) -> None:
    code, _, body = _post(service + "/extract", b"x" * 300_000)
    assert code == 413 and "max_bytes" in json.loads(body)["error"]
    code, _, body = _post(service + "/extract", b"{not json", "application/json")
    assert code == 400 and "invalid JSON" in json.loads(body)["error"]
    code, _, body = _post(service + "/extract", b"[1, 2]", "application/json")
    assert code == 400
    code, _, _ = _post(service + "/nowhere", PAGE)
    assert code == 404
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(service + "/extract", timeout=10)
    assert e.value.code == 405
    # a page that is not HTML is an article with a status, not a server error
    code, _, body = _post(service + "/extract", b"%PDF-1.7\n" + bytes(range(256)) * 20, "application/octet-stream")
    assert code == 200 and json.loads(body)["status"] != "ok"


def test_service_fetches_only_when_allowed(pages: str) -> None:
    req = json.dumps({"url": pages + "/page"}).encode()
    for kw, expect, why in (({}, 403, "does not fetch"), ({"allow_fetch": True}, 403, "refused"),
                            ({"allow_fetch": True, "allow_private": True}, 200, "")):
        server, base = _service(**kw)
        try:
            code, _, body = _post(base + "/extract", req, "application/json")
        finally:
            server.shutdown()
            server.server_close()
        assert code == expect, kw
        if code == 200:
            art = json.loads(body)
            assert art["status"] == "ok" and PARAS[0] in art["text"] and art["url"] == pages + "/page"
        else:
            assert why in json.loads(body)["error"]


def test_stalled_client_is_dropped_and_the_service_goes_on() -> None:
    import socket

    server, base = _service(socket_timeout=0.5)
    try:
        host, port = server.server_address[:2]
        with socket.create_connection((host, port), timeout=10) as s:
            s.sendall(b"POST /extract HTTP/1.1\r\nHost: x\r\nContent-Type: text/html\r\nContent-Length: 1000\r\n\r\n<p>")
            s.settimeout(10)
            assert s.recv(1024) == b""  # the server closed the stalled connection
        with urllib.request.urlopen(base + "/health", timeout=10) as r:
            assert r.status == 200
    finally:
        server.shutdown()
        server.server_close()


def test_keep_alive_survives_an_error_with_an_unread_body(service: str) -> None:
    """An answer given before the body was read closes the connection; a full request keeps it open."""
    import http.client

    host, port = service.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.request("POST", "/extract", body=PAGE, headers={"Content-Type": "text/html"})
    r = conn.getresponse()
    assert r.status == 200 and json.loads(r.read())["status"] == "ok"
    conn.request("POST", "/extract", body=PAGE, headers={"Content-Type": "text/html"})  # same connection
    r = conn.getresponse()
    assert r.status == 200 and r.getheader("Connection") != "close"
    r.read()
    conn.request("POST", "/nowhere", body=PAGE, headers={"Content-Type": "text/html"})
    r = conn.getresponse()
    assert r.status == 404 and r.getheader("Connection") == "close"
    r.read()
    conn.close()
