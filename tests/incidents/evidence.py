"""Evidence-file test data (issue 21, part 2): files made here, no fixtures on disk."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import ExifTags, Image

from incidents import services

GPS_MARK = b"SecretCamCo"


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 60, 60))
    exif = Image.Exif()
    exif[0x010F] = GPS_MARK.decode()  # Make
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[1] = "N"
    gps[2] = (51.0, 30.0, 12.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (10, 10), (0, 0, 255)).save(out, "PNG")
    return out.getvalue()


def pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg") -> Any:
    return SimpleUploadedFile(name, data, content_type=content_type)


def entry(w: Any) -> Any:
    if "evidence_entry" not in w.objects:
        w.objects["evidence_entry"] = services.add_entry(
            actor=w.users["manager"],
            incident=w.objects["incident"],
            kind="observation",
            facts="Bruise on the left wrist, photographed.",
            occurred_at=timezone.now(),
        )
    return w.objects["evidence_entry"]


def photo(w: Any) -> Any:
    if "evidence" not in w.objects:
        w.objects["evidence"] = services.add_evidence(
            actor=w.users["manager"], entry=entry(w), upload=upload(jpeg_with_gps())
        )
    return w.objects["evidence"]
