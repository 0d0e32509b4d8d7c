"""Downloads that hold: retries with backoff, refused answers never cached, atomic cache with
sidecar, paging, refresh, PDOK layers per year and cache names for what a file holds.

Answers are real: the v4 pages are cut from the mirror's 83841NED bulk export (same rows and
values in the feed's JSON envelope), the WFS answer is the mirror's Roermond 2024 file (downloaded
from the PDOK WFS), the error answer is a recorded OData error (tests/fixtures/README.md).
Timeouts come from a fake transport.
"""
import csv
import json
import urllib.parse
from pathlib import Path

import pytest

from analysis.core import paths
from analysis.core.errors import SourceError, SourceWarning
from analysis.sources import cbs, cbs_v4, download, pdok

FIXTURES = Path(__file__).parent / "fixtures"
V4 = "https://datasets.cbs.nl/odata/v1/CBS/83841NED"


@pytest.fixture(autouse=True)
def _fresh(monkeypatch, tmp_path):
    download.reset()
    slept = []
    monkeypatch.setattr(download, "sleep", slept.append)
    monkeypatch.delenv(download.OFFLINE_ENV, raising=False)
    monkeypatch.setattr(cbs_v4, "CACHE_DIR", tmp_path / "cache")
    monkeypatch.setattr(paths, "GEO_DIR", tmp_path / "geo")
    yield slept
    download.reset()


def _mirror_rows(name):
    path = paths.mirror_dir() / "cbs" / "odata4_83841NED" / name
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=";"))


def _typed(row):
    """A CSV row of the bulk export as the JSON feed types it (numbers, nulls)."""
    out = {}
    for k, v in row.items():
        if k in ("Id", "Index") and v.lstrip("-").isdigit():
            out[k] = int(v)
        elif k == "Value":
            out[k] = float(v.replace(",", ".")) if v else None
        else:
            out[k] = v if v != "" else None
    return out


class V4Feed:
    """Serves the mirror export as datasets.cbs.nl pages of `page` observations."""

    def __init__(self, page=5000):
        self.page = page
        self.calls = []
        dims = _mirror_rows("Dimensions.csv")
        self.docs = {f"{V4}/Dimensions": [_typed(r) for r in dims],
                     f"{V4}/MeasureCodes": [_typed(r) for r in _mirror_rows("MeasureCodes.csv")]}
        for d in dims:
            self.docs[f"{V4}/{d['Identifier']}Codes"] = [_typed(r) for r in _mirror_rows(f"{d['Identifier']}Codes.csv")]
        self.props = _typed(_mirror_rows("Properties.csv")[0])
        self.obs = [_typed(r) for r in _mirror_rows("Observations.csv")]

    def __call__(self, url, timeout):
        self.calls.append(url)
        base, _, query = url.partition("?")
        if base == f"{V4}/Properties":
            return json.dumps({"@odata.context": f"{V4}/$metadata#Properties", **self.props}).encode()
        if base == f"{V4}/Observations":
            skip = int(urllib.parse.parse_qs(query).get("$skip", ["0"])[0])
            doc = {"@odata.context": f"{V4}/$metadata#Observations", "value": self.obs[skip: skip + self.page]}
            if skip + self.page < len(self.obs):
                doc["@odata.nextLink"] = f"{V4}/Observations?$skip={skip + self.page}"
            return json.dumps(doc).encode()
        return json.dumps({"@odata.context": f"{base}/$metadata", "value": self.docs[base]}).encode()


