"""check-text's newer kinds of statement, each on sentences written for the test (values of the
May 2025 report's tables), the seed report itself, and .docx/.pdf input made from the seed's text."""
from __future__ import annotations

import docx
import pytest

from analysis.core import paths
from analysis.textcheck import check, check_document, from_lines

SEED = paths.ROOT.parent / "shared" / "seeds" / "002_f4522cab5a867525.txt"


def judge(obs, *sentences):
    return check_document(from_lines(list(sentences), paragraphs=True), ["GM0957"], obs=obs).table


def only(tab, **kw):
    sel = tab
    for k, v in kw.items():
        sel = sel[sel[k] == v]
    assert len(sel) == 1, (kw, tab.to_dict("records"))
    return sel.iloc[0]


# --- fractions in words -----------------------------------------------------------------------

def test_fraction_agrees_with_the_data(obs):
    r = only(judge(obs, "Ongeveer een vijfde van de inwoners doet vrijwilligerswerk."), text_value="een vijfde")
    # vrijwilligers: 20,5% (2020) and 20,3% (2022) in Bijlage 1/2A
    assert r.verdict == "agrees" and "20,3%" in r.explanation and "2022" in r.explanation


@pytest.mark.parametrize("sentence,fraction", [
    ("De helft van de inwoners zijn mantelzorgers.", "De helft"),  # 14,8% / 15,4%
    ("1 op de 3 inwoners is actief als vrijwilligers.", "1 op de 3"),  # 20,3% .. 24,5%
])
def test_fraction_far_from_every_year_disagrees(obs, sentence, fraction):
    r = only(judge(obs, sentence), text_value=fraction)
    assert r.verdict == "disagrees" and "Bijlage" in r.data_value, r.explanation


def test_fraction_without_kpi_is_compared_with_the_percentage_beside_it(obs):
    r = only(judge(obs, "Ongeveer een kwart van alle aanvragen komt van gezinnen met kinderen (25,6%, gemeten in 2024)."),
             text_value="een kwart")
    assert r.verdict == "not_checkable" and "past bij 25,6%" in r.explanation


@pytest.mark.parametrize("sentence", ["De helft van de huishoudens met bijstand heeft kinderen.",
                                      "Van de vrijwilligers is de helft ouder dan 65 jaar."])
def test_fraction_of_the_kpi_group_is_not_its_value(obs, sentence):
    tab = judge(obs, sentence)
    r = only(tab, text_value=next(t for t in tab.text_value if "helft" in t.lower()))
    assert r.verdict == "not_checkable" and "aandeel binnen de groep" in r.explanation


def test_half_of_a_year_is_no_fraction(obs):
    tab = judge(obs, "De eerste resultaten komen in de eerste helft van 2025.")
    assert "helft" not in " ".join(tab.text_value)


# --- trends against printed values ------------------------------------------------------------

def test_rise_claimed_where_the_printed_values_are_equal(obs):
    r = only(judge(obs, "Het percentage jeugdigen dat jeugdhulp ontvangt is gestegen van 15,5% in 2022 naar 15,5% in 2024."),
             text_value="gestegen")
    assert r.verdict == "disagrees" and "gelijk gebleven" in r.explanation and "Bijlage 2A" in r.explanation


def test_licht_dalend_where_the_values_rise(obs):
    tab = judge(obs, "Het percentage leerlingen in het speciaal basisonderwijs is licht dalend: "
                     "van 2,2% in 2022/2023 naar 2,3% in 2023/2024.")
    r = only(tab, kpi="special_primary_education_pct", verdict="disagrees")
    assert "gestegen" in r.explanation and "2,2%" in r.data_value and "2,3%" in r.data_value


# --- back-references --------------------------------------------------------------------------

PASSAGE = ["Het percentage peuters met risico op onderwijsachterstand was 16% in 2022 en 15% in 2024.",
           "Het percentage leerlingen in het speciaal basisonderwijs was 2,2% in 2022/2023 en 2,3% in 2023/2024.",
           "Het percentage voortijdig schoolverlaters steeg van 2,20% in 2019/2020 naar 2,82% in 2023/2024."]


def test_de_eerste_twee_percentages(obs):
    tab = judge(obs, " ".join(PASSAGE) + " De eerste twee percentages liggen nog altijd boven het landelijk gemiddelde.")
    claims = tab[tab.text_value == "boven het landelijk gemiddelde"]
    assert set(claims.kpi) == {"toddlers_education_risk_pct", "special_primary_education_pct"}
    sbo = only(claims, kpi="special_primary_education_pct")
    assert sbo.verdict == "disagrees" and "2,4%" in sbo.data_value and "2023/2024" in sbo.data_value
    peuters = only(claims, kpi="toddlers_education_risk_pct")
    assert peuters.verdict == "not_checkable" and "Nederland" in peuters.explanation


