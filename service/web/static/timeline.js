/* The timeline page: vis-timeline fed from /api/events, one visible window at a time.
 *
 * The view's state (filters, grouping, visible window, selected event) lives in the URL, so
 * a view can be shared and restored. Every string from a document is put into the page with
 * textContent or as a text node, never as HTML.
 */
(function () {
  "use strict";

  const DAY = 24 * 3600 * 1000;
  const PAGE_LIMIT = 250; // more events than this in the window → only the closely dated ones, or counts
  const app = document.getElementById("timeline-app");
  const config = JSON.parse(app.dataset.config);
  const typeLabel = Object.fromEntries(config.types.map((t) => [t.key, t.label]));
  const base = config.base || ""; // the base IRI: what is minted under it is served here, at this page's origin
  const $ = (id) => document.getElementById(id);

  // An IRI this service minted, as a path on the server that served this page (whatever host
  // and port that is); any other IRI or link as it is.
  function localHref(iri) {
    if (!iri) return null;
    if (base && iri.startsWith(base)) return "/" + iri.slice(base.length);
    return iri;
  }

  // ---------------------------------------------------------------- building the DOM
  const el = window.EventgraphDom.el; // static/dom.js

  function isoDay(date) {
    const d = new Date(date);
    return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0");
  }

  function localDate(iso) {
    const [y, m, d] = iso.split("-").map(Number);
    return new Date(y, m - 1, d);
  }

  function addDays(iso, n) {
    const d = localDate(iso);
    d.setDate(d.getDate() + n);
    return d;
  }

  async function getJSON(url) {
    const resp = await fetch(url, { headers: { Accept: "application/json" } });
    const body = await resp.json();
    if (!resp.ok) throw new Error(body.error || resp.statusText);
    return body;
  }

  // ---------------------------------------------------------------- state ⇄ URL
  const state = {
    q: "", types: [], actors: [], doc: "", start: "", end: "", group: "none",
    from: "", to: "", event: "",
  };
  const actorNames = {};

  function readURL() {
    const p = new URLSearchParams(location.search);
    state.q = p.get("q") || "";
    state.types = p.getAll("type").flatMap((t) => t.split(",")).filter((t) => t in typeLabel);
    state.actors = p.getAll("actor");
    state.doc = p.get("doc") || "";
    state.start = p.get("start") || "";
    state.end = p.get("end") || "";
    state.group = ["none", "actor", "type", "document"].includes(p.get("group")) ? p.get("group") : "none";
    state.from = p.get("from") || "";
    state.to = p.get("to") || "";
    state.event = p.get("event") || "";
  }

  function filterParams() {
    const p = new URLSearchParams();
    if (state.q) p.set("q", state.q);
    state.types.forEach((t) => p.append("type", t));
    state.actors.forEach((a) => p.append("actor", a));
    if (state.doc) p.set("doc", state.doc);
    if (state.start) p.set("start", state.start);
    if (state.end) p.set("end", state.end);
    return p;
  }

  function writeURL() {
    const p = filterParams();
    if (state.group !== "none") p.set("group", state.group);
    if (state.from) p.set("from", state.from);
    if (state.to) p.set("to", state.to);
    if (state.event) p.set("event", state.event);
    const query = p.toString();
    history.replaceState(null, "", location.pathname + (query ? "?" + query : ""));
    const exportQuery = filterParams().toString();
    for (const [id, path] of [["x-json", "events.json"], ["x-csv", "events.csv"], ["x-tljs", "timelinejs.json"]]) {
      $(id).href = "/api/export/" + path + (exportQuery ? "?" + exportQuery : "");
    }
  }

  // ---------------------------------------------------------------- the timeline
  const items = new vis.DataSet();
  const groups = new vis.DataSet();
  const byKey = new Map(); // event key → event JSON of the events drawn
  const container = $("timeline");

  // The label is built by the server (service/timeline/labels.py): the API and the page agree.
  function itemLabel(ev) {
    return ev.label || typeLabel[ev.type] || ev.type;
  }

  function template(item) {
    if (item.bucket) {
      const bar = el("div", { class: "bucket-bar" });
      bar.style.height = item.bucket.height + "px";
      return el("div", { class: "bucket-column" }, el("span", { class: "bucket-label", text: item.bucket.count.toLocaleString() }), bar);
    }
    if (item.isCluster) return item.content; // vis-timeline's own markup from the constant titleTemplate
    if (item.band) return ""; // the interval's band carries no label: its point does
    const ev = byKey.get(item.key);
    if (!ev) return el("span", { text: item.key || "" });
    return el("span", { class: "item-label" }, itemLabel(ev));
  }

  function tooltip(ev) {
    const d = ev.date;
    const when = d.earliest === d.latest ? d.earliest : d.earliest + " – " + d.latest;
    return el("div", { class: "tip" },
      el("strong", { text: typeLabel[ev.type] }), " · ", when,
      el("span", { class: "muted", text: isCertain(d) ? " (known to the day)" : " (uncertain: " + d.precision + "; drawn at its latest day)" }),
      el("div", { text: itemLabel(ev) }),
      ev.trigger ? el("div", { class: "muted", text: "“" + ev.trigger + "”" }) : null,
      ev.document.title ? el("div", { class: "muted", text: ev.document.title }) : null);
  }

  // Only events known to the day gather into clusters: an uncertain event's point stands for a
  // span, so it stays drawn and labelled at every zoom.
  function clusterable(item) {
    return item.type === "point" && item.certain === true;
  }

  const timeline = new vis.Timeline(container, items, {
    height: "100%",
    stack: true,
    showCurrentTime: false,
    orientation: { axis: "top", item: "top" },
    margin: { item: { horizontal: 4, vertical: 4 }, axis: 6 },
    zoomMin: 3 * DAY,
    zoomMax: 40 * 365 * DAY,
    selectable: true,
    multiselect: false,
    verticalScroll: true,
    dataAttributes: ["key", "precision", "band"],
    template: template,
    groupTemplate: (group) => group ? el("span", { class: "group-label " + (group.className || "") }, group.label) : "",
    groupOrder: (a, b) => (a.order - b.order) || a.label.localeCompare(b.label),
    // Crowded points known to the day gather into clusters; uncertain events stay visible as they are.
    cluster: {
      maxItems: 5, showStipes: true, fitOnDoubleClick: true,
      titleTemplate: "{count} events close together — click to zoom in",
      clusterCriteria: (a, b) => clusterable(a) && clusterable(b),
    },
    tooltip: { followMouse: true, overflowMethod: "cap", delay: 200 },
  });

  function groupsOf(ev) {
    if (state.group === "type") return [{ id: "type:" + ev.type, label: typeLabel[ev.type], className: "t-" + ev.type, order: 0 }];
    if (state.group === "document") {
      return [{ id: "doc:" + ev.document.id, label: ev.document.title || ev.document.id, order: 0 }];
    }
    if (state.group === "actor") {
      if (!ev.agents.length) return [{ id: "actor:", label: "(no agent named)", order: 1 }];
      return ev.agents.map((a) => ({ id: "actor:" + a.iri, label: a.name, order: 0 }));
    }
    return [null];
  }

  // An event known to the day is a filled dot on its day. Any other event is a hollow dot on the
  // latest day it may have happened on, labelled like the others, over a light band (a background
  // item, in its row when grouped) from its earliest to its latest day: readable at every zoom,
  // however long or short the span.
  function bandClass(ev, active) {
    return "band t-" + ev.type + " p-" + ev.date.precision + (active ? " active" : "");
  }

  function eventItems(ev) {
    const d = ev.date;
    const certain = isCertain(d);
    const point = {
      key: ev.key,
      type: "point",
      certain,
      precision: certain ? "day" : d.precision,
      title: tooltip(ev),
      start: certain ? localDate(d.earliest) : localDate(d.latest),
      className: "t-" + ev.type + (certain ? " certain" : " uncertain p-" + d.precision),
    };
    return groupsOf(ev).flatMap((g, n) => {
      const group = g ? g.id : undefined;
      const out = [Object.assign({ id: ev.key + "|" + n, group }, point)];
      if (!certain) {
        out.push({
          id: "band:" + ev.key + "|" + n, group, band: ev.key, type: "background",
          start: localDate(d.earliest), end: addDays(d.latest, 1), className: bandClass(ev, ev.key === state.event),
        });
      }
      return out;
    });
  }

  function showEvents(events) {
    byKey.clear();
    timeline.setOptions(EVENT_LAYOUT);
    const newItems = [];
    const newGroups = new Map();
    for (const ev of events) {
      if (!ev.date.earliest || !ev.date.latest) continue;
      byKey.set(ev.key, ev);
      groupsOf(ev).forEach((g) => g && newGroups.set(g.id, g));
      newItems.push(...eventItems(ev));
    }
    timeline.setGroups(state.group === "none" ? null : new vis.DataSet([...newGroups.values()]));
    items.clear();
    items.add(newItems);
    markSelection();
  }

  const EVENT_LAYOUT = { stack: true, orientation: { axis: "top", item: "top" } };
  const BAR_LAYOUT = { stack: false, orientation: { axis: "top", item: "bottom" } };
  const BAR_HEIGHT = 220; // px of the fullest bar

  function showBuckets(histogram) {
    byKey.clear();
    timeline.setGroups(null);
    timeline.setOptions(BAR_LAYOUT);
    items.clear();
    const most = Math.max(1, ...histogram.buckets.map((b) => b.count));
    items.add(histogram.buckets.map((b) => {
      const start = histogram.level === "month" ? localDate(b.key + "-01") : new Date(Number(b.key), 0, 1);
      const end = histogram.level === "month" ? new Date(start.getFullYear(), start.getMonth() + 1, 1) : new Date(start.getFullYear() + 1, 0, 1);
      const label = plural(b.count, "event") + " touch " + b.key;
      return {
        id: "bucket:" + b.key, type: "range", start, end, className: "bucket",
        bucket: { count: b.count, height: Math.round(8 + (BAR_HEIGHT * b.count) / most) },
        title: el("div", { text: label + " — click to zoom in" }),
      };
    }));
  }

  // ---------------------------------------------------------------- loading the visible window
  let loaded = null; // {start, end, filters, complete}
  let sequence = 0;

  function fetchWindow() {
    const w = timeline.getWindow();
    const span = w.end - w.start;
    let start = new Date(w.start.getTime() - span / 2);
    let end = new Date(w.end.getTime() + span / 2);
    if (state.start && localDate(state.start) > start) start = localDate(state.start);
    if (state.end && localDate(state.end) < end) end = localDate(state.end);
    return { start: isoDay(start), end: isoDay(end), visible: w };
  }

  async function refresh(force) {
    const win = fetchWindow();
    const filters = filterParams().toString();
    if (!force && loaded && loaded.complete && loaded.filters === filters &&
        loaded.start <= isoDay(win.visible.start) && loaded.end >= isoDay(win.visible.end)) return;
    const seq = ++sequence;
    $("status").textContent = "Loading…";
    if (win.start > win.end) {
      showEvents([]);
      loaded = { start: win.start, end: win.end, filters, complete: true };
      return status({ complete: true, events: [], limit: PAGE_LIMIT });
    }
    const p = filterParams();
    p.set("start", win.start);
    p.set("end", win.end);
    p.set("limit", String(PAGE_LIMIT));
    try {
      const view = await getJSON("/api/timeline?" + p);
      if (seq !== sequence) return;
      if (view.histogram) showBuckets(view.histogram);
      else showEvents(view.events);
      loaded = { start: win.start, end: win.end, filters, complete: view.complete };
      status(view);
    } catch (err) {
      if (seq === sequence) $("status").textContent = "Could not load events: " + err.message;
    }
  }

  function plural(n, word) {
    return n.toLocaleString() + " " + word + (n === 1 ? "" : "s");
  }

  const SUBSET = {
    month: "only the events dated within a single month are drawn",
    day: "only the events known to the day are drawn",
  };

  function status(view) {
    const notice = $("notice");
    notice.hidden = view.complete;
    if (view.histogram) {
      $("status").textContent = "More than " + plural(view.limit, "event") + " around this window";
      notice.textContent = "Too many events to draw one by one: each bar counts the events that touch a " +
        view.histogram.level + ". Zoom in (or click a bar) or narrow the filters to see the events themselves.";
      return;
    }
    const w = timeline.getWindow();
    const inView = view.events.filter((e) => localDate(e.date.earliest) <= w.end && addDays(e.date.latest, 1) >= w.start);
    const uncertain = inView.filter((e) => !isCertain(e.date)).length;
    $("status").textContent = plural(inView.length, "event") + " in view · " +
      (inView.length - uncertain).toLocaleString() + " known to the day · " + uncertain.toLocaleString() + " uncertain";
    if (!view.complete) {
      notice.textContent = "More than " + plural(view.limit, "event") + " touch this window: " + SUBSET[view.drawn] +
        ". Zoom in or narrow the filters to see the others.";
    }
  }

  function isCertain(d) {
    return d.precision === "day" && d.earliest === d.latest;
  }

  async function refreshUndated() {
    const p = filterParams();
    p.delete("start");
    p.delete("end");
    p.set("undated", "1");
    p.set("limit", "50");
    const box = $("undated");
    try {
      const page = await getJSON("/api/events?" + p);
      const list = $("undated-list");
      list.replaceChildren(...page.events.map((ev) => el("li", {},
        el("a", { href: localHref(ev.links.timeline), "data-key": ev.key, onclick: (e) => { e.preventDefault(); select(ev.key); } },
          el("span", { class: "chip t-" + ev.type, text: typeLabel[ev.type] }), " ", itemLabel(ev)),
        el("span", { class: "muted" }, " — ", describeDate(ev.date)))));
      const n = page.events.length + (page.next ? "+" : "");
      $("undated-summary").textContent = n + " matching " + (n === "1" ? "event has" : "events have") +
        " an open-ended or very long date and cannot be drawn on the timeline";
      box.hidden = page.events.length === 0;
    } catch (err) {
      box.hidden = true;
    }
  }

  let rangeTimer = null;
  timeline.on("rangechanged", () => {
    clearTimeout(rangeTimer);
    rangeTimer = setTimeout(() => {
      const w = timeline.getWindow();
      state.from = isoDay(w.start);
      state.to = isoDay(w.end);
      writeURL();
      refresh(false);
    }, 200);
  });

  timeline.on("click", (props) => {
    if (props.isCluster && props.items && props.items.length) {
      timeline.focus(props.items.map((i) => i.id !== undefined ? i.id : i), { animation: true });
      return;
    }
    if (props.item && String(props.item).startsWith("bucket:")) {
      const it = items.get(props.item);
      timeline.setWindow(it.start, it.end, { animation: true });
      return;
    }
    if (props.item) {
      const it = items.get(props.item);
      if (it && (it.key || it.band)) select(it.key || it.band);
    }
  });

  // ---------------------------------------------------------------- the detail panel
  function describeDate(d) {
    if (!d.earliest && !d.latest) return "date unknown";
    if (!d.earliest) return "on or before " + d.latest;
    if (!d.latest) return "on or after " + d.earliest;
    return d.earliest === d.latest ? d.earliest : d.earliest + " – " + d.latest;
  }

  function spanDays(d) {
    if (!d.earliest || !d.latest) return null;
    return Math.round((localDate(d.latest) - localDate(d.earliest)) / DAY) + 1;
  }

  function actorList(title, actors) {
    if (!actors.length) return null;
    return el("div", { class: "actors" }, el("h3", { text: title }), el("ul", {}, actors.map((a) => el("li", {},
      a.iri ? el("a", { class: "name", href: localHref(a.iri), text: a.name }) : el("span", { class: "name", text: a.name }),
      a.group && a.count !== null ? el("span", { class: "muted", text: " (" + (a.approximate ? "about " : "") + a.count + ")" }) : null,
      el("span", { class: "kind", text: a.kind }),
      a.wikidata ? el("a", { class: "wd", href: "https://www.wikidata.org/wiki/" + a.wikidata, rel: "noopener noreferrer", target: "_blank", title: "Wikidata" }, a.wikidata, " ↗") : null))));
  }

  function aidTable(aid) {
    if (!aid.length) return null;
    const row = (a) => el("tr", {},
      el("td", { text: a.item }),
      el("td", { class: "num", text: a.quantity === null ? "—" : a.quantity.toLocaleString() }),
      el("td", { text: a.unit || "—" }),
      el("td", { class: "num", text: a.value ? a.value.amount.toLocaleString() + " " + a.value.currency : "—" }),
      el("td", { text: a.approximate ? "yes" : "no" }));
    return el("div", { class: "aid" }, el("h3", { text: "Aid" }), el("table", {},
      el("thead", {}, el("tr", {},
        el("th", { text: "Item" }), el("th", { class: "num", text: "Quantity" }), el("th", { text: "Unit" }),
        el("th", { class: "num", text: "Value" }), el("th", { text: "Approx.", title: "approximate" }))),
      el("tbody", {}, aid.map(row))));
  }

  // The words searched for (state.q), ignoring case, as <mark class="hit"> around text nodes: never HTML.
  function hits(text) {
    if (!state.q || !text) return [text];
    const words = new RegExp(state.q.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "giu");
    const out = [];
    let pos = 0;
    for (const m of text.matchAll(words)) {
      if (!m[0]) break;
      if (m.index > pos) out.push(text.slice(pos, m.index));
      out.push(el("mark", { class: "hit", text: m[0] }));
      pos = m.index + m[0].length;
    }
    if (pos < text.length) out.push(text.slice(pos));
    return out;
  }

  function withSearch(href) {
    if (!state.q || !href) return href;
    const [path, hash] = href.split("#");
    return path + (path.includes("?") ? "&" : "?") + new URLSearchParams({ q: state.q }) + (hash ? "#" + hash : "");
  }

  function evidence(ev) {
    const s = ev.sentence;
    const a = ev.offsets.trigger[0] - ev.offsets.sentence[0];
    const b = ev.offsets.trigger[1] - ev.offsets.sentence[0];
    const quote = el("blockquote", { class: "evidence t-" + ev.type });
    if (a >= 0 && b > a && b <= s.length) quote.append(...hits(s.slice(0, a)), el("mark", { class: "t-" + ev.type }, hits(s.slice(a, b))), ...hits(s.slice(b)));
    else quote.append(...hits(s));
    return el("div", {}, el("h3", { text: "Evidence" }), quote,
      el("p", { class: "muted small" }, "Confidence " + Math.round(ev.confidence * 100) + "%",
        ev.planned ? " · reported as planned, not yet done" : "",
        " · from ", ev.links.document ? el("a", { href: withSearch(localHref(ev.links.document)), text: ev.document.title || ev.document.id }) : (ev.document.title || "")));
  }

  function renderDetail(ev) {
    const d = ev.date;
    const certain = isCertain(d);
    const days = spanDays(d);
    const panel = $("detail");
    panel.replaceChildren(...[
      el("header", {},
        el("span", { class: "chip t-" + ev.type, text: typeLabel[ev.type] }),
        el("button", { type: "button", class: "close", "aria-label": "Close", onclick: () => select("") }, "×")),
      el("h2", { text: itemLabel(ev) }),
      el("div", { class: "when" },
        el("h3", { text: "When" }),
        d.expression ? el("p", { class: "expr" }, "“", d.expression, "”", el("span", { class: "muted", text: " as written" })) : el("p", { class: "muted", text: "No date in the sentence: taken from the " + d.basis + "." }),
        el("p", {}, el("strong", { text: describeDate(d) }), " ",
          el("span", { class: "badge " + (certain ? "certain" : "uncertain"), text: certain ? "known to the day" : "uncertain · precision: " + d.precision + (days ? " · " + days + " days" : "") })),
        d.expression && d.basis && d.basis !== "explicit" ? el("p", { class: "muted small", text: "Date basis: " + d.basis }) : null),
      actorList("Agents", ev.agents),
      actorList("Recipients", ev.recipients),
      actorList("Participants", ev.participants),
      actorList("Places", ev.places),
      aidTable(ev.aid),
      evidence(ev),
      el("nav", { class: "links" },
        ev.links.document ? el("a", { href: withSearch(localHref(ev.links.document)), text: "Read in the document" }) : null,
        ev.document.iri ? el("a", { href: localHref(ev.document.iri), text: "The document's RDF" }) : null,
        el("a", { href: localHref(ev.links.rdf), text: "RDF of this event" }),
        el("a", { href: localHref(ev.links.editor), text: "SPARQL query about it" }),
        el("a", { href: localHref(ev.links.self), text: "JSON" })),
      el("p", { class: "iri muted small" }, "IRI ", el("a", { href: localHref(ev.iri), text: ev.iri })),
    ].filter(Boolean));
    panel.hidden = false;
    app.classList.add("with-detail");
    timeline.redraw();
    document.dispatchEvent(new CustomEvent("eventgraph:detail", { detail: ev })); // curation.js adds its controls
  }

  // A correction was made (curation.js): draw the events again and show the event as it now is.
  document.addEventListener("eventgraph:changed", async (e) => {
    loaded = null;
    await refresh(true);
    refreshUndated();
    await select((e.detail && e.detail.key) || "");
  });

  function markSelection() {
    const ids = state.event ? items.getIds({ filter: (it) => it.key === state.event }) : [];
    timeline.setSelection(ids);
    // The selected event's band stands out from the others.
    const bands = items.get({ filter: (it) => it.band && (it.band === state.event || it.className.endsWith(" active")) });
    items.update(bands.map((it) => ({ id: it.id, className: bandClass(byKey.get(it.band), it.band === state.event) })));
  }

  async function select(key) {
    state.event = key;
    writeURL();
    markSelection();
    if (!key) {
      $("detail").hidden = true;
      app.classList.remove("with-detail");
      timeline.redraw();
      return;
    }
    try {
      const ev = await getJSON("/api/events/" + encodeURIComponent(key));
      if (state.event === key) renderDetail(ev);
    } catch (err) {
      $("detail").replaceChildren(el("p", { class: "error", text: "Could not load the event: " + err.message }));
      $("detail").hidden = false;
    }
  }

  // ---------------------------------------------------------------- filters form
  function renderActorTokens() {
    $("f-actors").replaceChildren(...state.actors.map((iri) => el("li", {},
      el("span", { text: actorNames[iri] || iri.split("/").pop() }),
      el("button", { type: "button", "aria-label": "Remove", onclick: () => { state.actors = state.actors.filter((a) => a !== iri); changed(); } }, "×"))));
  }

  function fillForm() {
    $("f-q").value = state.q;
    document.querySelectorAll("#f-types input").forEach((box) => { box.checked = !state.types.length || state.types.includes(box.value); });
    $("f-doc").value = state.doc;
    $("f-start").value = state.start;
    $("f-end").value = state.end;
    $("f-group").value = state.group;
    renderActorTokens();
  }

  function changed() {
    renderActorTokens();
    writeURL();
    refresh(true);
    refreshUndated();
  }

  let searchTimer = null;
  $("f-q").addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => { state.q = $("f-q").value.trim(); changed(); }, 300);
  });
  $("filters").addEventListener("submit", (e) => e.preventDefault());
  $("f-types").addEventListener("change", () => {
    const checked = [...document.querySelectorAll("#f-types input:checked")].map((b) => b.value);
    state.types = checked.length === config.types.length ? [] : checked;
    changed();
  });
  $("types-all").addEventListener("click", () => { state.types = []; fillForm(); changed(); });
  $("f-doc").addEventListener("change", () => { state.doc = $("f-doc").value; changed(); });
  for (const id of ["f-start", "f-end"]) {
    $(id).addEventListener("change", () => { state.start = $("f-start").value; state.end = $("f-end").value; changed(); });
  }
  $("f-group").addEventListener("change", () => { state.group = $("f-group").value; writeURL(); loaded = null; refresh(true); });
  $("reset").addEventListener("click", () => {
    Object.assign(state, { q: "", types: [], actors: [], doc: "", start: "", end: "" });
    fillForm();
    changed();
  });
  $("zoom-in").addEventListener("click", () => timeline.zoomIn(0.5));
  $("zoom-out").addEventListener("click", () => timeline.zoomOut(0.5));
  $("zoom-fit").addEventListener("click", () => fitAll());

  // Actor autocomplete: suggestions from /api/actors as the reader types.
  const actorInput = $("f-actor");
  const suggestions = $("f-actor-list");
  let suggestTimer = null;
  let active = -1;

  function closeSuggestions() {
    suggestions.hidden = true;
    actorInput.setAttribute("aria-expanded", "false");
    active = -1;
  }

  function addActor(actor) {
    actorNames[actor.iri] = actor.name;
    if (!state.actors.includes(actor.iri)) state.actors.push(actor.iri);
    actorInput.value = "";
    closeSuggestions();
    changed();
  }

  async function suggest() {
    const q = actorInput.value.trim();
    if (!q) return closeSuggestions();
    const data = await getJSON("/api/actors?" + new URLSearchParams({ q, limit: "10" }));
    if (actorInput.value.trim() !== q) return;
    suggestions.replaceChildren(...data.actors.map((a, n) => el("li", {
      role: "option", id: "actor-opt-" + n, "data-iri": a.iri,
      onmousedown: (e) => { e.preventDefault(); addActor(a); },
    }, el("span", { class: "name", text: a.name }), el("span", { class: "muted", text: " " + a.kind + " · " + a.events + (a.events === 1 ? " event" : " events") }))));
    if (!data.actors.length) suggestions.replaceChildren(el("li", { class: "muted", text: "no actor matches" }));
    suggestions.hidden = false;
    actorInput.setAttribute("aria-expanded", "true");
    suggestions._actors = data.actors;
  }

  actorInput.addEventListener("input", () => { clearTimeout(suggestTimer); suggestTimer = setTimeout(suggest, 150); });
  actorInput.addEventListener("blur", () => setTimeout(closeSuggestions, 100));
  actorInput.addEventListener("keydown", (e) => {
    const list = suggestions._actors || [];
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      active = (active + (e.key === "ArrowDown" ? 1 : list.length - 1)) % Math.max(list.length, 1);
      [...suggestions.children].forEach((li, n) => li.classList.toggle("active", n === active));
    } else if (e.key === "Enter") {
      e.preventDefault();
      if (list.length) addActor(list[Math.max(active, 0)]);
    } else if (e.key === "Escape") closeSuggestions();
  });

  // ---------------------------------------------------------------- start
  function fitAll() {
    if (!config.extent) return;
    const first = localDate(config.extent.first);
    const last = addDays(config.extent.last, 1);
    const pad = Math.max((last - first) * 0.05, 7 * DAY);
    const room = Math.max((last - first) * 0.35, 30 * DAY); // labels run to the right of their points
    timeline.setWindow(new Date(first.getTime() - pad), new Date(last.getTime() + room), { animation: false });
  }

  async function start() {
    readURL();
    fillForm();
    if (state.actors.length) {
      const p = new URLSearchParams();
      state.actors.forEach((a) => p.append("actor", a));
      p.set("limit", "100");
      getJSON("/api/actors?" + p).then((data) => { data.actors.forEach((a) => { actorNames[a.iri] = a.name; }); renderActorTokens(); }).catch(() => {});
    }
    let focusEvent = null;
    if (state.event) {
      try { focusEvent = await getJSON("/api/events/" + encodeURIComponent(state.event)); } catch (err) { focusEvent = null; }
    }
    if (state.from && state.to) timeline.setWindow(localDate(state.from), localDate(state.to), { animation: false });
    else if (focusEvent && focusEvent.date.earliest && focusEvent.date.latest) {
      const a = localDate(focusEvent.date.earliest);
      const b = addDays(focusEvent.date.latest, 1);
      const pad = Math.max((b - a) * 2, 45 * DAY);
      timeline.setWindow(new Date(a.getTime() - pad), new Date(b.getTime() + pad), { animation: false });
    } else fitAll();
    writeURL();
    await refresh(true);
    refreshUndated();
    if (focusEvent) renderDetail(focusEvent);
    app.dataset.ready = "true";
  }

  start();
})();
