"""The plan of a run: the pages of a gemeente's report (pages.yml, checked on load) and its tasks."""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from analysis.batch.failures import RunError
from analysis.core.areas import gemeente_of
from analysis.core.errors import WijkmonitorError

PAGES_FILE = Path(__file__).with_name("pages.yml")
PER = ("gemeente", "wijk")
PARAMETERS = ("gemeentecode", "wijkcode")
_EXAMPLE = {"gemeente": "Roermond", "wijknaam": "Donderberg", "wijkcode": "WK095704"}


class PagesError(WijkmonitorError):
    """pages.yml does not declare the pages as the plan needs them."""


@dataclass(frozen=True)
class Page:
    notebook: str
    name: str
    title: str
    per: str
    parameters: tuple[str, ...]
    label: str | None = None  # link text on the landing pages (None: not linked there)
    about: str | None = None


@dataclass(frozen=True)
class Task:
    notebook: str  # file name in notebooks/
    name: str  # output stem in reports/<GM>/
    title: str
    parameters: dict = field(default_factory=dict)

    @property
    def gemeente(self) -> str:
        """The gemeente a task belongs to: its parameter, else the gemeente of its wijk."""
        if self.parameters.get("gemeentecode"):
            return self.parameters["gemeentecode"]
        if self.parameters.get("wijkcode"):
            return gemeente_of(self.parameters["wijkcode"])
        raise RunError(f"{self.notebook}: parameter 'gemeentecode' ontbreekt")


def _page(i: int, entry, path: Path) -> Page:
    where = f"{path}: pagina {i + 1}"
    if not isinstance(entry, dict):
        raise PagesError(f"{where}: geen tabel met notebook, name, title, per, parameters")
    missing = [k for k in ("notebook", "name", "title", "per", "parameters") if not entry.get(k)]
    unknown = sorted(set(entry) - {"notebook", "name", "title", "per", "parameters", "landing"})
    if missing or unknown:
        raise PagesError(f"{where}: " + (f"sleutel(s) {missing} ontbreken" if missing else f"onbekende sleutel(s) {unknown}"))
    where = f"{path}: pagina {entry['name']!r}"
    if not str(entry["notebook"]).endswith(".ipynb"):
        raise PagesError(f"{where}: notebook {entry['notebook']!r} is geen .ipynb")
    if entry["per"] not in PER:
        raise PagesError(f"{where}: per {entry['per']!r} moet {' of '.join(PER)} zijn")
    params = tuple(entry["parameters"]) if isinstance(entry["parameters"], list) else ()
    if not params or set(params) - set(PARAMETERS):
        raise PagesError(f"{where}: parameters {entry['parameters']!r}: een lijst uit {list(PARAMETERS)}")
    if entry["per"] == "wijk" and ("wijkcode" not in params or "{wijkcode}" not in entry["name"]):
        raise PagesError(f"{where}: een pagina per wijk krijgt parameter wijkcode en {{wijkcode}} in de naam")
    for key in ("name", "title"):
        try:
            str(entry[key]).format(**_EXAMPLE)
        except (KeyError, IndexError, ValueError) as exc:
            raise PagesError(f"{where}: {key} {entry[key]!r}: onbekend veld {exc}; bekend: "
                             f"{', '.join('{' + k + '}' for k in _EXAMPLE)}") from None
    landing = entry.get("landing") or {}
    if landing and not (isinstance(landing, dict) and landing.get("label") and entry["per"] == "gemeente"):
        raise PagesError(f"{where}: landing heeft een label en hoort bij een pagina per gemeente")
    return Page(str(entry["notebook"]), str(entry["name"]), str(entry["title"]), entry["per"], params,
                landing.get("label"), landing.get("about"))


@functools.cache
def _load(path: Path) -> tuple[tuple[Page, ...], tuple[str, ...]]:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise PagesError(f"{path}: geen geldige YAML ({exc})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("pages"), list) or not doc["pages"]:
        raise PagesError(f"{path}: 'pages:' met een lijst van pagina's ontbreekt")
    pages = tuple(_page(i, e, path) for i, e in enumerate(doc["pages"]))
    names = [p.name for p in pages]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise PagesError(f"{path}: pagina {dup[0]!r} staat er meer dan eens in")
    imports = doc.get("imports") or []
    if not isinstance(imports, list) or not all(isinstance(m, str) and m for m in imports):
        raise PagesError(f"{path}: imports: een lijst van modulenamen")
    return pages, tuple(imports)


def pages(path: Path | None = None) -> tuple[Page, ...]:
    """The declared pages, in order."""
    return _load(Path(path or PAGES_FILE))[0]


def notebook_imports(path: Path | None = None) -> tuple[str, ...]:
    """The modules the notebooks import (for the batch kernels' start-up)."""
    return _load(Path(path or PAGES_FILE))[1]


def landing_links(path: Path | None = None) -> list[tuple[str, str, str]]:
    """(stem, label, description) of the pages linked from the landing pages."""
    return [(p.name, p.label, p.about or "") for p in pages(path) if p.label]


def gemeente_tasks(gm: str, label: str, names: dict[str, str], wijken: list[str] | None = None) -> list[Task]:
    """The tasks of one gemeente: each page per gemeente once, each page per wijk for every wijk
    (`wijken`: only those; `names`: wijkcode -> wijknaam)."""
    out = []
    for page in pages():
        codes = [None] if page.per == "gemeente" else list(wijken or names)
        for code in codes:
            fields = {"gemeente": label, "wijknaam": names.get(code, ""), "wijkcode": code or ""}
            values = {"gemeentecode": gm, "wijkcode": code}
            out.append(Task(page.notebook, page.name.format(**fields), page.title.format(**fields),
                            {p: values[p] for p in page.parameters}))
    return out
