"""Transcribe the KPI tables of the Voortgangsrapportage Sociaal Domein (mei 2025) into data/raw/GM0957.

Run once by a maintainer when a new report arrives; the files it writes are committed and
reviewed by hand. The PDF text delivers table cells column by column, so each table is cut
from known line ranges of the extracted text and re-assembled here. The result is one
measurement file in the suite's long format (`voortgangsrapportage_2025.csv`, international
dialect, one row per value, `source` naming its place in the report) and, beside it in
`reproductie/`, the judgements (+, +/-, -) as printed, for the reproduction check.

    python scripts/transcribe_report.py ../shared/seeds/002_f4522cab5a867525.txt
"""
from __future__ import annotations

import csv
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from analysis.core.numbers import parse_cell  # noqa: E402

REPORT = "Voortgangsrapportage Sociaal Domein Roermond, mei 2025"
OUT = Path(__file__).resolve().parents[1] / "data" / "raw" / "GM0957"
MEASUREMENTS = "voortgangsrapportage_2025.csv"
JUDGEMENTS = "reproductie/voortgangsrapportage_2025_oordelen.csv"
LONG_COLUMNS = ["indicator", "area_code", "meting", "year", "value", "source", "status", "note", "series"]
KVK, BK = "kiezen_voor_kansen", "beleidskader"


def cells(lines: list[str], start: int, stop: int) -> list[str]:
    """Non-empty cells between 1-based text lines start..stop; a line of one space is an empty cell."""
    out = []
    for line in lines[start - 1 : stop]:
        if line == " ":
            out.append("")
        elif line.strip():
            out.append(line.strip())
    return out


def columns(tokens: list[str], headers: list[str], n: int) -> dict[str, list[str]]:
    """Split a run of column-wise cells 'header, n values' into a dict."""
    out, i = {}, 0
    for h in headers:
        assert " ".join(tokens[i : i + len(h.split("|"))]) == h.replace("|", " "), (tokens[i : i + 3], h)
        i += len(h.split("|"))
        out[h] = tokens[i : i + n]
        i += n
    return out


TABLES: dict[str, list[dict]] = {}


def write(name: str, rows: list[dict]) -> None:
    """Keep a transcribed table (as printed) for the conversion to the long format."""
    TABLES[name] = rows


def _write_csv(path: Path, rows: list[dict], columns: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"{path}: {len(rows)} rows")


def _cell(printed: str) -> tuple[str, str, str]:
    """Printed cell -> (value in international notation, status, note)."""
    value, status = parse_cell(printed)
    if math.isnan(value):
        return ("-" if status == "not_published" else ""), status, ""
    text = f"{value:g}"
    plain = printed.replace(" ", "").rstrip("%‰").replace(",", ".")
    note = f"afgedrukt als '{printed}'" if plain != text and not plain.startswith(text) or "(" in printed else ""
    return text, "", note


class Long:
    """The long measurement rows; one per (series, indicator, area, meting), places merged."""

    def __init__(self):
        self.rows: dict[tuple, dict] = {}

    def add(self, series, indicator, area, meting, period, printed, place):
        value, status, note = _cell(printed)
        key = (series, indicator, area, meting)
        if key in self.rows:
            old = self.rows[key]
            assert (old["value"], old["status"]) == (value, status), (key, old, printed)
            old["source"] += f"; ook {place.split(', ', 2)[-1]}"
            return
        self.rows[key] = {"indicator": indicator, "area_code": area, "meting": "" if meting is None else meting,
                          "year": period, "value": value, "source": place, "status": status, "note": note,
                          "series": series or ""}


def _latest_two(cells: list[str]) -> tuple[int, int] | tuple[str, str]:
    ok = [m for m, c in enumerate(cells) if not math.isnan(parse_cell(c)[0])]
    return (ok[-2], ok[-1]) if len(ok) >= 2 else ("", "")


