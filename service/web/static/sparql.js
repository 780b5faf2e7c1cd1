// The query editor: YASGUI (from /vendor, installed from npm) pointed at this server's endpoint,
// opening on a short runnable query, with the named queries (defaults bound) as examples and
// literals shown as values. Configuration comes from the page's data- attributes and a JSON
// endpoint (service/web/editor.py), so the page needs no inline script.
(function () {
  "use strict";
  const root = document.getElementById("yasgui");
  if (!root || typeof Yasgui === "undefined") return;
  const endpoint = root.dataset.endpoint;

  const XSD_STRING = "http://www.w3.org/2001/XMLSchema#string";
  // Queries go by GET while their URL stays short enough for any proxy on the way: a GET is
  // answered by whichever server process takes it (serve --processes N) and revalidated with its
  // ETag (304 when nothing changed). A longer query goes by POST; updates always do (YASGUI).
  const GET_MAX_CHARS = 6000;

  // YASGUI calls it with itself when a query is sent; the query is the current tab's.
  function method(yasgui) {
    const tab = yasgui.getTab();
    const yasqe = tab && tab.getYasqe();
    const text = yasqe ? yasqe.getValue() : "";
    return encodeURIComponent(text).length <= GET_MAX_CHARS ? "GET" : "POST";
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  }

  function compactIri(iri, prefixes) {
    for (const prefix of Object.keys(prefixes)) {
      if (iri.startsWith(prefixes[prefix])) return prefix + ":" + iri.slice(prefixes[prefix].length);
    }
    return iri;
  }

  // Literals as values: "5", not "5"^^<http://www.w3.org/2001/XMLSchema#integer>. The datatype or
  // language tag stays one hover away (the cell's title); the Response tab shows the raw results.
  function useValueTable(prefixes) {
    const Table = Yasgui.Yasr && Yasgui.Yasr.plugins && Yasgui.Yasr.plugins.table;
    if (!Table || !Table.prototype.formatLiteral) return;
    class ValueTable extends Table {
      formatLiteral(binding) {
        const value = escapeHtml(binding.value);
        if (binding["xml:lang"]) return '<span class="literal" title="@' + escapeHtml(binding["xml:lang"]) + '">' + value + "</span>";
        if (!binding.datatype || binding.datatype === XSD_STRING) return value;
        // a date, a number, a boolean: short, and kept on one line
        return '<span class="literal typed" title="' + escapeHtml(compactIri(binding.datatype, prefixes)) + '">' + value + "</span>";
      }
    }
    // DataTables' own column widths (measured off-page) would override the widths YASR lays out
    // to fit the page; without them the table keeps to its box (sparql.css). The plugin reads
    // the defaults of its own class, so they are set there.
    Table.defaults.tableConfig = Object.assign({}, Table.defaults.tableConfig, { autoWidth: false });
    Yasgui.Yasr.registerPlugin("table", ValueTable);
  }

  function start(config) {
    useValueTable(config.prefixes);
    const yasgui = new Yasgui(root, {
      requestConfig: { endpoint: endpoint, method: method },
      copyEndpointOnNewTab: true,
      endpointCatalogueOptions: { getData: () => [{ endpoint: endpoint }] },
      persistenceId: "eventgraph-yasgui",
      yasqe: { value: config.starter || "SELECT * WHERE { ?s ?p ?o } LIMIT 10\n" },
      yasr: { prefixes: config.prefixes },  // IRIs shown as eg:…, wd:… even when the query declares no prefix
    });
    window.eventgraphYasgui = yasgui;  // for tests and for the curious, in the console
    const tab = yasgui.getTab();
    if (tab && tab.getEndpoint() !== endpoint) tab.setEndpoint(endpoint);
    fillExamples(yasgui, config);
  }

  function fillExamples(yasgui, config) {
    const select = document.getElementById("examples");
    if (!select) return;
    select.textContent = "";
    const first = document.createElement("option");
    first.value = "";
    first.textContent = config.examples.length ? "Choose a named query…" : "(no named queries)";
    select.appendChild(first);
    config.examples.forEach((example, i) => {
      const option = document.createElement("option");
      option.value = String(i);
      option.textContent = example.title || example.name;
      option.title = example.description || "";
      select.appendChild(option);
    });
    select.disabled = !config.examples.length;
    select.addEventListener("change", () => {
      const example = config.examples[Number(select.value)];
      if (!example) return;
      const tab = yasgui.addTab(true, { name: example.title || example.name });
      tab.setEndpoint(endpoint);
      tab.setQuery(example.query);
      select.value = "";
    });
  }

  fetch(root.dataset.config, { headers: { Accept: "application/json" } })
    .then((r) => (r.ok ? r.json() : Promise.reject(new Error(r.statusText))))
    .then(start)
    .catch((error) => {
      console.error("editor configuration unavailable:", error);
      start({ prefixes: {}, starter: "", examples: [] });
    });
})();
