// The query editor: YASGUI (from /vendor, installed from npm) pointed at this server's endpoint,
// with the project's prefixes and the named queries as examples. Configuration comes from
// the page's data- attributes and a JSON endpoint, so the page needs no inline script.
(function () {
  "use strict";
  const root = document.getElementById("yasgui");
  if (!root || typeof Yasgui === "undefined") return;
  const endpoint = root.dataset.endpoint;

  function prefixLines(prefixes) {
    return Object.keys(prefixes).map((p) => "PREFIX " + p + ": <" + prefixes[p] + ">").join("\n");
  }

  function start(config) {
    const starter = prefixLines(config.prefixes) +
      "\n\nSELECT ?event ?type ?label WHERE {\n  ?event a sem:Event ; a ?type .\n" +
      "  OPTIONAL { ?event eg:evidence/eg:trigger ?label }\n} LIMIT 20\n";
    const yasgui = new Yasgui(root, {
      requestConfig: { endpoint: endpoint, method: "POST" },
      copyEndpointOnNewTab: true,
      endpointCatalogueOptions: { getData: () => [{ endpoint: endpoint }] },
      persistenceId: "eventgraph-yasgui",
      yasqe: { value: starter },
    });
    window.eventgraphYasgui = yasgui;  // for tests and for the curious, in the console
    const tab = yasgui.getTab();
    if (tab && tab.getEndpoint() !== endpoint) tab.setEndpoint(endpoint);
    const yasqe = tab && tab.getYasqe();
    if (yasqe && yasqe.addPrefixes) yasqe.addPrefixes(config.prefixes);
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
      start({ prefixes: {}, examples: [] });
    });
})();
