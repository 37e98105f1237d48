"""The Finlex XML reader: on the project's own Finlex-shaped statute (invented Finnish text),
then on the three real Finlex files in ../shared/laws when that folder exists."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from corpus.errors import ExtractionError
from corpus.model import Provision
from extractors import read, split
from extractors.finlex import MAX_BYTES, read_finlex

NAMESPACES = (
    'xmlns:vah="http://www.vn.fi/skeemat/vahvistettavalaki/2010/04/27" '
    'xmlns:saa="http://www.vn.fi/skeemat/saadoskooste/2010/04/27" '
    'xmlns:saa1="http://www.vn.fi/skeemat/saadoselementit/2010/04/27" '
    'xmlns:met="http://www.vn.fi/skeemat/metatietokooste/2010/04/27" '
    'xmlns:met1="http://www.vn.fi/skeemat/metatietoelementit/2010/04/27" '
    'xmlns:asi="http://www.vn.fi/skeemat/asiakirjakooste/2010/04/27" '
    'xmlns:sis1="http://www.vn.fi/skeemat/sisaltoelementit/2010/04/27"'
)


def _statute(body: str) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<vah:VahvistettavaLaki {NAMESPACES} met1:kieliKoodi="fi">
  <asi:IdentifiointiOsa>
    <met:Nimeke>
      <met1:NimekeTeksti>Laki kokeellisesta kotiaskartelusta</met1:NimekeTeksti>
    </met:Nimeke>
    <met:AsiakirjaViitteet>
      <sis1:ViiteTeksti>HE 999/2098 metatietoa</sis1:ViiteTeksti>
    </met:AsiakirjaViitteet>
  </asi:IdentifiointiOsa>
  <saa:SaadosOsa>
    <saa:Saados met1:kieliKoodi="fi">
      <saa:SaadosNimeke>
        <saa:SaadostyyppiKooste>Laki kokeellisesta kotiaskartelusta</saa:SaadostyyppiKooste>
      </saa:SaadosNimeke>
      <saa:Johtolause>
        <saa:SaadosKappaleKooste>Eduskunta on päättänyt kokeilla:</saa:SaadosKappaleKooste>
      </saa:Johtolause>
      <saa:Pykalisto>{body}</saa:Pykalisto>
    </saa:Saados>
  </saa:SaadosOsa>
  <sis1:ViiteTeksti>Kuvitteellinen direktiivi 1/2099 viitetietoa</sis1:ViiteTeksti>
  <asi:AllekirjoitusOsa>
    <asi:PaivaysKooste>Annettu Kuvitelmalassa allekirjoitusosassa</asi:PaivaysKooste>
  </asi:AllekirjoitusOsa>
</vah:VahvistettavaLaki>
"""


