"""Reading a response body within a byte budget, decompressing it ourselves.

httpx's own decoders have no output limit, so a small gzip bomb could expand to gigabytes;
this decoder stops at the budget whatever the compression ratio.
"""

from __future__ import annotations

import zlib
from typing import Any

import httpx

from .policy import FetchError, FetchErrorCode

_HANDLED_CONTENT_ENCODINGS = ("gzip", "x-gzip", "deflate")
_SNIFF_BYTES = 1024


class _CappedDecoder:
    """Content-Encoding decoder that never produces more than `limit` bytes of output."""

    def __init__(self, content_encoding: str, limit: int) -> None:
        self._limit = limit
        self._encoding = content_encoding
        self._decompressor = self._new_decompressor()
        self._chunks: list[bytes] = []
        self.size = 0

    def _new_decompressor(self) -> Any:
        if self._encoding in ("gzip", "x-gzip"):
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        if self._encoding == "deflate":
            return zlib.decompressobj(zlib.MAX_WBITS)
        return None

    def feed(self, data: bytes) -> None:
        if self._decompressor is None:
            self._append(data)
            return
        while data:
            budget = self._limit - self.size + 1
            try:
                output = self._decompressor.decompress(data, budget)
            except zlib.error:
                if self._encoding == "deflate" and self.size == 0:
                    # Some servers send raw deflate without the zlib header.
                    self._encoding = "raw-deflate"
                    self._decompressor = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise
            self._append(output)
            data = self._decompressor.unconsumed_tail
            if not data and self._decompressor.eof:
                if self._encoding not in ("gzip", "x-gzip"):
                    return  # a deflate stream has ended: trailing bytes are not content
                data = self._decompressor.unused_data  # concatenated gzip members
                if data:
                    self._decompressor = self._new_decompressor()

    def _append(self, output: bytes) -> None:
        self.size += len(output)
        if self.size > self._limit:
            raise FetchError(
                FetchErrorCode.TOO_LARGE, f"page is larger than the {self._limit} byte limit"
            )
        self._chunks.append(output)

    def body(self) -> bytes:
        return b"".join(self._chunks)


async def read_capped_body(response: httpx.Response, limit: int) -> bytes:
    content_encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if content_encoding not in (*_HANDLED_CONTENT_ENCODINGS, "identity", ""):
        raise FetchError(
            FetchErrorCode.HTTP_ERROR,
            f"server used an unsupported content encoding: {content_encoding}",
        )
    declared_length = response.headers.get("content-length", "")
    if declared_length.isdigit() and int(declared_length) > limit:
        raise FetchError(
            FetchErrorCode.TOO_LARGE,
            f"page is {declared_length} bytes, over the {limit} byte limit",
        )
    decoder = _CappedDecoder(content_encoding, limit)
    try:
        async for raw_chunk in response.aiter_raw():
            decoder.feed(raw_chunk)
    except zlib.error as error:
        raise FetchError(
            FetchErrorCode.HTTP_ERROR, f"page body is corrupt ({content_encoding}): {error}"
        ) from None
    return decoder.body()


def looks_like_html(body: bytes) -> bool:
    head = body[:_SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<!--")):
        return True
    return any(tag in head for tag in (b"<html", b"<head", b"<body", b"<title", b"<meta"))
