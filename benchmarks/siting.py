"""siting_province_s: siting (选址) over the whole province for one industry, in CPU seconds.

The province run (``ecozone.screening.siting.site`` on the province region, industry C2521, a
new project) is timed with ``time.process_time`` on the database built from the shipped files
(the demonstration release, as of 2025-06-01). Two other industries are timed alongside (notes).

Peer: today's per-county method — the siting code as it was before issue 17
(``benchmarks/siting_legacy.py``) run county by county. All 117 counties would take ~4 minutes
here, so a fixed random sample of counties is run and the sum over all counties extrapolated
from the sample's mean (said so in the notes), with its own fresh screener.

Agreement: on the sampled counties, the province run's areas are compared with the per-county
areas as the province map paints them (a rule that holds all over a county but is bound to the
county or its city is listed beside a county's map and painted on the province's): for each
(verdict, deciding rules) the symmetric difference of the two, summed, as a share of the
counties' area; and the same by verdict alone. They differ by design where the per-county
method gave a piece straddling the edge of a band of doubt the milder answer of its point.
"""

from __future__ import annotations

import random
import statistics
import time
from collections import defaultdict

import shapely

from benchmarks.batch import AS_OF, _service
from benchmarks.figures import Figure
from benchmarks.siting_legacy import legacy_site
from ecozone.geo.metric import metric_crs_for, to_metric
from ecozone.geo.regions import RegionLevel
from ecozone.screening.siting import Painted, disagreement_m2, site

INDUSTRY = "C2521"  # 炼焦 (coking): many rules, bands along rivers, lakes, reserves
OTHER_INDUSTRIES = ("C3211", "I6510")  # 铜冶炼; 软件开发
SAMPLE = 24
SEED = 17
TARGET_S = 10.0  # issue 17: the province for one industry in ≤ 10 s on one core

def merged(parts: list[Painted]) -> Painted:
    keys = {k for p in parts for k in p}
    return {k: shapely.union_all([p[k] for p in parts if k in p]) for k in keys}


def by_verdict(painted: Painted) -> Painted:
    out: dict[tuple[str, tuple[str, ...]], list[shapely.Geometry]] = defaultdict(list)
    for (verdict, _), geometry in painted.items():
        out[(verdict, ())].append(geometry)
    return {k: shapely.union_all(v) for k, v in out.items()}


def _cpu(run):
    start = time.process_time()
    result = run()
    return result, time.process_time() - start


def siting(database) -> list[Figure]:
    screener = _service(database).screener(AS_OF)
    regions = screener.snapshot.regions
    province = next(r for r in regions.regions if r.level == RegionLevel.PROVINCE)
    counties = sorted((r for r in regions.regions if r.level == RegionLevel.COUNTY), key=lambda r: r.code)
    site(screener, counties[0], INDUSTRY)  # warm-up: catalog, rule settings, industry tables
    result, province_s = _cpu(lambda: site(screener, province, INDUSTRY))
    others = {industry: round(_cpu(lambda industry=industry: site(screener, province, industry))[1], 2) for industry in OTHER_INDUSTRIES}

    peer = _service(database).screener(AS_OF)  # its own screener: no checks kept from the runs above
    legacy_site(peer, counties[0], INDUSTRY)
    sample = sorted(random.Random(SEED).sample(counties, SAMPLE), key=lambda r: r.code)
    runs = [_cpu(lambda county=county: legacy_site(peer, county, INDUSTRY)) for county in sample]
    per_county_s = [seconds for _, seconds in runs]
    peer_s = statistics.mean(per_county_s) * len(counties)

    crs = metric_crs_for(province.geometry)
    sampled = shapely.union_all([c.geometry for c in sample])
    ours = {(a.verdict, tuple(a.rules)): shapely.intersection(a.geometry, sampled) for a in result.areas}
    ours = {k: g for k, g in ours.items() if not g.is_empty}
    theirs = merged([r.painted_in(province.code) for r, _ in runs])
    sampled_m2 = float(shapely.area(to_metric(sampled, crs)))
    return [Figure(
        "siting_province_s", round(province_s, 2), "s", peer="today's per-county method (siting before issue 17, county by county)",
        peer_value=round(peer_s, 1), target=TARGET_S, better="lower",
        notes={
            "industry": INDUSTRY, "nature": "new", "as_of": AS_OF.isoformat(), "areas": len(result.areas),
            "other_industries_cpu_s": others,
            "peer_counties_run": SAMPLE, "counties": len(counties), "peer_seed": SEED,
            "peer_mean_county_cpu_s": round(statistics.mean(per_county_s), 2),
            "peer_extrapolated": "mean CPU s of the sampled counties × all counties",
            "disagreement_share_by_verdict_and_rules": round(disagreement_m2(ours, theirs, crs) / sampled_m2, 6),
            "disagreement_share_by_verdict": round(disagreement_m2(by_verdict(ours), by_verdict(theirs), crs) / sampled_m2, 6),
            "agreement_scope": f"the {SAMPLE} sampled counties ({sampled_m2 / 1e6:,.0f} km²)",
            "where_they_differ": "the province run also cuts pieces where the band of doubt of an inaccurately drawn "
                                 "feature begins and ends; the per-county method judged a piece straddling those edges by "
                                 "its point, milder for the rest of the piece",
            "clock": "process CPU time of one process (the machine is shared)",
        },
    )]
