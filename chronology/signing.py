"""PAdES signatures on exported PDFs, with pyHanko's public API only.

- ``identity()``: the deployment's signing key and certificate. In production
  from a PKCS#12 file (``SAFEGUARD_SIGNING_PKCS12`` and
  ``SAFEGUARD_SIGNING_PASSPHRASE``); in development a self-signed certificate
  made once under ``.data/signing/`` (owner-only) and reused afterwards.
- ``sign(data)``: the signed PDF. One incremental update appended to the
  rendered file (nothing in it is rewritten or re-compressed), so signing
  costs a hash of the file and one RSA signature whatever the page count.
  With ``SAFEGUARD_TSA_URL`` set the signature carries an RFC 3161 timestamp
  from that authority (PAdES B-T).
- ``check(data)``: is there a signature, is it intact, and who made it.

The certificate's SHA-256 fingerprint is known before anything is signed, so
the PDF's cover prints it (docs/chronology.md).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import logging
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

FIELD_NAME = "SafeguardExport"
DEVELOPMENT_FILE = "development-signing.p12"
# Room for the CMS signature without a timestamp: the certificate chain (a
# few kB even with intermediates), signed attributes and an RSA-4096 signature.
RESERVED_BYTES = 16384


class SigningError(Exception):
    """The file could not be signed (certificate missing, unreadable, TSA down)."""


@dataclass(frozen=True)
class SigningIdentity:
    signer: Any  # pyhanko.sign.signers.SimpleSigner
    certificate: Any  # asn1crypto.x509.Certificate
    fingerprint: str  # SHA-256 of the certificate (DER), lower-case hex
    subject: str
    development: bool


@dataclass(frozen=True)
class SignatureCheck:
    """What a file's signature says. ``status`` is one of:

    - ``intact``: signed, the signature is cryptographically valid and covers
      the whole file (nothing was appended after signing);
    - ``broken``: there is a signature but the bytes it covers have changed, or
      something was added after it;
    - ``unsigned``: no signature at all (exports made before signing existed);
    - ``unreadable``: not a PDF we could read.
    """

    status: str
    signer_fingerprint: str = ""
    signer_subject: str = ""
    timestamp: datetime | None = None
    timestamp_valid: bool | None = None

    @property
    def intact(self) -> bool:
        return self.status == "intact"


def fingerprint_label(fingerprint: str) -> str:
    """``ab12cd34...`` → ``AB12 CD34 ...``: sixteen groups a person can read aloud."""
    up = fingerprint.upper()
    return " ".join(up[i : i + 4] for i in range(0, len(up), 4))


def _development_path() -> Path:
    return (
        Path(
            getattr(settings, "SAFEGUARD_SIGNING_DEV_DIR", settings.BASE_DIR / ".data" / "signing")
        )
        / DEVELOPMENT_FILE
    )


def write_self_signed_pkcs12(path: Path, *, common_name: str, passphrase: bytes | None) -> None:
    """A new RSA key and a self-signed signing certificate, as a PKCS#12 file
    readable by its owner only. Created atomically: when two processes race,
    the first file wins and the second process uses it."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Safeguard"),
        ]
    )
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase)
        if passphrase
        else serialization.NoEncryption()
    )
    blob = pkcs12.serialize_key_and_certificates(common_name.encode(), key, cert, None, encryption)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".signing-")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(blob)
        # link() fails if another process got there first: theirs is kept.
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    finally:
        os.unlink(tmp)


class _LoadedKeySigner:
    """Built lazily (pyHanko imported on first use): a pyHanko ``Signer`` whose
    private key is parsed once per process.

    pyHanko's ``SimpleSigner`` re-parses the key on every signature (twice per
    file: once to size the signature, once to sign); for a 3072-bit RSA key
    that is 0.3 s each time, several times what the rest of signing costs.
    ``Signer.async_sign_raw`` is pyHanko's documented extension point (its
    PKCS#11 signer is another implementation).
    """

    @staticmethod
    def make(private_key: Any, cert: Any, others: list[Any]) -> Any:
        from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
        from pyhanko.sign.signers import Signer
        from pyhanko_certvalidator.registry import SimpleCertificateStore
        from pyhanko_certvalidator.util import get_pyca_cryptography_hash

        class LoadedKeySigner(Signer):
            async def async_sign_raw(
                self, data: bytes, digest_algorithm: str, dry_run: bool = False
            ) -> bytes:
                mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
                algo = mechanism.signature_algo
                hash_algo = get_pyca_cryptography_hash(digest_algorithm)
                if algo == "rsassa_pkcs1v15" and isinstance(private_key, rsa.RSAPrivateKey):
                    return bytes(private_key.sign(data, padding.PKCS1v15(), hash_algo))
                if algo == "ecdsa" and isinstance(private_key, ec.EllipticCurvePrivateKey):
                    return bytes(private_key.sign(data, ec.ECDSA(hash_algo)))
                raise SigningError(f"Unsupported signing key or mechanism: {algo}")

        return LoadedKeySigner(
            signing_cert=cert, cert_registry=SimpleCertificateStore.from_certs([cert, *others])
        )


