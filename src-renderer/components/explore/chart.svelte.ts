/**
 * The ECharts attachment of the explore and teaching views: registers the
 * pieces they draw (heatmap, scatter in large mode, box plots, brush, zoom,
 * visual maps, the SVG renderer for export), keeps the instance under a name
 * on `window.__lathe_charts` (the e2e tests drive brushes and read options
 * through it) and forwards clicks, brush selections and "finished" paints.
 */
import { init, use, type ECharts, type EChartsCoreOption } from 'echarts/core';
import { BarChart, BoxplotChart, CustomChart, HeatmapChart, LineChart, ScatterChart } from 'echarts/charts';
import {
  BrushComponent,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  MarkPointComponent,
  TitleComponent,
  ToolboxComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers';
import type { Attachment } from 'svelte/attachments';
import type { BrushArea, PointCloud } from '../../lib/charts/scatter.ts';
import { PointLayer } from './point-layer.ts';

use([
  BarChart,
  BoxplotChart,
  CustomChart,
  HeatmapChart,
  LineChart,
  ScatterChart,
  BrushComponent,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  MarkPointComponent,
  TitleComponent,
  ToolboxComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
  SVGRenderer,
]);

export { init };
export type { ECharts, EChartsCoreOption };

export interface ChartEvents {
  onclick?: (e: { seriesIndex: number; dataIndex: number; value: unknown; seriesName: string }) => void;
  /** The brush areas (data coordinates) whenever they change. */
  onbrush?: (areas: BrushArea[]) => void;
  /** A click on the plot area, in data coordinates (placing points and centroids). */
  onplotclick?: (x: number, y: number) => void;
  /** Every complete paint. */
  onfinished?: () => void;
  /** The instance, once created (export, tests). */
  onready?: (chart: ECharts) => void;
  /** Points drawn as pixels under the chart (scatter plots too big for ECharts), or null. */
  points?: () => PointCloud | null;
}

declare global {
  interface Window {
    __lathe_charts?: Record<string, ECharts>;
  }
}

export function registerChart(name: string, chart: ECharts | null): void {
  const all = (window.__lathe_charts ??= {});
  if (chart) all[name] = chart;
  else delete all[name];
}

export function chart(name: string, getOption: () => EChartsCoreOption, events: ChartEvents = {}): Attachment<HTMLElement> {
  return (node) => {
    const c = init(node, undefined, { renderer: 'canvas' });
    registerChart(name, c);
    if (events.onclick) {
      const cb = events.onclick;
      c.on('click', (p) => cb({ seriesIndex: p.seriesIndex ?? 0, dataIndex: p.dataIndex, value: p.value, seriesName: p.seriesName ?? '' }));
    }
    if (events.onbrush) {
      const cb = events.onbrush;
      c.on('brushSelected', (p) => {
        const batch = (p as { batch?: { areas?: BrushArea[] }[] }).batch ?? [];
        cb(batch.flatMap((b) => b.areas ?? []));
      });
    }
    if (events.onplotclick) {
      const cb = events.onplotclick;
      c.getZr().on('click', (e) => {
        const at: [number, number] = [e.offsetX, e.offsetY];
        if (!c.containPixel('grid', at)) return;
        const v = c.convertFromPixel({ gridIndex: 0 }, at) as number[];
        if (Number.isFinite(v[0]) && Number.isFinite(v[1])) cb(v[0]!, v[1]!);
      });
    }
    if (events.onfinished) c.on('finished', events.onfinished);
    events.onready?.(c);
    const getPoints = events.points;
    const layer = getPoints ? new PointLayer(c, node, name) : null;
    $effect(() => {
      const option = getOption();
      // The layer takes its points before ECharts paints: it draws them on that paint.
      layer?.set(getPoints!());
      c.setOption(option, { notMerge: true });
    });
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(node);
    return () => {
      layer?.dispose();
      ro.disconnect();
      if (window.__lathe_charts?.[name] === c) registerChart(name, null);
      c.dispose();
    };
  };
}
