/* Lays out the roadmap with ELK (elkjs, vendored in vendor/elkjs) off the main thread.
 * map.js posts {elkUrl, graph}; the answer is ELK's laid-out graph (or {error}). */
self.onmessage = function (event) {
  try {
    if (!self.ELK) importScripts(event.data.elkUrl);
    new self.ELK().layout(event.data.graph).then(
      function (laid) { self.postMessage({ graph: laid }); },
      function (error) { self.postMessage({ error: String(error) }); }
    );
  } catch (error) {
    self.postMessage({ error: String(error) });
  }
};
