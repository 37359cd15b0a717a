"""Open the zip container of an xlsx/xlsm/ods upload without trusting it.

The directory is checked before anything is inflated (member count, declared sizes,
per-member compression ratio), and every member is then inflated through a counter,
so a header that under-declares its size is caught as well.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator

from analytics.workbook_model import MIB, Limits, WorkbookError

MAX_MEMBERS = 10_000  # real workbooks hold tens of parts; thousands means something odd
RATIO_EXEMPT_BYTES = 1 * MIB  # tiny parts (styles, repeated XML) compress very well legitimately
CHUNK_BYTES = 1 * MIB


class GuardedZip:
    """A zip archive whose members are read under a shared decompression budget."""

    def __init__(self, content: bytes, limits: Limits) -> None:
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(content))
        except (zipfile.BadZipFile, zlib.error, ValueError, OSError, EOFError) as exc:
            raise WorkbookError("corrupt_file") from exc
        self._limits = limits
        self._budget = limits.max_decompressed_bytes
        self._unread = {info.filename for info in self._zip.infolist() if not info.is_dir()}
        self._by_lower = {name.lower(): name for name in self._unread}
        self._check_directory()

    def _check_directory(self) -> None:
        infos = self._zip.infolist()
        if len(infos) > MAX_MEMBERS:
            raise WorkbookError("zip_bomb", detail=f"{len(infos)} members")
        declared = sum(info.file_size for info in infos)
        if declared > self._limits.max_decompressed_bytes:
            raise WorkbookError("zip_bomb", detail=f"{declared // MIB} MiB declared")
        for info in infos:
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > RATIO_EXEMPT_BYTES and ratio > self._limits.max_compression_ratio:
                raise WorkbookError("zip_bomb", detail=f"{info.filename} ratio {ratio:.0f}:1")

    def names(self) -> list[str]:
        """Every file member's name."""
        return list(self._by_lower.values())

    def find(self, name: str) -> str | None:
        """The member's real name, matched case-insensitively and without a leading '/'."""
        return self._by_lower.get(name.lstrip("/").lower())

    def read(self, name: str) -> bytes:
        """Inflate one member, counting it against the budget; raise on any inconsistency."""
        chunks = list(self._inflate(name))
        return b"".join(chunks)

    def drain(self) -> None:
        """Inflate (and discard) every member not read yet, so lying sizes are caught."""
        for name in sorted(self._unread):
            for _ in self._inflate(name):
                pass

    def _inflate(self, name: str) -> Iterator[bytes]:
        self._unread.discard(name)
        info = self._zip.getinfo(name)
        seen = 0
        try:
            with self._zip.open(info) as member:
                while chunk := member.read(CHUNK_BYTES):
                    seen += len(chunk)
                    self._budget -= len(chunk)
                    if seen > info.file_size or self._budget < 0:
                        raise WorkbookError("zip_bomb", detail=f"{name} inflates past its size")
                    yield chunk
        except WorkbookError:
            raise
        except RuntimeError as exc:  # zipfile's "File is encrypted, password required"
            raise WorkbookError("encrypted") from exc
        except (zipfile.BadZipFile, zlib.error, ValueError, OSError, EOFError, NotImplementedError) as exc:
            raise WorkbookError("corrupt_file") from exc
