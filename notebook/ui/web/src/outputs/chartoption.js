// chartoption.js turns an application/vnd.trailbook.echarts+json option from the
// kernel into the option trailbook draws. The notebook page (chart.js) and the chart
// exports (chartexport.js, which the server runs to make SVG and PNG files and
// which standalone HTML exports embed) both draw through safeOption, so a
// downloaded or exported chart shows the same series, colours, legend and axes as
// the page.
//
// The kernel's option is data, and it may hold strings from logs (series names),
// so it is never passed to setOption as it is: safeOption copies the parts it knows
// (series names and points, legend, title, axes) into an option of its own, whose
// tooltip and legend formatters build DOM nodes or plain strings. No string from the
// option can become HTML, a formatter template or a function.
//
// Nothing here touches the DOM when the module loads: the server runs it in goja.
import { el } from '../dom.js';
import { localTime } from '../format.js';

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
    title: title ? { text: title, left: 'center', top: 4, textStyle: { fontSize: 13 } } : undefined,
    legend: {
      type: 'scroll',
      top: title ? 26 : 0,
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

/**
 * exportBackground is the background of exported pictures (SVG, PNG, HTML): the
 * light theme's page colour, so that a file shows the same in a dark viewer.
 */
export const exportBackground = '#ffffff';

/**
 * fileName makes a download's file name from a cell name or title, as the table
 * downloads do: every run of characters but letters, digits, dots, dashes and
 * underscores becomes one underscore; no leading or trailing dots or
 * underscores; at most 64 characters; "chart" when nothing is left.
 */
export function fileName(name, ext) {
  const base = str(name).replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[_.]+|[_.]+$/g, '').slice(0, 64) || 'chart';
  return `${base}.${ext}`;
}