def test_beide_percentages_and_deze_cijfers(obs):
    tab = judge(obs, " ".join(PASSAGE[:2]) + " Beide percentages laten een lichte daling zien.")
    r = only(tab, kpi="special_primary_education_pct", text_value="licht gedaald")
    assert r.verdict == "disagrees"
    assert only(tab, kpi="toddlers_education_risk_pct", text_value="licht gedaald").verdict == "agrees"
    tab = judge(obs, PASSAGE[0] + " Deze cijfers zijn gedaald.")
    assert only(tab, kpi="toddlers_education_risk_pct", text_value="gedaald").verdict == "agrees"


# --- 'respectievelijk' lists of groups --------------------------------------------------------

def test_respectievelijk_groups_read_as_metingen(obs):
    r = only(judge(obs, "Van de 2e- en 4e-klassers voelt respectievelijk 25,6% en 31,4% zich soms tot altijd eenzaam."),
             kpi="loneliness_secondary_pupils_pct")
    assert r.verdict == "disagrees" and "0-meting" in r.data_value and "1-meting" in r.data_value
    assert "groepen als metingen" in r.explanation


def test_respectievelijk_groups_without_data_per_group(obs):
    r = only(judge(obs, "Van de jongens en meisjes doet respectievelijk 18% en 22% vrijwilligerswerk."),
             kpi="volunteers_pct")
    assert r.verdict == "not_checkable" and "geen cijfers per groep" in r.explanation


# --- the national value of another year -------------------------------------------------------

@pytest.mark.parametrize("word,verdict", [("boven", "agrees"), ("onder", "disagrees")])
def test_landelijk_gemiddelde_of_another_year(obs, word, verdict):
    # mantelzorgers: Roermond 14,8% in 2020; Nederland '-' in 2020, 13,5% in 2022 (Bijlage 2A)
    r = only(judge(obs, f"In 2020 lag het percentage mantelzorgers in Roermond met 14,8% {word} het landelijk gemiddelde."),
             text_value=f"{word} het landelijk gemiddelde")
    assert r.verdict == verdict and "2022" in r.explanation and "niet van 2020" in r.explanation
    assert "13,5%" in r.data_value and "14,8%" in r.data_value


# --- the seed report --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def seed(obs):
    return check(SEED, ["GM0957"], obs=obs)


def test_seed_disagreements(seed):
    t = seed.table
    dis = t[t.verdict == "disagrees"]
    assert len(dis) >= 4
    found = set(zip(dis.line, dis.kpi))
    assert {(966, "volunteers_pct"), (1446, "difficulty_making_ends_meet_pct"),
            (2222, "net_labour_participation_pct"), (2719, "special_primary_education_pct"),
            (2862, "low_literacy_pct"), (3566, "loneliness_secondary_pupils_pct")} <= found
    assert (t[t.verdict == "not_checkable"].explanation.str.len() > 0).all()


def _seed_body() -> list[str]:
    return SEED.read_text(encoding="utf-8").split("\n")[:3717]  # up to the annexes


def test_docx_made_from_the_seed_text(tmp_path, obs):
    d = docx.Document()
    for sentence in from_lines(_seed_body()).sentences:  # the running text, a paragraph per sentence
        d.add_paragraph(sentence.text)
    path = tmp_path / "rapport.docx"
    d.save(str(path))
    res = check(path, ["GM0957"], obs=obs)
    t = res.table
    dis = t[t.verdict == "disagrees"]
    assert {"volunteers_pct", "difficulty_making_ends_meet_pct", "special_primary_education_pct",
            "loneliness_secondary_pupils_pct"} <= set(dis.kpi)
    assert res.document.unit == "alinea"


def test_pdf_made_from_the_seed_text(tmp_path, obs):
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", size=9)
    body = _seed_body()[940:1000] + _seed_body()[1436:1450] + _seed_body()[2696:2720]
    for line in body:
        # the PDF core font is Latin-1: typographic quotes become plain ones
        text = line.replace("’", "'").replace("‘", "'").replace("€", "EUR").replace("•", "-")
        pdf.cell(0, 4, text.encode("latin-1", "replace").decode("latin-1"), new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "rapport.pdf"
    pdf.output(str(path))
    res = check(path, ["GM0957"], obs=obs)
    t = res.table
    assert any("PDF" in s for s in res.document.skipped)
    vr = t[(t.kpi == "volunteers_pct") & (t.text_value == "25,5%")]
    assert list(vr.verdict) == ["disagrees"] and "24,5%" in vr.data_value.iloc[0]
    assert "disagrees" in set(t[t.kpi == "special_primary_education_pct"].verdict)
    assert "disagrees" in set(t[t.kpi == "difficulty_making_ends_meet_pct"].verdict)


def test_unreadable_pdf_one_line(tmp_path, obs):
    from analysis.textcheck import TextCheckError, read

    bad = tmp_path / "kapot.pdf"
    bad.write_bytes(b"%PDF-1.4 niet echt")
    with pytest.raises(TextCheckError, match="kapot.pdf: geen leesbaar PDF-bestand"):
        read(bad)
