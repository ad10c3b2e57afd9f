/* The roadmap picture: ELK lays the graph out (in a worker, once per graph version, cached
 * in localStorage), this file draws it as SVG with real links, zoom and pan, a track
 * filter, the path to a goal highlighted, and (first-run) marking topics known.
 * The data comes from the page: <script type="application/json" id="roadmap-data">. */
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var LAYOUT_REVISION = 6; // bump when the ELK options or node sizes change
  var NODE_W = 184, NODE_H = 58;
  var ICONS = { done: "\u2713", in_progress: "\u25B6", ready: "\u25CB", needs_review: "\u21BB", locked: "\u2298" };

  function el(name, attrs, parent) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (parent) parent.appendChild(node);
    return node;
  }

  function wrap(title, width) {
    // Two lines of at most `width` characters, breaking at spaces; the rest becomes "…".
    var words = title.split(" "), lines = [""];
    words.forEach(function (word) {
      var line = lines[lines.length - 1];
      if ((line + " " + word).trim().length <= width || !line) lines[lines.length - 1] = (line + " " + word).trim();
      else lines.push(word);
    });
    if (lines.length > 2) lines = [lines[0], (lines[1] + " " + lines.slice(2).join(" ")).slice(0, width - 1) + "\u2026"];
    return lines;
  }

  function elkGraph(data) {
    var children = [], edges = [];
    data.tracks.forEach(function (track) {
      track.topics.forEach(function (topic) { children.push({ id: topic.topic, width: NODE_W, height: NODE_H }); });
    });
    data.edges.forEach(function (edge, i) { edges.push({ id: "e" + i, sources: [edge.from], targets: [edge.to] }); });
    // Network-simplex placement draws the straightest picture but grows much faster than
    // linearly; past 150 topics Brandes–Köpf and fewer sweeps keep it to seconds.
    var big = children.length > 150;
    return {
      id: "roadmap",
      layoutOptions: {
        "elk.algorithm": "layered",
        "elk.direction": "RIGHT",
        "elk.edgeRouting": "SPLINES",
        "elk.spacing.nodeNode": "16",
        "elk.layered.spacing.nodeNodeBetweenLayers": "64",
        "elk.layered.nodePlacement.strategy": big ? "BRANDES_KOEPF" : "NETWORK_SIMPLEX",
        "elk.layered.thoroughness": big ? "2" : "7",
        "elk.padding": "[top=24,left=24,bottom=24,right=24]"
      },
      children: children,
      edges: edges
    };
  }

  function layout(container, data) {
    var key = "pathwise:layout:" + data.version + ":" + data.edges.length + ":" + LAYOUT_REVISION;
    try {
      var cached = window.localStorage.getItem(key);
      if (cached) return Promise.resolve(JSON.parse(cached));
    } catch (error) { /* private mode: lay out every time */ }
    return new Promise(function (resolve, reject) {
      var worker = new Worker(container.dataset.workerUrl);
      worker.onmessage = function (event) {
        worker.terminate();
        if (event.data.error) return reject(new Error(event.data.error));
        var laid = event.data.graph, result = { width: laid.width, height: laid.height, nodes: {}, edges: [] };
        laid.children.forEach(function (node) { result.nodes[node.id] = [node.x, node.y]; });
        laid.edges.forEach(function (edge) {
          var s = edge.sections && edge.sections[0];
          if (!s) return result.edges.push(null);
          var points = [s.startPoint].concat(s.bendPoints || [], [s.endPoint]);
          result.edges.push(points.map(function (p) { return [Math.round(p.x * 10) / 10, Math.round(p.y * 10) / 10]; }));
        });
        try {
          Object.keys(window.localStorage).forEach(function (old) {
            if (old.indexOf("pathwise:layout:") === 0) window.localStorage.removeItem(old);
          });
          window.localStorage.setItem(key, JSON.stringify(result));
        } catch (error) { /* full or private: fine */ }
        resolve(result);
      };
      worker.onerror = function (error) { worker.terminate(); reject(error); };
      worker.postMessage({ elkUrl: container.dataset.elkUrl, graph: elkGraph(data) });
    });
  }

  function edgePath(points) {
    var d = "M" + points[0][0] + "," + points[0][1];
    if ((points.length - 1) % 3 === 0 && points.length > 2) {
      for (var i = 1; i < points.length; i += 3) {
        d += " C" + points[i].join(",") + " " + points[i + 1].join(",") + " " + points[i + 2].join(",");
      }
    } else {
      for (var j = 1; j < points.length; j++) d += " L" + points[j].join(",");
    }
    return d;
  }

  function draw(container, data, laid, highlight) {
    var svg = container.querySelector("svg.map");
    var onPath = new Set(highlight || []);
    var titles = {};
    svg.setAttribute("viewBox", "0 0 " + laid.width + " " + laid.height);
    var defs = el("defs", {}, svg);
    var marker = el("marker", { id: "arrow", viewBox: "0 0 10 10", refX: "9", refY: "5", markerWidth: "7", markerHeight: "7", orient: "auto-start-reverse" }, defs);
    el("path", { d: "M0,0 L10,5 L0,10 z", class: "arrow" }, marker);
    var edgeLayer = el("g", { class: "edges", "aria-hidden": "true" }, svg);
    var nodeLayer = el("g", { class: "nodes" }, svg);
    data.edges.forEach(function (edge, i) {
      var points = laid.edges[i];
      if (!points) return;
      var cls = "edge " + edge.kind + " from-" + edge.from + " to-" + edge.to;
      if (onPath.size && onPath.has(edge.from) && onPath.has(edge.to)) cls += " on-path";
      el("path", { d: edgePath(points), class: cls, "marker-end": "url(#arrow)", "data-track": "" }, edgeLayer);
    });
    data.tracks.forEach(function (track, trackIndex) {
      track.topics.forEach(function (topic) {
        var at = laid.nodes[topic.topic];
        if (!at) return;
        titles[topic.topic] = topic.title;
        var state = topic.state || "none";
        var cls = "node state-" + state + " track-" + trackIndex;
        if (onPath.size) cls += onPath.has(topic.topic) ? " on-path" : " off-path";
        var lines = wrap(topic.title, 24);
        var metaText = (topic.state ? ICONS[topic.state] + " " + data.states[topic.state] + " \u00B7 " : "") + topic.hours + " h";
        // The accessible name starts with what the node shows, then says the track.
        var link = el("a", { href: container.dataset.topicUrl.replace("__slug__", topic.topic), class: cls, "data-topic": topic.topic, "data-track": track.track, "data-track-title": track.title, "aria-label": lines.join(" ") + " " + metaText + ", " + track.title, transform: "translate(" + at[0] + "," + at[1] + ")" }, nodeLayer);
        el("rect", { class: "box", width: NODE_W, height: NODE_H, rx: 8 }, link);
        el("rect", { class: "band", width: 6, height: NODE_H - 2, x: 1, y: 1, rx: 3 }, link);
        // One <text>, so the visible text reads as one string ("Linear algebra ✓ Done · 20 h").
        var text = el("text", {}, link);
        lines.forEach(function (line, n) {
          var span = el("tspan", { class: "title", x: 14, y: (lines.length === 1 ? 24 : 19) + n * 15 }, text);
          span.textContent = line + (n < lines.length - 1 ? " " : "");
        });
        text.lastChild.textContent += " ";
        var meta = el("tspan", { class: "meta", x: 14, y: NODE_H - 10 }, text);
        meta.textContent = metaText;
      });
    });
    return titles;
  }

  function zoomPan(container, svg, laid, focus) {
    var box = { x: 0, y: 0, w: laid.width, h: laid.height };
    function apply() { svg.setAttribute("viewBox", [box.x, box.y, box.w, box.h].join(" ")); }
    function fit(target) {
      // Readable first: at most ~860 units tall (titles stay legible), starting at the left
      // of the roadmap, or of the highlighted path; zoom out with "−" or the wheel.
      var rect = svg.getBoundingClientRect(), aspect = rect.width / Math.max(rect.height, 1);
      var h = Math.min(laid.height, 860), w = h * aspect;
      if (w > laid.width) { w = laid.width; h = w / aspect; }
      if (target) box = { x: Math.max(target.x - 30, 0), y: target.y + target.h / 2 - h / 2, w: w, h: h };
      else box = { x: 0, y: laid.height / 2 - h / 2, w: w, h: h };
      apply();
    }
    function zoom(factor, cx, cy) {
      var nw = Math.min(Math.max(box.w * factor, 200), laid.width * 3);
      var f = nw / box.w;
      cx = cx === undefined ? box.x + box.w / 2 : cx;
      cy = cy === undefined ? box.y + box.h / 2 : cy;
      box = { x: cx - (cx - box.x) * f, y: cy - (cy - box.y) * f, w: box.w * f, h: box.h * f };
      apply();
    }
    function toSvg(event) {
      var rect = svg.getBoundingClientRect();
      return { x: box.x + (event.clientX - rect.left) / rect.width * box.w, y: box.y + (event.clientY - rect.top) / rect.height * box.h };
    }
    svg.addEventListener("wheel", function (event) {
      event.preventDefault();
      var p = toSvg(event);
      zoom(event.deltaY > 0 ? 1.15 : 1 / 1.15, p.x, p.y);
    }, { passive: false });
    var drag = null;
    svg.addEventListener("pointerdown", function (event) {
      drag = { x: event.clientX, y: event.clientY, box: Object.assign({}, box), moved: false };
    });
    svg.addEventListener("pointermove", function (event) {
      if (!drag) return;
      var rect = svg.getBoundingClientRect();
      var dx = (event.clientX - drag.x) / rect.width * box.w, dy = (event.clientY - drag.y) / rect.height * box.h;
      if (Math.abs(event.clientX - drag.x) + Math.abs(event.clientY - drag.y) > 4) {
        drag.moved = true;
        svg.classList.add("panning");
      }
      if (drag.moved) { box.x = drag.box.x - dx; box.y = drag.box.y - dy; apply(); }
    });
    function end() { setTimeout(function () { drag = null; svg.classList.remove("panning"); }, 0); }
    svg.addEventListener("pointerup", end);
    svg.addEventListener("pointerleave", end);
    svg.addEventListener("click", function (event) { if (drag && drag.moved) { event.preventDefault(); event.stopPropagation(); } }, true);
    container.querySelectorAll("[data-zoom]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var how = button.dataset.zoom;
        if (how === "in") zoom(1 / 1.3);
        else if (how === "out") zoom(1.3);
        else fit();
      });
    });
    // Keep a focused topic in view when tabbing through the picture.
    svg.addEventListener("focusin", function (event) {
      var link = event.target.closest("a.node");
      if (!link) return;
      var m = /translate\(([-\d.]+),([-\d.]+)\)/.exec(link.getAttribute("transform"));
      var x = +m[1], y = +m[2];
      if (x < box.x || x + NODE_W > box.x + box.w || y < box.y || y + NODE_H > box.y + box.h) {
        box.x = x + NODE_W / 2 - box.w / 2; box.y = y + NODE_H / 2 - box.h / 2; apply();
      }
    });
    fit(focus);
  }

  function pathBounds(laid, highlight) {
    var xs = [], ys = [];
    (highlight || []).forEach(function (slug) {
      var at = laid.nodes[slug];
      if (at) { xs.push(at[0], at[0] + NODE_W); ys.push(at[1], at[1] + NODE_H); }
    });
    if (!xs.length) return null;
    var x = Math.min.apply(null, xs), y = Math.min.apply(null, ys);
    return { x: x, y: y, w: Math.max.apply(null, xs) - x, h: Math.max.apply(null, ys) - y };
  }

  function trackFilter(container) {
    var select = container.querySelector("select[name=track]");
    if (!select) return;
    function applyFilter() {
      var track = select.value;
      container.querySelectorAll("a.node").forEach(function (node) {
        node.classList.toggle("filtered", !!track && node.dataset.track !== track);
      });
      container.querySelectorAll("path.edge").forEach(function (edge) { edge.classList.toggle("filtered", !!track); });
      if (track) {
        container.querySelectorAll("a.node:not(.filtered)").forEach(function (node) {
          container.querySelectorAll("path.from-" + node.dataset.topic + ", path.to-" + node.dataset.topic).forEach(function (edge) {
            edge.classList.remove("filtered");
          });
        });
      }
    }
    select.addEventListener("change", applyFilter);
    applyFilter();
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function setStates(container, data, states) {
    container.querySelectorAll("a.node").forEach(function (node) {
      var state = states[node.dataset.topic];
      if (!state) return;
      node.setAttribute("class", node.getAttribute("class").replace(/state-[a-z_]+/, "state-" + state));
      var meta = node.querySelector("tspan.meta");
      meta.textContent = ICONS[state] + " " + data.states[state] + " \u00B7 " + meta.textContent.split(" \u00B7 ").pop();
      node.setAttribute("aria-label", node.querySelector("text").textContent.trim() + ", " + node.dataset.trackTitle);
    });
  }

  function onTopic(container, data, titles) {
    var svg = container.querySelector("svg.map");
    var panel = document.getElementById("topic-panel");
    var knownForm = document.getElementById("mark-known");
    svg.addEventListener("click", function (event) {
      var link = event.target.closest("a.node");
      if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
      var slug = link.dataset.topic;
      if (knownForm) {
        event.preventDefault();
        var body = new FormData(knownForm);
        body.set("topic", slug);
        body.set("known", link.classList.contains("state-done") ? "0" : "1");
        var status = document.getElementById("mark-known-status");
        fetch(knownForm.action, { method: "POST", body: body, headers: { "Accept": "application/json", "X-CSRFToken": csrfToken() }, credentials: "same-origin" })
          .then(function (response) { return response.json().then(function (json) { return { ok: response.ok, json: json }; }); })
          .then(function (answer) {
            if (!answer.ok) { status.textContent = answer.json.detail || "Not changed."; return; }
            setStates(container, data, answer.json.states);
            status.textContent = answer.json.message;
          });
        return;
      }
      if (!panel || !window.htmx) return;
      event.preventDefault();
      var url = new URL(window.location.href);
      url.searchParams.set("topic", slug);
      window.htmx.ajax("GET", link.getAttribute("href"), { target: "#topic-panel", swap: "innerHTML" }).then(function () {
        window.history.pushState({ topic: slug }, "", url.pathname + url.search);
        var heading = panel.querySelector("h2");
        if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus({ preventScroll: window.innerWidth > 800 }); }
      });
      container.querySelectorAll("a.node.selected").forEach(function (node) { node.classList.remove("selected"); });
      link.classList.add("selected");
    });
    window.addEventListener("popstate", function () { window.location.reload(); });
  }

  function start(container) {
    var data = JSON.parse(document.getElementById("roadmap-data").textContent);
    var highlightNode = document.getElementById("roadmap-highlight");
    var highlight = highlightNode ? JSON.parse(highlightNode.textContent) : [];
    var status = container.querySelector(".map-status");
    var t0 = performance.now();
    layout(container, data).then(function (laid) {
      var titles = draw(container, data, laid, highlight);
      container.classList.add("ready");
      var svg = container.querySelector("svg.map");
      zoomPan(container, svg, laid, pathBounds(laid, (highlight || []).slice(0, 3)));
      trackFilter(container);
      onTopic(container, data, titles);
      var selected = new URLSearchParams(window.location.search).get("topic");
      if (selected) {
        var node = svg.querySelector('a.node[data-topic="' + CSS.escape(selected) + '"]');
        if (node) node.classList.add("selected");
      }
      status.textContent = "";
      container.dataset.layoutMs = Math.round(performance.now() - t0);
    }).catch(function (error) {
      status.textContent = "The picture could not be drawn (" + error.message + "). The list view has the same information.";
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var container = document.getElementById("roadmap-map");
    if (container) start(container);
  });
})();
