// Draws the figure whose JSON sits in <script type="application/json" id="figure"> (no inline
// script: the embed page's CSP allows scripts from this host only).
(function () {
  var spec = JSON.parse(document.getElementById("figure").textContent);
  var box = document.getElementById("chart");
  spec.layout = spec.layout || {};
  spec.layout.autosize = true;
  delete spec.layout.width;
  window.Plotly.newPlot(box, spec.data, spec.layout, {displayModeBar: false, responsive: true});
})();
