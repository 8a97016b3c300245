"""PAdES signature of the issued report (pyHanko), from the PKCS#12 certificate
the environment names: REPORT_SIGNING_P12 (its path) and
REPORT_SIGNING_PASSPHRASE (its passphrase). Without one, the report is issued
unsigned and the page says so. `make_demo_certificate` writes the self-signed
certificate the demo signs with."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEMO_PASSPHRASE = "hoctap-gialai-2026"
T = TypeVar("T")


@dataclass(frozen=True)
class Signed:
    pdf: bytes
    signed_by: str  # the certificate's subject, "" when not signed


def signing_configured() -> bool:
    return bool(settings.REPORT_SIGNING_P12)


def sign_pdf(pdf: bytes, *, reason: str, location: str) -> Signed:
    """`pdf` with a PAdES baseline signature, or unchanged when no certificate
    is configured. A configured certificate that cannot be read is an error:
    the report is then not issued at all."""
    path = settings.REPORT_SIGNING_P12
    if not path:
        return Signed(pdf, "")
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    if not Path(path).is_file():
        raise ImproperlyConfigured(f"REPORT_SIGNING_P12: không có tệp {path}.")
    passphrase = settings.REPORT_SIGNING_PASSPHRASE.encode() or None
    signer = signers.SimpleSigner.load_pkcs12(pfx_file=path, passphrase=passphrase)
    if signer is None:
        raise ImproperlyConfigured(
            f"REPORT_SIGNING_P12: không đọc được chứng thư {path} (sai mật khẩu?)."
        )
    meta = signers.PdfSignatureMetadata(
        field_name="ChuKySo",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
    )
    out = run_async(
        signers.async_sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), meta, signer=signer)
    )
    return Signed(out.getvalue(), signer_name(signer.signing_cert.subject))


def signer_name(subject: Any) -> str:
    """The certificate's holder as a reader names it: "common name – organisation"
    (an asn1crypto Name), not the raw "Common Name: …, Country: VN"."""
    native = subject.native
    parts = [native.get("common_name"), native.get("organization_name")]
    text = " – ".join(str(p) for p in parts if p)
    return text or subject.human_friendly


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run one of pyHanko's coroutines to its end, also from code that already
    runs inside an event loop (pyHanko's synchronous wrappers call asyncio.run,
    which refuses there): then in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def make_demo_certificate(path: Path, passphrase: str = DEMO_PASSPHRASE) -> None:
    """A self-signed signing certificate for the demo, as PKCS#12 at `path`."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "Gia Lai"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Sở Văn hóa, Thể thao và Du lịch"),
            x509.NameAttribute(NameOID.COMMON_NAME, "Chứng thư thử nghiệm (bản minh họa)"),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"demo", key, cert, None, serialization.BestAvailableEncryption(passphrase.encode())
        )
    )
