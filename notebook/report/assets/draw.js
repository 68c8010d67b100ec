// Draws each chart of the report from its embedded data with ECharts. The data
// holds strings from logs (series names): they only ever become ECharts text or
// DOM text (textContent), never markup. A chart that cannot be drawn keeps its
// image.
(function () {
  'use strict';
  if (typeof echarts === 'undefined') return;
  var two = function (n) { return (n < 10 ? '0' : '') + n; };
  function time(ms) {
    var d = new Date(ms);
    return d.getFullYear() + '-' + two(d.getMonth() + 1) + '-' + two(d.getDate()) + ' ' +
      two(d.getHours()) + ':' + two(d.getMinutes()) + ':' + two(d.getSeconds());
  }
  function div(cls, text) {
    var e = document.createElement('div');
    e.className = cls;
    e.textContent = text;
    return e;
  }
  // tooltip builds the axis tooltip as DOM nodes: the time, then one line per series.
  function tooltip(params) {
    var list = Array.isArray(params) ? params : [params];
    var box = document.createElement('div');
    var t = list[0] && list[0].value && list[0].value[0];
    if (typeof t === 'number') box.appendChild(div('chart-tip-time', time(t)));
    list.forEach(function (p) {
      var v = p && p.value && p.value[1];
      box.appendChild(div('chart-tip-row', String(p.seriesName) + ': ' + (v == null ? '–' : String(v))));
    });
    return box;
  }
  var charts = [];
  document.querySelectorAll('.chart-output').forEach(function (out) {
    var box = out.querySelector('.chart');
    var data = out.querySelector('script.chart-data');
    if (!box || !data) return;
    out.classList.add('drawn'); // show the box first: ECharts measures it
    try {
      var src = JSON.parse(data.textContent);
      var series = (src.series || []).map(function (s) {
        return { name: String(s.name), type: 'line', showSymbol: Boolean(s.showSymbol), connectNulls: false, data: s.data };
      });
      var title = typeof src.title === 'string' ? src.title : '';
      var chart = echarts.init(box, null, { renderer: 'canvas' });
      chart.setOption({
        animation: false,
        title: title ? { text: title, left: 'center', textStyle: { fontSize: 13 } } : undefined,
        legend: { type: 'scroll', top: title ? 24 : 0, data: series.map(function (s) { return s.name; }),
          formatter: function (name) { return name; }, tooltip: { show: false } },
        grid: { left: 12, right: 24, top: title ? 56 : 36, bottom: 56, containLabel: true },
        xAxis: { type: 'time' },
        yAxis: { type: 'value', name: typeof src.yName === 'string' && src.yName ? src.yName : undefined },
        dataZoom: [{ type: 'inside' }, { type: 'slider', height: 18, bottom: 8 }],
        tooltip: { trigger: 'axis', confine: true, renderMode: 'html', formatter: tooltip },
        aria: { enabled: true, decal: { show: false } },
        series: series,
      });
      box.dataset.series = String(series.length);
      charts.push(chart);
    } catch (e) {
      out.classList.remove('drawn');
    }
  });
  addEventListener('resize', function () { charts.forEach(function (c) { c.resize(); }); });
})();
