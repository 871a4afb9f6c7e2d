/* The map view: a choropleth drawn offline from the shipped boundaries (projected by geo.js:
   equirectangular over the Delta's box, x scaled by the cosine of the middle latitude), coloured from
   /map/data, which holds every year, so the year slider repaints without a request. Changing what is
   shown or the level submits the form (the page works without this script, less the map). */
(function () {
  "use strict";
  var fig = document.getElementById("ev-map");
  if (!fig || !window.fetch) return;
  var W = 800;
  var canvas = fig.querySelector(".map-canvas");
  var tip = fig.querySelector(".map-tip");
  var slider = document.getElementById("map-year");
  var out = document.getElementById("map-year-out");
  var form = document.getElementById("map-form");
  var table = document.getElementById("map-table");
  var ui = fig.dataset.ui || "zh";
  var noData = fig.dataset.noData || "no data";
  var proj = null, svg = null, data = null;

  var el = window.YrdGeo.el;
  function projection(fc) { return window.YrdGeo.projection(fc, W); }
  function pathOf(geometry) { return proj.path(geometry); }

  function layer(fc, cls) {
    var g = el("g", { "class": cls });
    fc.features.forEach(function (f) {
      var p = el("path", { d: pathOf(f.geometry), "data-code": f.id, "class": "region" });
      p.appendChild(el("title", {}));
      p._name = ui === "zh" ? f.properties.name_zh : f.properties.name_en;
      g.appendChild(p);
    });
    return g;
  }
  var getJSON = window.YrdGeo.getJSON;
  function fmt(v) {
    return Math.abs(v) >= 100 ? v.toLocaleString(ui === "zh" ? "zh-CN" : "en-GB", { maximumFractionDigits: 1 })
      : String(Math.round(v * 1000) / 1000);
  }
  function colourOf(v) {
    var b = data.breaks;
    for (var i = 0; i < data.colours.length; i++) {
      if (v <= b[i + 1] || i === data.colours.length - 1) return data.colours[i];
    }
    return null;
  }

  function paint(year) {
    var per = (data && data.values[String(year)]) || {};
    fig.dataset.year = String(year);
    var painted = 0;
    svg.querySelectorAll(".areas path.region").forEach(function (p) {
      var code = p.getAttribute("data-code");
      var v = per[code];
      var has = typeof v === "number";
      p.classList.toggle("nodata", !has);
      p.style.fill = has ? colourOf(v) : "";
      p.setAttribute("data-value", has ? String(v) : "");
      p.querySelector("title").textContent = p._name + " " + year + ": " + (has ? fmt(v) + " " + data.unit : noData);
      if (has) painted++;
    });
    fig.dataset.painted = String(painted);
    if (out) out.textContent = String(year);
    document.querySelectorAll(".ev-year-label").forEach(function (n) { n.textContent = String(year); });
    if (table) {
      table.querySelectorAll("tbody tr").forEach(function (row) {
        var v = per[row.getAttribute("data-code")];
        row.querySelector("td").textContent = typeof v === "number" ? fmt(v) : noData;
      });
    }
  }

  function showTip(evt) {
    var p = evt.target.closest("path.region");
    if (tip) tip.textContent = p && p.closest(".areas") ? p.querySelector("title").textContent : "";
  }

  canvas.textContent = fig.dataset.loading;
  var wanted = [getJSON(fig.dataset.geo), getJSON(fig.dataset.provinces)];
  if (fig.dataset.values) wanted.push(getJSON(fig.dataset.values));
  Promise.all(wanted).then(function (res) {
    data = res[2] || null;
    proj = projection(res[1]);
    svg = el("svg", { viewBox: "0 0 " + W + " " + proj.h, "class": "map-svg", focusable: "false" });
    svg.appendChild(layer(res[0], "areas"));
    var outline = layer(res[1], "outline");
    svg.appendChild(outline);
    canvas.textContent = "";
    canvas.appendChild(svg);
    fig.dataset.paths = String(svg.querySelectorAll(".areas path").length);
    svg.addEventListener("mousemove", showTip);
    if (data) paint(slider ? slider.value : fig.dataset.year);
    fig.dataset.state = "ready";
  }).catch(function () {
    canvas.textContent = fig.dataset.failed;
    fig.dataset.state = "failed";
  });

  if (slider) {
    slider.addEventListener("input", function () {
      if (!svg || !data) return;
      paint(slider.value);
      var url = new URL(window.location.href);
      url.searchParams.set("year", slider.value);
      window.history.replaceState(null, "", url.toString());
    });
  }
  if (form) {
    ["map-show", "map-level"].forEach(function (id) {
      var node = document.getElementById(id);
      if (!node) return;
      node.addEventListener("change", function () {
        if (slider) slider.disabled = true; // a new choice starts at its own latest year
        form.submit();
      });
    });
  }
})();
