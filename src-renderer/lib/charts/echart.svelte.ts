/**
 * Attaches an ECharts instance to an element ({@attach echart(() => option)}).
 * Only the pieces Lathe draws are registered, to keep the bundle small.
 */
import { init, use, type EChartsCoreOption } from 'echarts/core';
import { BarChart, CustomChart, HeatmapChart, LineChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { Attachment } from 'svelte/attachments';

use([BarChart, ScatterChart, LineChart, HeatmapChart, CustomChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

/** What a click on a data item tells (series index, data index, the item's value). */
export interface ChartClick {
  seriesIndex: number;
  dataIndex: number;
  value: unknown;
}

export function echart(getOption: () => EChartsCoreOption, events: { onclick?: (e: ChartClick) => void } = {}): Attachment<HTMLElement> {
  return (node) => {
    const chart = init(node, undefined, { renderer: 'canvas' });
    // The option is read inside an effect so that a new option updates the
    // chart in place instead of re-creating it.
    $effect(() => {
      chart.setOption(getOption(), { notMerge: true });
    });
    const onclick = events.onclick;
    if (onclick) chart.on('click', (p) => onclick({ seriesIndex: p.seriesIndex ?? 0, dataIndex: p.dataIndex, value: p.value }));
    const ro = new ResizeObserver(() => chart.resize());
    ro.observe(node);
    return () => {
      ro.disconnect();
      chart.dispose();
    };
  };
}
