"""Every export is signed (PAdES, pyHanko); the signature is checked by pyHanko's
own validator, by poppler's ``pdfsig`` and, with a timestamp authority, carries
an RFC 3161 timestamp from a local test TSA (127.0.0.1, no network)."""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from chronology import services, signing
from chronology.models import ExportStatus, SignatureStatus
from tests.chronology.factories import export, registered_export


@pytest.fixture(autouse=True)
def _fresh_identity() -> Iterator[None]:
    # The identity is cached per process; tests that change its settings must
    # not leave theirs behind.
    signing.identity.cache_clear()
    yield
    signing.identity.cache_clear()


def _validate(data: bytes, *trusted: Any) -> Any:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(data))
    assert len(reader.embedded_signatures) == 1
    context = ValidationContext(trust_roots=list(trusted), allow_fetching=False)
    return validate_pdf_signature(
        reader.embedded_signatures[0],
        signer_validation_context=context,
        ts_validation_context=context,
    )


@pytest.fixture
def exported(world: Any) -> Any:
    return export(world.users["lead"], world.objects["incident"])


def test_pyhanko_validates_the_export_as_intact_and_trusted(exported: Any) -> None:
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    data = bytes(exported.pdf)
    status = _validate(data, signing.identity().certificate)
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.bottom_line
    # The register keeps the hash of the signed file and which certificate signed it.
    assert exported.sha256 == hashlib.sha256(data).hexdigest()
    assert exported.signing_certificate == signing.certificate_fingerprint()
    assert signing.check(data).status == SignatureStatus.INTACT


def test_pdfsig_lists_the_signature(exported: Any, tmp_path: Path) -> None:
    pdfsig = shutil.which("pdfsig")
    assert pdfsig, "poppler-utils (pdfsig) is needed for this test"
    path = tmp_path / "export.pdf"
    path.write_bytes(bytes(exported.pdf))
    out = subprocess.run(
        [pdfsig, str(path)], capture_output=True, text=True, timeout=60, check=False
    ).stdout
    assert "Signature #1" in out
    assert "Signature is Valid." in out
    assert "Total document signed" in out


