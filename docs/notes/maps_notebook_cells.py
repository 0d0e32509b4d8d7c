import json, sys
R = {
 "maps.choropleth(obs, indicator, meting=meting, gemeentecode=gemeentecode)": "maps.choropleth(obs, indicator, gemeentecode, meting=meting)",
 "maps.ranked_bars(obs, indicator, meting=meting)": "maps.ranked_bars(obs, indicator, gemeentecode, meting=meting)",
 "maps.small_multiples(obs, wijk_kpis, meting=meting, gemeentecode=gemeentecode)": "maps.small_multiples(obs, wijk_kpis, gemeentecode, meting=meting)",
 "maps.explorer(obs, wijk_kpis, gemeentecode=gemeentecode)": "maps.explorer(obs, wijk_kpis, gemeentecode)",
 "maps.roermond_vs_nederland(obs, 'bijlage_2a', meting=1)": "maps.gemeente_vs_nederland(obs, gemeentecode, observations.indicators_of(obs, 'bijlage_2a'))",
 "maps.choropleth(obs, IND, meting=1) | maps.ranked_bars(obs, IND, meting=1)": "maps.choropleth(obs, IND, gemeentecode, meting=1) | maps.ranked_bars(obs, IND, gemeentecode, meting=1)",
 "maps.choropleth(obs, 'households_social_minimum_pct', year=2022)": "maps.choropleth(obs, 'households_social_minimum_pct', gemeentecode, year=2022)",
 "maps.wijk_vs_references(tab, wijknaam, meting=1)": "maps.wijk_vs_references(tab, wijknaam, maps.area_name(obs, gemeentecode), meting=1)",
}
for n in sys.argv[1:]:
    nb = json.load(open(n))
    for c in nb["cells"]:
        if c["cell_type"] == "code":
            src = "".join(c["source"])
            for a, b in R.items():
                src = src.replace(a, b)
            c["source"] = src
    json.dump(nb, open(n, "w"), indent=1, ensure_ascii=False)
