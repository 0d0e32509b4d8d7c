"""Command line: `python -m analysis build | run | tabellen | sjabloon | check-text | los` (messages in Dutch)."""
from __future__ import annotations

import argparse
import html
import os
import re
import sys
import traceback
import warnings
from pathlib import Path

from analysis.batch.failures import Interrupted, describe
from analysis.core.errors import WijkmonitorError

# Each subcommand imports its own modules inside its function: `python -m analysis --help` or
# `check-text` then starts in 0.05 s instead of the 1.5-3 s the batch runner's imports take
# (python -X importtime analysis.cli vs analysis.batch.runner).


class _Parser(argparse.ArgumentParser):
    """Wrong options: one line (the usage only with --help)."""

    def error(self, message):
        self.exit(2, f"fout: {message} (zie python -m analysis --help)\n")


def _jobs(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"{text}: moet een positief geheel getal zijn (bijv. --jobs 2)")
    return n


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m analysis", description=__doc__)
    parser.add_argument("--debug", action="store_true", help="toon bij fouten de volledige traceback")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="bouw de verwerkte data (data/processed/<GM>/)")
    b.add_argument("--gemeente", nargs="+", default=None, help="CBS-gemeentecode(s) (standaard: elke gemeente met een monitor.yml in data/raw)")
    b.add_argument("--all", action="store_true", help="alle gemeenten")
    b.add_argument("--strict", action="store_true", help="waarschuwingen over de brondata zijn fouten")
    b.add_argument("--refresh", action="store_true", help="opnieuw bouwen, ook als niets veranderde")
    b.add_argument("--debug", action="store_true", default=argparse.SUPPRESS)
    r = sub.add_parser("run", help="voer de notebooks uit naar reports/<GM>/ (parallel, incrementeel)")
    g = r.add_mutually_exclusive_group()
    g.add_argument("--gemeente", nargs="+", default=None, help="gemeentecode(s) (standaard: elke gemeente met een monitor.yml in data/raw)")
    g.add_argument("--all", action="store_true", help="alle gemeenten van Nederland")
    g.add_argument("--regio", help="een regio uit data/raw/regions.yml")
    r.add_argument("--wijk", action="append", help="alleen deze wijkcode(s) (herhaalbaar; één gemeente)")
    r.add_argument("--jobs", type=_jobs, default=None, help="notebooks tegelijk (standaard: aantal CPU's)")
    r.add_argument("--force", action="store_true", help="opnieuw uitvoeren, ook als niets veranderde")
    r.add_argument("--out", default=None, help="map voor de rapporten (standaard reports/)")
    r.add_argument("--scheduler", default=None,
                   help="Dask-scheduler tcp://HOST:PORT (of env WIJKMONITOR_SCHEDULER), of 'local': een Dask LocalCluster met --jobs workers; standaard een lokale procespool")
    r.add_argument("--notebooks", default=None, help="map met de notebooks (standaard notebooks/)")
    r.add_argument("--no-wait", action="store_true", help="weiger meteen als een andere run bezig is")
    r.add_argument("--debug", action="store_true", default=argparse.SUPPRESS)
    los = sub.add_parser("los", help="één zelfstandige HTML-pagina van een uitgevoerd notebook (bijv. voor e-mail)")
    los.add_argument("notebook", help="een uitgevoerd notebook, bijv. reports/<gemeentecode>/wijkprofiel_<wijkcode>.ipynb")
    los.add_argument("-o", "--out", default=None, help="doelbestand (standaard <notebook>.los.html ernaast)")
    los.add_argument("--debug", action="store_true", default=argparse.SUPPRESS)
    t = sub.add_parser("tabellen", help="tabellen (analysis.pages.tables)")
    t.add_argument("rest", nargs=argparse.REMAINDER)
    sj = sub.add_parser("sjabloon", help="meetsjabloon (Excel + CSV) voor de volgende meting (analysis.build.template)")
    sj.add_argument("rest", nargs=argparse.REMAINDER)
    c = sub.add_parser("check-text", help="controleer de getallen in een tekst (analysis.textcheck)")
    c.add_argument("rest", nargs=argparse.REMAINDER)
    return parser