def _load(path: Path, passphrase: bytes | None, *, development: bool) -> SigningIdentity:
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives.serialization import Encoding, pkcs12

    def unreadable() -> ImproperlyConfigured:
        return ImproperlyConfigured(
            f"The signing certificate {path} could not be read: check the file and "
            "SAFEGUARD_SIGNING_PASSPHRASE."
        )

    try:
        key, pyca_cert, extra = pkcs12.load_key_and_certificates(path.read_bytes(), passphrase)
    except (OSError, ValueError) as exc:
        raise unreadable() from exc
    if key is None or pyca_cert is None:
        raise unreadable()
    cert = asn1_x509.Certificate.load(pyca_cert.public_bytes(Encoding.DER))
    others = [asn1_x509.Certificate.load(c.public_bytes(Encoding.DER)) for c in extra]
    return SigningIdentity(
        signer=_LoadedKeySigner.make(key, cert, others),
        certificate=cert,
        fingerprint=hashlib.sha256(cert.dump()).hexdigest(),
        subject=cert.subject.human_friendly,
        development=development,
    )


@functools.cache
def identity() -> SigningIdentity:
    """The signing identity, loaded once per process."""
    configured = getattr(settings, "SAFEGUARD_SIGNING_PKCS12", "")
    if configured:
        passphrase = getattr(settings, "SAFEGUARD_SIGNING_PASSPHRASE", "")
        return _load(Path(configured), passphrase.encode() or None, development=False)
    if getattr(settings, "PRODUCTION", False):
        raise ImproperlyConfigured("Set SAFEGUARD_SIGNING_PKCS12 in production.")
    path = _development_path()
    if not path.exists():
        logger.warning("Creating a development signing certificate at %s", path)
        write_self_signed_pkcs12(
            path,
            common_name="Safeguard development signing certificate (not for real use)",
            passphrase=None,
        )
    return _load(path, None, development=True)


def certificate_fingerprint() -> str:
    return identity().fingerprint


def _timestamper() -> Any:
    url = getattr(settings, "SAFEGUARD_TSA_URL", "")
    if not url:
        return None
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(url, timeout=int(getattr(settings, "SAFEGUARD_TSA_TIMEOUT", 10)))


def sign(data: bytes) -> bytes:
    """The PDF ``data`` with our PAdES signature appended as an incremental update."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    who = identity()
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason="Safeguarding chronology export: any change to this file breaks this signature.",
        location=getattr(settings, "SAFEGUARD_PUBLIC_URL", "") or None,
    )
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
        timestamper = _timestamper()
        out = signers.sign_pdf(
            writer,
            meta,
            signer=who.signer,
            timestamper=timestamper,
            # Without a timestamp the signature's size is known: reserving room
            # for it spares pyHanko a trial signature just to measure it.
            bytes_reserved=None if timestamper else RESERVED_BYTES,
        )
    except Exception as exc:  # pyHanko, the PDF parser and the TSA client raise many kinds
        raise SigningError(f"{type(exc).__name__}: {exc}") from exc
    return bytes(out.getbuffer())


def _validation_context(trusted: list[Any]) -> Any:
    from pyhanko_certvalidator import ValidationContext

    # Our certificates are their own roots: trust them explicitly, fetch nothing.
    return ValidationContext(trust_roots=trusted, allow_fetching=False)


def check(data: bytes) -> SignatureCheck:
    """Validate the (last) signature in ``data`` with pyHanko's validator.

    "intact" needs the signed bytes unchanged, a valid signature and a
    signature that covers the whole file. The caller decides whether the signer
    is ours (compare ``signer_fingerprint``): intact and valid are
    cryptographic facts, independent of which roots are trusted.
    """
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # a malformed file: pyHanko's parser raises many kinds
        return SignatureCheck(status="unreadable")
    if not signatures:
        return SignatureCheck(status="unsigned")
    embedded = signatures[-1]
    try:
        context = _validation_context([embedded.signer_cert])
        status = validate_pdf_signature(
            embedded, signer_validation_context=context, ts_validation_context=context
        )
    except Exception:  # a damaged signature dictionary or CMS blob
        logger.info("A signature could not be validated", exc_info=True)
        return SignatureCheck(status="broken")
    cert = status.signing_cert
    fingerprint = hashlib.sha256(cert.dump()).hexdigest() if cert is not None else ""
    ts = status.timestamp_validity
    intact = (
        status.intact and status.valid and status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    )
    return SignatureCheck(
        status="intact" if intact else "broken",
        signer_fingerprint=fingerprint,
        signer_subject=cert.subject.human_friendly if cert is not None else "",
        timestamp=ts.timestamp if ts is not None else None,
        timestamp_valid=(ts.intact and ts.valid) if ts is not None else None,
    )