# Invented Finnish: a small act on "experimental home handicraft", not any real statute.
SAMPLE = _statute("""
<saa:Luku saa1:identifiointiTunnus="1 luku">
  <saa:LukuTunnusKooste>1 luku</saa:LukuTunnusKooste>
  <saa:SaadosOtsikkoKooste>Yleiset säännökset</saa:SaadosOtsikkoKooste>
  <saa:Pykala saa1:identifiointiTunnus="1 §">
    <saa:PykalaTunnusKooste>1 §</saa:PykalaTunnusKooste>
    <saa:SaadosOtsikkoKooste>Soveltamisala</saa:SaadosOtsikkoKooste>
    <saa:MomenttiKooste>Tätä lakia sovelletaan askarteluun, jota tehdään kotona
      tilaajan lukuun.</saa:MomenttiKooste>
    <saa:MomenttiKooste>Lakia ei sovelleta
      <saa:SaadosKursiiviKooste>harrastukseen</saa:SaadosKursiiviKooste>, josta ei makseta
      mitään.</saa:MomenttiKooste>
  </saa:Pykala>
  <saa:Pykala saa1:identifiointiTunnus="2 §">
    <saa:PykalaTunnusKooste>2 §</saa:PykalaTunnusKooste>
    <saa:SaadosOtsikkoKooste>Määritelmät</saa:SaadosOtsikkoKooste>
    <saa:KohdatMomentti>
      <saa:MomenttiJohdantoKooste>Tässä laissa tarkoitetaan:</saa:MomenttiJohdantoKooste>
      <saa:MomenttiKohtaKooste>1)
        <saa:SaadosKursiiviKooste>askartelijalla</saa:SaadosKursiiviKooste>
        henkilöä, joka askartelee kotonaan;</saa:MomenttiKohtaKooste>
      <saa:MomenttiKohtaKooste>2) tilaajalla
        <saa:MomenttiAlakohtaKooste>a) yritystä, joka tilaa askartelua,
          tai</saa:MomenttiAlakohtaKooste>
        <saa:MomenttiAlakohtaKooste>b) välittäjää, joka jakaa työn
          edelleen.</saa:MomenttiAlakohtaKooste>
      </saa:MomenttiKohtaKooste>
    </saa:KohdatMomentti>
    <saa:MomenttiKooste>Mitä 1 momentissa säädetään, koskee myös kokeiluja.</saa:MomenttiKooste>
  </saa:Pykala>
</saa:Luku>
<saa:Luku saa1:identifiointiTunnus="2 luku">
  <saa:LukuTunnusKooste>2 luku</saa:LukuTunnusKooste>
  <saa:SaadosOtsikkoKooste>Askartelijan oikeudet</saa:SaadosOtsikkoKooste>
  <saa:SaadosValiotsikkoKooste>Palkkaa koskevat väliotsikon säännökset</saa:SaadosValiotsikkoKooste>
  <saa:Pykala saa1:identifiointiTunnus="3 §">
    <saa:PykalaTunnusKooste>3 §</saa:PykalaTunnusKooste>
    <saa:SaadosOtsikkoKooste>Palkka</saa:SaadosOtsikkoKooste>
    <saa:MomenttiKooste>Askartelijalle maksetaan palkka jokaisesta valmiista
      esineestä.</saa:MomenttiKooste>
  </saa:Pykala>
  <saa:SaadosValiotsikkoKooste>Toinen väliotsikko</saa:SaadosValiotsikkoKooste>
  <saa:Pykala saa1:identifiointiTunnus="3 a §">
    <saa:PykalaTunnusKooste>3 a §</saa:PykalaTunnusKooste>
    <saa:SaadosOtsikkoKooste>Tarvikkeet</saa:SaadosOtsikkoKooste>
    <saa:MomenttiKooste>Tilaaja korvaa liimat ja paperit.</saa:MomenttiKooste>
  </saa:Pykala>
  <saa:Pykala saa1:identifiointiTunnus="4 §">
    <saa:PykalaTunnusKooste>4 §</saa:PykalaTunnusKooste>
    <saa:MomenttiKooste>4 § on kumottu L:lla 1.1.2099/999.</saa:MomenttiKooste>
  </saa:Pykala>
  <saa:Pykala saa1:identifiointiTunnus="5 §">
    <saa:PykalaTunnusKooste>5 §</saa:PykalaTunnusKooste>
    <saa:SaadosOtsikkoKooste>Voimaantulo</saa:SaadosOtsikkoKooste>
    <saa:MomenttiKooste>Tämä laki tulee voimaan kuvitteellisena päivänä.</saa:MomenttiKooste>
  </saa:Pykala>
</saa:Luku>
""")


def _provisions(tmp_path: Path, xml: str, name: str = "FI_kokeilu.xml") -> list[Provision]:
    path = tmp_path / name
    path.write_text(xml, encoding="utf-8")
    doc = read(path)
    assert doc.format == "finlex"
    return split(doc, "fi")


def test_sections_become_provisions_with_citations_headings_and_chapters(tmp_path: Path):
    ps = _provisions(tmp_path, SAMPLE)
    assert [p.citation for p in ps] == ["§ 1", "§ 2", "§ 3", "§ 3a", "§ 4", "§ 5"]
    assert [p.heading for p in ps] == [
        "Soveltamisala", "Määritelmät", "Palkka", "Tarvikkeet", "", "Voimaantulo"
    ]  # fmt: skip
    assert [p.context for p in ps[:2]] == [["1 luku. Yleiset säännökset"]] * 2
    assert all(p.context == ["2 luku. Askartelijan oikeudet"] for p in ps[2:])
    assert [p.kind for p in ps] == ["paragraph"] * 6


def test_moments_and_items_in_order(tmp_path: Path):
    ps = _provisions(tmp_path, SAMPLE)
    moments = [line for line in ps[0].text.split("\n") if line]
    assert moments == [
        "Soveltamisala",
        "Tätä lakia sovelletaan askarteluun, jota tehdään kotona tilaajan lukuun.",
        "Lakia ei sovelleta harrastukseen, josta ei makseta mitään.",  # italics kept as words
    ]
    items = [line for line in ps[1].text.split("\n") if line]
    assert items == [
        "Määritelmät",
        "Tässä laissa tarkoitetaan:",
        "1) askartelijalla henkilöä, joka askartelee kotonaan;",
        "2) tilaajalla",
        "a) yritystä, joka tilaa askartelua, tai",
        "b) välittäjää, joka jakaa työn edelleen.",
        "Mitä 1 momentissa säädetään, koskee myös kokeiluja.",
    ]


def test_repealed_section_and_skipped_metadata(tmp_path: Path):
    ps = _provisions(tmp_path, SAMPLE)
    by_cite = {p.citation: p for p in ps}
    repealed = by_cite["§ 4"]
    assert repealed.repealed and repealed.notes == ["4 § on kumottu L:lla 1.1.2099/999."]
    assert not any(p.repealed for c, p in by_cite.items() if c != "§ 4")
    everything = " ".join(p.text + " ".join(p.notes) for p in ps)
    for metadata in ("metatietoa", "viitetietoa", "allekirjoitusosassa", "väliotsikko"):
        assert metadata not in everything
    assert by_cite["§ 5"].text.endswith("kuvitteellisena päivänä.")


