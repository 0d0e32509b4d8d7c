"""Statements in Dutch prose: values with unit, period, indicator and area; trend and comparison claims.

Linking is deliberately strict. Each link carries `strong`: a value may only be called wrong
when indicator, area and period are all strong (named in the sentence, or an explicit
'dit'/'deze'/'hiermee' back to the previous sentence; the gemeente when no area is named).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from analysis.textcheck.document import Sentence

NL_CODE = "NL00"

_NUM = re.compile(r"(?<![\w.,/-])(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?(?![\w/-]|,\d)")
_UNIT = re.compile(r"^\s*(%|‰|procentpunten|procentpunt|procent|per\s+(?:10\.?000|1\.?000|100)\b)")
_YEAR = re.compile(r"(?<![\w/.,-])((?:19|20)\d{2})(?:\s*/\s*((?:19|20)\d{2}))?(?![\w%‰-]|,\d)")
_METING = re.compile(r"\b(\d)-meting\b|\bnulmeting\b")
_RATE = re.compile(r"\bper\s+(10\.?000|1\.?000|100)\b")
_MONTHS = "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december"
_AFTER_GAP = re.compile(rf"^\s*(?:%|‰)?\s*[(,]?\s*(?:(?:in|anno|gemeten in|schooljaar|meetjaar)\s+)?(?:(?:{_MONTHS})\s+)?$")
_YEAR_METING_GAP = re.compile(r"^\s*[(,]\s*$")
_SKIP_BEFORE = re.compile(r"(?:\b(?:groep|aanpak|hst|hoofdstuk|artikel|klas|nummer|wijk|bijlage|pagina|regel|per|tot)\s+|\bruim\s+|[€$]\s*)$", re.I)
_AGE_AFTER = re.compile(r"^\s*(?:jaar|jaren|weken|maanden|dagen|uur|minuten|gesprekken|uitzonderingen)\b")
_THRESHOLD_AFTER = re.compile(r"^\s*%?\s*van\s+het\s+(?:wettelijk\s+)?sociaal\s+minimum")
_CHANGE_BEFORE = re.compile(r"\b(?:gestegen|gedaald|toegenomen|afgenomen|opgelopen|gegroeid|verminderd|gezakt)\s+met\s+$")
_ANAPHOR = re.compile(r"\b(?:dit|deze|dat percentage|dit percentage|hiermee|daarmee|hierbij)\b", re.I)
_PLURAL_REF = re.compile(r"\b(?:de eerste (?:twee|drie)|beide|de laatste (?:twee|drie)|deze percentages)\b", re.I)

TRENDS = [  # (regex on normalised text, claim)
    (r"\bgeen\s+(?:daling|afname)\b", "not_down"),
    (r"\bgeen\s+(?:stijging|toename)\b", "not_up"),
    (r"\b(?:gelijk|stabiel)\s+(?:is\s+)?gebleven\b", "same"),
    (r"\b(?:gestegen|steeg|stijgt|stijging|stijgende?|toegenomen|toename|opgelopen|gegroeid)\b", "up"),
    (r"\b(?:gedaald|daalde|daalt|daling|dalende?|afgenomen|afname|gezakt)\b", "down"),
]
TREND_WORDS = {"up": "gestegen", "down": "gedaald", "same": "gelijk gebleven",
               "not_down": "geen daling", "not_up": "geen stijging"}
_NL_CLAIM = re.compile(
    r"\b(boven|onder|hoger dan|lager dan)\s+(?:het\s+|de\s+)?(?:landelijk|landelijke|nationaal|nationale|nederlands|nederlandse)\b"
    r"(?:\s+(?:gemiddelde|gemiddeld|niveau|cijfer|percentage))?"
    r"|\b(hoger|lager)\s+dan\s+(?:in\s+)?(?:nederland|landelijk)\b")
_NL_WORDS = re.compile(r"\bNederland\b|\blandelijk\b|\blandelijke\s+(?:gemiddelde|cijfer|percentage|niveau)\b"
                       r"|\bnationaal\s+(?:gemiddelde|niveau|cijfer)\b", re.I)
# Places the data do not cover, and 'landelijke <programma>': a value near them is not the gemeente's.
_OTHER_AREA = re.compile(r"\b(?:regio|regionaal|regionale|provincie|provinciaal|provinciale|Limburg|Midden-Limburg|"
                         r"Noord-Limburg|Europa|Europese|wereldwijd|landelijke|nationale)\b", re.I)
_WIJK_CUE = re.compile(r"\b(?:in|wijk|wijken|buurt)\s+(?:de\s+wijk\s+)?$", re.I)
_SUBGROUP = re.compile(r"\b(jongeren|ouderen|\d+-plussers|mannen|vrouwen|meisjes|jongens|kinderen|leerlingen|studenten|"
                       r"senioren|statushouders|alleenstaanden|gezinnen|werkenden|werklozen|mbo'ers|hbo'ers)\b", re.I)
_APPROX = re.compile(r"\b(?:meer dan|minder dan|ruim|bijna|ongeveer|circa|ca\.|zo'n|rond de|ten minste|tenminste|"
                     r"minimaal|maximaal|nagenoeg|vrijwel|boven de|onder de|tot wel|gemiddeld)\s+$", re.I)
_REF_YEAR = re.compile(r"\b(?:sinds|vanaf|t\.o\.v\.|ten opzichte van|vergeleken met)\s+(?:(?:het\s+)?(?:school)?jaar\s+)?$", re.I)
_NL_TREND_REF = re.compile(r"(?:landelijke|nationale)\s+trend|trend\s+die\s+in\s+nederland|op\s+nationaal\s+niveau|in\s+nederland\s+zichtbaar|\bin\s+lijn\s+met\b|\bovereen\s+met\b")


@dataclass
class Period:
    year: int | None = None
    meting: int | None = None
    label: str = ""
    strong: bool = True


@dataclass
class Item:
    """One row to check: a value ('value' / 'change') or a claim ('trend' / 'versus_nl')."""
    kind: str
    line: int
    sentence: int
    pos: int
    indicator: str | None = None
    ind_strong: bool = False
    area: str | None = None
    area_strong: bool = False
    value: float | None = None
    decimals: int = 0
    unit: str | None = None  # '%', '‰', 'per 1000', 'per 100', 'per 10000', 'procentpunt' or None
    text: str = ""
    period: Period = field(default_factory=Period)
    claim: str | None = None  # trend: up/down/same/not_up/not_down; versus_nl: above/below
    notes: list[str] = field(default_factory=list)
    refs: list["Item"] = field(default_factory=list)  # the values a claim is about (from, to)
    since: Period | None = None


def normalise(s: str) -> tuple[str, list[int]]:
    """Lower case, typographic quotes plain, soft hyphens inside words dropped ('onder-steuning')."""
    out, idx = [], []
    for i, ch in enumerate(s):
        if (ch == "-" and i >= 2 and s[i - 1].isalpha() and s[i - 2].isalpha() and s[i - 1].islower()
                and i + 1 < len(s) and s[i + 1].islower()):
            continue
        c = {"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " "}.get(ch, ch).lower()[:1] or ch
        out.append(c)
        idx.append(i)
    return "".join(out), idx


class Linker:
    """Finds statements in sentences using catalogue phrases and the known area names."""

    def __init__(self, phrases: dict[str, list[str]], units: dict[str, str], areas: dict[str, str],
                 default_area: str | None, labels: dict[str, str] | None = None, others: list[str] = ()):
        pats = []
        for ind, words in phrases.items():
            for w in words:
                n, _ = normalise(w)
                pats.append((len(n), n, ind))
        pats.sort(reverse=True)
        self.phrases = [(re.compile(r"(?<![\w])" + re.escape(n) + r"(?![\w])"), ind) for _, n, ind in pats]
        self.units = units
        # Area names are matched case-sensitively, longest first ('Roermond-Oost' before 'Roermond').
        names = sorted(areas, key=len, reverse=True)
        self.area_re = re.compile(r"(?<![\w-])(" + "|".join(re.escape(n) for n in names) + r")(?![\w-])") if names else None
        self.areas = areas
        self.default_area = default_area
        self.labels = {k: (v or "").lower() for k, v in (labels or {}).items()}
        names = sorted((n for n in others if n and n not in areas), key=len, reverse=True)
        self.others_re = re.compile(r"(?<![\w-])(" + "|".join(re.escape(n) for n in names) + r")(?![\w-])") if names else None

    # --- pieces of one sentence -------------------------------------------------------------
    def _phrases(self, s: Sentence) -> list[tuple[int, int, str]]:
        norm, idx = normalise(s.text)
        taken: list[tuple[int, int]] = []
        out = []
        for rx, ind in self.phrases:
            for m in rx.finditer(norm):
                a, b = idx[m.start()], idx[m.end() - 1] + 1
                if any(a < y and x < b for x, y in taken):
                    continue
                taken.append((a, b))
                out.append((a, b, ind))
        return sorted(out)

    def _areas(self, s: Sentence, claim_spans: list[tuple[int, int]]) -> tuple[list[tuple[int, str]], bool]:
        """Area mentions (position, code), and whether some other place is named too."""
        out, other = [], False
        if self.area_re:
            for m in self.area_re.finditer(s.text):
                code = self.areas[m.group(1)]
                if code.startswith("WK") and not _WIJK_CUE.search(s.text[:m.start()]):
                    other = True  # 'Centrum voor Jeugd en Gezin' is no wijk
                    continue
                out.append((m.start(), code))
        nl_spans = []
        for m in _NL_WORDS.finditer(s.text):
            if not any(a <= m.start() < b for a, b in claim_spans):
                out.append((m.start(), NL_CODE))
            nl_spans.append((m.start(), m.end()))
        for m in _OTHER_AREA.finditer(s.text):
            if not any(a <= m.start() < b for a, b in nl_spans + claim_spans):
                other = True
        if self.others_re and self.others_re.search(s.text):
            other = True
        return sorted(out), other

    @staticmethod
    def _periods(s: Sentence) -> tuple[list[dict], list[dict]]:
        years = [{"pos": m.start(), "end": m.end(), "year": int(m.group(2) or m.group(1)),
                  "label": m.group(0).replace(" ", ""), "meting": None, "claimed": False,
                  "ref": bool(_REF_YEAR.search(s.text[:m.start()]))}
                 for m in _YEAR.finditer(s.text)]
        metings = [{"pos": m.start(), "end": m.end(), "meting": int(m.group(1)) if m.group(1) else 0, "used": False}
                   for m in _METING.finditer(s.text)]
        for y in years:
            for mt in metings:
                if mt["pos"] >= y["end"] and _YEAR_METING_GAP.match(s.text[y["end"]:mt["pos"]]):
                    y["meting"] = mt["meting"]
                    mt["used"] = True
        return years, metings

    def _numbers(self, s: Sentence, phrase_spans) -> list[dict]:
        out = []
        for m in _NUM.finditer(s.text):
            if any(a <= m.start() < b for a, b, _ in phrase_spans):
                continue  # part of a KPI name ('tot 120% sociaal minimum', 'per 1000 inwoners')
            whole, frac = m.group(1), m.group(2)
            value = float(whole.replace(".", "") + ("." + frac if frac else ""))
            after = s.text[m.end():]
            um = _UNIT.match(after)
            unit = None
            end = m.end()
            if um:
                u = um.group(1).lower().replace(".", "").replace(" ", "")
                unit = {"procent": "%", "procentpunten": "procentpunt", "per10000": "per 10000",
                        "per1000": "per 1000", "per100": "per 100"}.get(u, u)
                end = m.end() + um.end()
            before = s.text[:m.start()]
            if unit is None:
                if frac is None and 1990 <= value <= 2035:
                    continue  # a year
                if _SKIP_BEFORE.search(before) or (_AGE_AFTER.match(after) and frac is None):
                    continue
            if _THRESHOLD_AFTER.match(after):
                continue
            if re.search(r"\d-\s*$", before) or re.match(r"^-meting", after):
                continue
            kind = "change" if (_CHANGE_BEFORE.search(before.lower()) or unit == "procentpunt") else "value"
            out.append({"pos": m.start(), "end": end, "value": value, "decimals": len(frac or ""),
                        "unit": unit, "text": s.text[m.start():end].strip(), "kind": kind})
        return out

    # --- the statements of a document -------------------------------------------------------
    def items(self, sentences: list[Sentence]) -> list[Item]:
        items: list[Item] = []
        ctx: dict | None = None  # {'indicator', 'sentence', 'values': [Item]}
        for k, s in enumerate(sentences):
            if ctx and k - ctx["sentence"] > 2:
                ctx = None
            st = self._sentence(s, k, ctx)
            sentence_items = self._value_items(st)
            items += sentence_items
            values = [it for it in sentence_items if it.kind == "value" and it.indicator]
            for ch in sentence_items:
                if ch.kind == "change" and ch.indicator:
                    earlier = [v for v in values if v.indicator == ch.indicator and v.pos < ch.pos] or \
                              [v for v in (ctx["values"] if ctx else []) if v.indicator == ch.indicator]
                    ch.refs = earlier[-1:]
            # Claims: trends ('gestegen', 'gedaald', 'gelijk gebleven') and comparisons with Nederland.
            claim_ind, claim_strong = (next(iter(st.inds)), True) if len(st.inds) == 1 else (None, False)
            if not st.inds and ctx and not st.plural_ref:
                claim_ind, claim_strong = ctx["indicator"], st.anaphor
            prior = [v for v in (ctx["values"] if ctx else []) if v.indicator == claim_ind]
            items += self._trend_items(st, values, sentence_items, prior, claim_ind, claim_strong)
            items += self._versus_nl_items(st, values, prior, claim_ind, claim_strong)
            ctx = _next_context(ctx, st, values)
        return items

    def _sentence(self, s: Sentence, k: int, ctx: dict | None) -> _Sentence:
        """What one sentence holds: phrases, areas, periods, numbers, and how it refers back."""
        low = s.text.lower()
        legend = bool(re.search(r"\bboven\b", low) and re.search(r"\bonder\b", low))
        norm_claims = [] if legend else list(_NL_CLAIM.finditer(low)) + list(re.finditer(_NL_TREND_REF, low))
        phrases = self._phrases(s)
        areas, other_area = self._areas(s, [(m.start(), m.end()) for m in norm_claims])
        years, metings = self._periods(s)
        return _Sentence(s, k, low, legend, phrases, areas, other_area, years, metings, self._numbers(s, phrases),
                         {p[2] for p in phrases}, ctx, bool(_ANAPHOR.search(s.text)), bool(_PLURAL_REF.search(s.text)),
                         _RATE.search(s.text))

    def _link(self, st: _Sentence, pos: int) -> tuple[str | None, bool, str]:
        """The indicator of a value at `pos`, whether that is certain, and why not."""
        if len(st.inds) == 1:
            return next(iter(st.inds)), True, ""
        if len(st.inds) > 1:
            before = [p for p in st.phrases if p[0] <= pos]
            p = before[-1] if before else min(st.phrases, key=lambda p: abs(p[0] - pos))
            return p[2], False, "meer dan één KPI in de zin"
        if st.ctx and not st.plural_ref:
            return st.ctx["indicator"], st.anaphor, "" if st.anaphor else "KPI uit een eerdere zin"
        return None, False, "geen KPI uit de catalogus herkend in de zin"

    def _area_of(self, st: _Sentence, pos: int) -> tuple[str | None, bool]:
        if not st.areas:
            return self.default_area, self.default_area is not None and not st.other_area
        codes = {a for _, a in st.areas}
        if len(codes) == 1:
            return next(iter(codes)), not st.other_area
        before = [a for p, a in st.areas if p <= pos]
        return (before[-1] if before else st.areas[0][1]), False

    def _value_items(self, st: _Sentence) -> list[Item]:
        """The sentence's values and changes, each with its year or meting.

        Numbers pair with years: a year just after the value ('15,5% in 2022'), otherwise the last
        year between the previous value and this one ('In 2016 (0-meting) 25,5%')."""
        s, prev_end, out = st.s, 0, []
        for n in st.numbers:
            year = _year_of_number(st, n, prev_end)
            meting = year["meting"] if year else None
            if meting is None:
                for mt in st.metings:
                    if not mt["used"] and mt["pos"] >= n["end"] and re.match(r"^\s*[(%‰]*\s*$", s.text[n["end"]:mt["pos"]]):
                        meting, mt["used"] = mt["meting"], True
                        break
            label = year["label"] if year else (f"{meting}-meting" if meting is not None else "")
            ind, ind_strong, why = self._link(st, n["pos"])
            area, area_strong = self._area_of(st, n["pos"])
            it = Item(n["kind"], s.line_at(n["pos"]), st.k, n["pos"], ind, ind_strong, area, area_strong,
                      n["value"], n["decimals"], n["unit"] or (_rate_unit(st.rate) if st.rate else None),
                      n["text"], Period(year["year"] if year else None, meting, label))
            if why:
                it.notes.append(why)
            self._qualify(st, it, n)
            prev_end = n["end"]
            if _keep(it, self.units):
                out.append(it)
        # Years not claimed by any value: a lone one serves values without a year (weak).
        free = [y for y in st.years if not y["claimed"]]
        for it in out:
            if it.kind == "value" and it.period.year is None and it.period.meting is None and len(free) == 1:
                it.period = Period(free[0]["year"], free[0]["meting"], free[0]["label"], strong=False)
                it.notes.append("jaar niet direct bij het getal genoemd")
        return out

    def _qualify(self, st: _Sentence, it: Item, n: dict) -> None:
        """Notes that weaken a value: approximation, a subgroup, 'respectievelijk', 'sinds <jaar>'."""
        s = st.s
        if _APPROX.search(s.text[:n["pos"]]):
            it.notes.append(f"benadering ('{_APPROX.search(s.text[:n['pos']]).group(0).strip()}')")
            it.period.strong = False
        sub = [m.group(1) for m in _SUBGROUP.finditer(s.text)
               if not any(a <= m.start() < b for a, b, _ in st.phrases)
               and m.group(1).lower() not in self.labels.get(it.indicator or "", "")]
        if sub:
            it.notes.append(f"deelgroep genoemd ('{sub[0]}')")
            it.ind_strong = False
        if "respectievelijk" in st.low and len(st.numbers) > 1:
            it.notes.append("'respectievelijk': waarden voor verschillende groepen")
            it.ind_strong = False
        if it.kind == "change":
            m = re.search(r"\bsinds\s+((?:19|20)\d{2})", s.text)
            if m:
                it.since = Period(int(m.group(1)), None, m.group(1))
                it.period = Period()
                for y in st.years:
                    if y["pos"] == m.start(1):
                        it.since.meting = y["meting"]

    def _trend_items(self, st: _Sentence, values: list[Item], sentence_items: list[Item], prior: list[Item],
                     claim_ind: str | None, claim_strong: bool) -> list[Item]:
        """Trend claims ('gestegen', 'gedaald', 'gelijk gebleven'), each with the values it is about."""
        s, out = st.s, []
        nl_trend = bool(re.search(r"(?:landelijke|nationale)\s+trend|\bnederland\b|\blandelijk\b|nationaal\s+niveau", st.low))
        trend_hits = _trend_hits(s.text)
        used: set[int] = set()
        for j, (p, e, claim) in enumerate(trend_hits):
            if claim_ind is None and not st.plural_ref:
                continue  # 'gelijk gebleven' in general prose is no KPI claim
            stop = trend_hits[j + 1][0] if j + 1 < len(trend_hits) else len(s.text)
            own = [v for v in values if v.indicator == claim_ind]
            after = [v for v in own if p <= v.pos < stop]
            refs, since = _trend_refs(st, trend_hits, j, stop, own, after, prior, used)
            used.update(id(r) for r in refs)
            if any(v.kind == "change" and v.indicator == claim_ind for v in sentence_items) and not after:
                continue  # 'gestegen met 5,4%' is checked as a change value
            area = NL_CODE if (nl_trend and not after) else (refs[-1].area if refs else self.default_area)
            it = Item("trend", s.line_at(p), st.k, p, claim_ind, claim_strong, area,
                      bool(refs) and all(r.area_strong for r in refs) if area != NL_CODE else True,
                      text=s.text[p:e], claim=claim, refs=refs, since=since)
            if claim_ind is None:
                it.notes.append("geen KPI herkend" if not st.plural_ref else "verwijst naar meerdere eerdere cijfers")
            if st.plural_ref:
                it.ind_strong = False
            out.append(it)
        return out

    def _versus_nl_items(self, st: _Sentence, values: list[Item], prior: list[Item], claim_ind: str | None,
                         claim_strong: bool) -> list[Item]:
        """Comparisons with Nederland ('boven het landelijk gemiddelde'); none in a legend."""
        s, out = st.s, []
        for m in ([] if st.legend else _NL_CLAIM.finditer(st.low)):  # a legend: 'groen is onder, rood boven'
            word = (m.group(1) or m.group(2) or "").split()[0]
            refs = [v for v in values if v.indicator == claim_ind and v.area != NL_CODE] or \
                   [v for v in prior if v.area != NL_CODE]
            it = Item("versus_nl", s.line_at(m.start()), st.k, m.start(), claim_ind, claim_strong and not st.plural_ref,
                      refs[-1].area if refs else self.default_area, bool(refs) and refs[-1].area_strong,
                      text=s.text[m.start():m.end()], claim="above" if word in ("boven", "hoger") else "below",
                      refs=refs[-1:])
            if st.plural_ref:
                it.notes.append("verwijst naar meerdere eerdere cijfers")
            out.append(it)
        return out


@dataclass
class _Sentence:
    """One sentence as the Linker reads it."""
    s: Sentence
    k: int
    low: str
    legend: bool
    phrases: list
    areas: list
    other_area: bool
    years: list[dict]
    metings: list[dict]
    numbers: list[dict]
    inds: set
    ctx: dict | None
    anaphor: bool
    plural_ref: bool
    rate: re.Match | None


def _year_of_number(st: _Sentence, n: dict, prev_end: int) -> dict | None:
    """The year a number is about (claimed, so no other number takes it)."""
    s = st.s
    from_value = bool(re.search(r"\bvan\s+$", s.text[:n["pos"]]))
    between = [y for y in st.years if prev_end <= y["pos"] < n["pos"] and not y["claimed"]
               and (not y["ref"] or from_value)]
    after = [y for y in st.years if y["pos"] >= n["end"] and not y["claimed"] and not y["ref"]
             and _AFTER_GAP.match(s.text[n["end"]:y["pos"]])]
    year = between[-1] if between else (after[0] if after else None)
    if year:
        year["claimed"] = True
    return year


def _trend_hits(text: str) -> list[tuple[int, int, str]]:
    """(start, end, claim) of each trend word in the sentence, in order, without overlaps."""
    hits = []
    norm, nidx = normalise(text)
    for rx, claim in TRENDS:
        for m in re.finditer(rx, norm):
            p = nidx[m.start()]
            if not any(a <= p < b for a, b, _ in hits):
                hits.append((p, nidx[m.end() - 1] + 1, claim))
    return sorted(hits)


def _trend_refs(st: _Sentence, trend_hits, j: int, stop: int, own: list[Item], after: list[Item],
                prior: list[Item], used: set[int]) -> tuple[list[Item], Period | None]:
    """The values a trend claim compares (and 'sinds <jaar>' / 'ten opzichte van <jaar>')."""
    p = trend_hits[j][0]
    before = [v for v in own if v.pos < p]
    refs = []
    if len(after) >= 2:
        refs = [after[0], after[-1]]
    elif len(after) == 1:
        earlier = before or prior
        refs = [earlier[-1], after[0]] if earlier else []
    elif len(before) >= 2 and not used:
        refs = [before[-2], before[-1]]
    elif not own and len(prior) >= 2:
        refs = [prior[-2], prior[-1]]
    since = None
    m = re.search(r"\bsinds\s+((?:19|20)\d{2})", st.s.text)
    if m and not refs and (own or prior):
        since = Period(int(m.group(1)), None, m.group(1))
        refs = [(own or prior)[-1]]
    years = st.years
    free_here = [y for y in years if not y["claimed"] and trend_hits[j - 1][1] <= y["pos"] < stop] if j else \
        [y for y in years if not y["claimed"] and y["pos"] < stop and not after]
    if not after and free_here and (own or prior):
        # 'ten opzichte van schooljaar 2022/2023 weer een daling': from that year to the last value
        y = free_here[-1]
        since = Period(y["year"], y["meting"], y["label"])
        refs = [(own or prior)[-1]]
    elif not after and used and not since:
        refs = []
    return refs, since


def _next_context(ctx: dict | None, st: _Sentence, values: list[Item]) -> dict | None:
    """The indicator the next sentences may refer back to."""
    if values and len({v.indicator for v in values}) == 1:
        same = ctx and ctx["indicator"] == values[0].indicator
        return {"indicator": values[0].indicator, "sentence": st.k, "values": (ctx["values"] if same else []) + values}
    if len(st.inds) == 1:
        ind = next(iter(st.inds))
        return {"indicator": ind, "sentence": st.k, "values": ctx["values"] if ctx and ctx["indicator"] == ind else []}
    if len(st.inds) > 1:
        return None
    if ctx and (values or st.anaphor):
        ctx["sentence"] = st.k
    return ctx


def _rate_unit(m: re.Match) -> str:
    n = m.group(1).replace(".", "")
    return {"10000": "per 10000", "1000": "per 1000", "100": "per 100"}[n]


def _keep(it: Item, units: dict[str, str]) -> bool:
    """Which numbers are statements: every % or ‰; a bare number only when its KPI is not a %."""
    if it.unit in ("%", "‰", "procentpunt"):
        return True
    if it.indicator is None:
        return False
    cat_unit = units.get(it.indicator, "")
    if cat_unit == "%" and it.unit is None:
        return False
    if cat_unit == "jaren":
        return True
    return it.kind == "value" or it.unit is not None
