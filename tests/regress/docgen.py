# SPDX-License-Identifier: ISC
"""Documents made at test time, the same bytes every run: a KTP-like card
of a synthetic person (printed words in the e-KTP's order), photographed
by a phone (a JPEG of up to 12 megapixels, maybe turned) or scanned into
an image-only PDF, and a PDF with a text layer. Needs python3-pil."""

import io
import os
import random
import sys

try:
    from PIL import Image, ImageDraw, ImageFont
except ImportError:     # a python3 on PATH other than Debian's: its python3-pil
    sys.path.append("/usr/lib/python3/dist-packages")
    from PIL import Image, ImageDraw, ImageFont
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))), "applications"))
import gen  # noqa: E402  (one PDF writer for all the tests' documents)

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
KTP = ["PROVINSI SUMATERA SELATAN", "KABUPATEN MUARA ENIM",
       "NIK : 1603015203880004",
       "Nama : SITI RAHMAWATI", "Tempat/Tgl Lahir : MUARA ENIM, 12-03-1988",
       "Jenis Kelamin : PEREMPUAN", "Alamat : JL. JENDERAL SUDIRMAN NO. 7",
       "Agama : ISLAM", "Pekerjaan : PEGAWAI NEGERI SIPIL",
       "Kewarganegaraan : WNI", "Berlaku Hingga : SEUMUR HIDUP"]


def card(width=1000, lines=KTP):
    """The card alone, width pixels wide (85.6 x 54 mm)."""
    h = width * 54 // 86
    img = Image.new("RGB", (width, h), (198, 224, 240))
    d = ImageDraw.Draw(img)
    big = ImageFont.truetype(FONT, width // 28)
    small = ImageFont.truetype(FONT, width // 40)
    y = width // 40
    for i, text in enumerate(lines):
        f = big if i < 2 else small
        w = d.textlength(text, font=f)
        x = (width - w) / 2 if i < 2 else width // 25
        d.text((x, y), text, font=f, fill=(20, 20, 30))
        y += int(f.size * 1.45)
    # The photo box on the right, as on the card.
    d.rectangle((width * 3 // 4, h // 4, width * 19 // 20, h * 3 // 4), fill=(150, 40, 40))
    return img


def _texture(size, seed):
    rnd = random.Random(seed)
    tile = Image.frombytes("RGB", (64, 48), rnd.randbytes(64 * 48 * 3))
    tile = tile.resize(size, Image.BILINEAR)
    return Image.blend(Image.new("RGB", size, (120, 100, 80)), tile, 0.25)


def photo(size=(4000, 3000), turn=0, seed=1, quality=90, lines=KTP):
    """A phone's JPEG of the card lying on a table, the card taking about
    two thirds of the frame, turned by a multiple of 90 degrees."""
    img = _texture(size, seed)
    c = card(size[0] * 2 // 3, lines)
    img.paste(c, ((size[0] - c.width) // 2, (size[1] - c.height) // 2))
    if turn:
        img = img.rotate(turn, expand=True)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=quality)
    return out.getvalue()


def png(width=1200, lines=KTP):
    """A screenshot-like PNG of the card."""
    out = io.BytesIO()
    card(width, lines).convert("L").save(out, "PNG", optimize=True)
    return out.getvalue()


def image_pdf(lines=KTP, dpi=150):
    """A scanner's PDF: one A4 page that is only a picture (no text)."""
    page = Image.new("L", (dpi * 827 // 100, dpi * 1169 // 100), 255)
    c = card(dpi * 5, lines).convert("L")
    page.paste(c, (dpi, dpi))
    out = io.BytesIO()
    page.save(out, "PDF", resolution=dpi, quality=80)
    return out.getvalue()


def text_pdf(pages):
    """A PDF with a text layer: pages is a list of lists of lines
    (tests/applications/gen.py's writer: Helvetica, nothing embedded)."""
    return gen.pdf([("text", lines) for lines in pages])


def mail(name, files, subject="Permohonan Sertifikat Elektronik"):
    """An applicant's mail carrying files [(filename, bytes)]."""
    from email.message import EmailMessage
    m = EmailMessage()
    m["From"] = "Siti Rahmawati <siti@muaraenimkab.go.id>"
    m["To"] = "tte@muaraenimkab.go.id"
    m["Subject"] = subject
    m["Message-ID"] = "<%s@docgen.muaraenimkab.go.id>" % name
    m["Date"] = "Tue, 10 Mar 2026 08:40:00 +0700"
    m.set_content("Dengan hormat,\n\nBerkas permohonan terlampir.\n\nSiti\n")
    for filename, data in files:
        kind = ("application", "pdf") if data.startswith(b"%PDF") else (
            ("image", "png") if data.startswith(b"\x89PNG") else ("image", "jpeg"))
        m.add_attachment(data, maintype=kind[0], subtype=kind[1], filename=filename)
    return bytes(m)


LETTER = [["PEMERINTAH KABUPATEN MUARA ENIM",
           "SURAT PERMOHONAN PENERBITAN SERTIFIKAT ELEKTRONIK",
           "Nomor : 800/123/DISKOMINFO/2026"], ["Halaman kedua", "Hormat kami"]]


def fixtures():
    """The mails tests/unit/t_read.c parses: name -> raw bytes."""
    p12 = photo()
    return {
        "text-pdf.eml": mail("text-pdf", [("scan0007.pdf", text_pdf(LETTER))]),
        "card-png.eml": mail("card-png", [("Screenshot_20260310.png", png())]),
        "image-pdf.eml": mail("image-pdf", [("scan0008.pdf", image_pdf())]),
        "photo-12mp.eml": mail("photo-12mp", [("IMG_20260310_083355.jpg", photo(turn=90))]),
        "twice.eml": mail("twice", [("IMG_20260310_083355.jpg", p12),
                                    ("IMG_20260310_083355(1).jpg", p12)]),
    }


if __name__ == "__main__":
    import os
    for name, raw in fixtures().items():
        with open(os.path.join(sys.argv[1], name), "wb") as f:
            f.write(raw)