def to_long() -> tuple[list[dict], list[dict]]:
    """The transcribed tables as long measurement rows and printed judgements."""
    long, judged = Long(), []
    mp = TABLES["report_map_social_minimum.csv"]
    for r in mp:
        long.add(None, "households_social_minimum_pct", r["area_code"], None, str(r["year"]), r["value"], r["source_ref"])
    a = TABLES["report_bijlage2a.csv"]
    periods = {(r["indicator"], m): r[f"year_{m}"] for r in a for m in (0, 1)}
    for r in a:
        for m in (0, 1):
            long.add(KVK, r["indicator"], "GM0957", m, r[f"year_{m}"], r[f"roermond_{m}"], r["source_ref"])
            long.add(KVK, r["indicator"], "NL00", m, r[f"year_{m}"], r[f"nl_{m}"], r["source_ref"])
        if r["beweging"]:
            prev, last = _latest_two([r["roermond_0"], r["roermond_1"]])
            judged.append({"kpi_set": "kiezen_voor_kansen", "row": r["row"] if r["block"] == "Bestaanszekerheid" else int(r["row"]) + 11,
                           "indicator": r["indicator"], "kpi": r["kpi"], "area_code": "GM0957", "reported": r["beweging"],
                           "meting_previous": prev, "meting_latest": last, "source": r["source_ref"]})
    c = TABLES["report_bijlage2c.csv"]
    for r in c:
        for m in (0, 1):
            long.add(KVK, r["indicator"], "GM0957", m, periods.get((r["indicator"], m), ""), r[f"meting_{m}"], r["source_ref"])
        if r["effect"]:
            prev, last = _latest_two([r["meting_0"], r["meting_1"]])
            judged.append({"kpi_set": "levensfasen", "row": r["row"], "indicator": r["indicator"], "kpi": r["kpi"],
                           "area_code": "GM0957", "reported": r["effect"], "meting_previous": prev,
                           "meting_latest": last, "source": r["source_ref"]})
    b = TABLES["report_bijlage2b.csv"]
    # Indicator-major, so that a file cut at a row boundary leaves an incomplete KPI (refused).
    for ind in B2_INDICATORS:
        for r in sorted(b, key=lambda r: (r["meting"], r["wijkcode"])):
            m = int(r["meting"])
            long.add(KVK, ind, r["wijkcode"], m, periods.get((ind, m), ""), r[ind], r["source_ref"])
    b1 = TABLES["report_bijlage1.csv"]
    for r in b1:
        for m in (0, 1, 2):
            long.add(BK, r["indicator"], "GM0957", m, r[f"year_{m}"], r[f"meting_{m}"], r["source_ref"])
        if r["beweging"]:
            prev, last = _latest_two([r["meting_0"], r["meting_1"], r["meting_2"]])
            judged.append({"kpi_set": "beleidskader", "row": r["row"], "indicator": r["indicator"], "kpi": r["kpi"],
                           "area_code": "GM0957", "reported": r["beweging"], "meting_previous": prev,
                           "meting_latest": last, "source": r["source_ref"]})
    return list(long.rows.values()), judged


# Years of each meting as the report's running text states them (text line in brackets).
YEARS_B1 = {  # indicator: (0-, 1-, 2-meting), text line
    "benefits_per_1000": (("2018", "2022", "2024"), 1191),
    "households_without_support_pct": (("2016", "2020", "2023"), 934),
    "functional_limitations_pct": (("2016", "2020", ""), 3067),
    "self_direction_pct": (("2016", "2020", ""), 858),
    "loneliness_adults_pct": (("2016", "2020", "2022"), 3229),
    "informal_carers_pct": (("2016", "2020", "2022"), 958),
    "volunteers_pct": (("2016", "2020", "2022"), 966),
    "self_rated_health_pct": (("2016", "2020", "2022"), 3091),
}
YEARS_2A = {  # indicator: (0-, 1-meting), text line
    "debt_signals_count": (("2022", "2024"), 1389),
    "debt_restructuring_count": (("2022", "2024"), 1453),
    "households_social_assistance_pct": (("2022", "2024"), 1455),
    "children_benefit_household_pct": (("2020", "2023"), 1457),
    "difficulty_making_ends_meet_pct": (("2020", "2022"), 1444),
    "households_below_120pct_social_minimum_pct": (("2022", "2023"), 1440),
    "informal_carers_pct": (("2020", "2022"), 958),
    "volunteers_pct": (("2020", "2022"), 966),
    "households_care_support_pct": (("2022", "2023"), 1601),
    "youth_care_pct": (("2022", "2024"), 1604),
    "children_vulnerable_family_pct": (("2020", "2022"), 2066),
    "preterm_low_birthweight_per_1000": (("2020", "2021"), 2556),
    "early_prenatal_care_per_100": (("2020", "2021"), 2559),
    "toddlers_education_risk_pct": (("2022", "2024"), 2701),
    "special_primary_education_pct": (("2022/2023", "2023/2024"), 2705),
    "youth_neet_rate": (("2020", "2022"), 2710),
    "early_school_leavers_pct": (("2019/2020", "2023/2024"), 2714),
    "net_labour_participation_pct": (("2022", "2023"), 2216),
    "unemployment_pct": (("2022", "2023"), 2206),
    "self_rated_health_pct": (("2020", "2022"), 3091),
    "high_stress_pct": (("2020", "2022"), 3585),
    "overweight_group7_pct": (("2021", "2023"), 3539),
}

