// chartexport.js is the entry of the chart export script that build.mjs writes to
// renderers/chart/dist/chart.js. The Go server embeds that script and runs it in
// goja to draw charts as SVG documents (ECharts' server-side rendering: no
// browser, no DOM); standalone HTML exports embed it to draw live charts. Both
// draw the same option the notebook page draws (chartoption.js).
//
// It defines two globals: trailbookChart (below) and echarts (the ECharts core
// with the line chart, its components and both renderers registered). The server
// calls trailbookChart.speedUp first (chartspeedup.js: faster equivalents of a few
// ECharts and zrender methods for its interpreter).
import * as echarts from 'echarts/core';
import { LineChart } from 'echarts/charts';
import { AriaComponent, DataZoomComponent, GridComponent, LegendComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers';
import { exportBackground, safeOption } from './chartoption.js';
import { speedUp, speedUpChart, speedUpReport } from './chartspeedup.js';

echarts.use([LineChart, GridComponent, TooltipComponent, LegendComponent, TitleComponent, DataZoomComponent, AriaComponent, SVGRenderer, CanvasRenderer]);

/**
 * exportOption is safeOption on a white background. columns, when given, replace
 * the series' points: columns[i] is an ArrayBuffer of float64 pairs (time in epoch
 * milliseconds, value or NaN for a gap), which the server fills straight from Go
 * instead of a JSON array of 2-element arrays; ECharts copies a typed array with
 * one native call where it walks and clones every point of an array. The caller
 * has applied safeOption's rules to them (finite times only, NaN for what is not a
 * finite number), so the picture is the same.
 */
function exportOption(src, columns) {
  const opt = safeOption(src);
  opt.backgroundColor = exportBackground;
  if (columns) {
    opt.series.forEach((s, i) => {
      if (columns[i]) {
        s.data = new Float64Array(columns[i]);
        s.dimensions = ['x', 'y'];
      }
    });
  }
  return opt;
}

/**
 * renderSVG draws a kernel chart option (JSON text) as an SVG document of width ×
 * height CSS pixels, with ECharts' server-side rendering. speedUpChart puts in the
 * replacement of chartspeedup.js that needs a chart to find (when the server has
 * called speedUp).
 */
function renderSVG(json, width, height, columns) {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  speedUpChart(chart);
  try {
    chart.setOption(exportOption(JSON.parse(json), columns));
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/**
 * mount draws a live chart (SVG renderer) into node, from a kernel chart option
 * (an object), and redraws it when the node's size changes. For HTML exports.
 */
function mount(node, src) {
  const chart = echarts.init(node, null, { renderer: 'svg' });
  chart.setOption(exportOption(src));
  if (typeof ResizeObserver === 'function') new ResizeObserver(() => chart.resize()).observe(node);
  return chart;
}

/**
 * mountAll draws every chart of an HTML export: each element with the class
 * trailbook-chart holds its option in a <script type="application/json"> child
 * and its size in CSS pixels in data-width and data-height; the drawing replaces
 * the element's other children (the static SVG that shows without JavaScript).
 * Sizes are set through the CSSOM, which a page's CSP does not restrict.
 */
function mountAll(root) {
  for (const box of root.querySelectorAll('.trailbook-chart')) {
    const data = box.querySelector('script[type="application/json"]');
    let src;
    try { src = JSON.parse(data?.textContent || 'null'); } catch { src = null; }
    if (!src) continue;
    for (const c of [...box.children]) if (c !== data) c.remove();
    const node = document.createElement('div');
    node.className = 'trailbook-chart-live';
    const w = Number(box.dataset.width) || 800;
    const h = Number(box.dataset.height) || 400;
    node.style.width = '100%';
    node.style.maxWidth = `${w}px`;
    node.style.height = `${h}px`;
    box.prepend(node);
    mount(node, src);
  }
}

/**
 * setMeasure makes ECharts lay text out with widths from fn(text, font) (the
 * server measures with the fonts its PNG rasterizer draws with) instead of its
 * built-in estimate for when there is no canvas.
 */
function setMeasure(fn) {
  echarts.setPlatformAPI({ measureText: (text, font) => ({ width: fn(String(text ?? ''), String(font ?? '')) }) });
}

globalThis.echarts = echarts;
globalThis.trailbookChart = { version: echarts.version, renderSVG, mount, mountAll, setMeasure, speedUp, speedUpReport };
