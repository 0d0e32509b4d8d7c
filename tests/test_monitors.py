"""Every gemeente by one parameter: monitor definitions as data, the CBS-only default, bad definitions."""
import pytest

from analysis.build import gemeenten, monitors
from analysis.core.areas import check_wijkcode
from analysis.core.errors import SourceError, UnknownAreaError


def test_roermond_monitor_from_its_file():
    m = monitors.load("GM0957")
    assert m.name == "Roermond" and not m.is_cbs_only
    assert [k.table for k in m.kpi_sets] == ["Bijlage 2A", "Bijlage 1", "Bijlage 2B", "Bijlage 2C"]
    assert m.wijk_set().id == "kpis_per_wijk" and len(m.wijk_set().indicators) == 14
    assert m.region_gemeenten() == ["GM0957", "GM1711", "GM1641", "GM1669"]


@pytest.mark.parametrize("code,name,n_wijken", [("GM1711", "Echt-Susteren", 11), ("GM1641", "Maasgouw", 8),
                                                ("GM1669", "Roerdalen", 6)])
def test_mlo_gemeenten_get_the_cbs_only_monitor_with_their_region(code, name, n_wijken):
    m = monitors.load(code)
    assert m.is_cbs_only and m.name == name
    assert [r.name for r in m.regions] == ["Midden-Limburg Oost"]
    assert len(gemeenten.wijken(code)) == n_wijken


def test_every_gemeente_of_the_boundary_data():
    codes = gemeenten.codes()
    assert len(codes) == 342 and "GM0998" not in codes  # 343 in the wijk file, less 'Buitenland'
    assert gemeenten.name("GM0363") == "Amsterdam"


def test_wijk_codes_with_letters():
    assert check_wijkcode("WK0363AA") == "WK0363AA"
    assert "WK0363AA" in set(gemeenten.wijken("GM0363")["wijkcode"])


def test_unknown_gemeente_names_the_closest():
    with pytest.raises(UnknownAreaError, match=r"onbekende gemeente 'GM0958'; bedoelt u: .*GM0957 Roermond"):
        monitors.load("GM0958")
    with pytest.raises(UnknownAreaError, match="GM0363 Amsterdam"):
        gemeenten.check("Amsterdm")


def _monitor_file(raw_copy):
    return raw_copy / "GM0957" / "monitor.yml"


@pytest.mark.parametrize("old,new,message", [
    ("debt_signals_count, debt_restructuring_count", "debt_signals_count, poverty",
     r"monitor.yml: kpi_sets\[0\] \(kiezen_voor_kansen\): onbekende indicator\(en\) \['poverty'\]"),
    ("regions: [Midden-Limburg Oost]", "regions: [Noord-Limburg]", r"monitor.yml: regions: onbekende regio 'Noord-Limburg'"),
    ("measurements: .", "measurements: metingen", r"monitor.yml: measurements: map 'metingen' bestaat niet"),
    ("series: kiezen_voor_kansen\n    areas: [gemeente, land]", "series: kvk\n    areas: [gemeente, land]",
     r"onbekende reeks 'kvk'"),
    ("name: Roermond", "name: Roermond\n  bad: [", r"monitor.yml, regel \d+: geen geldige YAML"),
])
def test_bad_monitor_definition_is_one_line(raw_copy, old, new, message):
    path = _monitor_file(raw_copy)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(SourceError, match=message):
        monitors.load("GM0957")


def test_region_with_unknown_gemeente(raw_copy):
    path = raw_copy / "regions.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("GM1669", "GM9999"), encoding="utf-8")
    with pytest.raises(SourceError, match=r"regions.yml: regio 'Midden-Limburg Oost': onbekende gemeente 'GM9999'"):
        monitors.load("GM1711")