def test_sections_numbered_again_in_every_chapter(tmp_path: Path):
    chapters = "".join(
        f"""<saa:Luku><saa:LukuTunnusKooste>{c} luku</saa:LukuTunnusKooste>
        <saa:SaadosOtsikkoKooste>Luku numero {c}</saa:SaadosOtsikkoKooste>
        <saa:Pykala><saa:PykalaTunnusKooste>1 §</saa:PykalaTunnusKooste>
          <saa:SaadosOtsikkoKooste>Ensimmäinen</saa:SaadosOtsikkoKooste>
          <saa:MomenttiKooste>Luvun {c} ensimmäinen pykälä koskee kokeilun
            aloittamista.</saa:MomenttiKooste></saa:Pykala>
        <saa:Pykala><saa:PykalaTunnusKooste>2 §</saa:PykalaTunnusKooste>
          <saa:MomenttiKooste>Luvun {c} toinen pykälä koskee kokeilun
            lopettamista.</saa:MomenttiKooste></saa:Pykala>
        </saa:Luku>"""
        for c in (1, 2, 3)
    )
    ps = _provisions(tmp_path, _statute(chapters))
    assert [(p.citation, p.occurrence) for p in ps] == [
        (f"§ {n}", c) for c in (1, 2, 3) for n in (1, 2)
    ]
    assert [p.context for p in ps[::2]] == [[f"{c} luku. Luku numero {c}"] for c in (1, 2, 3)]
    assert ps[5].text == "Luvun 3 toinen pykälä koskee kokeilun lopettamista."


def test_sniffing_finlex_and_other_xml(tmp_path: Path):
    mislabelled = tmp_path / "laki.txt"
    mislabelled.write_text(SAMPLE, encoding="utf-8")
    assert read(mislabelled).format == "finlex"
    feed = tmp_path / "feed.xml"
    feed.write_text('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"></feed>')
    with pytest.raises(ExtractionError, match=r"^feed\.xml: unsupported format: XML"):
        read(feed)


def test_truncated_entities_and_oversized_files_are_refused(tmp_path: Path):
    truncated = tmp_path / "FI_katkennut.xml"
    truncated.write_bytes(SAMPLE.encode("utf-8")[: len(SAMPLE) // 2])
    with pytest.raises(ExtractionError, match=r"^FI_katkennut\.xml: malformed or truncated XML"):
        read(truncated)
    entities = tmp_path / "FI_entiteetit.xml"
    entities.write_text(
        SAMPLE.replace("<vah:", '<!DOCTYPE x [<!ENTITY a "aaaa">]>\n<vah:', 1), encoding="utf-8"
    )
    with pytest.raises(ExtractionError, match=r"^FI_entiteetit\.xml: .*document type"):
        read(entities)
    with pytest.raises(ExtractionError, match=r"^FI_iso\.xml: .*over the"):
        read_finlex(Path("FI_iso.xml"), b" " * (MAX_BYTES + 1))
    empty_body = tmp_path / "FI_tyhja.xml"
    empty_body.write_text(SAMPLE.split("<saa:SaadosOsa>")[0] + "</vah:VahvistettavaLaki>")
    with pytest.raises(ExtractionError, match=r"^FI_tyhja\.xml: no statute text"):
        read(empty_body)


# --- the real Finlex files ------------------------------------------------------------------

LAWS = Path(__file__).parents[1].parent / "shared" / "laws"
REAL = ["FI_Tyoaikalaki_605_1996.xml", "FI_Tyosopimuslaki_55_2001.xml",
        "FI_Tyoturvallisuuslaki_738_2002.xml"]  # fmt: skip


@pytest.mark.skipif(not LAWS.is_dir(), reason="../shared/laws is not available")
@pytest.mark.parametrize("name", REAL)
def test_real_finlex_files(name: str):
    path = LAWS / name
    doc = read(path)
    ps = split(doc, "fi")
    root = ET.parse(path).getroot()
    sections = [el for el in root.iter() if el.tag.endswith("}Pykala")]
    assert len(ps) == len(sections) > 40  # one provision per pykälä, counted on the file itself
    assert all(re.fullmatch(r"§ \d+[a-z]?", p.citation) for p in ps)
    assert len({(p.citation, p.occurrence) for p in ps}) == len(ps)
    assert all(p.text.strip() and p.heading for p in ps)
    assert all(len(p.context) == 1 and re.match(r"\d+ luku\. \w", p.context[0]) for p in ps)
    # nothing from outside the statute body (identification, references, signatures)
    body = next(el for el in root.iter() if el.tag.endswith("}Saados"))
    body_text = " ".join(" ".join(body.itertext()).split())
    outside = [
        " ".join(t.split())
        for el in root
        if not el.tag.endswith("}SaadosOsa")
        for t in el.itertext()
        if len(t.strip()) > 12
    ]
    assert outside and not any(t in doc.text for t in outside if t not in body_text)
