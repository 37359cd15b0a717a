"""Open the zip container of an xlsx/xlsm/ods upload without trusting it.

The directory is checked before anything is inflated (member count, declared sizes,
per-member compression ratio). Members are then inflated here, not by ``zipfile``,
because ``zipfile`` silently stops at the declared size while other readers (calamine's)
inflate the whole stream: a member that inflates past its declared size is refused,
and every member is checked the same way (``drain``) before calamine sees the file.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator

from analytics.ingest.workbook_model import MIB, Limits, WorkbookError

MAX_MEMBERS = 10_000  # real workbooks hold tens of parts; thousands means something odd
RATIO_EXEMPT_BYTES = 1 * MIB  # small parts (styles, repeated XML) compress very well legitimately
CHUNK_BYTES = 1 * MIB
LOCAL_HEADER = b"PK\x03\x04"
LOCAL_HEADER_SIZE = 30
ENCRYPTED_FLAG = 0x1
SHEET_PART = re.compile(r"(?i)(?:^|/)(?:worksheets|chartsheets|dialogsheets|macrosheets)/[^/]+\.xml$")


class GuardedZip:
    """A zip archive whose members are inflated under a shared decompression budget."""

    def __init__(self, content: bytes, limits: Limits) -> None:
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(content))
        except (zipfile.BadZipFile, zlib.error, ValueError, OSError, EOFError) as exc:
            raise WorkbookError("corrupt_file") from exc
        self._content = memoryview(content)
        self._limits = limits
        self._budget = limits.max_decompressed_bytes
        self._unread = {info.filename for info in self._zip.infolist() if not info.is_dir()}
        self._by_lower = {name.lower(): name for name in self._unread}
        self._check_directory()

    def _check_directory(self) -> None:
        """Refuse on the directory alone: sizes and ratios first (a bomb), then the member count, which a
        workbook of thousands of sheets (one part each) passes too: that one is told ``too_many_sheets``."""
        infos = self._zip.infolist()
        declared = sum(info.file_size for info in infos)
        if declared > self._limits.max_decompressed_bytes:
            raise WorkbookError("zip_bomb", detail=f"{declared // MIB} MiB declared")
        for info in infos:
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > RATIO_EXEMPT_BYTES and ratio > self._limits.max_compression_ratio:
                raise WorkbookError("zip_bomb", detail=f"{info.filename} ratio {ratio:.0f}:1")
        if len(infos) > MAX_MEMBERS:
            sheets = sum(1 for info in infos if SHEET_PART.search(info.filename))
            if sheets > self._limits.max_sheets:
                raise WorkbookError("too_many_sheets", count=sheets, limit=self._limits.max_sheets)
            raise WorkbookError("zip_bomb", detail=f"{len(infos)} members")

    def names(self) -> list[str]:
        """Every file member's name."""
        return list(self._by_lower.values())

    def find(self, name: str) -> str | None:
        """The member's real name, matched case-insensitively and without a leading '/'."""
        return self._by_lower.get(name.lstrip("/").lower())

    def unread(self) -> list[str]:
        """Members not read yet, in name order."""
        return sorted(self._unread)

    def read(self, name: str) -> bytes:
        """Inflate one member, counting it against the budget; raise on any inconsistency."""
        return b"".join(self._inflate(name))

    def drain(self) -> None:
        """Inflate (and discard) every member not read yet, so lying sizes are caught."""
        for name in self.unread():
            for _ in self._inflate(name):
                pass

    def _inflate(self, name: str) -> Iterator[bytes]:
        self._unread.discard(name)
        info = self._zip.getinfo(name)
        if info.flag_bits & ENCRYPTED_FLAG:
            raise WorkbookError("encrypted")
        raw = self._compressed(info)
        if info.compress_type == zipfile.ZIP_STORED:
            pieces: Iterator[bytes] = (bytes(raw[i : i + CHUNK_BYTES]) for i in range(0, len(raw), CHUNK_BYTES))
        elif info.compress_type == zipfile.ZIP_DEFLATED:
            pieces = _inflate_deflate(raw)
        else:
            raise WorkbookError("corrupt_file")  # Excel and LibreOffice only write stored/deflated
        seen = crc = 0
        for piece in pieces:
            seen += len(piece)
            self._budget -= len(piece)
            if seen > info.file_size or self._budget < 0:
                raise WorkbookError("zip_bomb", detail=f"{name} inflates past its declared size")
            crc = zlib.crc32(piece, crc)
            yield piece
        if seen != info.file_size or crc != info.CRC:
            raise WorkbookError("corrupt_file")

    def _compressed(self, info: zipfile.ZipInfo) -> memoryview:
        """The member's compressed bytes, located through its local header."""
        start = info.header_offset
        header = self._content[start : start + LOCAL_HEADER_SIZE]
        if len(header) < LOCAL_HEADER_SIZE or header[:4] != LOCAL_HEADER:
            raise WorkbookError("corrupt_file")
        name_length, extra_length = struct.unpack_from("<HH", header, 26)
        begin = start + LOCAL_HEADER_SIZE + name_length + extra_length
        raw = self._content[begin : begin + info.compress_size]
        if len(raw) != info.compress_size:
            raise WorkbookError("corrupt_file")  # truncated upload
        return raw


def _inflate_deflate(raw: memoryview) -> Iterator[bytes]:
    """Raw deflate data inflated in bounded chunks (never one unbounded output)."""
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    pending: bytes | memoryview = raw
    try:
        while not inflater.eof:
            out = inflater.decompress(pending, CHUNK_BYTES)
            pending = inflater.unconsumed_tail
            if not out and not pending:
                break
            yield out
    except zlib.error as exc:
        raise WorkbookError("corrupt_file") from exc
