"""Draw a view (kg.analyze) as one self-contained, offline HTML page with pyvis / vis-network.

``draw(view)`` returns a pyvis ``Network`` subclass; ``net.generate_html()`` gives
the page and ``net.write_html(path)`` writes it. The page:

- inlines vis-network's JS and CSS from pyvis' own package files and links no CDN
  (pyvis' template links Bootstrap even with ``cdn_resources="in_line"``, so this
  module renders its own template, kg/templates/viz.html); a Content-Security-Policy
  forbids every request;
- has positions computed in Python (igraph's Fruchterman-Reingold with a fixed seed,
  networkx as a fallback) and physics off, so it draws at once and the same view
  always gives byte-identical HTML;
- embeds all graph text as JSON inside ``<script type="application/json">`` with
  ``<``, ``>``, ``&``, U+2028 and U+2029 escaped, and shows it only as canvas text or
  through text-only tooltips and ``textContent``: article text never becomes markup.
"""
from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import random
import re
from importlib import metadata
from pathlib import Path

import networkx as nx
from pyvis.network import Network

from kg.analyze import EVENT_CLASSES, KIND_NAMES, LEFT_OUT_KINDS, ORG_CLASSES, ViewError
from kg.errors import InputError, KGError
from kg.graphio import write_atomic

#: Largest view drawn by default. Measured (scripts/bench_viz.py): see README.
DEFAULT_MAX_NODES = 3000

TEMPLATE_DIR = Path(__file__).parent / "templates"
VIS_DIR = "vis-9.1.2"

#: (category key, legend name, colour, vis shape)
CATEGORIES = (
    [("person", "人物 person", "#e4572e", "dot")]
    + [(f"org:{c}", f"{name} organization", col, "square") for (c, name), col in zip(
        ORG_CLASSES,
        ("#1f77b4", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f", "#6baed6"),
        strict=True,
    )]
    + [("org:Organization", "其他组织 organization", "#393b79", "square")]
    + [("place", "地点 place", "#2ca02c", "triangle")]
    + [("group", "受助群体 group", "#ff7f0e", "hexagon")]
    + [("event", "事件 event", "#a0a0a0", "diamond")]
    + [("other", "其他 other", "#cccccc", "dot")]
)
_CAT = {c[0]: c for c in CATEGORIES}
_EVENT_WORDS = dict(EVENT_CLASSES)
_ORG_WORDS = dict(ORG_CLASSES)


class ViewTooLarge(KGError):
    """The view has more nodes than the cap; the message says how to narrow it."""


class OfflineNetwork(Network):
    """A pyvis Network that renders to one offline HTML page (see the module docstring)."""

    def __init__(self, heading: str = "", summary: str = "", notes: tuple[str, ...] = ()):
        super().__init__(height="100%", width="100%", directed=True, cdn_resources="in_line", heading=heading)
        self.summary = summary
        self.notes = tuple(notes)
        self.legend: list[dict] = []
        self.hub_edges = 0
        self.options = {}
        self.left_out: list[str] = []  # names the view leaves out (no event role), for the search

    def generate_html(self, name: str = "index.html", local: bool = True, notebook: bool = False) -> str:
        """Return the page as a string (deterministic for the same network)."""
        from jinja2 import Environment, FileSystemLoader, select_autoescape

        env = Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)), autoescape=select_autoescape(["html"]))
        lib = Path(self.template_dir) / "lib" / VIS_DIR
        vis_js = (lib / "vis-network.min.js").read_text(encoding="utf-8")
        vis_css = (lib / "vis-network.css").read_text(encoding="utf-8")
        if "</script" in vis_js.lower() or "</style" in vis_css.lower():  # would end the inline element early
            raise KGError(f"{lib}: bundled vis-network cannot be inlined safely")
        data = {
            "nodes": self.nodes,
            "edges": self.edges,
            "options": self.options,
            "legend": self.legend,
            "hubEdges": self.hub_edges,
            "leftOut": self.left_out,
        }
        self.html = env.get_template("viz.html").render(
            heading=self.heading,
            summary=self.summary,
            notes=self.notes,
            vis_js=vis_js,
            vis_css=vis_css,
            vis_version=VIS_DIR,
            pyvis_version=metadata.version("pyvis"),
            data_json=safe_json(data),
        )
        self.html = self.html.replace("__SCRIPT_HASHES__", script_hashes(self.html), 1)
        return self.html

    def write_html(self, name, local: bool = True, notebook: bool = False, open_browser: bool = False) -> None:
        """Write the page to ``name`` as UTF-8."""
        path = Path(name)
        try:
            page = self.generate_html().encode("utf-8")
            write_atomic(path, lambda out: out.write(page))
        except OSError as e:
            raise InputError(f"{path}: cannot write: {e}") from e


