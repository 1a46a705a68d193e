// The ego network of an entity page: data from <script type="application/json" id="kg-ego-data">,
// drawn with vis-network (from /static/vis). Labels go to the canvas as text, never parsed as HTML;
// clicking a node opens its page (only same-site paths).
(function () {
  "use strict";
  var holder = document.getElementById("kg-ego");
  var source = document.getElementById("kg-ego-data");
  if (!holder || !source || typeof vis === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var colours = {person: "#e4572e", org: "#1f77b4", place: "#2ca02c", group: "#ff7f0e"};
  var shapes = {person: "dot", org: "square", place: "triangle", group: "hexagon"};
  var nodes = data.nodes.map(function (n) {
    return {id: n.id, label: n.label, url: n.url, shape: shapes[n.kind] || "dot",
            color: colours[n.kind] || "#999", size: n.self ? 22 : 12,
            font: {size: n.self ? 16 : 12}, borderWidth: n.self ? 3 : 1};
  });
  var edges = data.edges.map(function (e, i) {
    return {id: i, from: e.from, to: e.to, label: e.label, value: e.value,
            font: {size: 10, color: "#777"}, color: {color: "#bbb"}};
  });
  var network = new vis.Network(holder, {nodes: new vis.DataSet(nodes), edges: new vis.DataSet(edges)}, {
    physics: {stabilization: {iterations: 150}, barnesHut: {springLength: 120}},
    interaction: {hover: true}, edges: {scaling: {min: 1, max: 5}}
  });
  window.kgEgo = network;
  network.once("stabilized", function () { holder.setAttribute("data-ready", "1"); });
  network.on("click", function (params) {
    if (params.nodes.length !== 1) { return; }
    var node = nodes.filter(function (n) { return n.id === params.nodes[0]; })[0];
    if (node && typeof node.url === "string" && node.url.charAt(0) === "/" && node.url.charAt(1) !== "/") {
      window.location.href = node.url;
    }
  });
}());
