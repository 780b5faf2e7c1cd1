/* Curation controls: correct an event in the timeline's detail panel, add a missed event from a
 * sentence selected on a document page, see an event's history and undo a change.
 *
 * Writes go to /api/curation/… with the write token, which the analyst types once per tab (kept in
 * sessionStorage, never in the URL), with the name recorded as curator. Every string from a
 * document or a correction is put into the page with textContent, never as HTML.
 */
(function () {
  "use strict";

  const TYPES = ["aid_delivery", "aid_pledge", "communication", "meeting", "visit", "cooperation_agreement",
    "joint_operation", "statement_of_support", "policy_measure", "deployment", "other"];
  const PRECISIONS = ["day", "month", "year", "range", "unknown"];
  const ROLES = [["agents", "Agents"], ["recipients", "Recipients"], ["participants", "Participants"], ["places", "Places"]];
  const KINDS = ["country", "city", "organisation", "person", "company", "other"];
  const label = (t) => t.replace(/_/g, " ");

  const el = window.EventgraphDom.el; // static/dom.js

  // ---------------------------------------------------------------- the token and the curator
  const store = window.sessionStorage;
  const token = () => store.getItem("eventgraph-token") || "";
  const curator = () => store.getItem("eventgraph-curator") || "";

  function signIn(onDone) {
    const tokenInput = el("input", { type: "password", id: "cur-token", placeholder: "write token", autocomplete: "off" });
    const nameInput = el("input", { type: "text", id: "cur-name", placeholder: "your name", value: curator(), maxlength: "200" });
    return el("form", { class: "cur-signin", onsubmit: (e) => {
      e.preventDefault();
      if (!tokenInput.value.trim()) return;
      store.setItem("eventgraph-token", tokenInput.value.trim());
      store.setItem("eventgraph-curator", nameInput.value.trim());
      onDone();
    } },
    el("p", { class: "muted small", text: "Corrections need the server's write token." }),
    tokenInput, nameInput, el("button", { type: "submit", id: "cur-start" }, "Start correcting"));
  }

  async function post(path, body) {
    const resp = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json", Authorization: "Bearer " + token() },
      body: JSON.stringify(body === undefined ? {} : body),
    });
    const answer = await resp.json();
    if (resp.status === 401 || resp.status === 403) store.removeItem("eventgraph-token");
    if (!resp.ok) throw new Error(answer.error || resp.statusText);
    return answer;
  }

  async function getJSON(url) {
    const resp = await fetch(url, { headers: { Accept: "application/json" } });
    const body = await resp.json();
    if (!resp.ok) throw new Error(body.error || resp.statusText);
    return body;
  }

  // ---------------------------------------------------------------- actors: the autocomplete of /api/actors
  function actorPicker(id, onPick) {
    const input = el("input", { type: "text", id, placeholder: "type a name…", autocomplete: "off" });
    const kind = el("select", { id: id + "-kind", "aria-label": "kind of a new actor" }, KINDS.map((k) => el("option", { value: k, text: k })));
    const list = el("ul", { class: "suggestions", id: id + "-list", hidden: true });
    let timer = null;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const q = input.value.trim();
        if (!q) { list.hidden = true; return; }
        const data = await getJSON("/api/actors?" + new URLSearchParams({ q, limit: "8" }));
        if (input.value.trim() !== q) return;
        list.replaceChildren(...data.actors.map((a) => el("li", {
          "data-iri": a.iri,
          onmousedown: (e) => { e.preventDefault(); list.hidden = true; list.replaceChildren(); input.value = ""; onPick({ iri: a.iri }); },
        }, el("span", { class: "name", text: a.name }), el("span", { class: "muted", text: " " + a.kind + (a.wikidata ? " · " + a.wikidata : "") }))));
        list.hidden = !data.actors.length;
      }, 150);
    });
    input.addEventListener("blur", () => setTimeout(() => { list.hidden = true; }, 150));
    const addNew = el("button", { type: "button", id: id + "-new", title: "Add it as a new actor with this name",
      onclick: () => { const name = input.value.trim(); if (name) { input.value = ""; onPick({ name, kind: kind.value, wikidata: null }); } } }, "add new");
    return el("div", { class: "autocomplete cur-actor" }, input, list, kind, addNew);
  }

  // ---------------------------------------------------------------- history
  async function history(key, box, onChange) {
    let data;
    try { data = await getJSON("/api/curation/events/" + encodeURIComponent(key)); } catch (err) { return; }
    if (!data.corrections.length) { box.replaceChildren(); return; }
    box.replaceChildren(el("h3", { text: "History" }), el("ol", { class: "cur-history", id: "cur-history" }, data.corrections.map((c) => el("li", { class: "status-" + c.status },
      el("strong", { text: label(c.operation) }), " ", el("span", { class: "values", text: describe(c) }),
      el("span", { class: "muted small", text: " — " + c.curator + ", " + c.time.replace("T", " ").replace("Z", " UTC") + " · " + c.status }),
      c.note ? el("q", { class: "note", text: c.note }) : null,
      token() && c.status !== "undone" && c.status !== "orphan" ? el("button", { type: "button", class: "undo", "data-correction": c.id, onclick: async (e) => {
        e.target.disabled = true;
        try { const answer = await post("/api/curation/undo/" + encodeURIComponent(c.id)); onChange(answer); } catch (err) { e.target.disabled = false; alertIn(box, err); }
      } }, "undo") : null))));
  }

  function describe(c) {
    const v = c.values || {};
    if (c.operation === "retype") return "→ " + label(v.type);
    if (c.operation === "set_date") return (v.earliest || "…") + " – " + (v.latest || "…") + " (" + v.precision + ")";
    if (v.actor) return v.role + ": " + v.actor.name;
    if (v.actors) return v.role + ": " + v.actors.map((a) => a.name).join(", ");
    if (v.aid) return v.aid.item + (v.aid.quantity !== null && v.aid.quantity !== undefined ? " × " + v.aid.quantity : "");
    if (v.item) return v.item;
    if (c.operation === "add_event") return label(v.type);
    return "";
  }

  function alertIn(box, err) {
    const old = box.querySelector(".cur-error");
    if (old) old.remove();
    box.prepend(el("p", { class: "error cur-error", role: "alert", text: err.message }));
  }

  // ---------------------------------------------------------------- the detail panel of the timeline
  function panelFor(ev, panel) {
    const section = el("section", { class: "curate", id: "curate", "aria-label": "Correct this event" });
    const historyBox = el("div", { class: "cur-history-box" });
    const changed = (answer) => {
      const key = answer.event ? answer.event.key : "";
      document.dispatchEvent(new CustomEvent("eventgraph:changed", { detail: { key } }));
    };
    const render = () => {
      if (!token()) {
        section.replaceChildren(el("h3", { text: "Correct this event" }), signIn(render));
        history(ev.key, historyBox, changed);
        section.append(historyBox);
        return;
      }
      const note = el("input", { type: "text", id: "cur-note", placeholder: "a note for the next change (optional)", maxlength: "2000" });
      const correct = async (operation, values) => {
        try {
          const answer = await post("/api/curation/events/" + encodeURIComponent(ev.key), { operation, values, note: note.value.trim() || undefined, curator: curator() || undefined });
          changed(answer);
        } catch (err) { alertIn(section, err); }
      };
      const type = el("select", { id: "cur-type", "aria-label": "event type" }, TYPES.map((t) => el("option", { value: t, text: label(t), selected: t === ev.type })));
      const earliest = el("input", { type: "date", id: "cur-earliest", value: ev.date.earliest || "" });
      const latest = el("input", { type: "date", id: "cur-latest", value: ev.date.latest || "" });
      const precision = el("select", { id: "cur-precision", "aria-label": "precision" }, PRECISIONS.map((p) => el("option", { value: p, text: p, selected: p === ev.date.precision })));
      const roles = ROLES.map(([role, title]) => el("div", { class: "cur-role", "data-role": role },
        el("h4", { text: title }),
        el("ul", {}, (ev[role] || []).map((a) => el("li", {}, el("span", { text: a.name }),
          el("button", { type: "button", class: "remove", "aria-label": "Remove " + a.name, title: "Remove", onclick: () => correct("remove_actor", { role, actor: a.iri ? { iri: a.iri } : { name: a.name, kind: a.kind, wikidata: a.wikidata } }) }, "×")))),
        actorPicker("cur-add-" + role, (actor) => correct("add_actor", { role, actor }))));
      const aidRows = (ev.aid || []).map((a, n) => {
        const name = el("input", { type: "text", class: "cur-item", id: "cur-item-" + n, value: a.item, "aria-label": "item" });
        const qty = el("input", { type: "number", min: "0", step: "any", class: "cur-qty", id: "cur-qty-" + n, value: a.quantity === null ? "" : String(a.quantity), "aria-label": "quantity of " + a.item });
        const unit = el("input", { type: "text", class: "cur-unit", value: a.unit || "", "aria-label": "unit" });
        const amount = el("input", { type: "number", min: "0", step: "any", class: "cur-amount", value: a.value ? String(a.value.amount) : "", "aria-label": "value" });
        const currency = el("input", { type: "text", class: "cur-currency", value: a.value ? a.value.currency : "", maxlength: "3", size: "3", "aria-label": "currency" });
        const item = () => ({ item: name.value.trim() || a.item, category: a.category, approximate: a.approximate,
          quantity: qty.value === "" ? null : Number(qty.value), unit: unit.value.trim() || null,
          value: amount.value === "" ? null : { amount: Number(amount.value), currency: currency.value.trim().toUpperCase() } });
        return el("tr", {}, el("td", {}, name), el("td", {}, qty), el("td", {}, unit), el("td", {}, amount, currency),
          el("td", {}, el("button", { type: "button", class: "save-aid", id: "cur-save-aid-" + n, onclick: () => correct("set_aid", { item: a.item, aid: item() }) }, "save"),
            el("button", { type: "button", class: "remove", "aria-label": "Remove " + a.item, onclick: () => correct("remove_aid", { item: a.item }) }, "×")));
      });
      const newItem = el("input", { type: "text", id: "cur-new-item", placeholder: "item" });
      const newQty = el("input", { type: "number", min: "0", step: "any", id: "cur-new-qty", placeholder: "quantity" });
      section.replaceChildren(
        el("h3", { text: "Correct this event" }),
        el("p", { class: "muted small" }, "as ", el("strong", { text: curator() || "the server's curator" }), " · ",
          el("button", { type: "button", class: "link", onclick: () => { store.removeItem("eventgraph-token"); render(); } }, "stop"),
          " · ", el("a", { href: "/curation", text: "all corrections" })),
        note,
        el("div", { class: "cur-row" },
          el("button", { type: "button", id: "cur-reject", class: "danger", onclick: () => correct("reject", {}) }, "Reject: not an event"),
          type, el("button", { type: "button", id: "cur-retype", onclick: () => correct("retype", { type: type.value }) }, "Change type")),
        el("div", { class: "cur-row" }, el("label", { for: "cur-earliest", text: "From" }), earliest, el("label", { for: "cur-latest", text: "to" }), latest, precision,
          el("button", { type: "button", id: "cur-date", onclick: () => correct("set_date", { earliest: earliest.value || null, latest: latest.value || null, precision: precision.value }) }, "Set date")),
        ...roles,
        el("h4", { text: "Aid" }),
        el("table", { class: "cur-aid" }, el("tbody", {}, aidRows,
          el("tr", {}, el("td", {}, newItem), el("td", {}, newQty), el("td"), el("td"),
            el("td", {}, el("button", { type: "button", id: "cur-add-aid", onclick: () => { if (newItem.value.trim()) correct("add_aid", { aid: { item: newItem.value.trim(), quantity: newQty.value === "" ? null : Number(newQty.value) } }); } }, "add"))))),
        historyBox);
      history(ev.key, historyBox, changed);
    };
    render();
    panel.append(section);
  }

  document.addEventListener("eventgraph:detail", (e) => {
    const panel = document.getElementById("detail");
    if (panel && e.detail) panelFor(e.detail, panel);
  });

  // ---------------------------------------------------------------- the document page: add a missed event
  const article = document.querySelector("article.document[data-doc]");
  if (!article) return;
  const text = article.querySelector(".doc-text");

  // Character offsets of a DOM position in the document's text (the .doc-text element's text is the text).
  function offsetOf(node, offset) {
    const range = document.createRange();
    range.setStart(text, 0);
    range.setEnd(node, offset);
    return range.toString().length;
  }

  function selectedSpan() {
    const sel = window.getSelection();
    if (!sel || sel.isCollapsed || !sel.rangeCount) return null;
    const range = sel.getRangeAt(0);
    if (!text.contains(range.startContainer) || !text.contains(range.endContainer)) return null;
    let start = offsetOf(range.startContainer, range.startOffset);
    let end = offsetOf(range.endContainer, range.endOffset);
    const whole = text.textContent;
    while (start < end && /\s/.test(whole[start])) start++;
    while (end > start && /\s/.test(whole[end - 1])) end--;
    return end > start ? [start, end] : null;
  }

  const box = el("aside", { class: "cur-add", id: "cur-add", "aria-label": "Add a missed event" });
  article.append(box);

  function addForm(span) {
    const words = text.textContent.slice(span[0], span[1]);
    const type = el("select", { id: "add-type", "aria-label": "event type" }, TYPES.map((t) => el("option", { value: t, text: label(t) })));
    const trigger = el("input", { type: "text", id: "add-trigger", value: words.split(/\s+/)[0] || "", "aria-label": "trigger words" });
    const earliest = el("input", { type: "date", id: "add-earliest" });
    const latest = el("input", { type: "date", id: "add-latest" });
    const note = el("input", { type: "text", id: "add-note", placeholder: "note (optional)", maxlength: "2000" });
    const actors = { agents: [], recipients: [] };
    const lists = {};
    const roleField = (role, title) => {
      lists[role] = el("ul", { class: "tokens", id: "add-" + role });
      return el("div", { class: "cur-role" }, el("h4", { text: title }), lists[role],
        actorPicker("add-pick-" + role, async (actor) => {
          let name = actor.name;
          if (actor.iri) {
            const found = await getJSON("/api/actors?" + new URLSearchParams({ actor: actor.iri, limit: "1" }));
            name = found.actors.length ? found.actors[0].name : actor.iri;
          }
          actors[role].push(actor);
          lists[role].append(el("li", { text: name }));
        }));
    };
    const item = el("input", { type: "text", id: "add-item", placeholder: "aid item" });
    const qty = el("input", { type: "number", min: "0", step: "any", id: "add-qty", placeholder: "quantity" });
    const submit = async () => {
      const event = { type: type.value, trigger: trigger.value.trim() || undefined, agents: actors.agents, recipients: actors.recipients };
      if (earliest.value || latest.value) event.date = { earliest: earliest.value || null, latest: latest.value || earliest.value || null };
      if (item.value.trim()) event.aid = [{ item: item.value.trim(), quantity: qty.value === "" ? null : Number(qty.value) }];
      try {
        await post("/api/curation/documents/" + encodeURIComponent(article.dataset.doc), { sentence: span, event, note: note.value.trim() || undefined, curator: curator() || undefined });
        location.reload();
      } catch (err) { alertIn(box, err); }
    };
    box.replaceChildren(el("h2", { text: "Add a missed event" }),
      el("blockquote", { class: "evidence", text: words }),
      el("div", { class: "cur-row" }, type, el("label", { for: "add-trigger", text: "trigger" }), trigger),
      el("div", { class: "cur-row" }, el("label", { for: "add-earliest", text: "From" }), earliest, el("label", { for: "add-latest", text: "to" }), latest),
      roleField("agents", "Agents"), roleField("recipients", "Recipients"),
      el("div", { class: "cur-row" }, item, qty),
      note,
      el("div", { class: "cur-row" }, el("button", { type: "button", id: "add-save", onclick: submit }, "Add the event"),
        el("button", { type: "button", class: "link", onclick: idle }, "cancel")));
  }

  function idle() {
    if (!token()) {
      box.replaceChildren(el("h2", { text: "Add a missed event" }), signIn(idle));
      return;
    }
    box.replaceChildren(el("p", { class: "muted small", text: "To add an event the extractor missed, select its sentence in the text." }));
  }

  text.addEventListener("mouseup", () => {
    if (!token()) return;
    const span = selectedSpan();
    if (span) addForm(span);
  });
  idle();
})();
