// The selected instance: CPU, memory and interface history (uPlot) and the tail of its log.
import { useEffect, useState } from "preact/hooks";

import { getJson, getText } from "./api";
import { HistoryChart, Series } from "./chart";
import { InstanceSample, InterfaceSample } from "./model";

interface HistoryAnswer {
  series: string;
  points: [number, number][];
}

async function history(name: string, label: string, scale = 1): Promise<Series> {
  const since = Date.now() - 5 * 60 * 1000;
  const h = await getJson<HistoryAnswer>(`/restapi/monitor/history?series=${encodeURIComponent(name)}&since=${since}`);
  return { label, points: h.points.map(([t, v]) => [t, v * scale]) };
}

export function InstanceDetail(props: { instance: InstanceSample; interfaces: InterfaceSample[]; tick: number }) {
  const { instance: inst } = props;
  const [cpu, setCpu] = useState<Series[]>([]);
  const [memory, setMemory] = useState<Series[]>([]);
  const [traffic, setTraffic] = useState<Series[]>([]);
  const [log, setLog] = useState("");
  const intfs = props.interfaces.filter((i) => i.instance === inst.instance).map((i) => i.interface);
  useEffect(() => {
    const name = inst.instance;
    history(`instance/${name}/cpu`, "CPU %", 100).then((s) => setCpu([s]), () => setCpu([]));
    history(`instance/${name}/memory`, "MiB", 1 / 2 ** 20).then((s) => setMemory([s]), () => setMemory([]));
    Promise.all(
      intfs.flatMap((i) => [
        history(`interface/${name}/${i}/rx_bytes`, `${i} rx`, 8 / 1e6),
        history(`interface/${name}/${i}/tx_bytes`, `${i} tx`, 8 / 1e6),
      ]),
    ).then(setTraffic, () => setTraffic([]));
    getText(`/restapi/compute/${encodeURIComponent(inst.pop)}/${encodeURIComponent(name)}/logs?tail=40`).then(
      setLog,
      (e) => setLog(String(e.message)),
    );
  }, [inst.instance, props.tick]);
  return (
    <section id="detail">
      <h2>{inst.instance}</h2>
      <div class="charts">
        {cpu.length > 0 && <HistoryChart title="CPU" unit="%" series={cpu} />}
        {memory.length > 0 && <HistoryChart title="memory" unit="MiB" series={memory} />}
        {traffic.length > 0 && <HistoryChart title="interfaces" unit="Mbit/s" series={traffic} />}
      </div>
      <h3>log (last 40 lines)</h3>
      <pre id="log">{log}</pre>
    </section>
  );
}
