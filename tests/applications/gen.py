#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Writes a set of applications made like real ones into a directory:
NAME.eml for each, and expect.json: per mail, per file, the document
kinds it holds ([] for none the robot should name) and whether its name
is misleading (says a kind the file does not hold: only its text can
tell).

usage: tests/applications/gen.py OUTDIR

Deterministic (a fixed seed; the same bytes on every run). Every person
is made up: names from a list, NIK and NIP built to look like real ones
(region 16 03, Muara Enim) but belonging to nobody. The files are what
offices send: the SOP's own names, the abbreviations and misspellings
of office staff, phone names (IMG_..., WhatsApp Image ...), scanner and
app names (scan0007.pdf, CamScanner ...), misleading names; text PDFs
(a layer of text), image-only PDFs (a scanner's pictures), e-KTP photos
drawn on the card's layout, turned a little and compressed as phones
do; a look-alike card and decree; one PDF holding everything; a .docx.
Needs python3-pil (Debian) and the DejaVu fonts.
"""

import io
import json
import os
import random
import sys
import zipfile
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from datetime import datetime, timedelta, timezone

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONTS = "/usr/share/fonts/truetype/dejavu/"
ROBOT = "tte@muaraenimkab.go.id"
WIB = timezone(timedelta(hours=7))

rnd = random.Random(20260310)

PEOPLE = [
    ("SITI AMINAH", "P"), ("BUDI SANTOSO", "L"), ("RINA KARTIKA SARI", "P"),
    ("AHMAD FAUZI", "L"), ("DEWI LESTARI", "P"), ("YUSUF HIDAYAT", "L"),
    ("NUR HASANAH", "P"), ("HENDRA GUNAWAN", "L"), ("FITRIANI", "P"),
    ("M. RIZKY PRATAMA", "L"), ("SRI WAHYUNI", "P"), ("JOKO SUSILO", "L"),
    ("ENDANG SURYANI", "P"), ("ARIF RAHMAN HAKIM", "L"), ("LINDA PERMATASARI", "P"),
    ("DEDI SUPRIADI", "L"), ("YULIANA", "P"), ("AGUS SETIAWAN", "L"),
]
PLACES = ["MUARA ENIM", "LAHAT", "PALEMBANG", "PRABUMULIH", "BATURAJA"]
KECAMATAN = ["MUARA ENIM", "UJAN MAS", "GUNUNG MEGANG", "TANJUNG AGUNG", "LAWANG KIDUL"]
UNITS = ["Dinas Pendidikan", "Dinas Kesehatan", "Badan Pendapatan Daerah",
         "Dinas Pekerjaan Umum dan Penataan Ruang", "Sekretariat Daerah",
         "Dinas Kependudukan dan Pencatatan Sipil"]
PANGKAT = [("Penata Muda", "III/a"), ("Penata Muda Tingkat I", "III/b"),
           ("Penata", "III/c"), ("Penata Tingkat I", "III/d"), ("Pembina", "IV/a")]
JABATAN = ["Kepala Seksi Pelayanan", "Kepala Subbagian Umum dan Kepegawaian",
           "Kepala Bidang Anggaran", "Sekretaris", "Kepala Seksi Data dan Informasi"]
MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember"]


def font(size, bold=False):
    return ImageFont.truetype(FONTS + ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"),
                              size)


class Person:
    def __init__(self, i):
        self.name, self.sex = PEOPLE[i % len(PEOPLE)]
        self.place = rnd.choice(PLACES)
        self.born = datetime(rnd.randint(1972, 1996), rnd.randint(1, 12), rnd.randint(1, 28))
        day = self.born.day + (40 if self.sex == "P" else 0)
        self.nik = "1603%02d%02d%02d%02d%04d" % (rnd.randint(1, 14), day, self.born.month,
                                                  self.born.year % 100, rnd.randint(1, 9999))
        start = datetime(self.born.year + rnd.randint(22, 28), rnd.choice([3, 12]), 1)
        self.nip = "%s%s%d%03d" % (self.born.strftime("%Y%m%d"), start.strftime("%Y%m"),
                                   1 if self.sex == "L" else 2, rnd.randint(1, 20))
        self.unit = rnd.choice(UNITS)
        self.pangkat, self.gol = rnd.choice(PANGKAT)
        self.jabatan = rnd.choice(JABATAN)
        self.kec = rnd.choice(KECAMATAN)
        local = self.name.lower().replace("m. ", "").split()
        self.email = "%s.%s%d@gmail.com" % (local[0], local[-1], rnd.randint(1, 99))

    def tgl(self):
        return "%s, %s" % (self.place, self.born.strftime("%d-%m-%Y"))


# The documents' wording, as the offices write them.

def letter(p):
    return [
        "Muara Enim, 10 Maret 2026",
        "",
        "Nomor    : 800/%d/%s/2026" % (rnd.randint(10, 999), p.unit.split()[0][:4].upper()),
        "Lampiran : 1 (satu) berkas",
        "Perihal  : Permohonan Tanda Tangan Elektronik",
        "",
        "Yth. Kepala Dinas Komunikasi dan Informatika",
        "Kabupaten Muara Enim",
        "di Muara Enim",
        "",
        "Dengan hormat,",
        "Yang bertanda tangan di bawah ini:",
        "Nama     : %s" % p.name.title(),
        "NIP      : %s" % p.nip,
        "Jabatan  : %s" % p.jabatan,
        "Unit     : %s" % p.unit,
        "mengajukan permohonan penerbitan Sertifikat Elektronik untuk",
        "Tanda Tangan Elektronik (TTE). Bersama ini kami lampirkan:",
        "1. Fotokopi Kartu Tanda Penduduk (KTP);",
        "2. Fotokopi SK Terakhir;",
        "3. Fotokopi SK Jabatan.",
        "Demikian permohonan ini, atas perhatiannya diucapkan terima kasih.",
        "",
        "Hormat saya,",
        p.name.title(),
    ]


def skkp(p):
    return [
        "PETIKAN",
        "KEPUTUSAN BUPATI MUARA ENIM",
        "NOMOR : 823.3/%d/BKPSDM/2024" % rnd.randint(100, 999),
        "TENTANG",
        "KENAIKAN PANGKAT PEGAWAI NEGERI SIPIL",
        "BUPATI MUARA ENIM,",
        "Menimbang : bahwa Pegawai Negeri Sipil yang namanya tersebut dalam",
        "keputusan ini memenuhi syarat untuk dinaikkan pangkatnya setingkat lebih tinggi;",
        "MEMUTUSKAN:",
        "Menetapkan :",
        "PERTAMA : Menaikkan pangkat Pegawai Negeri Sipil:",
        "Nama              : %s" % p.name.title(),
        "NIP               : %s" % p.nip,
        "Tempat/Tgl Lahir  : %s" % p.tgl().title(),
        "Pangkat lama      : %s golongan ruang %s" % (p.pangkat, p.gol),
        "Unit Kerja        : %s" % p.unit,
        "terhitung mulai tanggal 1 April 2024.",
        "Ditetapkan di Muara Enim",
        "pada tanggal 28 Maret 2024",
        "BUPATI MUARA ENIM",
    ]


def skjab(p):
    return [
        "KEPUTUSAN BUPATI MUARA ENIM",
        "NOMOR : 821.2/%d/BKPSDM/2025" % rnd.randint(100, 999),
        "TENTANG",
        "PENGANGKATAN DALAM JABATAN ADMINISTRATOR DAN PENGAWAS",
        "DI LINGKUNGAN PEMERINTAH KABUPATEN MUARA ENIM",
        "BUPATI MUARA ENIM,",
        "Menimbang : bahwa untuk kelancaran pelaksanaan tugas perlu",
        "mengangkat Pegawai Negeri Sipil dalam jabatan;",
        "MEMUTUSKAN:",
        "KESATU : Mengangkat Pegawai Negeri Sipil yang namanya tercantum",
        "dalam lampiran keputusan ini dalam jabatan sebagaimana tersebut.",
        "Nama              : %s" % p.name.title(),
        "NIP               : %s" % p.nip,
        "Pangkat/Gol.Ruang : %s (%s)" % (p.pangkat, p.gol),
        "Jabatan Baru      : %s" % p.jabatan,
        "KEDUA : Pelantikan dilaksanakan sesuai ketentuan yang berlaku.",
        "Ditetapkan di Muara Enim",
        "BUPATI MUARA ENIM",
    ]


def form(p):
    return [
        "BALAI BESAR SERTIFIKASI ELEKTRONIK (BSrE)",
        "BADAN SIBER DAN SANDI NEGARA",
        "FORMULIR PERMOHONAN SERTIFIKAT ELEKTRONIK",
        "UNTUK APARATUR SIPIL NEGARA",
        "A. DATA PEMOHON",
        "Nama Lengkap       : %s" % p.name.title(),
        "NIK                : %s" % p.nik,
        "NIP                : %s" % p.nip,
        "Jabatan            : %s" % p.jabatan,
        "Instansi           : Pemerintah Kabupaten Muara Enim",
        "Unit Kerja         : %s" % p.unit,
        "Email Dinas        : %s@muaraenimkab.go.id" % p.name.lower().split()[-1],
        "B. PERNYATAAN",
        "Saya menyatakan bahwa data di atas benar dan bersedia mematuhi",
        "kebijakan penggunaan sertifikat elektronik.",
        "Muara Enim, 10 Maret 2026",
        "Pemohon,",
        p.name.title(),
    ]


def kk(p):
    return [
        "KARTU KELUARGA",
        "No. 1603%02d%08d" % (rnd.randint(1, 14), rnd.randint(1, 99999999)),
        "Nama Kepala Keluarga : %s" % p.name,
        "Alamat : JL. MERDEKA NO. %d   RT/RW 002/004" % rnd.randint(1, 99),
        "Kecamatan : %s   Kabupaten : MUARA ENIM   Provinsi : SUMATERA SELATAN" % p.kec,
        "No  Nama Lengkap        NIK                Jenis Kelamin  Tempat Lahir",
        "1   %-18s  %s   %s   %s" % (p.name, p.nik, "LAKI-LAKI" if p.sex == "L" else
                                       "PEREMPUAN", p.place),
        "Berlaku Hingga : SEUMUR HIDUP",
    ]


def other_decree(p):
    return [
        "KEPUTUSAN BUPATI MUARA ENIM",
        "NOMOR : 800/%d/BKPSDM/2025" % rnd.randint(100, 999),
        "TENTANG",
        "PEMBERIAN IZIN BELAJAR BAGI PEGAWAI NEGERI SIPIL",
        "MEMUTUSKAN:",
        "Memberikan izin belajar kepada:",
        "Nama : %s  NIP : %s" % (p.name.title(), p.nip),
        "Pangkat/golongan ruang : %s / %s" % (p.pangkat, p.gol),
        "terhitung mulai tanggal 1 Agustus 2025.",
    ]


TEXTS = {"surat-permohonan": letter, "sk-terakhir": skkp, "sk-jabatan": skjab,
         "formulir-bsre": form, "kk": kk, "lain": other_decree}


# Pictures: an e-KTP as its layout is, a page as a scanner sees it.

def ktp_card(p):
    w, h = 1012, 638
    img = Image.new("RGB", (w, h), (186, 214, 236))
    d = ImageDraw.Draw(img)
    for y in range(0, h, 4):      # the card's guilloche, roughly
        d.line([(0, y), (w, y + 40)], fill=(176, 206, 232))
    d.text((w // 2, 30), "PROVINSI SUMATERA SELATAN", font=font(34, True),
           fill=(20, 20, 20), anchor="mt")
    d.text((w // 2, 72), "KABUPATEN MUARA ENIM", font=font(34, True), fill=(20, 20, 20),
           anchor="mt")
    d.text((30, 122), "NIK", font=font(36, True), fill=(0, 0, 0))
    d.text((150, 122), ": " + p.nik, font=font(38, True), fill=(0, 0, 0))
    rows = [("Nama", p.name), ("Tempat/Tgl Lahir", p.tgl()),
            ("Jenis Kelamin", ("LAKI-LAKI" if p.sex == "L" else "PEREMPUAN") +
             "    Gol. Darah : " + rnd.choice("ABO")),
            ("Alamat", "JL. MERDEKA NO. %d" % rnd.randint(1, 99)),
            ("RT/RW", "00%d/00%d" % (rnd.randint(1, 9), rnd.randint(1, 9))),
            ("Kel/Desa", "PASAR %d" % rnd.randint(1, 3)), ("Kecamatan", p.kec),
            ("Agama", "ISLAM"), ("Status Perkawinan", "KAWIN"),
            ("Pekerjaan", "PEGAWAI NEGERI SIPIL"), ("Kewarganegaraan", "WNI"),
            ("Berlaku Hingga", "SEUMUR HIDUP")]
    y = 180
    for label, value in rows:
        d.text((30, y), label, font=font(22), fill=(0, 0, 0))
        d.text((250, y), ": " + value, font=font(22), fill=(0, 0, 0))
        y += 36
    d.rectangle([760, 170, 960, 430], fill=(200, 40, 40))            # the photo's red
    d.ellipse([810, 200, 910, 310], fill=(90, 70, 60))
    d.ellipse([780, 300, 940, 460], fill=(40, 40, 60))
    d.text((860, 450), p.kec, font=font(18), fill=(0, 0, 0), anchor="mt")
    d.text((860, 475), "10-03-2020", font=font(18), fill=(0, 0, 0), anchor="mt")
    return img


def phone_photo(card, angle, quality, size=(1280, 960)):
    """The card on a table, a little turned, as a phone saves it."""
    bg = Image.new("RGB", size, (120, 92, 64))
    noise = Image.effect_noise(size, 24).convert("RGB")
    bg = Image.blend(bg, noise, 0.15)
    c = card.rotate(angle, expand=True, fillcolor=(120, 92, 64), resample=Image.BICUBIC)
    bg.paste(c, ((size[0] - c.width) // 2, (size[1] - c.height) // 2))
    return jpeg(bg.filter(ImageFilter.GaussianBlur(0.6)), quality)


def page_image(lines, angle=0.0):
    """A page as a 150 dpi scanner makes it: grey, a little askew."""
    w, h = 1240, 1754
    img = Image.new("L", (w, h), 246)
    d = ImageDraw.Draw(img)
    y = 150
    for line in lines:
        d.text((140, y), line, font=font(28), fill=20)
        y += 46
    if angle:
        img = img.rotate(angle, fillcolor=246, resample=Image.BICUBIC)
    return img


def jpeg(img, quality):
    b = io.BytesIO()
    img.save(b, "JPEG", quality=quality)
    return b.getvalue()


# A small PDF writer: text pages (Helvetica, a text layer) or picture pages.

def pdf_escape(s):
    return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf(pages):
    """pages: ("text", [lines]) or ("image", jpeg bytes, width, height)."""
    objs = []

    def add(body):
        objs.append(body)
        return len(objs)

    catalog = add(None)
    pages_id = add(None)
    font_id = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica"
                  b" /Encoding /WinAnsiEncoding >>")
    kids = []
    for pg in pages:
        if pg[0] == "text":
            ops = ["BT /F1 11 Tf 14 TL 60 790 Td"]
            ops += ["(%s) Tj T*" % pdf_escape(l) for l in pg[1]]
            ops.append("ET")
            stream = "\n".join(ops).encode("latin-1")
            res = b"<< /Font << /F1 %d 0 R >> >>" % font_id
        else:
            data, w, h = pg[1], pg[2], pg[3]
            img = add(b"<< /Type /XObject /Subtype /Image /Width %d /Height %d"
                      b" /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode"
                      b" /Length %d >>\nstream\n" % (w, h, len(data)) + data +
                      b"\nendstream")
            stream = b"q 595 0 0 842 0 0 cm /Im1 Do Q"
            res = b"<< /XObject << /Im1 %d 0 R >> >>" % img
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842]"
                        b" /Resources %s /Contents %d 0 R >>" % (pages_id, res, content)))
    objs[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id
    objs[pages_id - 1] = (b"<< /Type /Pages /Kids [%s] /Count %d >>" %
                          (b" ".join(b"%d 0 R" % k for k in kids), len(kids)))
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for o in offsets:
        out.write(b"%010d 00000 n \n" % o)
    out.write(b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" %
              (len(objs) + 1, catalog, xref))
    return out.getvalue()


def scanned_pdf(pages_lines):
    pages = []
    for lines in pages_lines:
        img = page_image(lines, rnd.uniform(-1.5, 1.5))
        pages.append(("image", jpeg(img, rnd.randint(45, 70)), img.width, img.height))
    return pdf(pages)


def docx(lines):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/content-types"><Default Extension="rels"'
                   ' ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/><Override'
                   ' PartName="/word/document.xml" ContentType="application/vnd.'
                   'openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
                   '</Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://'
                   'schemas.openxmlformats.org/package/2006/relationships"><Relationship'
                   ' Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                   'relationships/officeDocument" Target="word/document.xml"/>'
                   '</Relationships>')
        body = "".join("<w:p><w:r><w:t>%s</w:t></w:r></w:p>" % l.replace("&", "&amp;")
                       for l in lines)
        z.writestr("word/document.xml",
                   '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://'
                   'schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>%s'
                   '</w:body></w:document>' % body)
    return b.getvalue()


# File names as phones, scanners, apps and people make them.

def when(i):
    return datetime(2026, 3, 10, 7, 30, tzinfo=WIB) + timedelta(minutes=37 * i,
                                                               seconds=rnd.randint(0, 59))


def phone_name(t):
    return rnd.choice(["IMG_%s.jpg" % t.strftime("%Y%m%d_%H%M%S"),
                       "WhatsApp Image %s.jpeg" % t.strftime("%Y-%m-%d at %H.%M.%S"),
                       "%s.jpg" % t.strftime("%Y%m%d_%H%M%S"),
                       "PXL_%s%03d.jpg" % (t.strftime("%Y%m%d_%H%M%S"), rnd.randint(0, 999))])


def scanner_name(t):
    return rnd.choice(["scan%04d.pdf" % rnd.randint(1, 120),
                       "CamScanner %s.pdf" % t.strftime("%m-%d-%Y %H.%M"),
                       "Doc %s.pdf" % t.strftime("%d %b %Y %H.%M"),
                       "Scanned_%s.pdf" % t.strftime("%Y%m%d-%H%M"),
                       "%s.pdf" % t.strftime("%Y%m%d%H%M%S")])


NAMES = {   # the SOP's words, and what office staff write
    "surat-permohonan": ["Surat Permohonan.pdf", "srt permohonan tte.pdf",
                         "Surat Permohonan TTE %s.pdf", "surat_mohon_tte.pdf",
                         "Permohonan Sertifikat Elektronik - %s.pdf", "SURAT PERMOHONAN.pdf"],
    "ktp": ["FC KTP.jpg", "ktp_%s.jpg", "e-KTP %s.jpg", "fotokopi ektp.jpg", "KTP.jpeg",
            "fotocopy KTP-el.jpg", "scan ktp.jpg"],
    "sk-terakhir": ["FC SK Terakhir.pdf", "sk kp 2024.pdf", "SK Pangkat Terakhir.pdf",
                    "S.K. Pangkat %s.pdf", "SK_KENAIKAN_PANGKAT.pdf", "sk terakhir.pdf"],
    "sk-jabatan": ["FC SK Jabatan.pdf", "sk jab.pdf", "SK Jabatan %s.pdf", "sk_pelantikan.pdf",
                   "SK JABATAN TERAKHIR.pdf", "S.K Jabatan.pdf"],
    "formulir-bsre": ["Formulir Permohonan BSrE.pdf", "form bsre.pdf", "formulir_bsre.pdf",
                      "Formulir Pendaftaran Sertifikat Elektronik.pdf", "FORM TTE.pdf"],
}


def sop_name(kind, p):
    n = rnd.choice(NAMES[kind])
    return n % p.name.title().split()[0] if "%s" in n else n


# One file of a kind, as text PDF, scanned PDF or photo.

def make_file(kind, p, t, how):
    """how: text (PDF with a text layer), scan (image-only PDF), photo."""
    if kind == "ktp":
        card = ktp_card(p)
        if how == "scan":
            page = Image.new("L", (1240, 1754), 246)
            page.paste(card.convert("L"), (110, 160))
            return pdf([("image", jpeg(page, 60), 1240, 1754)])
        return phone_photo(card, rnd.uniform(-8, 8), rnd.randint(35, 85))
    lines = TEXTS[kind](p)
    if how == "text":
        return pdf([("text", lines)])
    if how == "scan":
        return scanned_pdf([lines])
    return jpeg(page_image(lines, rnd.uniform(-4, 4)).convert("RGB"), rnd.randint(40, 75))


MIME = {".pdf": ("application", "pdf"), ".jpg": ("image", "jpeg"),
        ".jpeg": ("image", "jpeg"), ".docx": ("application",
        "vnd.openxmlformats-officedocument.wordprocessingml.document")}
REQUIRED = ["surat-permohonan", "ktp", "sk-terakhir", "sk-jabatan"]


def name_for(kind, p, t, how, style):
    ext = ".jpg" if how == "photo" else ".pdf"
    if style == "sop":
        n = sop_name(kind, p)
        if kind == "ktp" and how != "photo":
            n = n.rsplit(".", 1)[0] + ".pdf"
        if kind != "ktp" and how == "photo":
            n = n.rsplit(".", 1)[0] + ".jpg"
        return n
    if how == "photo":
        return phone_name(t)
    return scanner_name(t) if ext == ".pdf" else phone_name(t)


def application(i):
    """One mail: which files, named how, holding what."""
    p = Person(i)
    t = when(i)
    files = []        # (filename, bytes, expected kinds)
    pattern = i % 10
    kinds = REQUIRED + (["formulir-bsre"] if rnd.random() < 0.5 else [])
    if pattern == 9:
        # Everything in one PDF, page after page, as a scanner app makes it.
        pages = [letter(p), None, skkp(p), skjab(p)]
        data = []
        for k, lines in zip(REQUIRED, pages):
            if k == "ktp":
                card = ktp_card(p).convert("L")
                page = Image.new("L", (1240, 1754), 246)
                page.paste(card, (110, 160))
                data.append(("image", jpeg(page, 60), 1240, 1754))
            elif i % 20 == 9:
                data.append(("text", lines))
            else:
                img = page_image(lines)
                data.append(("image", jpeg(img, 55), img.width, img.height))
        files.append((scanner_name(t), pdf(data), list(REQUIRED)))
    else:
        for j, k in enumerate(kinds):
            tk = t + timedelta(seconds=11 * j)
            how = {"ktp": rnd.choice(["photo", "photo", "scan"])}.get(
                k, rnd.choice(["text", "text", "scan", "photo"]))
            style = "sop" if (pattern + j) % 3 != 0 else "device"
            files.append((name_for(k, p, tk, how, style), make_file(k, p, tk, how), [k]))
    if pattern == 3:
        # A misleading name: the KTP's name on the SK Jabatan's file.
        files[3] = ("ktp.pdf", make_file("sk-jabatan", p, t, "text"), ["sk-jabatan"],
                    "misleading")
    if pattern == 4:
        # A look-alike: the family card, photographed, named as the KTP.
        files.append(("KTP.jpg", jpeg(page_image(kk(p)).convert("RGB"), 60), [],
                      "misleading"))
    if pattern == 5:
        # Another decree, scanned under a name that says nothing.
        files.append((scanner_name(t + timedelta(minutes=3)),
                      scanned_pdf([other_decree(p)]), []))
    if pattern == 6 and i % 20 == 6:
        # The letter as Word wrote it: not a type the office takes.
        files[0] = ("Surat Permohonan TTE.docx", docx(letter(p)), [])
    rnd.shuffle(files)
    m = EmailMessage()
    m["From"] = "%s <%s>" % (p.name.title(), p.email)
    m["To"] = ROBOT
    m["Subject"] = rnd.choice(["Permohonan TTE", "Permohonan Sertifikat Elektronik",
                               "permohonan tanda tangan elektronik a.n. %s" % p.name.title(),
                               "Pengajuan TTE", "berkas TTE"])
    m["Date"] = format_datetime(t)
    m["Message-ID"] = "<app%03d.%s@mail.gmail.com>" % (i, t.strftime("%Y%m%d%H%M%S"))
    m.set_content("Dengan hormat,\n\nBersama ini saya kirimkan berkas permohonan "
                  "Sertifikat Elektronik.\n\nHormat saya,\n%s\n" % p.name.title())
    for name, data, *_ in files:
        ext = os.path.splitext(name)[1].lower()
        maintype, subtype = MIME.get(ext, ("application", "octet-stream"))
        m.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return m, [{"filename": f[0], "kinds": f[2], "misleading": len(f) > 3} for f in files]


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: gen.py OUTDIR")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    expect = {}
    for i in range(60):
        m, files = application(i)
        name = "app%03d.eml" % i
        with open(os.path.join(out, name), "wb") as f:
            f.write(bytes(m))
        expect[name] = files
    with open(os.path.join(out, "expect.json"), "w") as f:
        json.dump(expect, f, indent=1, ensure_ascii=False)


if __name__ == "__main__":
    main()
