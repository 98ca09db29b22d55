"""Receipts the tests make themselves: slips drawn with Pillow (a fiscal QR code made by segno, Cyrillic and
Chinese text in DejaVu and WenQuanYi), and text PDFs made with fpdf2. No binary fixture comes from elsewhere."""

from __future__ import annotations

import io
from pathlib import Path

import segno
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFilter, ImageFont

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
WQY = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


def fiscal_url(amount: str = "2000.00", when: str = "20261124T140512", check: str = "3348102917") -> str:
    return f"http://consumer.oofd.kz?i={check}&f=010100465991&s={amount}&t={when}"


def font(size: int, chinese: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(WQY if chinese else DEJAVU), size)


def slip(path: Path, lines: list[str], *, qr: str | None = None, chinese: bool = False, blur: float = 0.0,
         scale: float = 1.0, quality: int = 92) -> Path:  # fmt: skip
    """A till slip: black text on white, a QR code under it when given; `blur` and `scale` make a worse photo."""
    size = 34
    width, height = 900, 120 + len(lines) * (size + 18) + (460 if qr else 0)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    y = 60
    for line in lines:
        draw.text((60, y), line, fill=0, font=font(size, chinese))
        y += size + 18
    if qr:
        code = segno.make(qr, error="m")
        buffer = io.BytesIO()
        code.save(buffer, kind="png", scale=10, border=4)
        picture = Image.open(io.BytesIO(buffer.getvalue())).convert("L")
        image.paste(picture, ((width - picture.width) // 2, y + 20))
    if blur:
        image = image.filter(ImageFilter.GaussianBlur(blur))
    if scale != 1.0:
        image = image.resize((int(width * scale), int(height * scale)))
    image.convert("RGB").save(path, quality=quality)
    return path


def text_pdf(path: Path, lines: list[str], *, chinese: bool = False, qr: str | None = None, pages: int = 1) -> Path:
    """A bank-app receipt as a text PDF (the text layer is what pypdf reads), optionally with a QR picture."""
    pdf = FPDF()
    pdf.add_font("body", fname=str(WQY if chinese else DEJAVU))
    for _page in range(pages):
        pdf.add_page()
        pdf.set_font("body", size=12)
        for line in lines:
            pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
        if qr:
            buffer = io.BytesIO()
            segno.make(qr, error="m").save(buffer, kind="png", scale=8, border=4)
            pdf.image(io.BytesIO(buffer.getvalue()), x=20, y=120, w=60)
    pdf.output(str(path))
    return path
