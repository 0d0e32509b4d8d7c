"""Command line: `python -m analysis build` (tidy data) and `python -m analysis run` (notebooks)."""
from __future__ import annotations

import argparse
import sys

from analysis.errors import WijkmonitorError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build data/processed/observations.csv and kpi_judgements.csv")
    b.add_argument("--gemeente", default="GM0957", help="CBS gemeentecode (default GM0957, Roermond)")
    r = sub.add_parser("run", help="execute every notebook into reports/ (parallel, incremental)")
    r.add_argument("--gemeente", default="GM0957")
    r.add_argument("--wijk", action="append", help="only these wijkcodes (repeatable)")
    r.add_argument("--jobs", type=int, default=None, help="parallel notebooks (default: CPU count)")
    r.add_argument("--force", action="store_true", help="re-execute even if inputs are unchanged")
    r.add_argument("--out", default=None, help="output folder (default reports/)")
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            from analysis import observations

            res = observations.build(gemeentecode=args.gemeente)
            obs = res["observations"]
            print(f"observations: {len(obs)} rows in {res['seconds']:.2f} s")
            for ds, n in obs.groupby("dataset").size().items():
                print(f"  {ds:<12} {n:>5}")
            for f in res["files"].values():
                print(f"  wrote {f}")
            from analysis.webpage import vega_bundle

            print(f"  vega JS for the HTML reports: {vega_bundle()}")
            return 0
        from analysis import run

        summary = run.run_all(gemeentecode=args.gemeente, wijken=args.wijk, jobs=args.jobs,
                              force=args.force, out_dir=args.out)
        return 0 if not summary["failed"] else 1
    except WijkmonitorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
