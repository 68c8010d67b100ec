// chart.js draws an application/vnd.trailbook.echarts+json output with ECharts,
// through safeOption (chartoption.js): the option from the kernel is data that may
// hold strings from logs, and safeOption keeps every one of them text.
import * as echarts from 'echarts/core';
import { LineChart } from 'echarts/charts';
import { AriaComponent, DataZoomComponent, GridComponent, LegendComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { el } from '../dom.js';
import { safeOption } from './chartoption.js';

export { safeOption };

echarts.use([LineChart, GridComponent, TooltipComponent, LegendComponent, TitleComponent, DataZoomComponent, AriaComponent, CanvasRenderer]);

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
