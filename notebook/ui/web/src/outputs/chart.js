// chart.js draws an application/vnd.trailbook.echarts+json output with ECharts. The
// option from the kernel is data, and it may hold strings from logs (series names),
// so it is never passed to setOption as it is: chart() copies the parts it knows
// (series names and points, legend, title, axes) into an option of its own, whose
// tooltip and legend formatters build DOM nodes or plain strings. No string from
// the option can become HTML, a formatter template or a function.
import * as echarts from 'echarts/core';
import { LineChart } from 'echarts/charts';
import { AriaComponent, DataZoomComponent, GridComponent, LegendComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { el } from '../dom.js';
import { localTime } from '../format.js';

echarts.use([LineChart, GridComponent, TooltipComponent, LegendComponent, TitleComponent, DataZoomComponent, AriaComponent, CanvasRenderer]);

const str = (v) => (typeof v === 'string' ? v : v == null ? '' : String(v));
const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** safeOption rebuilds the parts of a kernel chart option trailbook draws. */
export function safeOption(src) {
  const series = (Array.isArray(src?.series) ? src.series : []).map((s) => ({
    name: str(s?.name),
    type: 'line',
    showSymbol: Boolean(s?.showSymbol),
    connectNulls: false,
    data: (Array.isArray(s?.data) ? s.data : [])
      .filter((p) => Array.isArray(p) && num(p[0]) !== null)
      .map((p) => [p[0], num(p[1])]),
  }));
  const title = typeof src?.title?.text === 'string' ? src.title.text : '';
  return {
    animation: false,
    title: title ? { text: title, left: 'center', textStyle: { fontSize: 13 } } : undefined,
    legend: {
      type: 'scroll',
      top: title ? 24 : 0,
      data: series.map((s) => s.name),
      formatter: (name) => name, // a plain string: never a template
      tooltip: { show: false },
    },
    grid: { left: 12, right: 24, top: title ? 56 : 36, bottom: 56, containLabel: true },
    xAxis: { type: 'time' },
    yAxis: { type: 'value', name: str(src?.yAxis?.name) || undefined },
    dataZoom: [{ type: 'inside' }, { type: 'slider', height: 18, bottom: 8 }],
    tooltip: { trigger: 'axis', confine: true, renderMode: 'html', formatter: tooltip },
    // A text description of the chart (series names included) for screen readers,
    // set as the container's aria-label: an attribute, never markup.
    aria: { enabled: true, decal: { show: false } },
    series,
  };
}

/** tooltip builds the axis tooltip as DOM nodes: the time, then one line per series. */
function tooltip(params) {
  const list = Array.isArray(params) ? params : [params];
  const t = list[0]?.value?.[0];
  const box = el('div', { class: 'chart-tip' });
  if (typeof t === 'number') box.append(el('div', { class: 'chart-tip-time' }, localTime(new Date(t))));
  for (const p of list) {
    const v = p?.value?.[1];
    box.append(el('div', { class: 'chart-tip-row' },
      el('span', { class: 'chart-tip-dot', style: { 'background-color': typeof p.color === 'string' ? p.color : 'gray' } }),
      el('span', { class: 'chart-tip-name' }, str(p.seriesName)),
      el('span', { class: 'chart-tip-value' }, v == null ? '–' : String(v))));
  }
  return box;
}

/** Chart is one drawn chart; dispose() releases it. */
export class Chart {
  constructor(option, theme) {
    this.option = safeOption(option);
    this.node = el('div', { class: 'chart' });
    this.theme = theme;
    // ECharts measures its container: draw once the node is in the page.
    this.observer = new ResizeObserver(() => {
      if (!this.node.isConnected || this.node.clientWidth === 0) return;
      if (!this.ec) this.draw();
      else this.ec.resize();
    });
    this.observer.observe(this.node);
  }

  draw() {
    this.ec?.dispose();
    this.ec = echarts.init(this.node, this.theme === 'dark' ? 'dark' : null, { renderer: 'canvas' });
    this.ec.setOption({ backgroundColor: 'transparent', ...this.option });
    this.node.dataset.series = String(this.option.series.length);
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
