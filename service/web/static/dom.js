/* Building the DOM, shared by the timeline and the curation controls: el(tag, attrs, ...children).
 *
 * Every string goes in as a text node or through textContent (attrs.text), never as HTML; attrs
 * "on…" add listeners, "value" sets an input's value, null/undefined/false leave an attribute out.
 */
(function () {
  "use strict";

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else if (k === "value") node.value = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  window.EventgraphDom = Object.freeze({ el });
})();
