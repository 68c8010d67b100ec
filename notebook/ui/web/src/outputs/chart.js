// chart.js draws an application/vnd.trailbook.echarts+json output with ECharts,
// through safeOption (chartoption.js): the option from the kernel is data that may
// hold strings from logs, and safeOption keeps every one of them text. Each chart
// has a small bar to download it as PNG (the canvas as drawn, at twice its pixel
// size) or SVG (ECharts' own SVG rendering of the same option, the same code the
// server exports with), and to copy the PNG to the clipboard.
import * as echarts from 'echarts/core';
import { LineChart } from 'echarts/charts';
import { AriaComponent, DataZoomComponent, GridComponent, LegendComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers';
import { el, toast } from '../dom.js';
import { fileName, safeOption } from './chartoption.js';

export { safeOption };

echarts.use([LineChart, GridComponent, TooltipComponent, LegendComponent, TitleComponent, DataZoomComponent, AriaComponent, CanvasRenderer, SVGRenderer]);

/**
 * Chart is one drawn chart with its export bar; dispose() releases it. name()
 * returns the cell's name or title, which downloads are named after.
 */
export class Chart {
  constructor(option, theme, name = () => '') {
    this.option = safeOption(option);
    this.name = name;
    this.canvas = el('div', { class: 'chart' });
    this.node = el('div', { class: 'chart-box' }, this.tools(), this.canvas);
    this.theme = theme;
    // ECharts measures its container: draw once the node is in the page.
    this.observer = new ResizeObserver(() => {
      if (!this.canvas.isConnected || this.canvas.clientWidth === 0) return;
      if (!this.ec) this.draw();
      else this.ec.resize();
    });
    this.observer.observe(this.canvas);
  }

  /** tools makes the export bar: Download PNG, Download SVG, Copy PNG. */
  tools() {
    const b = (label, title, action, onClick) => el('button', {
      type: 'button', class: 'btn link', title, dataset: { chartExport: action }, on: { click: onClick },
    }, label);
    return el('div', { class: 'chart-tools' }, 'Download ',
      b('PNG', 'Download the chart as a PNG image', 'png', () => this.downloadPNG()), ' ',
      b('SVG', 'Download the chart as an SVG image', 'svg', () => this.downloadSVG()), ' · ',
      b('Copy PNG', 'Copy the chart to the clipboard as an image', 'copy', () => this.copyPNG()));
  }

  draw() {
    this.ec?.dispose();
    this.ec = echarts.init(this.canvas, this.theme === 'dark' ? 'dark' : null, { renderer: 'canvas' });
    this.ec.setOption({ backgroundColor: 'transparent', ...this.option });
    this.canvas.dataset.series = String(this.option.series.length);
  }

  /** background is the page's colour behind the chart, which exports are drawn on. */
  background() {
    for (let n = this.canvas; n; n = n.parentElement) {
      const c = getComputedStyle(n).backgroundColor;
      if (c && c !== 'transparent' && !/^rgba\(.*,\s*0\)$/.test(c)) return c;
    }
    return this.theme === 'dark' ? '#1e1e1e' : '#ffffff';
  }

  /** pngBlob is the chart as drawn (zoom included), at twice its size in pixels. */
  pngBlob() {
    if (!this.ec) throw new Error('the chart is not drawn yet');
    const url = this.ec.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: this.background() });
    // Decode here: fetch() of a data: URL is refused by the page's connect-src.
    const bin = atob(url.slice(url.indexOf(',') + 1));
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return new Blob([bytes], { type: 'image/png' });
  }

  /**
   * svgText renders the chart's option, at its size on the page and its current
   * zoom, with ECharts' server-side SVG rendering: the same code and option the
   * server's exports use, so the file matches trailbook chart --format svg.
   */
  svgText() {
    const width = Math.max(this.canvas.clientWidth, 100);
    const height = Math.max(this.canvas.clientHeight, 100);
    const zoom = this.ec?.getOption()?.dataZoom || [];
    const opt = { ...this.option, backgroundColor: this.background() };
    opt.dataZoom = this.option.dataZoom.map((z, i) => ({ ...z, start: zoom[i]?.start, end: zoom[i]?.end }));
    const ssr = echarts.init(null, this.theme === 'dark' ? 'dark' : null, { renderer: 'svg', ssr: true, width, height });
    try {
      ssr.setOption(opt);
      return ssr.renderToSVGString();
    } finally {
      ssr.dispose();
    }
  }

  downloadPNG() {
    try {
      save(this.pngBlob(), fileName(this.name(), 'png'));
    } catch (err) {
      toast(`Cannot make the PNG: ${err.message}`);
    }
  }

  downloadSVG() {
    try {
      save(new Blob([this.svgText()], { type: 'image/svg+xml' }), fileName(this.name(), 'svg'));
    } catch (err) {
      toast(`Cannot make the SVG: ${err.message}`);
    }
  }

  async copyPNG() {
    if (!navigator.clipboard?.write || typeof ClipboardItem !== 'function') {
      toast('This browser does not let pages copy images (it needs a secure page: https or localhost): use Download PNG');
      return;
    }
    try {
      await navigator.clipboard.write([new ClipboardItem({ 'image/png': this.pngBlob() })]);
      toast('Chart copied to the clipboard as an image');
    } catch (err) {
      toast(`The browser refused to copy the image (${err?.message || err}): use Download PNG`);
    }
  }

  setTheme(theme) {
    this.theme = theme;
    if (this.ec) this.draw();
  }

  dispose() {
    this.observer.disconnect();
    this.ec?.dispose();
    this.ec = null;
  }
}

/**
 * save downloads a blob under a file name. The link is made here rather than
 * with el(), which accepts only http(s) and relative links: a blob: URL the page
 * made itself is safe, and it is revoked once the download has started.
 */
function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
