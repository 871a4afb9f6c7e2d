/* Drawing the shipped boundaries, shared by every map (map.js, evaluate_map.js): SVG elements, and the
   projection — equirectangular over the layer's box, x scaled by the cosine of the middle latitude,
   which at the Delta's latitudes keeps shapes true to within a few per cent. */
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";

  function el(name, attrs) {
    var node = document.createElementNS(NS, name);
    for (var k in attrs) node.setAttribute(k, attrs[k]);
    return node;
  }

  function rings(geometry, fn) {
    var polys = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
    polys.forEach(function (rs) { rs.forEach(fn); });
  }

  /* The projection of a GeoJSON feature collection onto a width in px: {h, xy(point), path(geometry)}. */
  function projection(fc, width) {
    var w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
    fc.features.forEach(function (f) {
      rings(f.geometry, function (ring) {
        ring.forEach(function (p) {
          if (p[0] < w) w = p[0]; if (p[0] > e) e = p[0];
          if (p[1] < s) s = p[1]; if (p[1] > n) n = p[1];
        });
      });
    });
    var k = Math.cos(((s + n) / 2) * Math.PI / 180);
    var scale = width / ((e - w) * k);
    function xy(p) {
      return ((p[0] - w) * k * scale).toFixed(1) + "," + ((n - p[1]) * scale).toFixed(1);
    }
    function path(geometry) {
      var d = "";
      rings(geometry, function (ring) { d += "M" + ring.map(xy).join("L") + "Z"; });
      return d;
    }
    return { h: Math.ceil((n - s) * scale), xy: xy, path: path };
  }

  /* A JSON answer, or a rejected promise naming the address and status. */
  function getJSON(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error(url + ": " + r.status);
      return r.json();
    });
  }

  window.YrdGeo = { el: el, projection: projection, getJSON: getJSON };
})();
