# SPDX-License-Identifier: ISC
"""Documents recognised through real Dovecot and Postfix, with files named
as people name them: the SOP's own names (the BSrE form, the Head's
signed request of row 8), a phone's KTP photo the applicant then names in
a reply line. (The same photo attached twice, one document under both
names: t_document, and test_content.py through the sandbox.)"""

import re

from lib import (DOMAIN, Robot, application, body_text, check, reply_to, robot_with_rules, scan,
                 subject_has, wait_until)

BUDI = "budi@" + DOMAIN

# A one-step SOP at the shipped rules' step 8, so the Head's answer is
# reached without the eleven hand-overs before it (test_fullsop plays
# those); the documents, roles and templates are the shipped ones.
SOP_UJI = """
sop uji "Uji surat permintaan penerbitan" {
	prefix UJI
	applicants any
	subject '(?i)\\buji\\b'
	requires surat-permohonan
	step permintaan "8" {
		kind document
		actor kadis
		document surat-permintaan
		time 30m
		task "Menandatangani surat permintaan penerbitan Sertifikat Elektronik."
		send surat-permohonan
		yes done
		no reject
	}
}
"""


def robot_with_uji(sb, name):
    return robot_with_rules(sb, name, {"sop-uji.conf": SOP_UJI})[0].start()


def test_head_signs_request_under_sop_name(sb):
    """Row 8: the Head's Y carries the request under the SOP's own words,
    which also fit the applicant's letter; as the only file of a Y at the
    step that asks for it, it is that document, and the history says so."""
    r = robot_with_uji(sb, "recog_head")
    sb.send(application(BUDI, subject="Permohonan uji", docs=["surat-permohonan.pdf"]))
    d = sb.wait_mail("kadis", subject_has("Disposisi"), what="disposition to kadis")[0]
    ref = re.search(r"UJI-\d{4}-\d{5}", str(d["Subject"])).group(0)
    m = reply_to(d, "kadis@" + DOMAIN, "Y")
    name = "Surat Permohonan Penerbitan Sertifikat Elektronik.pdf"
    m.add_attachment(scan(name), maintype="application", subtype="pdf", filename=name)
    sb.send(m)
    wait_until(lambda: r.sql("SELECT state FROM cases WHERE ref = ?", ref) == [("selesai",)],
               "the case moves on from step 8")
    check(r.scalar("SELECT count(*) FROM case_events WHERE event = 'tidak-dikirim' AND"
                   " actor = ? AND detail LIKE 'tercatat, step %: off by %'", "kadis@" + DOMAIN) == 1,
          "the Y taken (its receipt off by rules/mails.conf)")
    check(not any("Mohon lampirkan" in str(x["Subject"]) for x in sb.messages("kadis")),
          "the Head is not asked for the letter again")
    check(r.sql("SELECT kind FROM documents WHERE filename = ?", name) ==
          [("surat-permintaan",)], "filed as the signed request")
    ev = r.sql("SELECT detail FROM case_events WHERE event = 'jenis-berkas'")
    check(any(name in e and "surat-permintaan (step)" in e for (e,) in ev),
          "the history says it was taken as the step's document: %s" % ev)


def test_sop_names_and_phone_photo(sb):
    """The SOP's form name is the form; a phone's KTP photo is listed as
    received and not recognised, never silently; the applicant's line
    "ktp: FILE" settles it and the case goes on."""
    r = Robot(sb, "recog_names").start()
    m = application(BUDI, docs=["Surat Permohonan TTE.pdf", "SK Pangkat Terakhir.pdf",
                                "sk jab.pdf", "Formulir Permohonan BSrE.pdf"])
    photo = scan("ktp.jpg", 4096)
    m.add_attachment(photo, maintype="image", subtype="jpeg",
                     filename="IMG_20260310_083355.jpg")
    sb.send(m)
    ask = sb.wait_mail("budi", subject_has("belum lengkap"), what="missing documents")[0]
    ref = re.search(r"TTE-\d{4}-\d{5}", str(ask["Subject"])).group(0)
    text = body_text(ask)
    kurang = text.split("Berkas yang telah kami terima")[0]
    check("fotokopi KTP" in kurang, "the KTP is missing: %s" % text)
    check("formulir" not in kurang.lower(), "the form is not called missing: %s" % text)
    check(re.search(r"Formulir Permohonan BSrE\.pdf \(\d+ KB\): formulir pendaftaran BSrE",
                    text), "the form listed as the form: %s" % text)
    check(re.search(r"IMG_20260310_083355\.jpg \(\d+ KB\): belum dikenali", text),
          "the photo listed as not recognised: %s" % text)
    check("ktp: NAMA-BERKAS.jpg" in text, "how to say which is which: %s" % text)
    check(r.sql("SELECT state FROM cases WHERE ref = ?", ref) == [("menunggu-kelengkapan",)],
          "waiting for the KTP")

    sb.send(reply_to(ask, BUDI, "Dengan hormat,\nKTP = IMG_20260310_083355.jpg\n"))
    sb.wait_mail("sekdis", subject_has("[%s]" % ref), what="disposition to sekdis")
    got = sb.wait_mail("budi", subject_has("Berkas tambahan"), what="received")[0]
    check(re.search(r"IMG_20260310_083355\.jpg \(\d+ KB\): fotokopi KTP", body_text(got)),
          "the photo now listed as the KTP: %s" % body_text(got))
    check(r.sql("SELECT count(*) FROM documents WHERE kind = 'ktp'") == [(1,)],
          "the photo is the KTP")
    ev = [e for (e,) in r.sql("SELECT detail FROM case_events WHERE event = 'jenis-berkas'")]
    check(any("Formulir Permohonan BSrE.pdf: formulir-bsre (name)" in e for e in ev) and
          any("IMG_20260310_083355.jpg: ktp (applicant)" in e for e in ev),
          "the history says what each file was taken for, by what: %s" % ev)
    check(r.sql("SELECT count(*) FROM cases WHERE nik_hmac IS NOT NULL") == [(0,)],
          "no NIK read from bytes with no text")
