/*
 * Vigil operator map — plain browser script, no build step.
 *
 * Needs (in this order):
 *   <link rel="stylesheet" href="/vendor/leaflet/leaflet.css">
 *   <link rel="stylesheet" href="/vendor/markercluster/MarkerCluster.css">
 *   <link rel="stylesheet" href="/vendor/markercluster/MarkerCluster.Default.css">
 *   <link rel="stylesheet" href="/js/opsmap.css">
 *   <script src="/vendor/leaflet/leaflet.js"></script>
 *   <script src="/vendor/markercluster/leaflet.markercluster.js"></script>
 *   <script src="/js/opsmap.js"></script>
 *
 * Public API: window.VigilMap (see the bottom of this file).
 * All ids are numbers. Every function may be called before init(); data is
 * kept and drawn once a map exists.
 */
(function (global) {
  "use strict";

  var STATE_COLORS = {
    armed: "#3b82f6",
    night: "#8b5cf6",
    disarmed: "#6b7280",
    alarm: "#ef4444",
    test: "#eab308",
    trouble: "#f97316",
    suspended: "#374151",
    unknown: "#9ca3af"
  };
  // Worst-state ranking used for cluster colours.
  var SEVERITY = { alarm: 6, trouble: 5, test: 4, armed: 3, night: 3, disarmed: 2, suspended: 1, unknown: 1 };
  var MAX_SEV = 6;
  var CREW_STATUSES = ["available", "dispatched", "en_route", "on_site", "returning", "off"];
  var CREW_COLORS = {
    available: "#22c55e", dispatched: "#06b6d4", en_route: "#06b6d4",
    on_site: "#a855f7", returning: "#84cc16", off: "#6b7280"
  };

  // Basemap look: calm, dark.
  var BASE_STYLE = {
    land: { stroke: false, fill: true, fillColor: "#151d27", fillOpacity: 1 },
    water: { stroke: true, color: "#22364a", weight: 1, fill: true, fillColor: "#1a2a3b", fillOpacity: 1 },
    urban: { stroke: true, color: "#3a4a5e", weight: 1.2, dashArray: "4 3", fill: true, fillColor: "#1b2532", fillOpacity: 1 },
    river: { color: "#2a4661", weight: 1.6, opacity: 1, fill: false },
    road: { color: "#2b3644", weight: 1, opacity: 0.8, fill: false },
    admin1: { color: "#283444", weight: 0.8, opacity: 1, dashArray: "3 3", fill: false },
    border: { color: "#56667a", weight: 1.4, opacity: 1, dashArray: "6 3 2 3", fill: false },
    graticule: { color: "#18212c", weight: 1, opacity: 1, fill: false }
  };
  var LAYER_ORDER = { land: 0, water: 1, urban: 2, graticule: 3, river: 4, road: 5, admin1: 6, border: 7 };
  // Minimum zoom at which place labels of each rank are shown.
  var LABEL_MINZOOM = [0, 7, 9, 11, 12];

  // ------------------------------------------------------------------ state
  var S = {
    map: null,
    el: null,
    opts: null,
    siteGroup: null,
    siteRenderer: null,
    incidentLayer: null,
    crewLayer: null,
    basemapLayer: null,
    labelLayer: null,
    tileLayer: null,
    tileRetry: null,
    sites: {},      // id -> L.CircleMarker (with ._vm = site data)
    incidents: {},  // id -> L.Marker
    crews: {},      // id -> L.Marker
    siteCount: 0,
    incidentCount: 0,
    crewCount: 0,
    dirty: [],      // site markers whose severity changed; clusters refreshed once per frame
    dirtyScheduled: false,
    pending: { sites: null, incidents: null, crews: null, focus: null } // data given before init()
  };

  function num(v) { return typeof v === "number" ? v : Number(v); }
  function validLatLng(lat, lon) {
    return isFinite(lat) && isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
  }
  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function fire(kind, id) {
    var cb = S.opts && S.opts.onSelect;
    if (typeof cb === "function") {
      try { cb(kind, id); } catch (e) { if (global.console) console.error("VigilMap onSelect", e); }
    }
  }

  // ------------------------------------------------------------------ sites
  function stateOf(s) { return STATE_COLORS.hasOwnProperty(s) ? s : "unknown"; }

  function siteStyle(state) {
    var alarm = state === "alarm";
    return {
      renderer: S.siteRenderer,
      radius: alarm ? 7 : 5,
      stroke: true,
      color: alarm ? "#fecaca" : "#0b1118",
      weight: alarm ? 1.5 : 1,
      opacity: 1,
      fill: true,
      fillColor: STATE_COLORS[state],
      fillOpacity: 0.95,
      bubblingMouseEvents: false
    };
  }

  function makeSiteMarker(site) {
    var state = stateOf(site.state);
    var m = L.circleMarker([num(site.lat), num(site.lon)], siteStyle(state));
    m._vm = { id: num(site.id), name: site.name || "", state: state, sev: SEVERITY[state] };
    return m;
  }

  // Worst severity below a cluster, walking the cluster tree with an early exit.
  function clusterSeverity(cluster) {
    var best = 0, i, ms = cluster._markers, cs = cluster._childClusters;
    for (i = 0; i < ms.length; i++) {
      var sv = ms[i]._vm ? ms[i]._vm.sev : 1;
      if (sv > best) { best = sv; if (best === MAX_SEV) return best; }
    }
    for (i = 0; i < cs.length; i++) {
      var c = clusterSeverity(cs[i]);
      if (c > best) { best = c; if (best === MAX_SEV) return best; }
    }
    return best || 1;
  }

  function clusterIcon(cluster) {
    var n = cluster.getChildCount();
    var sev = clusterSeverity(cluster);
    var size = n < 10 ? 28 : n < 100 ? 34 : n < 1000 ? 40 : 46;
    return L.divIcon({
      html: "<div>" + (n >= 10000 ? Math.round(n / 1000) + "k" : n) + "</div>",
      className: "vm-cluster vm-sev-" + sev,
      iconSize: L.point(size, size)
    });
  }

  function scheduleClusterRefresh(m) {
    S.dirty.push(m);
    if (S.dirtyScheduled) return;
    S.dirtyScheduled = true;
    var run = function () {
      S.dirtyScheduled = false;
      var list = S.dirty;
      S.dirty = [];
      if (!S.siteGroup || !S.map) return;
      var live = [];
      for (var i = 0; i < list.length; i++) if (list[i].__parent) live.push(list[i]);
      if (live.length) S.siteGroup.refreshClusters(live);
    };
    (global.requestAnimationFrame || function (f) { return setTimeout(f, 16); })(run);
  }

  function siteTooltip(m) {
    var d = m._vm;
    return "<b>" + esc(d.name || ("Site " + d.id)) + "</b><br>#" + d.id + " · " + esc(d.state);
  }

  function setSites(list) {
    list = list || [];
    if (!S.map) { S.pending.sites = list; return; }
    var seen = {}, add = [], remove = [], i, id;
    for (i = 0; i < list.length; i++) {
      var s = list[i];
      id = num(s.id);
      seen[id] = true;
      if (S.sites[id]) updateSite(s);
      else if (validLatLng(num(s.lat), num(s.lon))) {
        var m = makeSiteMarker(s);
        S.sites[id] = m;
        add.push(m);
      }
    }
    for (id in S.sites) {
      if (!seen[id]) { remove.push(S.sites[id]); delete S.sites[id]; }
    }
    if (remove.length) S.siteGroup.removeLayers(remove);
    S.siteCount = Object.keys(S.sites).length;
    if (add.length) {
      S.el.setAttribute("data-sites-loaded", "false");
      S.siteGroup.addLayers(add);
    } else {
      S.el.setAttribute("data-sites-loaded", "true");
    }
  }

  function updateSite(site) {
    if (!site) return;
    var id = num(site.id);
    if (!S.map) {
      // Before init: merge into the pending list.
      var p = S.pending.sites || (S.pending.sites = []);
      for (var i = 0; i < p.length; i++) if (num(p[i].id) === id) { p[i] = site; return; }
      p.push(site);
      return;
    }
    var m = S.sites[id];
    var lat = num(site.lat), lon = num(site.lon);
    if (!m) {
      if (!validLatLng(lat, lon)) return;
      m = makeSiteMarker(site);
      S.sites[id] = m;
      S.siteCount++;
      S.siteGroup.addLayer(m);
      return;
    }
    var d = m._vm;
    if (validLatLng(lat, lon)) {
      var ll = m.getLatLng();
      if (ll.lat !== lat || ll.lng !== lon) {
        // Clustered markers must be re-inserted to move.
        S.siteGroup.removeLayer(m);
        m.setLatLng([lat, lon]);
        S.siteGroup.addLayer(m);
      }
    }
    if (site.name != null && site.name !== d.name) {
      d.name = site.name;
      if (m.getTooltip()) m.setTooltipContent(siteTooltip(m));
    }
    var state = site.state != null ? stateOf(site.state) : d.state;
    if (state !== d.state) {
      var oldSev = d.sev;
      d.state = state;
      d.sev = SEVERITY[state];
      var st = siteStyle(state);
      if ((state === "alarm") !== (m.options.radius === 7)) m.setRadius(st.radius);
      m.setStyle({ fillColor: st.fillColor, color: st.color, weight: st.weight });
      if (m.getTooltip()) m.setTooltipContent(siteTooltip(m));
      if (d.sev !== oldSev) scheduleClusterRefresh(m);
    }
  }

  function removeSite(id) {
    id = num(id);
    if (!S.map) {
      if (S.pending.sites) S.pending.sites = S.pending.sites.filter(function (s) { return num(s.id) !== id; });
      return;
    }
    var m = S.sites[id];
    if (!m) return;
    S.siteGroup.removeLayer(m);
    delete S.sites[id];
    S.siteCount--;
  }

  // -------------------------------------------------------------- incidents
  function prioClass(p) {
    p = num(p);
    if (!isFinite(p)) p = 9;
    return p <= 1 ? "vm-inc-p-hi" : p <= 3 ? "vm-inc-p-mid" : "vm-inc-p-low";
  }
  function incidentClass(inc, still) {
    return "vm-inc " + prioClass(inc.priority) + (inc.claimed_by_name ? " vm-inc-claimed" : "") + (still ? " vm-inc-still" : "");
  }
  function incidentIcon(inc, still) {
    return L.divIcon({ className: incidentClass(inc, still), html: '<div class="vm-inc-dot"></div>', iconSize: [28, 28] });
  }
  function swapClasses(el, prefix, cls) {
    var keep = el.className.split(/\s+/).filter(function (c) { return c && c.indexOf(prefix) !== 0; });
    el.className = keep.join(" ") + " " + cls;
  }

  // Pulse budget: only the PULSE_BUDGET most urgent incidents animate (500
  // animated markers cost a software-rendered browser most of its frames);
  // the rest show a still ring. Recomputed once per frame after changes.
  var PULSE_BUDGET = 100;
  var pulseScheduled = false;
  function schedulePulseBudget() {
    if (pulseScheduled) return;
    pulseScheduled = true;
    (global.requestAnimationFrame || function (f) { return setTimeout(f, 16); })(function () {
      pulseScheduled = false;
      if (!S.map) return;
      var list = [], id;
      for (id in S.incidents) list.push(S.incidents[id]);
      var budget = S.opts && S.opts.pulseBudget != null ? S.opts.pulseBudget : PULSE_BUDGET;
      if (list.length > budget) {
        list.sort(function (a, b) { return a._vm.prio - b._vm.prio || b._vm.id - a._vm.id; });
      }
      for (var i = 0; i < list.length; i++) setIncidentStill(list[i], i >= budget);
    });
  }
  function setIncidentStill(m, still) {
    if (!!m._vm.still === still) return;
    m._vm.still = still;
    m._vm.cls = incidentClass(m._vm.data, still);
    m.options.icon = incidentIcon(m._vm.data, still);
    var el = m.getElement();
    if (el) swapClasses(el, "vm-inc", m._vm.cls);
  }
  function incidentTooltip(inc) {
    var t = "<b>" + esc(inc.title || ("Incident " + inc.id)) + "</b>";
    var meta = [];
    if (inc.priority != null) meta.push("P" + esc(inc.priority));
    if (inc.status_text) meta.push(esc(inc.status_text));
    else if (inc.status) meta.push(esc(String(inc.status).replace(/_/g, " ")));
    if (inc.crew_text) meta.push(esc(inc.crew_text));
    if (inc.claimed_by_name) meta.push("claimed by " + esc(inc.claimed_by_name));
    if (meta.length) t += "<br>" + meta.join(" · ");
    return t;
  }
  function incPriority(p) { p = num(p); return isFinite(p) ? p : 9; }

  function setIncidents(list) {
    list = list || [];
    if (!S.map) { S.pending.incidents = list; return; }
    var seen = {}, id;
    for (var i = 0; i < list.length; i++) {
      if (list[i] && list[i].status !== "closed") seen[num(list[i].id)] = true;
      updateIncident(list[i]);
    }
    for (id in S.incidents) if (!seen[id]) removeIncident(id);
  }

  function updateIncident(inc) {
    if (!inc) return;
    var id = num(inc.id);
    if (!S.map) {
      var p = S.pending.incidents || (S.pending.incidents = []);
      for (var i = 0; i < p.length; i++) if (num(p[i].id) === id) { p[i] = inc; return; }
      p.push(inc);
      return;
    }
    if (inc.status === "closed") { removeIncident(id); return; }
    var lat = num(inc.lat), lon = num(inc.lon);
    if (!validLatLng(lat, lon)) {
      // Fall back to the site's position when the incident has none.
      var sm = inc.site_id != null && S.sites[num(inc.site_id)];
      if (!sm) return;
      lat = sm.getLatLng().lat; lon = sm.getLatLng().lng;
    }
    var m = S.incidents[id];
    var prio = incPriority(inc.priority);
    if (!m) {
      m = L.marker([lat, lon], {
        icon: incidentIcon(inc),
        pane: "vmIncidents",
        keyboard: false,
        riseOnHover: true,
        zIndexOffset: (9 - prio) * 100
      });
      m._vm = { id: id, cls: incidentClass(inc, false), tip: incidentTooltip(inc), data: inc, prio: prio, still: false };
      m.bindTooltip(m._vm.tip, { direction: "top", offset: [0, -8] });
      m.on("click", function () { fire("incident", this._vm.id); });
      S.incidents[id] = m;
      S.incidentCount++;
      m.addTo(S.incidentLayer);
      schedulePulseBudget();
      return;
    }
    var ll = m.getLatLng();
    if (ll.lat !== lat || ll.lng !== lon) m.setLatLng([lat, lon]);
    m._vm.data = inc;
    var cls = incidentClass(inc, m._vm.still);
    if (cls !== m._vm.cls) {
      m._vm.cls = cls;
      var el = m.getElement();
      if (el) swapClasses(el, "vm-inc", cls); // keep Leaflet's own classes
      m.options.icon = incidentIcon(inc, m._vm.still);
    }
    if (prio !== m._vm.prio) {
      m._vm.prio = prio;
      m.setZIndexOffset((9 - prio) * 100);
      schedulePulseBudget();
    }
    var tip = incidentTooltip(inc);
    if (tip !== m._vm.tip) { m._vm.tip = tip; m.setTooltipContent(tip); }
  }

  function removeIncident(id) {
    id = num(id);
    if (!S.map) {
      if (S.pending.incidents) S.pending.incidents = S.pending.incidents.filter(function (x) { return num(x.id) !== id; });
      return;
    }
    var m = S.incidents[id];
    if (!m) return;
    S.incidentLayer.removeLayer(m);
    delete S.incidents[id];
    S.incidentCount--;
    schedulePulseBudget();
  }

  // ------------------------------------------------------------------ crews
  function crewStatus(s) { return CREW_STATUSES.indexOf(s) >= 0 ? s : "off"; }
  function crewClass(c) {
    return "vm-crew vm-crew-" + crewStatus(c.status) +
      (c.heading == null || !isFinite(num(c.heading)) ? " vm-crew-noheading" : "") +
      (c.on_shift === false ? " vm-crew-offshift" : "");
  }
  function crewHtml(c) {
    var h = c.heading == null ? 0 : num(c.heading) || 0;
    return '<div class="vm-crew-body"><div class="vm-crew-arrow" style="transform:rotate(' + h + 'deg)"></div></div>' +
      '<div class="vm-crew-name">' + esc(c.name || ("Crew " + c.id)) + "</div>";
  }
  function crewIcon(c) {
    return L.divIcon({ className: crewClass(c), html: crewHtml(c), iconSize: [22, 22], iconAnchor: [11, 11] });
  }

  function setCrews(list) {
    list = list || [];
    if (!S.map) { S.pending.crews = list; return; }
    var seen = {}, id;
    for (var i = 0; i < list.length; i++) { if (list[i]) { seen[num(list[i].id)] = true; updateCrew(list[i]); } }
    for (id in S.crews) if (!seen[id]) removeCrew(id);
  }

  function updateCrew(c) {
    if (!c) return;
    var id = num(c.id);
    if (!S.map) {
      var p = S.pending.crews || (S.pending.crews = []);
      for (var i = 0; i < p.length; i++) if (num(p[i].id) === id) { p[i] = c; return; }
      p.push(c);
      return;
    }
    var lat = num(c.lat), lon = num(c.lon);
    var m = S.crews[id];
    if (!m) {
      if (!validLatLng(lat, lon)) return;
      m = L.marker([lat, lon], { icon: crewIcon(c), pane: "vmCrews", keyboard: false, riseOnHover: true });
      m._vm = { id: id, cls: crewClass(c), html: crewHtml(c), src: c };
      m.bindTooltip(crewTooltip(c), { direction: "top", offset: [0, -12] });
      m.on("click", function () { fire("crew", this._vm.id); });
      S.crews[id] = m;
      S.crewCount++;
      m.addTo(S.crewLayer);
      return;
    }
    if (validLatLng(lat, lon)) {
      var ll = m.getLatLng();
      if (ll.lat !== lat || ll.lng !== lon) m.setLatLng([lat, lon]);
    }
    m._vm.src = c;
    var cls = crewClass(c), html = crewHtml(c);
    if (cls !== m._vm.cls || html !== m._vm.html) {
      m._vm.cls = cls; m._vm.html = html;
      m.options.icon = crewIcon(c);
      var el = m.getElement();
      if (el) {
        swapClasses(el, "vm-crew", cls);
        el.innerHTML = html;
      }
      m.setTooltipContent(crewTooltip(c));
    }
  }
  function crewTooltip(c) {
    var status = crewStatus(c.status);
    return "<b>" + esc(c.name || ("Crew " + c.id)) + "</b><br>" + esc(word(status, status.replace("_", " "))) +
      (c.on_shift === false ? " · " + esc(word("off_shift", "off shift")) : "");
  }

  function removeCrew(id) {
    id = num(id);
    if (!S.map) {
      if (S.pending.crews) S.pending.crews = S.pending.crews.filter(function (x) { return num(x.id) !== id; });
      return;
    }
    var m = S.crews[id];
    if (!m) return;
    S.crewLayer.removeLayer(m);
    delete S.crews[id];
    S.crewCount--;
  }

  // ---------------------------------------------------------------- basemap
  function updateLabelVisibility() {
    if (!S.map) return;
    var z = S.map.getZoom(), c = S.map.getContainer();
    for (var r = 1; r < LABEL_MINZOOM.length; r++) {
      L.DomUtil[z >= LABEL_MINZOOM[r] ? "removeClass" : "addClass"](c, "vm-hide-r" + r);
    }
  }

  function drawBasemap(fc) {
    var feats = (fc && fc.features) || [];
    feats = feats.slice().sort(function (a, b) {
      var la = (a.properties || {}).layer, lb = (b.properties || {}).layer;
      return (LAYER_ORDER[la] != null ? LAYER_ORDER[la] : 9) - (LAYER_ORDER[lb] != null ? LAYER_ORDER[lb] : 9);
    });
    var renderer = L.canvas({ pane: "vmBasemap", padding: 0.5 });
    var shapes = [], labels = [];
    for (var i = 0; i < feats.length; i++) {
      var f = feats[i], p = f.properties || {};
      if (p.layer === "place") labels.push(f); else shapes.push(f);
    }
    S.basemapLayer = L.geoJSON({ type: "FeatureCollection", features: shapes }, {
      pane: "vmBasemap",
      renderer: renderer,
      interactive: false,
      style: function (f) {
        var st = BASE_STYLE[(f.properties || {}).layer] || BASE_STYLE.road;
        var o = {}; for (var k in st) o[k] = st[k];
        o.renderer = renderer; o.interactive = false;
        return o;
      }
    }).addTo(S.map);
    S.labelLayer = L.layerGroup();
    for (i = 0; i < labels.length; i++) {
      var lf = labels[i], c = lf.geometry && lf.geometry.coordinates;
      if (!c) continue;
      var rank = Math.max(0, Math.min(4, (lf.properties.rank | 0)));
      L.marker([c[1], c[0]], {
        pane: "vmLabels",
        interactive: false,
        keyboard: false,
        icon: L.divIcon({
          className: "",
          html: '<div class="vm-label vm-label-r' + rank + '">' + esc(lf.properties.name) + "</div>",
          iconSize: [0, 0]
        })
      }).addTo(S.labelLayer);
    }
    S.labelLayer.addTo(S.map);
    updateLabelVisibility();
    return feats.length;
  }

  function markReady(n, err) {
    if (!S.el) return;
    S.el.setAttribute("data-basemap-features", String(n));
    if (err) S.el.setAttribute("data-basemap-error", String(err));
    S.el.setAttribute("data-map-ready", "true");
  }

  function loadBasemap(url, map) {
    if (!url) { markReady(0, "no basemapUrl"); return; }
    var done = function (fc, err) {
      if (S.map !== map) return; // map was re-initialised meanwhile
      var n = 0;
      if (fc) { try { n = drawBasemap(fc); } catch (e) { err = String(e); } }
      markReady(n, err);
    };
    if (global.fetch) {
      fetch(url, { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
        .then(function (fc) { done(fc, null); }, function (e) { done(null, e && e.message || e); });
    } else {
      var x = new XMLHttpRequest();
      x.open("GET", url);
      x.onload = function () { try { done(JSON.parse(x.responseText), null); } catch (e) { done(null, e); } };
      x.onerror = function () { done(null, "network error"); };
      x.send();
    }
  }

  // ----------------------------------------------------------------- legend
  // A word of the page's language, given by the page in `opts.words`; English otherwise.
  function word(key, english) {
    var w = S.opts && S.opts.words;
    return (w && typeof w[key] === "string") ? w[key] : english;
  }
  function escPair(p) { return [esc(p[0]), p[1]]; }

  function legendControl() {
    var ctl = L.control({ position: "bottomleft" });
    ctl.onAdd = function () {
      var div = L.DomUtil.create("div", "vm-legend");
      var rows = function (pairs) {
        return '<div class="vm-legend-grid">' + pairs.map(function (p) {
          return '<div class="vm-legend-row"><span class="vm-sw" style="background:' + p[1] + '"></span>' + p[0] + "</div>";
        }).join("") + "</div>";
      };
      div.innerHTML =
        '<h4 class="vm-legend-toggle" title="' + esc(word("show_hide", "Show/hide legend")) + '">' + esc(word("legend", "Legend")) + ' ▾</h4><div class="vm-legend-body">' +
        "<h4>" + esc(word("sites", "Sites")) + "</h4>" + rows([[word("alarm", "Alarm"), STATE_COLORS.alarm], [word("trouble", "Trouble"), STATE_COLORS.trouble],
          [word("test", "Test"), STATE_COLORS.test], [word("armed", "Armed"), STATE_COLORS.armed], [word("night", "Night"), STATE_COLORS.night],
          [word("disarmed", "Disarmed"), STATE_COLORS.disarmed], [word("suspended", "Suspended"), STATE_COLORS.suspended],
          [word("unknown", "Unknown"), STATE_COLORS.unknown]].map(escPair)) +
        "<h4>" + esc(word("incidents", "Incidents")) + "</h4>" + rows([["P0–1", "#ef4444"], ["P2–3", "#f97316"], ["P4+", "#f59e0b"]]) +
        "<h4>" + esc(word("crews", "Crews")) + "</h4>" + rows([[word("available", "Available"), CREW_COLORS.available],
          [word("en_route", "En route"), CREW_COLORS.en_route], [word("on_site", "On site"), CREW_COLORS.on_site],
          [word("returning", "Returning"), CREW_COLORS.returning], [word("off", "Off"), CREW_COLORS.off]].map(escPair)) +
        "</div>";
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      if (S.opts && S.opts.legend === "collapsed") L.DomUtil.addClass(div, "vm-collapsed");
      div.firstChild.addEventListener("click", function () { L.DomUtil[L.DomUtil.hasClass(div, "vm-collapsed") ? "removeClass" : "addClass"](div, "vm-collapsed"); });
      return div;
    };
    return ctl;
  }

  // ------------------------------------------------------------- lifecycle
  function teardown(keepData) {
    if (!S.map) return;
    // Keep the current data so a re-init redraws it.
    if (keepData) {
      var k;
      S.pending.sites = []; for (k in S.sites) { var d = S.sites[k]._vm, ll = S.sites[k].getLatLng(); S.pending.sites.push({ id: d.id, name: d.name, state: d.state, lat: ll.lat, lon: ll.lng }); }
      S.pending.incidents = []; for (k in S.incidents) S.pending.incidents.push(S.incidents[k]._vm.data);
      S.pending.crews = null;
      var crews = [];
      for (k in S.crews) { var cm = S.crews[k]; if (cm._vm.src) crews.push(cm._vm.src); }
      if (crews.length) S.pending.crews = crews;
    }
    if (S.tileRetry) { clearTimeout(S.tileRetry); S.tileRetry = null; }
    try { S.map.remove(); } catch (e) { /* element already gone */ }
    if (S.el) {
      S.el.removeAttribute("data-map-ready");
      S.el.removeAttribute("data-basemap-features");
      S.el.removeAttribute("data-sites-loaded");
    }
    S.map = S.el = null;
    S.siteGroup = S.incidentLayer = S.crewLayer = S.basemapLayer = S.labelLayer = S.tileLayer = null;
    S.sites = {}; S.incidents = {}; S.crews = {};
    S.siteCount = S.incidentCount = S.crewCount = 0;
    S.dirty = [];
  }

  function init(elementId, opts) {
    if (typeof L === "undefined" || !L.markerClusterGroup) {
      throw new Error("VigilMap: load leaflet.js and leaflet.markercluster.js before opsmap.js");
    }
    var el = typeof elementId === "string" ? document.getElementById(elementId) : elementId;
    if (!el) throw new Error("VigilMap.init: no element " + elementId);
    teardown(true);
    opts = opts || {};
    S.opts = opts;
    S.el = el;
    el.removeAttribute("data-map-ready");
    el.removeAttribute("data-basemap-error");

    var map = L.map(el, {
      center: opts.center || [44.4323, 26.1063],
      zoom: opts.zoom != null ? opts.zoom : 12,
      minZoom: opts.minZoom != null ? opts.minZoom : 6,
      maxZoom: 19,
      zoomControl: true,
      attributionControl: true,
      preferCanvas: false,
      // Markers (clusters, incidents, crews, labels) hide during the 250 ms zoom
      // animation and reappear in place, instead of transitioning one by one.
      markerZoomAnimation: !!opts.markerZoomAnimation,
      worldCopyJump: false
    });
    S.map = map;
    L.DomUtil.addClass(el, "vm-map");
    map.attributionControl.setPrefix('<a href="https://leafletjs.com" title="A JavaScript library for interactive maps">Leaflet</a>');
    map.attributionControl.addAttribution("Basemap: Natural Earth · places: GeoNames (CC BY 4.0)");

    // Panes: basemap under tiles; incidents and crews above site clusters.
    map.createPane("vmBasemap").style.zIndex = 150;
    map.createPane("vmLabels").style.zIndex = 450;
    map.getPane("vmLabels").style.pointerEvents = "none";
    map.createPane("vmIncidents").style.zIndex = 620;
    map.createPane("vmCrews").style.zIndex = 640;

    if (opts.tileUrl) {
      var tl = L.tileLayer(opts.tileUrl, {
        attribution: opts.attribution || "",
        maxZoom: 19,
        crossOrigin: opts.tileCrossOrigin || false,
        errorTileUrl: "",
        updateWhenZooming: false
      });
      // Tile errors are harmless: failed tiles are hidden, and when nothing has
      // ever loaded the layer is taken off the map and retried later, so an
      // unreachable tile server costs nothing while the basemap shows.
      var loaded = 0, failed = 0;
      tl.on("tileerror", function (e) {
        failed++;
        if (e.tile) L.DomUtil.addClass(e.tile, "vm-tile-error");
        if (!loaded) {
          el.setAttribute("data-tiles", "offline");
          if (failed >= 8 && map.hasLayer(tl)) {
            map.removeLayer(tl);
            S.tileRetry = setTimeout(function () {
              S.tileRetry = null;
              if (S.map === map && S.tileLayer === tl) { failed = 0; tl.addTo(map); }
            }, opts.tileRetryMs || 60000);
          }
        }
      });
      tl.on("tileload", function () { loaded++; el.setAttribute("data-tiles", "online"); });
      tl.addTo(map);
      S.tileLayer = tl;
    }

    S.siteRenderer = L.canvas({ padding: 0.3 });
    S.siteGroup = L.markerClusterGroup({
      chunkedLoading: true,
      chunkInterval: 100,
      chunkDelay: 16,
      chunkProgress: function (processed, total) {
        if (processed >= total && S.el === el) el.setAttribute("data-sites-loaded", "true");
      },
      // Tighter clusters when zoomed in; co-located sites spiderfy at max zoom.
      maxClusterRadius: function (z) { return z >= 16 ? 30 : z >= 14 ? 45 : 60; },
      showCoverageOnHover: false,
      spiderfyOnMaxZoom: true,
      removeOutsideVisibleBounds: true,
      // Cluster split/merge animation costs ~2x per zoom with 10k sites; off unless asked for.
      animate: !!opts.clusterAnimation,
      iconCreateFunction: clusterIcon
    });
    S.siteGroup.on("click", function (e) {
      var m = e.propagatedFrom || e.layer;
      if (m && m._vm) fire("site", m._vm.id);
    });
    S.siteGroup.on("mouseover", function (e) {
      var m = e.propagatedFrom || e.layer;
      if (m && m._vm && !m.getTooltip()) {
        m.bindTooltip(siteTooltip(m), { direction: "top", offset: [0, -6] });
        m.openTooltip();
      }
    });
    S.siteGroup.addTo(map);
    S.incidentLayer = L.layerGroup().addTo(map);
    S.crewLayer = L.layerGroup().addTo(map);
    if (opts.legend !== false) legendControl().addTo(map);
    map.on("zoomend", updateLabelVisibility);
    // Pause the incident pulses while the map moves: keeps pan/zoom smooth.
    map.on("movestart zoomstart", function () { L.DomUtil.addClass(el, "vm-moving"); });
    map.on("moveend zoomend", function () { L.DomUtil.removeClass(el, "vm-moving"); });
    updateLabelVisibility();

    loadBasemap(opts.basemapUrl === undefined ? "/basemap/region.geojson" : opts.basemapUrl, map);

    // Data given before init (or kept over a re-init).
    var p = S.pending;
    S.pending = { sites: null, incidents: null, crews: null, focus: null };
    if (p.sites) setSites(p.sites); else el.setAttribute("data-sites-loaded", "true");
    if (p.incidents) setIncidents(p.incidents);
    if (p.crews) setCrews(p.crews);
    if (p.focus) focus(p.focus[0], p.focus[1], p.focus[2]);
    return api;
  }

  function focus(lat, lon, zoom) {
    lat = num(lat); lon = num(lon);
    if (!validLatLng(lat, lon)) return;
    if (!S.map) { S.pending.focus = [lat, lon, zoom]; return; }
    var z = zoom != null ? num(zoom) : Math.max(S.map.getZoom(), 16);
    S.map.setView([lat, lon], z, { animate: true });
  }

  function counts() {
    if (!S.map) {
      return {
        sites: (S.pending.sites || []).length,
        incidents: (S.pending.incidents || []).filter(function (i) { return i && i.status !== "closed"; }).length,
        crews: (S.pending.crews || []).length
      };
    }
    return { sites: S.siteCount, incidents: S.incidentCount, crews: S.crewCount };
  }

  function resize() { if (S.map) S.map.invalidateSize(); }

  // ------------------------------------------------------------------ picking a position
  // A draggable pin; a click on the map moves it there. Each move is reported as
  // onPick(lat, lon). Calling pick() again replaces the pin and the callback.
  var picked = { marker: null, click: null };
  function pick(lat, lon, onPick) {
    if (!S.map) return;
    var report = function (ll) { if (typeof onPick === "function") onPick(ll.lat, ll.lng); };
    if (picked.marker) S.map.removeLayer(picked.marker);
    if (picked.click) S.map.off("click", picked.click);
    picked.marker = null;
    var icon = L.divIcon({ className: "vm-pick", html: "<span></span>", iconSize: [22, 22], iconAnchor: [11, 22] });
    var place = function (ll) {
      if (picked.marker) { picked.marker.setLatLng(ll); return; }
      picked.marker = L.marker(ll, { icon: icon, draggable: true, keyboard: false }).addTo(S.map);
      picked.marker.on("dragend", function () { report(picked.marker.getLatLng()); });
    };
    lat = num(lat); lon = num(lon);
    if (validLatLng(lat, lon) && !(lat === 0 && lon === 0)) {
      place(L.latLng(lat, lon));
      S.map.setView([lat, lon], Math.max(S.map.getZoom(), 15));
    }
    picked.click = function (e) { place(e.latlng); report(e.latlng); };
    S.map.on("click", picked.click);
  }

  function destroy() {
    picked = { marker: null, click: null };
    teardown(false);
    S.pending = { sites: null, incidents: null, crews: null, focus: null };
    S.opts = null;
  }

  var api = {
    version: "1.0.0",
    STATE_COLORS: STATE_COLORS,
    CREW_COLORS: CREW_COLORS,
    init: init,
    destroy: destroy,
    resize: resize,
    setSites: setSites,
    updateSite: updateSite,
    removeSite: removeSite,
    setIncidents: setIncidents,
    updateIncident: updateIncident,
    removeIncident: removeIncident,
    setCrews: setCrews,
    updateCrew: updateCrew,
    removeCrew: removeCrew,
    focus: focus,
    pick: pick,
    counts: counts,
    map: function () { return S.map; }
  };
  global.VigilMap = api;
})(window);