def test_v4_client_pages_and_writes_a_readable_export(tmp_path):
    feed = V4Feed()
    folder = cbs_v4.download_bulk("83841NED", tmp_path / "odata4_83841NED", transport=feed)
    obs_calls = [c for c in feed.calls if "/Observations" in c]
    assert len(obs_calls) == 3 and obs_calls[1].endswith("$skip=5000")  # 11,460 rows in pages of 5,000
    t = cbs_v4.read_bulk(folder)
    mirror = cbs_v4.read_bulk(paths.mirror_dir() / "cbs" / "odata4_83841NED")
    assert len(t.observations) == len(mirror.observations) == 11460
    assert t.observations["Value"].equals(mirror.observations["Value"])
    meta = json.loads(download.sidecar(folder / "Observations.csv").read_text())
    assert meta["rows"] == 11460 and meta["sha256"] == download.sha256(folder / "Observations.csv")


def test_v4_refresh_fetches_again_and_gives_the_same_series():
    feed = V4Feed()
    fresh = cbs_v4.national_low_income(refresh=True, transport=feed)
    assert feed.calls and (cbs_v4.CACHE_DIR / "odata4_83841NED" / "Observations.csv").is_file()
    assert fresh.drop(columns="source").equals(
        cbs_v4.national_low_income(transport=lambda *a: pytest.fail("cache must be used")).drop(columns="source"))


def test_retries_with_exponential_backoff_then_success(_fresh):
    answers = [TimeoutError("timed out"), TimeoutError("timed out"), V4Feed()]

    def transport(url, timeout):
        assert timeout == download.TIMEOUT
        a = answers.pop(0) if len(answers) > 1 else answers[0]
        if isinstance(a, Exception):
            raise download.TransientError(str(a))
        return a(url, timeout)

    doc = download.get_json(f"{V4}/MeasureCodes", transport=transport)
    assert [r["Identifier"] for r in doc["value"]] == ["1050010_1", "1050010_2"]
    assert _fresh == [1.0, 2.0]


def test_timeouts_exhaust_retries_and_name_the_url(_fresh):
    def transport(url, timeout):
        raise download.TransientError("timed out")

    with pytest.raises(download.DownloadError, match=r"datasets\.cbs\.nl/odata/v1/CBS/83841NED/Dimensions: download "
                                                     r"failed: timed out \(after 3 attempts\)"):
        cbs_v4.download_bulk("83841NED", Path("/nonexistent"), transport=transport)
    assert _fresh == [1.0, 2.0]
    # The host is not asked again in this process.
    with pytest.raises(download.DownloadError, match="datasets.cbs.nl failed earlier in this run"):
        download.get_json(f"{V4}/Properties", transport=lambda *a: pytest.fail("asked again"))


def test_error_answer_is_refused_and_never_cached(tmp_path):
    body = (FIXTURES / "odata_error_recorded.json").read_bytes()
    with pytest.raises(download.DownloadError, match=r"83841NED/Dimensions: error answer: The table specified"):
        cbs_v4.download_bulk("83841NED", tmp_path / "out", transport=lambda url, t: body)
    assert not (tmp_path / "out").exists()


def test_empty_answer_is_retried_then_refused(tmp_path, _fresh):
    with pytest.raises(download.DownloadError, match=r"download failed: empty answer \(after 3 attempts\)"):
        download.get_json(f"{V4}/Dimensions", transport=lambda url, t: b"")
    feed = V4Feed()
    feed.obs = []
    with pytest.raises(download.DownloadError, match=r"Observations\.csv\): empty answer \(0 rows\); not cached"):
        cbs_v4.download_bulk("83841NED", tmp_path / "out", transport=feed)
    assert not (tmp_path / "out" / "Observations.csv").exists()


def test_offline_env_skips_the_network(monkeypatch):
    monkeypatch.setenv(download.OFFLINE_ENV, "1")
    with pytest.raises(download.DownloadError, match="WIJKMONITOR_OFFLINE is set"):
        download.get_json(f"{V4}/Properties", transport=lambda *a: pytest.fail("network used"))


