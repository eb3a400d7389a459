"""Small documents made on the spot for the tests: PDFs with and without text, .docx files."""

from __future__ import annotations

import io
import textwrap
import zipfile


def _pdf(page_streams: list[bytes]) -> bytes:
    """A minimal valid PDF: one page per content stream, Helvetica as font /F1."""
    objects: list[bytes] = []
    page_count = len(page_streams)
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(page_count))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {page_count} >>".encode())
    font_number = 3 + 2 * page_count
    for index, stream in enumerate(page_streams):
        content_number = 4 + 2 * index
        objects.append(
            (
                f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                f"/Resources << /Font << /F1 {font_number} 0 R >> >> "
                f"/Contents {content_number} 0 R >>"
            ).encode()
        )
        objects.append(f"<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"\nendstream")
    objects.append(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    )
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def _escape(line: str) -> str:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _text_stream(paragraphs: list[str]) -> bytes:
    lines = ["BT", "/F1 10 Tf", "12 TL", "40 800 Td"]
    for paragraph in paragraphs:
        for line in textwrap.wrap(paragraph, 95):  # hard-wrapped, as PDF text always is
            lines.append(f"({_escape(line)}) Tj T*")
        lines.append("T*")
    lines.append("ET")
    return "\n".join(lines).encode("cp1252", errors="replace")


def pdf_with_text(text: str, pages: int = 1) -> bytes:
    """The paragraphs of `text` (split on blank lines) spread over `pages` pages."""
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    per_page = max(1, -(-len(paragraphs) // pages))
    chunks = [paragraphs[i : i + per_page] for i in range(0, len(paragraphs), per_page)]
    return _pdf([_text_stream(chunk) for chunk in chunks])


def scanned_pdf(pages: int = 2) -> bytes:
    """Pages that only draw shapes, as a scan's pages only hold pictures: no text layer."""
    drawing = b"0.5 g 40 40 515 762 re f 0 g 60 700 200 80 re S"
    return _pdf([drawing] * pages)


def encrypted_pdf(text: str, password: str = "rahasia") -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_with_text(text))))
    writer.encrypt(user_password=password, owner_password=password, algorithm="RC4-128")
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