B1 = [  # (doel, printed KPI, indicator)
    ("1 Zelfredzaam: levensonderhoud, huishouden, ontplooien", "Aantal personen met uitkering per 1000 inwoners", "benefits_per_1000"),
    ("1 Zelfredzaam: levensonderhoud, huishouden, ontplooien", "% huishoudens zonder voorzieningen", "households_without_support_pct"),
    ("1 Zelfredzaam: levensonderhoud, huishouden, ontplooien", "Functionerings-problemen (een of meer beperkingen horen, zien en mobiliteit), personen 18 jaar en ouder", "functional_limitations_pct"),
    ("2 Iedereen doet mee: meedoen in buurt, wijk of dorp", "Aantal personen met uitkering per 1000 inwoners", "benefits_per_1000"),
    ("1 Zelfredzaam: vaardigheden / 2 Iedereen doet mee: probleemoplossend vermogen", "Voldoende (matig/veel) regie eigen leven, personen 19 jaar en ouder", "self_direction_pct"),
    ("3 Mensen helpen elkaar", "% volwassenen enigszins tot ernstig eenzaam", "loneliness_adults_pct"),
    ("3 Mensen helpen elkaar", "% geven mantelzorg", "informal_carers_pct"),
    ("3 Mensen helpen elkaar", "% vrijwilligers", "volunteers_pct"),
    ("4 Gezond en veilig", "Ervaren gezondheid (goed/zeer goed)", "self_rated_health_pct"),
]

A_BZ = [  # Bestaanszekerheid block: (doel, printed KPI, indicator)
    ("Passend inkomsten-uitgavenpatroon", "Aantal meldingen bij vroegsignalering", "debt_signals_count"),
    ("Passend inkomsten-uitgavenpatroon", "Aantal personen in schuldsanering", "debt_restructuring_count"),
    ("Passend inkomsten-uitgavenpatroon", "% huishoudens met bijstand", "households_social_assistance_pct"),
    ("Passend inkomsten-uitgavenpatroon", "% kinderen in uitkeringsgezin", "children_benefit_household_pct"),
    ("Passend inkomsten-uitgavenpatroon", "% inwoners moeite met rondkomen", "difficulty_making_ends_meet_pct"),
    ("Passend inkomsten-uitgavenpatroon", "Gemiddelde levensverwachting in jaren", "life_expectancy_years"),
    ("Passend inkomsten-uitgavenpatroon", "% inkomens met inkomen tot 120% sociaal minimum", "households_below_120pct_social_minimum_pct"),
    ("Mensen helpen elkaar en hebben een informele ander", "% geven mantelzorg", "informal_carers_pct"),
    ("Mensen helpen elkaar en hebben een informele ander", "% vrijwilligers", "volunteers_pct"),
    ("Hulp uit het systeem op basis van behoeften", "% huishoudens met zorg en ondersteuning", "households_care_support_pct"),
    ("Hulp uit het systeem op basis van behoeften", "% jeugdigen tot 18 jaar dat jeugdhulp ontvangt", "youth_care_pct"),
]
A_KG = [  # Kansengelijkheid / Gezond leven block (16 data rows, 15 printed names)
    ("Kansengelijkheid", "Kansrijke start", "% kinderen geboren in een gezin in een zeer kwetsbare situatie", "children_vulnerable_family_pct"),
    ("Kansengelijkheid", "Kansrijke start", "% vroeggeboorte en/ of te laag geboortegewicht", "preterm_low_birthweight_per_1000"),
    ("Kansengelijkheid", "Kansrijke start", "Zwangerschapsbegeleiding gestart voor 10 wkn zwangerschap (per 100 geboortes)", "early_prenatal_care_per_100"),
    ("Kansengelijkheid", "Kansrijke start", "Kwetsbaarheidsindex", "vulnerability_index"),
    ("Kansengelijkheid", "Passende plek om zich te ontwikkelen", "% peuters met risico op onderwijsachterstand", "toddlers_education_risk_pct"),
    ("Kansengelijkheid", "Passende plek om zich te ontwikkelen", "% leerlingen in het speciaal basisonderwijs", "special_primary_education_pct"),
    ("Kansengelijkheid", "Passende plek om zich te ontwikkelen", "Aantal jongeren zonder onderwijs en werk per 1000 jongeren (14-27 jaar)", "youth_neet_rate"),
    ("Kansengelijkheid", "Passende plek om zich te ontwikkelen", "% nieuwe voortijdig schoolverlaters", "early_school_leavers_pct"),
    ("Kansengelijkheid", "Passende plek om zich te ontwikkelen", "% laaggeletterden", "low_literacy_pct"),
    ("Kansengelijkheid", "Minder inwoners buitengesloten op basis van beperkingen en achtergrond", "Netto arbeidsparticipatie", "net_labour_participation_pct"),
    ("Kansengelijkheid", "Minder inwoners buitengesloten op basis van beperkingen en achtergrond", "% werkloosheid", "unemployment_pct"),
    ("Kansengelijkheid", "Minder inwoners buitengesloten op basis van beperkingen en achtergrond", "", "unnamed_kpi_2a_row12"),
    ("Gezond leven", "Gezondheid in elke levensfase versterkt", "% ervaren gezondheid (zeer) goed", "self_rated_health_pct"),
    ("Gezond leven", "Gezondheid in elke levensfase versterkt", "% inwoners dat (heel) veel stress ervaart", "high_stress_pct"),
    ("Gezond leven", "Gezondheid in elke levensfase versterkt", "Gemiddelde levensverwachting", "life_expectancy_years"),
    ("Gezond leven", "Meer inwoners sporten en bewegen", "% kinderen in groep 7 met overgewicht of obesitas", "overweight_group7_pct"),
]

