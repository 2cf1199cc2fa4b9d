"""What happens to an evidence file on its way in (``services.add_evidence``).

1. Size: empty and over ``SAFEGUARD_EVIDENCE_MAX_BYTES`` are refused before reading.
2. Type from the content (``filetype``'s magic numbers), never the name or the
   browser's claim, against ``ALLOWED``: JPEG and PNG photographs, PDF
   documents. HTML, SVG, executables and anything unrecognised are refused, so
   nothing stored can run in a browser.
3. Images are decoded fully (a truncated or corrupt one is refused) and
   re-encoded from their pixels alone: EXIF (camera, time, GPS position) and
   every other metadata block is dropped; the orientation is applied first so
   the photograph still shows upright. The hash of the upload is kept beside
   the hash of what is stored. PDFs must open and have a page.
4. The bytes are saved under a random name in the ``evidence`` storage.

Each refusal is a ``ValidationError`` on the ``file`` field saying what to do.
"""

from __future__ import annotations

import hashlib
import io
import secrets
from dataclasses import dataclass
from typing import Any

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED = {
    "image/jpeg": ("JPEG", ".jpg"),
    "image/png": ("PNG", ".png"),
    "application/pdf": ("PDF", ".pdf"),
}
ALLOWED_LABEL = "a photograph (JPEG or PNG) or a PDF"


@dataclass(frozen=True)
class Checked:
    """An upload that passed every check, ready to store."""

    data: bytes
    content_type: str
    extension: str
    original_sha256: str
    metadata_removed: bool

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def evidence_storage() -> Storage:
    return storages["evidence"]


def _refuse(message: str) -> ValidationError:
    return ValidationError({"file": message})


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


def check(upload: Any) -> Checked:
    """Read and check ``upload`` (a Django ``UploadedFile``)."""
    limit = settings.SAFEGUARD_EVIDENCE_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise _refuse(f"This file is larger than the limit of {_megabytes(limit)}.")
    data = upload.read(limit + 1)
    if not data:
        raise _refuse("This file is empty (0 bytes). Choose the file again.")
    if len(data) > limit:
        raise _refuse(f"This file is larger than the limit of {_megabytes(limit)}.")
    original_sha256 = hashlib.sha256(data).hexdigest()
    kind = filetype.guess(data)
    if kind is None or kind.mime not in ALLOWED:
        found = f" Its content is {kind.mime}." if kind is not None else ""
        raise _refuse(
            f"This type of file cannot be added: attach {ALLOWED_LABEL}. The type is read "
            f"from the file's content, not its name.{found}"
        )
    image_format, extension = ALLOWED[kind.mime]
    if kind.mime == "application/pdf":
        _check_pdf(data)
        return Checked(data, kind.mime, extension, original_sha256, metadata_removed=False)
    return Checked(
        _reencode(data, image_format), kind.mime, extension, original_sha256, metadata_removed=True
    )


def _check_pdf(data: bytes) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        pages = len(PdfReader(io.BytesIO(data), strict=True).pages)
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise _refuse("This PDF is damaged or incomplete and cannot be read.") from exc
    if pages < 1:
        raise _refuse("This PDF has no pages.")


def _reencode(data: bytes, image_format: str) -> bytes:
    """The picture alone: decoded in full, turned upright, saved with no metadata."""
    try:
        with Image.open(io.BytesIO(data)) as opened:
            if opened.format != image_format:
                raise _refuse("This image is damaged or is not what its content claims.")
            opened.load()  # a truncated file fails here, not later
            upright = ImageOps.exif_transpose(opened)
            pixels = Image.frombytes(upright.mode, upright.size, upright.tobytes())
            if image_format == "JPEG" and pixels.mode not in ("RGB", "L", "CMYK"):
                pixels = pixels.convert("RGB")
            out = io.BytesIO()
            # No exif=, icc_profile= or pnginfo=: nothing but the pixels goes out.
            pixels.save(
                out, format=image_format, **({"quality": 92} if image_format == "JPEG" else {})
            )
    except ValidationError:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as exc:
        raise _refuse("This image is damaged or incomplete and cannot be read.") from exc
    return out.getvalue()


def store(checked: Checked, organisation_id: int) -> str:
    """Save the bytes under a new random name; returns the name."""
    name = f"{organisation_id}/{secrets.token_hex(16)}{checked.extension}"
    saved = evidence_storage().save(name, ContentFile(checked.data))
    if saved != name:  # never: 128 random bits; refuse rather than store twice
        evidence_storage().delete(saved)
        raise RuntimeError("Evidence storage renamed a new file.")
    return saved
