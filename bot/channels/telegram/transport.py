"""AiohttpRequest: python-telegram-bot's HTTP requests made with aiohttp instead of httpx.

Every tap costs the bot three or four Bot API calls (getUpdates, answering the button, removing
the old keyboard, sending the next step), and with httpx the client side of one call costs about
half a millisecond of CPU: over a third of what a tap costs in all. aiohttp's client, with its
C-accelerated HTTP parser, does the same call for about a fifth of that. python-telegram-bot
supports other HTTP libraries through `BaseRequest`; this one keeps its contract: (status, body)
back, a timeout raises `TimedOut`, any other transport failure (refused, reset, dropped mid-answer)
raises `NetworkError`, so the courier's retries work as before. Proxies are read from the
environment (HTTPS_PROXY, NO_PROXY) once per host, not on every call as aiohttp's `trust_env` does
(which also looks in ~/.netrc in a thread for every request).
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

_JSON = {"Content-Type": "application/json"}


class AiohttpRequest(BaseRequest):
    """One keep-alive connection pool; parameters as a JSON body (the Bot API takes JSON: one C call,
    where form encoding quotes every byte of a Chinese text three times over), multipart when a file
    goes up."""

    def __init__(
        self,
        connection_pool_size: int = 16,
        read_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_read_timeout: float | None = 20.0,
    ) -> None:
        self.pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_read_timeout = media_read_timeout  # an upload is also waited for while it is read
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[str, str | None] = {}  # host -> its proxy from the environment, if any

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self.pool_size)
            self._session = aiohttp.ClientSession(
                connector=connector, headers={"User-Agent": self.USER_AGENT}
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    def _proxy(self, url: str) -> str | None:
        """The proxy the environment names for this URL's host (as httpx would use), looked up once."""
        parts = urlsplit(url)
        host = parts.hostname or ""
        if host not in self._proxies:
            proxies = urllib.request.getproxies()
            proxy = proxies.get(parts.scheme) or proxies.get("all")
            self._proxies[host] = None if proxy is None or urllib.request.proxy_bypass(host) else proxy
        return self._proxies[host]

    def _timeout(
        self, read: ODVInput[float], connect: ODVInput[float], pool: ODVInput[float], files: bool
    ) -> Any:
        if isinstance(read, DefaultValue):
            read = self._media_read_timeout if files else self._read_timeout
        if isinstance(connect, DefaultValue):
            connect = self._connect_timeout
        if isinstance(pool, DefaultValue):
            pool = self._pool_timeout
        # aiohttp's `connect` covers waiting for a pooled connection and making a new one.
        waiting = None if connect is None and pool is None else (connect or 0) + (pool or 0)
        return aiohttp.ClientTimeout(total=None, connect=waiting, sock_read=read)

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        body: Any = None
        files = request_data.multipart_data if request_data is not None else None
        if request_data is not None:
            if files:
                form = aiohttp.FormData(quote_fields=False)
                for name, value in request_data.json_parameters.items():
                    form.add_field(name, value)
                for name, (filename, content, mimetype) in files.items():
                    form.add_field(name, content, filename=filename, content_type=mimetype)
                body = form
            else:
                # The values as they are (objects, not JSON inside strings): what the Bot API reads.
                body = json.dumps(request_data.parameters).encode()
        headers = None if files or body is None else _JSON
        timeout = self._timeout(read_timeout, connect_timeout, pool_timeout, bool(files))
        try:
            request = self._session.request(
                method, url, data=body, headers=headers, timeout=timeout, proxy=self._proxy(url)
            )
            async with request as response:
                return response.status, await response.read()
        except TimeoutError as exc:  # aiohttp's timeouts are TimeoutErrors too
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{exc.__class__.__name__}: {exc}") from exc