B2_INDICATORS = [
    "net_labour_participation_pct", "households_below_120pct_social_minimum_pct",
    "difficulty_making_ends_meet_pct", "children_benefit_household_pct",
    "households_care_support_pct", "self_rated_health_pct", "overweight_group7_pct",
    "preterm_low_birthweight_per_1000", "early_prenatal_care_per_100", "vulnerability_index",
    "high_stress_pct", "toddlers_education_risk_pct", "volunteers_pct", "informal_carers_pct",
]
WIJK = {"Centrum": "WK095700", "Roermond-Oost": "WK095701", "Roermond-Zuid": "WK095702",
        "Maasniel": "WK095703", "Donderberg": "WK095704", "Hoogvonderen": "WK095705",
        "Asenray": "WK095706", "Herten": "WK095707", "Swalmen": "WK095708", "Maasplassen": "WK095709"}
# Row order of the 2B cells in the text (the PDF's column blocks), see issue #2.
B2_ORDER = (["Maasplassen", "Asenray", "Maasniel"] * 2 + ["Swalmen", "Hoogvonderen", "Roermond-Zuid"] * 2
            + ["Herten", "Donderberg", "Roermond-Oost", "Centrum"] * 2)

C_KPIS = [  # (levensfase, leeftijd, printed KPI, indicator); phase/age groups follow the table layout
    ("Baby", "0 jaar", "Zwangerschapsbegeleiding gestart voor 10 wkn zwangerschap (per 100 geboortes)", "early_prenatal_care_per_100"),
    ("Baby", "0 jaar", "Aantal vroeggeboorte en/ of te laag geboortegewicht per 1000 geboortes", "preterm_low_birthweight_per_1000"),
    ("Baby", "0 jaar", "Zwangerschapsbegeleiding gestart voor 10 wkn zwangerschap (per 100 geboortes)", "early_prenatal_care_per_100"),
    ("Peuter", "2-4 jaar", "% peuters met risico op onderwijsachterstand", "toddlers_education_risk_pct"),
    ("Primair onderwijs", "4-12 jaar", "% kinderen in groep 7 met overgewicht of obesitas", "overweight_group7_pct"),
    ("Primair onderwijs", "4-12 jaar", "% leerlingen in het speciaal basisonderwijs", "special_primary_education_pct"),
    ("Voortgezet onderwijs", "12-18 jaar", "% voortijdig schoolverlaters", "early_school_leavers_pct"),
    ("Voortgezet onderwijs", "13-16 jaar", "% 2e en 4e klassers die zich soms tot altijd eenzaam voelt", "loneliness_secondary_pupils_pct"),
    ("Jeugd", "0-18 jaar", "% kinderen in uitkeringsgezin", "children_benefit_household_pct"),
    ("Jeugd", "0-18 jaar", "% jeugdigen dat jeugdhulp ontvangt", "youth_care_pct"),
    ("Volwassenen en ouderen", "0-100", "Gemiddelde levensverwachting in jaren", "life_expectancy_years"),
    ("Volwassenen en ouderen", "15-75 jaar", "Netto arbeidsparticipatie", "net_labour_participation_pct"),
    ("Volwassenen en ouderen", "18-100", "% inkomens met inkomen tot 120% sociaal minimum", "households_below_120pct_social_minimum_pct"),
    ("Volwassenen en ouderen", "18-100", "% huishoudens met bijstand", "households_social_assistance_pct"),
    ("Volwassenen en ouderen", "18-100", "% inwoners moeite met rondkomen", "difficulty_making_ends_meet_pct"),
    ("Volwassenen en ouderen", "18-100", "Aantal in schuldsanering", "debt_restructuring_count"),
    ("Volwassenen en ouderen", "18-100", "Aantal vroegsignalering", "debt_signals_count"),
    ("Volwassenen en ouderen", "18-100", "% laaggeletterden", "low_literacy_pct"),
    ("Volwassenen en ouderen", "18-100", "% ervaren gezondheid", "self_rated_health_pct"),
    ("Volwassenen en ouderen", "18-100", "% inwoners dat (heel) veel stress ervaart", "high_stress_pct"),
    ("Volwassenen en ouderen", "18-100", "% huishoudens met zorg en ondersteuning", "households_care_support_pct"),
    ("Volwassenen en ouderen", "18-100", "% mantelzorgers", "informal_carers_pct"),
    ("Volwassenen en ouderen", "18-100", "% vrijwilligers", "volunteers_pct"),
]

