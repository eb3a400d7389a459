"""Small documents made on the spot: PDFs with a text layer (or without), HTML article pages.

The tests (tests/documents.py) and the load driver (testkit/load) send these to the bot. The
PDF is written by hand, object by object (a page per content stream, Helvetica), because a
PDF-writing library would be a dependency for a few dozen lines; pypdf reads it back.
"""

from __future__ import annotations

import io
import textwrap
from html import escape


def pdf_of_pages(page_streams: list[bytes]) -> bytes:
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


def _escape_pdf(line: str) -> str:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def text_stream(paragraphs: list[str]) -> bytes:
    """A page's content stream writing `paragraphs` as lines of text."""
    lines = ["BT", "/F1 10 Tf", "12 TL", "40 800 Td"]
    for paragraph in paragraphs:
        for line in textwrap.wrap(paragraph, 95):  # hard-wrapped, as PDF text always is
            lines.append(f"({_escape_pdf(line)}) Tj T*")
        lines.append("T*")
    lines.append("ET")
    return "\n".join(lines).encode("cp1252", errors="replace")


def paragraphs_of(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def pdf_with_text(text: str, pages: int = 1) -> bytes:
    """The paragraphs of `text` (split on blank lines) spread over `pages` pages."""
    paragraphs = paragraphs_of(text)
    per_page = max(1, -(-len(paragraphs) // pages))
    chunks = [paragraphs[i : i + per_page] for i in range(0, len(paragraphs), per_page)]
    return pdf_of_pages([text_stream(chunk) for chunk in chunks])


def article_page(text: str, *, title: str | None = None, site: str = "Warta Harian") -> bytes:
    """A news page as saved from a browser: a headline (`title`, else the first eight words)
    and the paragraphs of `text` in <article>, between a menu and a footer."""
    paragraphs = paragraphs_of(text)
    if title is None:
        title = " ".join(text.split()[:8]).rstrip(".,;:")
    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    page = f"""<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8"><title>{escape(title)} - {escape(site)}</title>
<meta property="og:site_name" content="{escape(site)}">
<meta property="og:title" content="{escape(title)}"></head>
<body><nav><a href="/">Beranda</a> <a href="/nasional">Nasional</a></nav>
<article><h1>{escape(title)}</h1>
{body}
</article>
<footer>Hak cipta {escape(site)}. Dilarang mengutip tanpa izin.</footer></body></html>
"""
    return page.encode("utf-8")