def _build(args) -> int:
    from analysis.batch import fingerprints
    from analysis.batch import runner as run
    from analysis.build import observations

    gms = run.select_gemeenten(args.gemeente, None, args.all)
    kwargs = {"strict": True if args.strict else None, "refresh": args.refresh}
    failed = 0
    caught_per_gm = []
    for gm in gms:
        with warnings.catch_warnings(record=len(gms) > 1) as caught:  # many gemeenten: said once per kind
            if caught is not None:
                warnings.simplefilter("always")
            try:
                res = observations.build(gemeentecode=gm, **kwargs)
                fingerprints.write_stamp(gm)
            except Exception as exc:
                if len(gms) == 1:
                    raise
                failed += 1
                print(f"MISLUKT {gm}: {describe(exc)}", file=sys.stderr)
                continue
            finally:
                if caught is not None:
                    caught_per_gm.append({"gm": gm, "warnings": run.warning_messages(caught)})
        obs = res["observations"]
        print(f"{gm}: {len(obs)} rijen in {res['seconds']:.2f} s")
        if len(gms) == 1:
            for ds, n in obs.groupby("dataset").size().items():
                print(f"  {ds:<28} {n:>6}")
            for f in res.get("files", {}).values():
                print(f"  geschreven: {f}")
    if len(gms) == 1:
        from analysis.pages.webpage import vega_bundle

        print(f"  vega-JS voor de HTML-rapporten: {vega_bundle()}")
    for line in run.build_warnings(caught_per_gm):
        print(line, file=sys.stderr)
    if failed:
        print(f"{failed} van {len(gms)} gemeenten mislukt", file=sys.stderr)
    return 0 if not failed else 1


def _standalone(args) -> int:
    """One self-contained page (vega JS, stylesheet and table downloads inside) of an executed notebook."""
    from analysis.core.atomic import write_text_atomic
    from analysis.pages import webpage

    nb = Path(args.notebook)
    if not nb.is_file() or nb.suffix != ".ipynb":
        raise WijkmonitorError(f"{nb}: geen notebook; geef een uitgevoerd notebook, bijv. reports/<gemeentecode>/wijkprofiel_<wijkcode>.ipynb")
    light = nb.with_suffix(".html")  # the run's page has the title the reader knows
    m = re.search(r"<title>(.*?)</title>", light.read_text(encoding="utf-8"), re.S) if light.is_file() else None
    title = html.unescape(m.group(1)) if m else nb.stem
    page, _ = webpage.to_page(nb, title, rel_static=None, self_contained=True, name=nb.stem)
    out = Path(args.out) if args.out else nb.with_suffix(".los.html")
    write_text_atomic(out, page)
    print(f"{out}: één bestand van {len(page.encode('utf-8')) / 1e3:.0f} KB, werkt zonder internet")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv[:1]
    rest = argv[1:] if debug else argv
    if rest and rest[0] in ("tabellen", "sjabloon", "check-text"):  # their own parsers (and --help) take the rest
        args = argparse.Namespace(command=rest[0], rest=rest[1:], debug=debug)
    else:
        args = _parser().parse_args(argv)
    debug = getattr(args, "debug", False)
    if debug:
        os.environ["WIJKMONITOR_DEBUG"] = "1"
    else:  # a warning is one line for the user, not the library's source line
            warnings.formatwarning = lambda message, category, *a, **k: f"waarschuwing: {message}\n"
    try:
        if args.command == "build":
            return _build(args)
        if args.command == "los":
            return _standalone(args)
        if args.command == "tabellen":
            from analysis.pages import tables

            return int(tables.main(args.rest) or 0)
        if args.command == "sjabloon":
            from analysis.build import template

            return int(template.main(args.rest) or 0)
        if args.command == "check-text":
            from analysis import textcheck

            return int(textcheck.cli(args.rest) or 0)
        from analysis.batch import runner as run

        gms = run.select_gemeenten(args.gemeente, args.regio, args.all)
        if args.wijk and len(gms) != 1:
            raise run.RunError("--wijk: alleen met één gemeente (--gemeente GM…)")
        summary = run.run_all(gemeenten=gms, wijken=args.wijk, jobs=args.jobs, force=args.force,
                              out_dir=args.out, notebook_dir=args.notebooks, scheduler=args.scheduler, wait=not args.no_wait, debug=debug)
        return 0 if not summary["failed"] and not summary["gemeenten_failed"] else 1
    except Interrupted as exc:
        print(exc, file=sys.stderr)
        return 130
    except KeyboardInterrupt:
        print("afgebroken", file=sys.stderr)
        return 130
    except Exception as exc:  # one line; the traceback only with --debug
        if debug:
            traceback.print_exc()
        print(f"fout: {describe(exc)}", file=sys.stderr)
        return 2 if isinstance(exc, (WijkmonitorError, OSError)) else 1


if __name__ == "__main__":
    sys.exit(main())
