/* Pages of extracted records: filters that apply on change, sortable columns, the projects map.
   Everything here improves pages that already work without script (filters have a button, the
   table lists every project). The map is drawn by map.js; this adds a marker per place. */
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";

  // Filters submit themselves when changed.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (sel) {
    sel.addEventListener("change", function () { sel.form.submit(); });
  });

  // A link to an occurrence inside a closed <details> opens it.
  function openTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var node = id && document.getElementById(id);
    if (!node) return;
    for (var p = node.parentElement; p; p = p.parentElement) if (p.tagName === "DETAILS") p.open = true;
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();

  // Sortable columns: a button in each th[data-sort]; numbers sort by the cell's data-value.
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var heads = table.querySelectorAll("thead th");
    heads.forEach(function (th, col) {
      var how = th.getAttribute("data-sort");
      if (!how) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var key = function (row) {
          var cell = row.cells[col];
          if (how === "num") {
            var v = parseFloat(cell.getAttribute("data-value"));
            return isNaN(v) ? Infinity : v;
          }
          return cell.textContent.trim();
        };
        rows.sort(function (a, b) {
          var x = key(a), y = key(b);
          var c = how === "num" ? x - y : x.localeCompare(y, "zh");
          return asc ? c : -c;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });

  // ------------------------------------------------------------------ the projects map
  var fig = document.getElementById("map");
  var dataNode = document.getElementById("project-map-data");
  if (!fig || !dataNode) return;
  var data = JSON.parse(dataNode.textContent || "{}");
  var types = JSON.parse((document.getElementById("type-names") || {}).textContent || "{}");
  var panel = document.querySelector(".map-panel");
  var tip = fig.querySelector(".map-tip");
  var chosen = null;

  function el(name, attrs) {
    var node = document.createElementNS(NS, name);
    for (var k in attrs) node.setAttribute(k, attrs[k]);
    return node;
  }

  function count(n) {
    return n === 1 ? panel.dataset.one : panel.dataset.many.replace("{n}", n);
  }

  function link(href, text, cls) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    if (cls) a.className = cls;
    return a;
  }

  function show(point, marker) {
    if (chosen) chosen.classList.remove("chosen");
    chosen = marker;
    marker.classList.add("chosen");
    panel.textContent = "";
    var h = document.createElement("h3");
    h.textContent = point.name + " ";
    var other = document.createElement("span");
    other.className = "alt-name";
    other.textContent = point.other;
    h.appendChild(other);
    panel.appendChild(h);
    var n = document.createElement("p");
    n.className = "muted";
    n.textContent = count(point.projects.length);
    panel.appendChild(n);
    var list = document.createElement("ul");
    list.className = "panel-projects";
    point.projects.forEach(function (id) {
      var p = data.projects[id];
      if (!p) return;
      var li = document.createElement("li");
      li.setAttribute("data-project", id);
      var name = link(p.href, p.name, "project-link");
      name.setAttribute("lang", "zh-Hans");
      name.title = panel.dataset.read;
      li.appendChild(name);
      var meta = document.createElement("span");
      meta.className = "panel-meta";
      meta.appendChild(document.createTextNode((types[p.type] || p.type) + " · "));
      meta.appendChild(link(p.row, panel.dataset.inTable));
      li.appendChild(meta);
      list.appendChild(li);
    });
    panel.appendChild(list);
  }

  function draw(svg) {
    var layer = el("g", { "class": "markers" });
    // On a narrow screen the map is drawn small: markers shrink less than the map does.
    var width = svg.getBoundingClientRect().width || 800;
    var k = Math.max(1, Math.min(2, 0.7 * 800 / width));
    var points = data.points.slice().sort(function (a, b) { return b.projects.length - a.projects.length; });
    points.forEach(function (point) {
      var xy = fig.mapProject(point.lon, point.lat);
      var n = point.projects.length;
      var r = 6.5 + 2.6 * Math.sqrt(n - 1);
      var g = el("g", {
        "class": "marker level-" + point.level, "data-code": point.code, transform: "translate(" + xy[0] + "," + xy[1] + ") scale(" + k.toFixed(2) + ")",
        tabindex: "0", role: "button", "aria-label": point.name + ": " + count(n)
      });
      g.appendChild(el("circle", { r: r.toFixed(1) }));
      if (n > 1) {
        var t = el("text", { "text-anchor": "middle", dy: "0.35em" });
        t.textContent = String(n);
        g.appendChild(t);
      }
      var title = el("title", {});
      title.textContent = point.name + " · " + count(n);
      g.appendChild(title);
      g.addEventListener("click", function () { show(point, g); });
      g.addEventListener("keydown", function (evt) {
        if (evt.key === "Enter" || evt.key === " ") { evt.preventDefault(); show(point, g); }
      });
      g.addEventListener("mousemove", function (evt) {
        evt.stopPropagation(); // map.js would clear the tip: a marker is not a city
        if (tip) tip.textContent = point.name + " · " + count(n);
      });
      layer.appendChild(g);
    });
    // Province-wide places first, so that city markers on top stay clickable.
    Array.prototype.slice.call(layer.querySelectorAll(".level-province")).forEach(function (g) {
      layer.insertBefore(g, layer.firstChild);
    });
    svg.appendChild(layer);
    fig.dataset.markers = String(points.length);
  }

  function ready(svg) {
    try { draw(svg); } catch (e) { fig.dataset.markers = "failed"; }
  }

  if (fig.dataset.state === "ready" && fig.mapProject) ready(fig.querySelector("svg"));
  else fig.addEventListener("map:ready", function (evt) { ready(evt.detail.svg); });
})();
