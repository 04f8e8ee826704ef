/**
 * ECharts for the app, tree-shaken: only the series and components the report's charts use
 * (src/shared/report/charts.ts) are registered, with the canvas renderer.
 */
import { init, use, type ECharts, type EChartsCoreOption } from 'echarts/core';
import { BarChart, BoxplotChart, ScatterChart } from 'echarts/charts';
import { GridComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

use([BarChart, BoxplotChart, ScatterChart, GridComponent, TitleComponent, TooltipComponent, CanvasRenderer]);

export function createChart(el: HTMLElement): ECharts {
  return init(el, null, { renderer: 'canvas' });
}

export type { ECharts, EChartsCoreOption };