MAP_2022 = ["7,10%", "14,00%", "9,10%", "7,10%", "13,80%", "5,20%", "4,60%", "2,30%", "4,70%", "-"]


def main(seed: Path) -> None:
    lines = seed.read_text(encoding="utf-8").split("\n")

    # Bijlage 1: text lines 3781-3884, columns Beweging, 2-, 1-, 0-meting, Bron.
    t = cells(lines, 3786, 3884)
    c = columns(t, ["Beweging", "2-meting", "1-meting", "0-meting", "Bron KPI"], 9)
    rows = []
    for i, (doel, kpi, ind) in enumerate(B1):
        years, yline = YEARS_B1[ind]
        rows.append({"row": i + 1, "doel": doel, "kpi": kpi, "indicator": ind,
                     "meting_0": c["0-meting"][i], "meting_1": c["1-meting"][i], "meting_2": c["2-meting"][i],
                     "beweging": c["Beweging"][i], "bron": c["Bron KPI"][i],
                     "year_0": years[0], "year_1": years[1], "year_2": years[2],
                     "source_ref": f"{REPORT}, Bijlage 1, rij {i + 1} (tekstregels 3718-3884); jaren: tekstregel {yline}"})
    write("report_bijlage1.csv", rows)

    # Bijlage 2A, two blocks (the Bestaanszekerheid block is printed twice; the first copy is used).
    rows = []
    heads = ["Beweging", "Nederland|1-meting", "Roermond|1-meting", "Nederland|0-meting", "Roermond|0-meting", "Bron|KPI"]
    blocks = [("Bestaanszekerheid", [(("Bestaanszekerheid",) + r) for r in A_BZ], 3944, 4091, 11, 11),
              ("Kansengelijkheid/Gezond leven", A_KG, 4148, 4349, 16, 13)]
    for name, spec, a, b, n, nsigns in blocks:
        t = cells(lines, a, b)
        signs = t[1 : 1 + nsigns]
        assert t[0] == "Beweging"
        c = columns(["Beweging"] + ["x"] * n + t[1 + nsigns :], heads, n)
        # Signs are printed only for rows with both a 0- and a 1-meting for Roermond.
        sign_iter = iter(signs)
        for i, (opgave, doel, kpi, ind) in enumerate(spec):
            r0, r1 = c["Roermond|0-meting"][i], c["Roermond|1-meting"][i]
            sign = next(sign_iter) if (r0 != "-" and r1 != "-") else ""
            years, yline = YEARS_2A.get(ind, (("", ""), None))
            ref = f"{REPORT}, Bijlage 2A, blok {name}, rij {i + 1} (tekstregels {a}-{b})"
            if yline:
                ref += f"; jaren: tekstregel {yline}"
            if not kpi:
                ref += "; KPI-naam ontbreekt in de tekst, alle cellen '-'"
            rows.append({"block": name, "row": i + 1, "opgave": opgave, "doel": doel, "kpi": kpi, "indicator": ind,
                         "nl_0": c["Nederland|0-meting"][i], "roermond_0": r0,
                         "nl_1": c["Nederland|1-meting"][i], "roermond_1": r1,
                         "beweging": sign, "bron": c["Bron|KPI"][i],
                         "year_0": years[0], "year_1": years[1], "source_ref": ref})
        assert next(sign_iter, None) is None, name
    write("report_bijlage2a.csv", rows)

    # Bijlage 2B: 20 rows of 'meetmoment + 14 values' (text lines 4538-5178).
    t = cells(lines, 4538, 5178)
    data = t[t.index("1", 20):]
    assert len(data) == 300, len(data)
    rows = []
    for k, wijk in enumerate(B2_ORDER):
        rec = data[k * 15 : (k + 1) * 15]
        row = {"wijkcode": WIJK[wijk], "wijknaam": wijk, "meting": rec[0]}
        row.update(dict(zip(B2_INDICATORS, rec[1:])))
        row["source_ref"] = f"{REPORT}, Bijlage 2B, cellenrij {k + 1} van 20 (tekstregels 4538-5178)"
        rows.append(row)
    write("report_bijlage2b.csv", rows)

    # Bijlage 2C (text lines 5837-6065): 23 KPIs, 22 signs (laaggeletterden has no 1-meting, no sign).
    t = cells(lines, 5837, 6065)
    i_eff = t.index("Effect")
    signs = t[i_eff + 1 : i_eff + 23]
    i1 = t.index("1-meting")
    m1 = t[i1 + 1 : i1 + 25]
    # One 1-meting cell wraps over two lines: "31,4% (10,8%" + "vaak tot altijd)".
    m1 = m1[:7] + [m1[7] + " " + m1[8]] + m1[9:]
    i0 = t.index("0-meting")
    m0 = t[i0 + 1 : i0 + 24]
    sign_iter = iter(signs)
    rows = []
    for i, (fase, age, kpi, ind) in enumerate(C_KPIS):
        sign = next(sign_iter) if m1[i] != "-" else ""
        rows.append({"row": i + 1, "levensfase": fase, "leeftijd": age, "kpi": kpi, "indicator": ind,
                     "meting_0": m0[i], "meting_1": m1[i], "effect": sign,
                     "source_ref": f"{REPORT}, Bijlage 2C, rij {i + 1} (tekstregels 5837-6065); levensfase volgens tabelindeling"})
    assert next(sign_iter, None) is None
    write("report_bijlage2c.csv", rows)

    # Map 'Huishoudens onder of rond sociaal minimum' (text lines 1471-1515), meetjaar 2022.
    rows = [{"area_code": code, "area_name": name, "value": v, "year": 2022,
             "source_ref": f"{REPORT}, kaart 'Huishoudens onder of rond sociaal minimum' bij Aanpak 3 (tekstregels 1471-1515)"}
            for (name, code), v in zip(WIJK.items(), MAP_2022)]
    rows.append({"area_code": "NL00", "area_name": "Nederland", "value": "6,30%", "year": 2022,
                 "source_ref": f"{REPORT}, kaart bij Aanpak 3: 'landelijk gemiddelde van 6,30% (meetjaar 2022)' (tekstregel 1474)"})
    write("report_map_social_minimum.csv", rows)

    measurements, judged = to_long()
    _write_csv(OUT / MEASUREMENTS, measurements, LONG_COLUMNS)
    _write_csv(OUT / JUDGEMENTS, judged, list(judged[0]))


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/seeds/002_f4522cab5a867525.txt"))