def test_cbs_download_failure_is_a_warning_when_the_mirror_has_core_figures(monkeypatch, tmp_path):
    import cbsodata

    monkeypatch.setattr(cbs, "CACHE_DIR", tmp_path)
    monkeypatch.setattr(cbsodata, "get_data", lambda *a, **k: (_ for _ in ()).throw(OSError("CBS API down")))
    with pytest.warns(SourceWarning) as rec:
        out = cbs.observations("GM1711", (2022, 2024), national=False)
    msgs = [str(w.message) for w in rec]
    assert any("kwb_2022_GM1711.csv" in m and "download failed: CBS API down" in m for m in msgs)
    assert any("85984NED" in m and "using the partial mirror extract" in m for m in msgs)
    assert set(out.dataset) == {"kwb_2024"}
    assert not list(tmp_path.glob("kwb_*"))  # nothing cached from a failed download
    with pytest.raises(SourceError, match="kwb_2022_GM1711.csv.*download failed"):
        cbs.observations("GM1711", (2022,), national=False)  # no core figures at all: an error


def test_cbs_empty_answer_not_cached(monkeypatch, tmp_path):
    import cbsodata

    monkeypatch.setattr(cbs, "CACHE_DIR", tmp_path)
    monkeypatch.setattr(cbsodata, "get_data", lambda *a, **k: [])
    with pytest.raises(SourceError, match=r"kwb_2019_GM0957\.csv.*empty answer; not cached"):
        cbs.kwb_observations(2019, "GM0957")
    assert not (tmp_path / "kwb_2019_GM0957.csv").exists()


def test_pdok_layer_names_per_year():
    assert pdok.wfs_layer("wijk", 2020) == "wijkenbuurten2020:cbs_wijken_2020"
    assert pdok.wfs_layer("buurt", 2021) == "wijkenbuurten2021:cbs_buurten_2021"
    assert pdok.wfs_layer("wijk", 2022) == "wijkenbuurten:wijken"
    with pytest.raises(SourceError, match=r"no wijkenbuurten WFS for 2019.*GeoPackage.*wijkbuurtkaart_2019\.gpkg"):
        pdok.wfs_layer("wijk", 2019)


def test_pdok_download_cached_under_what_it_holds(monkeypatch):
    body = (paths.mirror_dir() / "geo" / "roermond_wijken_2024_geoinzicht_wgs84.geojson").read_bytes()
    calls = []

    def transport(url, timeout):
        calls.append(urllib.parse.parse_qs(urllib.parse.urlsplit(url).query))
        return body

    monkeypatch.setattr(pdok, "mirror_candidates", lambda *a: [])
    monkeypatch.setattr(pdok, "TRANSPORT", transport)
    g = pdok.load_boundaries("wijk", 2024, "GM0957")
    assert sorted(g.wijkcode) == [f"WK0957{i:02d}" for i in range(10)]
    assert calls[0]["typeNames"] == ["wijkenbuurten:wijken"] and "GM0957" in calls[0]["filter"][0]
    cached = paths.GEO_DIR / "wijk_2024_GM0957.geojson"
    assert cached.is_file() and json.loads(download.sidecar(cached).read_text())["rows"] == 10
    # A gemeente-level download is not filtered on one gemeente: it is all of NL.
    assert "filter" not in urllib.parse.parse_qs(urllib.parse.urlsplit(pdok.wfs_url("gemeente", 2024, None)).query)
    assert pdok.cache_name("gemeente", 2024, "GM0957") == "gemeente_2024_NL.geojson"


def test_pdok_empty_answer_not_cached(monkeypatch):
    doc = json.loads((paths.mirror_dir() / "geo" / "roermond_wijken_2024_geoinzicht_wgs84.geojson").read_text())
    doc["features"] = []
    with pytest.raises(download.DownloadError, match="no features for GM1711; not cached"):
        pdok.download_wfs("wijk", 2024, "GM1711", paths.GEO_DIR / "wijk_2024_GM1711.geojson",
                          transport=lambda url, t: json.dumps(doc).encode())
    assert not (paths.GEO_DIR / "wijk_2024_GM1711.geojson").exists()
