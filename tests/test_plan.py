"""pages.yml declares the pages once: the runner's tasks, the landing links and the kernels' imports follow it."""
import pytest

from analysis.batch import plan, runner, startup
from analysis.batch.plan import PagesError


def test_roermond_tasks_follow_pages_yml():
    tasks = runner.tasks_for("GM0957")
    assert [t.name for t in tasks[:3]] == ["overzicht", "indicator_kaart", "wijkprofiel_WK095700"]
    assert tasks[0].title == "Overzicht: Roermond t.o.v. Nederland"
    assert tasks[1].title == "Indicatorkaart per wijk: Roermond"
    donderberg = next(t for t in tasks if t.name == "wijkprofiel_WK095704")
    assert donderberg.title == "Wijkprofiel Donderberg (WK095704)"
    assert donderberg.parameters == {"wijkcode": "WK095704", "gemeentecode": "GM0957"}
    assert len(tasks) == 2 + 10  # Roermond's ten wijken


def test_landing_links_and_kernel_imports_come_from_pages_yml():
    assert plan.landing_links() == [("overzicht", "Overzicht", "de gemeente tegenover Nederland en haar regio"),
                                    ("indicator_kaart", "Indicatorkaart", "één indicator per wijk op de kaart")]
    assert "analysis.rules.period" in startup.NOTEBOOK_IMPORTS
    assert "import analysis.charts.maps" in startup.KERNEL_EXEC_LINES


@pytest.mark.parametrize("edit, message", [
    (("per: wijk", "per: buurt"), r"pages\.yml: pagina 'wijkprofiel_\{wijkcode\}': per 'buurt' moet gemeente of wijk zijn"),
    (("Wijkprofiel {wijknaam}", "Wijkprofiel {wijk}"), r"title .*onbekend veld 'wijk'"),
    (("name: indicator_kaart", "name: overzicht"), r"pagina 'overzicht' staat er meer dan eens in"),
    (("    parameters: [wijkcode, gemeentecode]", "    parameters: [gemeentecode]"),
     r"een pagina per wijk krijgt parameter wijkcode"),
    (("    per: gemeente\n", "    per: gemeente\n    kleur: rood\n"), r"pagina 1: onbekende sleutel\(s\) \['kleur'\]"),
])
def test_a_wrong_pages_yml_is_refused_in_one_line(tmp_path, edit, message):
    bad = tmp_path / "pages.yml"
    bad.write_text(plan.PAGES_FILE.read_text(encoding="utf-8").replace(*edit, 1), encoding="utf-8")
    with pytest.raises(PagesError, match=message):
        plan.pages(bad)
