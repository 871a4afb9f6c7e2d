/* The projects map: province boundaries drawn with geo.js, one dot per project (offline, no library).
   Each dot links to its project's page and names it in a tooltip. */
(function () {
  "use strict";
  var fig = document.getElementById("projects-map");
  if (!fig || !window.fetch || !window.YrdGeo) return;
  var W = 800;
  var canvas = fig.querySelector(".map-canvas");
  var G = window.YrdGeo;
  Promise.all([G.getJSON(fig.dataset.geo), G.getJSON(fig.dataset.points)]).then(function (got) {
    var regions = got[0], points = got[1];
    var proj = G.projection(regions, W);
    var svg = G.el("svg", { viewBox: "0 0 " + W + " " + proj.h, role: "img" });
    var base = G.el("g", { "class": "regions" });
    regions.features.forEach(function (f) {
      base.appendChild(G.el("path", { d: proj.path(f.geometry), "class": "region" }));
    });
    svg.appendChild(base);
    var dots = G.el("g", { "class": "points" });
    points.features.forEach(function (f) {
      var xy = proj.xy(f.geometry.coordinates).split(",");
      var a = G.el("a", { href: "/projects/" + f.properties.id });
      var c = G.el("circle", { cx: xy[0], cy: xy[1], r: 5, "class": "point " + f.properties.status,
                               "data-id": f.properties.id });
      var t = G.el("title", {});
      t.textContent = f.properties.name;
      c.appendChild(t);
      a.appendChild(c);
      dots.appendChild(a);
    });
    svg.appendChild(dots);
    canvas.textContent = "";
    canvas.appendChild(svg);
    fig.dataset.drawn = String(points.features.length);
  }).catch(function () {
    canvas.textContent = fig.dataset.failed || "";
  });
})();