def test_one_changed_byte_fails_validation(world: Any, exported: Any) -> None:
    data = bytearray(exported.pdf)
    data[len(data) // 3] ^= 0x01
    status = _validate(bytes(data), signing.identity().certificate)
    assert not (status.intact and status.valid)
    assert signing.check(bytes(data)).status == SignatureStatus.BROKEN
    attempt = services.verify_pdf(actor=world.users["lead"], data=bytes(data))
    assert attempt.matched is None
    assert attempt.signature == SignatureStatus.BROKEN


def test_the_cover_says_how_to_check_the_file(exported: Any) -> None:
    from pypdf import PdfReader

    cover = PdfReader(io.BytesIO(bytes(exported.pdf))).pages[0].extract_text()
    flat = " ".join(cover.split())
    assert "Checking this document" in flat
    assert "/check/" in flat
    assert signing.fingerprint_label(signing.certificate_fingerprint()) in flat


def test_the_public_address_setting_is_printed(world: Any, settings: Any) -> None:
    from pypdf import PdfReader

    settings.SAFEGUARD_PUBLIC_URL = "https://safeguard.example.org"
    made = export(world.users["lead"], world.objects["incident"], kinds=["incident"])
    assert made.verify_url == "https://safeguard.example.org/check/"
    cover = PdfReader(io.BytesIO(bytes(made.pdf))).pages[0].extract_text()
    assert "https://safeguard.example.org/check/" in " ".join(cover.split())


def test_the_export_page_sends_its_host_when_no_public_address_is_set(world: Any) -> None:
    from django.urls import reverse

    from tests.chronology.matrix import export_data

    client = world.client("lead")
    url = reverse("chronology:export_create", kwargs={"pk": world.objects["incident"].pk})
    data = export_data(world)
    response = client.post(url, data)
    if response.status_code == 200 and response.context.get("warnings_fingerprint"):
        # Record-quality warnings on the export's decision: shown, then confirmed.
        fingerprint = response.context["warnings_fingerprint"]
        response = client.post(url, {**data, "confirm": "1", "quality_fingerprint": fingerprint})
    assert response.status_code == 302
    made = world.objects["incident"].exports.get()
    assert made.verify_url == "http://testserver/check/"
    assert made.signing_certificate == signing.certificate_fingerprint()


def test_unsigned_exports_made_before_signing_still_verify(world: Any) -> None:
    from chronology.models import ChronologyExport

    placeholder = registered_export(world.users["lead"], world.objects["incident"])
    data = _small_pdf()  # a real PDF, unsigned, as every export was before signing
    old = ChronologyExport.objects.create(
        **{
            f.name: getattr(placeholder, f.name)
            for f in ChronologyExport._meta.concrete_fields
            if f.name not in ("id", "public_id", "pdf", "sha256", "size_bytes")
        },
        pdf=data,
        sha256=hashlib.sha256(data).hexdigest(),
        size_bytes=len(data),
    )
    attempt = services.verify_pdf(actor=world.users["lead"], data=data)
    assert attempt.matched == old
    assert attempt.signature == SignatureStatus.UNSIGNED


def test_verify_command_checks_the_signature(
    world: Any, exported: Any, tmp_path: Path, capsys: Any
) -> None:
    from django.core.management import call_command

    good = tmp_path / "good.pdf"
    good.write_bytes(bytes(exported.pdf))
    call_command("verify_export", str(good))
    out = capsys.readouterr().out
    assert "Signature: Signature intact" in out and "MATCH" in out
    data = bytearray(exported.pdf)
    data[len(data) // 3] ^= 0x01
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(bytes(data))
    with pytest.raises(SystemExit):
        call_command("verify_export", str(bad))
    assert "Signature: Signature broken" in capsys.readouterr().out


def test_the_development_certificate_is_made_once_owner_only(settings: Any, tmp_path: Path) -> None:
    settings.SAFEGUARD_SIGNING_PKCS12 = ""
    settings.SAFEGUARD_SIGNING_DEV_DIR = tmp_path / "signing"
    first = signing.identity()
    path = tmp_path / "signing" / signing.DEVELOPMENT_FILE
    assert path.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "signing").stat().st_mode & 0o077 == 0
    signing.identity.cache_clear()
    again = signing.identity()
    assert again.fingerprint == first.fingerprint  # reused, not remade
    assert first.development


def test_a_configured_pkcs12_file_signs(settings: Any, tmp_path: Path) -> None:
    path = tmp_path / "org.p12"
    signing.write_self_signed_pkcs12(path, common_name="Acme Care signing", passphrase=b"s3cret")
    settings.SAFEGUARD_SIGNING_PKCS12 = str(path)
    settings.SAFEGUARD_SIGNING_PASSPHRASE = "s3cret"
    who = signing.identity()
    assert not who.development and "Acme Care signing" in who.subject
    signed = signing.sign(_small_pdf())
    assert signing.check(signed).signer_fingerprint == who.fingerprint

    settings.SAFEGUARD_SIGNING_PASSPHRASE = "wrong"
    signing.identity.cache_clear()
    with pytest.raises(ImproperlyConfigured, match="SAFEGUARD_SIGNING_PASSPHRASE"):
        signing.identity()


def test_an_export_that_cannot_be_signed_is_not_released(world: Any, settings: Any) -> None:
    settings.SAFEGUARD_SIGNING_PKCS12 = "/nonexistent/signing.p12"
    made = export(world.users["lead"], world.objects["incident"], kinds=["incident"])
    assert made.status == ExportStatus.FAILED
    assert made.pdf is None and not made.sha256


def _small_pdf() -> bytes:
    import pikepdf

    out = io.BytesIO()
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.save(out)
    return out.getvalue()


# --- RFC 3161 timestamps from a local test TSA ---------------------------------


def _tsa_material() -> tuple[Any, Any]:
    """A throwaway TSA certificate (timeStamping, critical) and its key, as asn1crypto."""
    from datetime import UTC, datetime, timedelta

    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test TSA")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(key, hashes.SHA256())
    )
    der_key = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return (
        asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        asn1_keys.PrivateKeyInfo.load(der_key),
    )


@pytest.fixture
def local_tsa() -> Iterator[tuple[str, Any, list[int]]]:
    """pyHanko's DummyTimeStamper behind a tiny HTTP server on 127.0.0.1."""
    from asn1crypto import tsp
    from pyhanko.sign.timestamps import DummyTimeStamper

    cert, key = _tsa_material()
    stamper = DummyTimeStamper(tsa_cert=cert, tsa_key=key)
    served: list[int] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            reply = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
            served.append(len(body))
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/", cert, served
    finally:
        server.shutdown()
        server.server_close()


def test_a_timestamped_export_carries_a_valid_timestamp(
    world: Any, settings: Any, local_tsa: tuple[str, Any, list[int]]
) -> None:
    url, tsa_cert, served = local_tsa
    settings.SAFEGUARD_TSA_URL = url
    made = export(world.users["lead"], world.objects["incident"], kinds=["incident", "entry"])
    assert made.status == ExportStatus.DONE
    assert served, "the local TSA was never asked"
    data = bytes(made.pdf)
    status = _validate(data, signing.identity().certificate, tsa_cert)
    assert status.intact and status.valid and status.trusted
    ts = status.timestamp_validity
    assert ts is not None
    assert ts.intact and ts.valid and ts.trusted
    assert abs((ts.timestamp - made.completed_at).total_seconds()) < 120
    result = signing.check(data)
    assert result.status == SignatureStatus.INTACT and result.timestamp_valid


def test_without_a_tsa_there_is_no_timestamp(exported: Any) -> None:
    status = _validate(bytes(exported.pdf), signing.identity().certificate)
    assert status.timestamp_validity is None


def test_an_unreachable_tsa_fails_the_export_rather_than_sending_it_unstamped(
    world: Any, settings: Any
) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.SAFEGUARD_TSA_URL = f"http://127.0.0.1:{port}/"
    settings.SAFEGUARD_TSA_TIMEOUT = 2
    made = export(world.users["lead"], world.objects["incident"], kinds=["incident"])
    assert made.status == ExportStatus.FAILED
    assert "signed" in made.failure
