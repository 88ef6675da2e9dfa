// A history chart (uPlot) of one or more series of /restapi/monitor/history.
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
