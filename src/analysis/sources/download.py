"""Downloads that hold: timeout, retries with exponential backoff, a validated answer, an
atomic write into the cache with a sidecar (row count + sha256), one progress line on stderr.

A host that failed for good (name resolution, or every retry spent) is not asked again in
the same process: a national run of 343 gemeenten offline costs one failed attempt, not 343.
`WIJKMONITOR_OFFLINE=1` skips the network altogether. Tests pass a fake `transport`.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

from analysis.core.atomic import write_atomic
from analysis.core.errors import SourceError

TIMEOUT = 30.0
RETRIES = 2  # attempts after the first
BACKOFF = 1.0  # seconds; doubles per retry
OFFLINE_ENV = "WIJKMONITOR_OFFLINE"
USER_AGENT = "wijkmonitor (+https://github.com/wijkmonitor)"

_dead_hosts: dict[str, str] = {}
sleep = time.sleep  # replaced in tests


class DownloadError(SourceError):
    """A download that failed after its retries (names the URL or source)."""


class TransientError(Exception):
    """A failure worth retrying (timeout, 5xx, 429, connection reset)."""


def reset() -> None:
    """Forget the hosts that failed earlier in this process."""
    _dead_hosts.clear()


def urllib_transport(url: str, timeout: float) -> bytes:
    """GET with urllib; transient failures raise TransientError, others DownloadError."""
    req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.read()
    except urllib.error.HTTPError as exc:
        if exc.code in (429, 500, 502, 503, 504):
            raise TransientError(f"HTTP {exc.code}") from exc
        raise DownloadError(f"{url}: HTTP {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        if _is_name_error(exc):
            raise DownloadError(f"{url}: host unknown or no network ({exc.reason})") from exc
        raise TransientError(str(exc.reason)) from exc
    except (TimeoutError, ConnectionError) as exc:
        raise TransientError(f"{type(exc).__name__}: {exc}") from exc


def _is_name_error(exc: BaseException) -> bool:
    text = str(exc).lower()
    return any(s in text for s in ("name or service not known", "temporary failure in name resolution",
                                   "nodename nor servname", "getaddrinfo failed", "nameresolutionerror"))


def with_retries(label: str, host: str, attempt: Callable[[], object], *, retries: int = RETRIES,
                 backoff: float = BACKOFF):
    """Run `attempt` with retries on TransientError; a host that failed stays failed this process."""
    if os.environ.get(OFFLINE_ENV):
        raise DownloadError(f"{label}: not downloaded ({OFFLINE_ENV} is set)")
    if host in _dead_hosts:
        raise DownloadError(f"{label}: not downloaded, {host} failed earlier in this run ({_dead_hosts[host]})")
    print(f"download: {label} ...", file=sys.stderr, flush=True)
    last = ""
    for n in range(retries + 1):
        try:
            return attempt()
        except TransientError as exc:
            last = str(exc)
            if n < retries:
                sleep(backoff * 2 ** n)
        except DownloadError as exc:
            _dead_hosts[host] = str(exc).split(": ", 1)[-1]
            raise
        except Exception as exc:  # third-party clients (cbsodata/requests) raise their own types
            if _is_name_error(exc):
                _dead_hosts[host] = "no network"
                raise DownloadError(f"{label}: host unknown or no network ({type(exc).__name__})") from exc
            last = str(exc) or type(exc).__name__
            if n < retries:
                sleep(backoff * 2 ** n)
    if last != "empty answer":  # the host answers; only a network failure makes it dead
        _dead_hosts[host] = last
    raise DownloadError(f"{label}: download failed: {last} (after {retries + 1} attempts)")


def get_json(url: str, *, transport: Callable[[str, float], bytes] | None = None, timeout: float = TIMEOUT,
             retries: int = RETRIES, backoff: float = BACKOFF) -> dict:
    """One JSON document; an empty body, invalid JSON or an OData error object is refused."""
    transport = transport or urllib_transport
    host = urllib.parse.urlsplit(url).netloc

    def attempt():
        body = transport(url, timeout)
        return parse_json_answer(url, body)

    return with_retries(url, host, attempt, retries=retries, backoff=backoff)


def parse_json_answer(url: str, body: bytes) -> dict:
    if not body or not body.strip():
        raise TransientError("empty answer")
    try:
        doc = json.loads(body)
    except ValueError as exc:
        raise DownloadError(f"{url}: answer is not JSON ({body[:60]!r})") from exc
    if isinstance(doc, dict) and ("error" in doc or "odata.error" in doc):
        err = doc.get("error") or doc.get("odata.error")
        msg = err.get("message", err) if isinstance(err, dict) else err
        if isinstance(msg, dict):
            msg = msg.get("value", msg)
        raise DownloadError(f"{url}: error answer: {msg}")
    return doc


def get_odata_pages(url: str, **kw) -> list[dict]:
    """All rows of an OData feed, following `@odata.nextLink` (v4) or `odata.nextLink` (v3)."""
    rows: list[dict] = []
    seen = set()
    while url:
        if url in seen:
            raise DownloadError(f"{url}: paging loops back to a page already read")
        seen.add(url)
        doc = get_json(url, **kw)
        if not isinstance(doc, dict) or not isinstance(doc.get("value"), list):
            raise DownloadError(f"{url}: answer has no 'value' list")
        rows.extend(doc["value"])
        url = doc.get("@odata.nextLink") or doc.get("odata.nextLink")
    return rows


# --- cache files with a sidecar ------------------------------------------------------------

def sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".meta.json")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_cached(path: Path, write: Callable[[Path], None], rows: int, source: str) -> Path:
    """Write a cache file atomically, then its sidecar (rows, sha256, source, time)."""
    if rows <= 0:
        raise DownloadError(f"{source}: empty answer (0 rows); not cached")
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, write)
    meta = {"rows": rows, "sha256": sha256(path), "source": source,
            "written": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    write_atomic(sidecar(path), lambda p: p.write_text(json.dumps(meta, indent=1), encoding="utf-8"))
    return path


def check_cached(path: Path, rows: int | None = None) -> dict | None:
    """Verify a cache file against its sidecar (None when it has none): sha256 and row count."""
    meta_path = sidecar(path)
    if not meta_path.is_file():
        return None
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise SourceError(f"{meta_path}: unreadable sidecar ({exc}); delete both files or use --refresh") from exc
    if rows is not None and meta.get("rows") != rows:
        raise SourceError(f"{path}: {rows} rows, the download had {meta.get('rows')}; use --refresh")
    if meta.get("sha256") != sha256(path):
        raise SourceError(f"{path}: content differs from what was downloaded (sha256 of {meta_path.name}); "
                          "truncated or edited? use --refresh")
    return meta
