/* The regions map: boundary GeoJSON drawn as SVG paths, offline, with no map library.
   Equirectangular projection over the Delta's bounding box (x scaled by cos of the middle latitude),
   prefecture-level cities filled, provinces outlined, a group's members highlighted on request.
   County outlines are fetched only when a group has county-level members. */
(function () {
  "use strict";
  var fig = document.getElementById("map");
  if (!fig || !window.fetch) return;
  var NS = "http://www.w3.org/2000/svg";
  var W = 800;
  var canvas = fig.querySelector(".map-canvas");
  var tip = fig.querySelector(".map-tip");
  var select = document.getElementById("group-select");
  var groupsNode = document.getElementById("map-groups");
  var groups = groupsNode ? JSON.parse(groupsNode.textContent || "{}") : {};
  var ui = fig.dataset.ui || "zh";
  var proj = null;
  var svg = null;
  var counties = null;
  var current = "";

  function el(name, attrs) {
    var node = document.createElementNS(NS, name);
    for (var k in attrs) node.setAttribute(k, attrs[k]);
    return node;
  }

  function eachPoint(geometry, fn) {
    var polys = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
    polys.forEach(function (rings) { rings.forEach(function (ring) { ring.forEach(fn); }); });
  }

  function projection(fc) {
    var w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
    fc.features.forEach(function (f) {
      eachPoint(f.geometry, function (p) {
        if (p[0] < w) w = p[0]; if (p[0] > e) e = p[0];
        if (p[1] < s) s = p[1]; if (p[1] > n) n = p[1];
      });
    });
    var k = Math.cos(((s + n) / 2) * Math.PI / 180);
    var scale = W / ((e - w) * k);
    return { h: Math.ceil((n - s) * scale), xy: function (p) {
      return ((p[0] - w) * k * scale).toFixed(1) + "," + ((n - p[1]) * scale).toFixed(1);
    } };
  }

  function pathOf(geometry) {
    var polys = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
    var d = "";
    polys.forEach(function (rings) {
      rings.forEach(function (ring) { d += "M" + ring.map(proj.xy).join("L") + "Z"; });
    });
    return d;
  }

  function layer(fc, cls, only) {
    var g = el("g", { "class": cls });
    fc.features.forEach(function (f) {
      if (only && only.indexOf(f.id) < 0) return;
      var p = el("path", { d: pathOf(f.geometry), "data-code": f.id, "class": "region" });
      var t = el("title", {});
      var props = f.properties;
      t.textContent = ui === "zh" ? props.name_zh + " " + props.name_en : props.name_en + " " + props.name_zh;
      p.appendChild(t);
      g.appendChild(p);
    });
    return g;
  }

  function getJSON(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error(url + ": " + r.status);
      return r.json();
    });
  }

  function highlight(code) {
    current = code || "";
    var spec = groups[current];
    var part = spec ? spec.partial : [];
    svg.querySelectorAll(".prefectures .region").forEach(function (p) {
      var c = p.getAttribute("data-code");
      var inside = spec && spec.prefecture.indexOf(c) >= 0;
      p.classList.toggle("in", !!inside && part.indexOf(c) < 0);
      p.classList.toggle("part", !!inside && part.indexOf(c) >= 0);
    });
    var old = svg.querySelector(".highlights");
    if (old) old.remove();
    document.querySelectorAll("table.groups tr[data-group]").forEach(function (row) {
      row.classList.toggle("selected", row.getAttribute("data-group") === current);
    });
    if (select) select.value = current;
    fig.dataset.selected = current;
    if (!spec || !spec.county.length) return Promise.resolve();
    var wanted = current;
    var load = counties ? Promise.resolve(counties) : getJSON(fig.dataset.counties);
    return load.then(function (fc) {
      counties = fc;
      if (wanted !== current) return;
      var g = layer(fc, "highlights", spec.county);
      g.querySelectorAll(".region").forEach(function (p) {
        p.classList.add(part.indexOf(p.getAttribute("data-code")) >= 0 ? "part" : "in");
      });
      svg.insertBefore(g, svg.querySelector(".provinces"));
    });
  }

  function choose(code) {
    highlight(code);
    var url = new URL(window.location.href);
    if (code) url.searchParams.set("group", code); else url.searchParams.delete("group");
    url.hash = "";
    window.history.replaceState(null, "", url.toString());
  }

  function showTip(evt) {
    var p = evt.target.closest("path.region");
    if (tip) tip.textContent = p ? p.querySelector("title").textContent : "";
  }

  canvas.textContent = fig.dataset.loading;
  Promise.all([getJSON(fig.dataset.prefectures), getJSON(fig.dataset.provinces)]).then(function (res) {
    proj = projection(res[1]);
    svg = el("svg", { viewBox: "0 0 " + W + " " + proj.h, "class": "map-svg", focusable: "false" });
    svg.appendChild(layer(res[0], "prefectures"));
    svg.appendChild(layer(res[1], "provinces"));
    canvas.textContent = "";
    canvas.appendChild(svg);
    fig.dataset.paths = String(svg.querySelectorAll("path").length);
    // Other scripts (the projects page) place their own marks with the same projection.
    fig.mapProject = function (lon, lat) { return proj.xy([lon, lat]).split(",").map(Number); };
    svg.addEventListener("mousemove", showTip);
    svg.addEventListener("click", function (evt) {
      var p = evt.target.closest(".prefectures path.region, .highlights path.region");
      if (!p) return;
      var row = document.getElementById("r" + p.getAttribute("data-code"));
      if (row) {
        var box = row.closest("details");
        if (box) box.open = true;
        row.scrollIntoView({ block: "center" });
      }
    });
    return highlight(fig.dataset.selected);
  }).then(function () {
    fig.dataset.state = "ready";
    fig.dispatchEvent(new CustomEvent("map:ready", { detail: { svg: svg } }));
  }).catch(function () {
    canvas.textContent = fig.dataset.failed;
    fig.dataset.state = "failed";
  });

  if (select) {
    select.addEventListener("change", function () { if (svg) choose(select.value); });
  }
  document.querySelectorAll("a.group-link").forEach(function (a) {
    a.addEventListener("click", function (evt) {
      if (!svg) return;
      evt.preventDefault();
      choose(a.getAttribute("data-group"));
      fig.scrollIntoView({ block: "start" });
    });
  });
})();