_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def script_hashes(page: str) -> str:
    """The CSP source list allowing exactly the page's own inline scripts, by their SHA-256.

    Anything else (an injected ``onclick``, a ``<script>`` that slipped past escaping)
    does not match a hash and does not run.

    >>> script_hashes("<script>a()</script><script type='application/json'>{}</script>")
    "'sha256-qVpDBgj7bpq5hMAcGp3AOc79J3Y1Z4HvySTwKrWDoy4='"
    """
    digests = (hashlib.sha256(m.group(1).encode("utf-8")).digest() for m in _INLINE_SCRIPT.finditer(page))
    return " ".join(f"'sha256-{base64.b64encode(d).decode()}'" for d in digests) or "'none'"


def safe_json(value) -> str:
    """JSON that is safe inside an HTML ``<script>`` element.

    >>> safe_json({"a": "</script><b>&\\u2028"})
    '{"a":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026\\\\u2028"}'
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


# --------------------------------------------------------------------------- layout


def layout(G: nx.Graph, seed: int = 1) -> dict[str, tuple[float, float]]:
    """Positions for the nodes of ``G`` in canvas pixels, deterministic for a given graph and seed.

    Hubs (node attribute ``hub``) are left out of the force layout, so they cannot
    pull everything together, and placed at the centre of their neighbours.
    """
    nodes = sorted(G)
    core = [n for n in nodes if not G.nodes[n].get("hub")]
    index = {n: i for i, n in enumerate(core)}
    U = G.to_undirected(as_view=True)
    pairs = sorted({tuple(sorted((index[u], index[v]))) for u, v in U.edges() if u in index and v in index and u != v})
    coords = _force_layout(len(core), pairs, seed)
    pos: dict[str, tuple[float, float]] = {}
    if coords:
        xs, ys = [c[0] for c in coords], [c[1] for c in coords]
        cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
        span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
        # ~90 px between neighbours whatever the size of the view
        radius = 200.0 + 60.0 * math.sqrt(len(core))
        for n, (x, y) in zip(core, coords, strict=True):
            pos[n] = (round((x - cx) / span * 2 * radius), round((y - cy) / span * 2 * radius))
    for k, n in enumerate(n for n in nodes if n not in pos):
        around = [pos[m] for m in U.neighbors(n) if m in pos]
        if around:
            x = sum(p[0] for p in around) / len(around)
            y = sum(p[1] for p in around) / len(around)
        else:
            x, y = 0.0, 0.0
        # nudge hubs apart so two hubs with the same neighbours do not overlap
        pos[n] = (round(x + 40 * math.cos(k)), round(y + 40 * math.sin(k)))
    return pos


def _force_layout(n: int, pairs: list[tuple[int, int]], seed: int) -> list[tuple[float, float]]:
    if n == 0:
        return []
    if n == 1:
        return [(0.0, 0.0)]
    try:
        import igraph
    except ImportError:
        igraph = None
    if igraph is not None:
        g = igraph.Graph(n=n, edges=pairs)
        # igraph draws its random numbers from Python's `random`: seed it, and restore the caller's state
        state = random.getstate()
        try:
            random.seed(seed)
            lay = g.layout_fruchterman_reingold(niter=500, grid="auto" if n > 1000 else "nogrid")
        finally:
            random.setstate(state)
        return [(float(x), float(y)) for x, y in lay.coords]
    H = nx.Graph()
    H.add_nodes_from(range(n))
    H.add_edges_from(pairs)
    p = nx.spring_layout(H, seed=seed)
    return [(float(p[i][0]), float(p[i][1])) for i in range(n)]


# --------------------------------------------------------------------------- drawing


def category(attrs: dict) -> str:
    """The legend category of a node: person, org:<class>, place, group, event or other."""
    kind = attrs.get("kind", "other")
    if kind == "organization":
        sub = attrs.get("subtype", "")
        return f"org:{sub}" if f"org:{sub}" in _CAT else "org:Organization"
    return kind if kind in _CAT else "other"


def tooltip(attrs: dict, degree: int) -> str:
    """Plain-text tooltip of a node (shown as text by vis-network, never as HTML)."""
    kind = attrs.get("kind", "other")
    sub = attrs.get("subtype", "")
    if kind == "organization":
        typ = f"组织 · {_ORG_WORDS.get(sub, '其他')}"
    elif kind == "event":
        typ = f"事件 · {_EVENT_WORDS.get(sub, '事件')}"
    else:
        typ = KIND_NAMES.get(kind, kind)
    lines = [attrs.get("label", ""), f"类型：{typ}"]
    rows = (
        ("aliases", "别名"),
        ("posts", "职务"),
        ("level", "行政级别"),
        ("date", "日期"),
        ("area", "地区"),
        ("roles", "角色"),
        ("amounts", "金额"),
        ("goods", "物资"),
        ("status", "状态"),
        ("evidence", "证据"),
        ("source", "来源"),
    )
    for key, name in rows:
        value = attrs.get(key)
        if value:
            lines.append(f"{name}：{value}")
    if attrs.get("hub"):
        lines.append(f"枢纽节点：{degree} 条连线，默认隐藏 (hub: links hidden by default)")
    else:
        lines.append(f"连线：{degree}")
    return "\n".join(str(x) for x in lines)


def check_cap(G: nx.Graph, max_nodes: int | None) -> None:
    """Raise ViewTooLarge when ``G`` has more than ``max_nodes`` nodes, saying how to narrow the view."""
    if max_nodes is None or G.number_of_nodes() <= max_nodes:
        return
    view = G.graph.get("view", "")
    raise ViewTooLarge(
        f"the {view} view has {G.number_of_nodes():,} nodes, more than the cap of {max_nodes:,}; "
        "narrow it with --focus NAME --depth 1 (the neighbourhood of one entity), "
        "--type person,organization (only some kinds of node), --query FILE.rq (a SPARQL CONSTRUCT "
        "or a SELECT of node pairs), or --view projected; or raise --max-nodes "
        f"(pages past about {DEFAULT_MAX_NODES:,} nodes get slow to draw and move)"
    )


def draw(G: nx.Graph, *, heading: str = "", max_nodes: int | None = DEFAULT_MAX_NODES, seed: int = 1) -> OfflineNetwork:
    """Turn a view into an ``OfflineNetwork`` (nodes coloured and shaped by type, sized by importance).

    Raises:
        ViewTooLarge: the view has more than ``max_nodes`` nodes (None: no cap).
        ViewError: the view is empty.
    """
    check_cap(G, max_nodes)
    if G.number_of_nodes() == 0:
        raise ViewError("nothing to draw: the view is empty (check --focus, --type or --query)")
    pos = layout(G, seed=seed)
    n_nodes, n_edges = G.number_of_nodes(), G.number_of_edges()
    big = n_nodes > 1000
    hubs = sorted(n for n in G if G.nodes[n].get("hub"))
    view = G.graph.get("view", "")
    notes = []
    if view in ("events", "projected"):
        notes.append("区县及以上地点作为事件属性显示（见提示）。Places at district level and above are event attributes, not nodes.")
    if hubs:
        notes.append(
            f"枢纽节点 {len(hubs)} 个（{'、'.join(G.nodes[h]['label'] for h in hubs[:5])}{'…' if len(hubs) > 5 else ''}）"
            "的连线默认隐藏。Hub links are hidden by default."
        )
    left_out = G.graph.get("left_out", [])
    if left_out:
        counts_left = {k: sum(1 for kind, _ in left_out if kind == k) for k in LEFT_OUT_KINDS}
        parts = "、".join(f"{KIND_NAMES[k]} {n}" for k, n in counts_left.items() if n)
        notes.append(
            f"未画出在事件中没有角色的 {parts}（如只知职务的官员；见 --view projected 或 kg query officials）。"
            f"{len(left_out)} people, bodies and groups with no event role are not drawn."
        )
    if G.graph.get("focus") in G:
        notes.append(f"焦点 focus：{G.nodes[G.graph['focus']]['label']}")
    net = OfflineNetwork(
        heading=heading or {"events": "事件视图 Event view", "projected": "关系视图 Projected view"}.get(view, "图 Graph"),
        summary=f"{n_nodes} 个节点 nodes，{n_edges} 条连线 edges",
        notes=tuple(notes),
    )
    net.left_out = sorted({label for _, label in left_out})
    U = G.to_undirected(as_view=True)
    top = max((a.get("importance", 0.0) for _, a in G.nodes(data=True)), default=0.0)
    counts: dict[str, int] = {}
    for n in sorted(G):
        a = G.nodes[n]
        cat = category(a)
        counts[cat] = counts.get(cat, 0) + 1
        _, _, color, shape = _CAT[cat]
        imp = a.get("importance", 0.0)
        size = 8.0 + 24.0 * math.log1p(imp) / math.log1p(top) if top > 0 else 10.0
        if a.get("kind") == "event":
            size = min(size, 14.0)
        x, y = pos[n]
        node = {
            "id": n,
            "label": a.get("label", n),
            "title": tooltip(a, U.degree(n)),
            "shape": shape,
            "color": color,
            "size": round(size, 1),
            "x": x,
            "y": y,
            "cat": cat,
            "kind": a.get("kind", "other"),
            "aliases": [s for s in a.get("aliases", "").split("、") if s],
            "hub": bool(a.get("hub")),
        }
        if a.get("hub"):
            node["borderWidth"] = 3
        if G.graph.get("focus") == n:
            node["borderWidth"] = 4
            node["font"] = {"size": 20, "bold": True}
        net.nodes.append(node)
        net.node_ids.append(n)
        net.node_map[n] = node
    hub_set = set(hubs)
    for i, (u, v) in enumerate(sorted(G.edges())):
        e = G.edges[u, v]
        is_hub = u in hub_set or v in hub_set
        label = str(e.get("label", ""))
        weight = float(e.get("weight", 1.0))
        edge = {
            "id": i,
            "from": u,
            "to": v,
            "title": f"{G.nodes[u].get('label', u)} → {G.nodes[v].get('label', v)}\n{label}" + (f"（{int(weight)}）" if weight > 1 else ""),
            "width": round(min(8.0, 1.0 + math.log2(weight)), 2) if weight >= 1 else 1.0,
            "hub": is_hub,
        }
        if view != "events" and label and not big:
            edge["label"] = label
        if is_hub:
            edge["hidden"] = True
            edge["dashes"] = True
            edge["color"] = {"color": "#c8c8c8"}
            net.hub_edges += 1
        net.edges.append(edge)
    net.legend = [
        {"cat": c, "name": name, "color": color, "shape": shape, "count": counts[c]}
        for c, name, color, shape in CATEGORIES
        if c in counts
    ]
    net.options = {
        "autoResize": True,
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False, "randomSeed": seed},
        "interaction": {"hover": not big, "tooltipDelay": 120, "hideEdgesOnDrag": big, "hideEdgesOnZoom": big},
        "nodes": {"font": {"size": 14, "face": "Noto Sans CJK SC, Noto Sans SC, sans-serif"}, "borderWidth": 1},
        "edges": {
            "smooth": False,
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.4}},
            "color": {"color": "#9aa5b1", "highlight": "#333333", "inherit": False},
            "font": {"size": 11, "align": "middle", "face": "Noto Sans CJK SC, sans-serif"},
        },
    }
    return net


def viz_graph(
    source: str | os.PathLike | None,
    *,
    view: str = "events",
    focus_name: str | None = None,
    depth: int = 2,
    query: str | None = None,
    params: dict | None = None,
    types: list[str] | None = None,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    endpoint=None,
) -> OfflineNetwork:
    """Load a graph (file, store, or the default store) and draw the view asked for: the library call behind ``kg viz``.

    With ``endpoint`` (a ``kg.endpoint.Endpoint``) the graph is the server's default graph,
    read with one CONSTRUCT over the SPARQL 1.1 Protocol, and ``query`` runs on the server.
    """
    from kg import analyze
    from kg.graphio import to_rdflib
    from kg.store import open_source

    store = endpoint.default_graph() if endpoint is not None else open_source(source)
    idx = analyze.Index(to_rdflib(store))
    if query:
        G = analyze.query_view(idx, query, params, store=endpoint if endpoint is not None else store)
    else:
        G = analyze.build_view(idx, view)
    if focus_name:
        G = analyze.focus(G, focus_name, depth)
    if types:
        G = analyze.filter_types(G, types)
    return draw(G, max_nodes=max_nodes)
