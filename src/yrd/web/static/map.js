/* The regions map: boundary GeoJSON drawn as SVG paths, offline, with no map library.
   Equirectangular projection over the Delta's bounding box (x scaled by cos of the middle latitude),
   prefecture-level cities filled, provinces outlined, a group's members highlighted on request.
   County outlines are fetched only when a group has county-level members. */
(function () {
  "use strict";
  var fig = document.getElementById("map");
  if (!fig || !window.fetch) return;
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

  var el = window.YrdGeo.el;
  function projection(fc) { return window.YrdGeo.projection(fc, W); }
  function pathOf(geometry) { return proj.path(geometry); }

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

  var getJSON = window.YrdGeo.getJSON;

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
