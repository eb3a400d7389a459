"""Small documents made on the spot for the tests: PDFs with and without text, .docx files.

The PDF writer itself is in testkit/documents.py (the load driver sends PDFs too).
"""

from __future__ import annotations

import io
import zipfile

from testkit.documents import pdf_of_pages, pdf_with_text

__all__ = ["docx_with_text", "encrypted_pdf", "pdf_with_text", "scanned_pdf"]


def scanned_pdf(pages: int = 2) -> bytes:
    """Pages that only draw shapes, as a scan's pages only hold pictures: no text layer."""
    drawing = b"0.5 g 40 40 515 762 re f 0 g 60 700 200 80 re S"
    return pdf_of_pages([drawing] * pages)


def encrypted_pdf(
    text: str, password: str = "rahasia", *, owner_password: str | None = None, aes: bool = False
) -> bytes:
    """`text` in a PDF locked with `password` ("" opens it: only the owner's rights are
    restricted, as in many published reports)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_with_text(text))))
    writer.encrypt(
        user_password=password,
        owner_password=owner_password or password or "pemilik",
        algorithm="AES-256" if aes else "RC4-128",
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_with_text(text: str) -> bytes:
    """A minimal .docx (Office Open XML) whose body holds the paragraphs of `text`."""
    from xml.sax.saxutils import escape

    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    body = "".join(
        f'<w:p><w:r><w:t xml:space="preserve">{escape(p)}</w:t></w:r></w:p>' for p in paragraphs
    )
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("word/document.xml", document)
    return out.getvalue()
