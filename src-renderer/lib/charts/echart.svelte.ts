/**
 * Attaches an ECharts instance to an element ({@attach echart(() => option)}).
 * Only the pieces Lathe draws are registered, to keep the bundle small.
 */
import { init, use, type EChartsCoreOption } from 'echarts/core';
import { BarChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { Attachment } from 'svelte/attachments';

use([BarChart, GridComponent, TooltipComponent, CanvasRenderer]);

export function echart(getOption: () => EChartsCoreOption): Attachment<HTMLElement> {
  return (node) => {
    const chart = init(node, undefined, { renderer: 'canvas' });
    // The option is read inside an effect so that a new option updates the
    // chart in place instead of re-creating it.
    $effect(() => {
      chart.setOption(getOption(), { notMerge: true });
    });
    const ro = new ResizeObserver(() => chart.resize());
    ro.observe(node);
    return () => {
      ro.disconnect();
      chart.dispose();
    };
  };
}
