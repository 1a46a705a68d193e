"""Benchmark kg viz: HTML size and headless-Chromium time to a drawn (settled) page, for views of ~500, 2,000, 10,000 nodes.

Synthetic graphs shaped like kg build output (events with agents, organizers, places,
beneficiaries, amounts; a district every event happens in; a few generic groups linked
to a third of all events) go through the real path: rdflib graph -> kg.analyze event view
-> kg.viz page. Physics is off (positions come from Python), so "settled" is the first
full drawing; the script also times one redraw after a zoom, which is what panning feels like.

    .venv/bin/python scripts/bench_viz.py [--sizes 500 2000 10000] [--out /tmp/kg-bench]

Needs Debian's Chromium at /usr/bin/chromium and the playwright package.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import rdflib
from rdflib import Literal
from rdflib.namespace import RDF, RDFS

from kg import analyze
from kg.ontology import KGO, KGR, SDO
from kg.viz import draw

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝思丽"
TOWNS = "瀛海 亦庄 黄村 榆垡 庞各庄 魏善庄 青云店 长子营 采育 安定 礼贤 北臧村 西红门 旧宫 观音寺 天宫院 清源 兴丰 林校路 高米店".split()
GROUPS = "困难职工 大病职工 劳动模范 老党员 一线医务人员 退休老干部 农民工 环卫工人 快递员 失独家庭 残疾职工 单亲母亲".split()


def synthetic_graph(target_nodes: int, seed: int = 7) -> rdflib.Graph:
    """An RDF graph whose event view has about ``target_nodes`` nodes."""
    rnd = random.Random(seed)
    g = rdflib.Graph()
    district = KGR["place/北京市/大兴区"]
    g.add((district, RDF.type, KGO.Place))
    g.add((district, RDFS.label, Literal("大兴区", lang="zh")))
    g.add((district, KGO.adminLevel, Literal("district")))
    n_events = target_nodes // 2
    n_people, n_orgs, n_places = target_nodes // 5, target_nodes // 8, target_nodes // 12
    n_groups = max(12, target_nodes - n_events - n_people - n_orgs - n_places)

    def entity(kind: str, i: int, cls, label: str, level: str | None = None):
        iri = KGR[f"{kind}/bench/{i}"]
        g.add((iri, RDF.type, cls))
        g.add((iri, RDFS.label, Literal(label, lang="zh")))
        if cls == KGO.TradeUnion:
            g.add((iri, RDF.type, KGO.Organization))
        if level:
            g.add((iri, KGO.adminLevel, Literal(level)))
        return iri

    people = [entity("person", i, KGO.Person, rnd.choice(SURNAMES) + rnd.choice(GIVEN) + rnd.choice(GIVEN)) for i in range(n_people)]
    orgs = [entity("org", i, KGO.TradeUnion, f"{rnd.choice(TOWNS)}镇第{i}工会") for i in range(n_orgs)]
    places = [entity("place", i, KGO.Place, f"{rnd.choice(TOWNS)}镇{i}村", "village") for i in range(n_places)]
    groups = [entity("group", i, KGO.BeneficiaryGroup, GROUPS[i] if i < len(GROUPS) else f"受助群体{i}") for i in range(n_groups)]
    hubs = groups[:3]
    for i in range(n_events):
        ev = KGR[f"article/bench/event/{i}"]
        g.add((ev, RDF.type, KGO.Event))
        g.add((ev, RDF.type, KGO.Visit))
        g.add((ev, KGO.evidence, Literal(f"第{i}条证据：{rnd.choice(TOWNS)}镇工会走访慰问困难职工。", lang="zh")))
        g.add((ev, KGO.place, district if rnd.random() < 0.6 else rnd.choice(places)))
        g.add((ev, KGO.organizer, rnd.choice(orgs)))
        for p in rnd.sample(people, rnd.randint(1, 2)):
            g.add((ev, KGO.agent, p))
        g.add((ev, KGO.beneficiary, rnd.choice(groups[3:])))
        if rnd.random() < 0.33:
            g.add((ev, KGO.beneficiary, rnd.choice(hubs)))
        if rnd.random() < 0.3:
            amt = KGR[f"article/bench/event/{i}/amount/0"]
            g.add((ev, KGO.amount, amt))
            g.add((amt, SDO.value, Literal(rnd.randint(1, 500) * 1000)))
    return g


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[500, 2000, 10000])
    ap.add_argument("--out", type=Path, default=Path("/tmp/kg-bench-viz"))
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=args.chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"],
        )
        for size in args.sizes:
            g = synthetic_graph(size)
            t0 = time.perf_counter()
            G = analyze.event_view(g)
            t1 = time.perf_counter()
            net = draw(G, max_nodes=None)
            html = net.generate_html()
            t2 = time.perf_counter()
            path = args.out / f"view_{size}.html"
            path.write_text(html, encoding="utf-8")
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            requests: list[str] = []
            page.on("request", lambda r, seen=requests: seen.append(r.url))
            t3 = time.perf_counter()
            page.goto(path.as_uri())
            page.wait_for_function("window.kgReady === true", timeout=600_000)
            t4 = time.perf_counter()
            redraw = page.evaluate(
                """() => new Promise(done => { const n = window.kgNetwork; const t = performance.now();
                     n.once('afterDrawing', () => done(performance.now() - t)); n.moveTo({scale: 0.6}); })"""
            )
            page.close()
            rows.append((size, G.number_of_nodes(), G.number_of_edges(), len(html.encode()), t1 - t0, t2 - t1, t4 - t3,
                         redraw / 1000, len(requests)))
            print(f"done {size}", file=sys.stderr)
        browser.close()
    print("| target | nodes | edges | HTML size | view (s) | layout+page (s) | Chromium to drawn (s) | redraw after zoom (s) | requests |")
    print("|---|---|---|---|---|---|---|---|---|")
    for size, n, e, b, tv, tl, tb, tr, nreq in rows:
        print(f"| {size:,} | {n:,} | {e:,} | {b / 1e6:.2f} MB | {tv:.2f} | {tl:.2f} | {tb:.2f} | {tr:.2f} | {nreq} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
