// A history chart (uPlot) of one or more series of /restapi/monitor/history, and a sparkline (a
// bare uPlot: no axes, legend or cursor) for a table cell.
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";

export interface Series {
  label: string;
  points: [number, number][]; // [time_ms, value]
}

export function HistoryChart(props: { title: string; unit: string; series: Series[] }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  useEffect(() => {
    const times = props.series[0]?.points.map((p) => p[0] / 1000) ?? [];
    const data: uPlot.AlignedData = [times, ...props.series.map((s) => s.points.map((p) => p[1]))];
    if (plot.current && plot.current.series.length === props.series.length + 1) {
      plot.current.setData(data);
      return;
    }
    plot.current?.destroy();
    const colors = ["#3c6fb1", "#e07b00", "#3c9a5f", "#b33c3c"];
    plot.current = new uPlot(
      {
        title: props.title,
        width: box.current!.clientWidth || 420,
        height: 160,
        series: [{}, ...props.series.map((s, i) => ({ label: s.label, stroke: colors[i % colors.length] }))],
        axes: [{}, { label: props.unit, size: 60 }],
      },
      data,
      box.current!,
    );
  }, [props.series]);
  useEffect(() => () => plot.current?.destroy(), []);
  return <div class="chart" ref={box} />;
}

// The last values of one series (oldest first), one per poll; a scale from 0 to at least `floor`
// so that an idle instance draws a flat line just above the bottom, not noise blown up.
export function Sparkline(props: { values: number[]; floor: number; title: string }) {
  const box = useRef<HTMLSpanElement>(null);
  const plot = useRef<uPlot | null>(null);
  useEffect(() => {
    const data: uPlot.AlignedData = [props.values.map((_, i) => i), props.values];
    if (!plot.current) {
      plot.current = new uPlot(
        {
          width: 90,
          height: 22,
          legend: { show: false },
          cursor: { show: false },
          axes: [{ show: false }, { show: false }],
          scales: { x: { time: false }, y: { range: (_u, _min, max) => [-0.1 * props.floor, Math.max(max, props.floor)] } },
          series: [{}, { stroke: "#3c6fb1", fill: "rgba(60,111,177,0.15)", width: 1, points: { show: false } }],
        },
        data,
        box.current!,
      );
      return;
    }
    plot.current.setData(data);
  }, [props.values]);
  useEffect(() => () => plot.current?.destroy(), []);
  return <span class="spark" ref={box} title={props.title} />;
}
