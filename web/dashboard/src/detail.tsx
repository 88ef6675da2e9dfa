// The selected instance: CPU, memory and interface history (uPlot) and the tail of its log.
import { useEffect, useState } from "preact/hooks";

import { getJson, getText, request } from "./api";
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

// Captures `seconds` of an interface from the switch side (both directions; the same stream as
// `chainlab capture`) and hands the pcapng to the browser as a download.
async function capture(pop: string, name: string, intf: string, seconds: number, filter: string): Promise<string> {
  const q = new URLSearchParams({ duration: String(seconds) });
  if (filter.trim()) {
    q.set("filter", filter.trim());
  }
  const [p, n, i] = [pop, name, intf].map(encodeURIComponent);
  const blob = await (await request("GET", `/restapi/compute/${p}/${n}/capture/${i}?${q}`)).blob();
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = `${name}-${intf}.pcapng`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 60000);
  return `${a.download}: ${blob.size} bytes`;
}

function CaptureForm(props: { pop: string; name: string; interfaces: string[] }) {
  const [seconds, setSeconds] = useState("10");
  const [filter, setFilter] = useState("");
  const [status, setStatus] = useState("");
  const run = async (intf: string) => {
    setStatus(`capturing ${intf} for ${seconds} s…`);
    try {
      setStatus(await capture(props.pop, props.name, intf, Number(seconds) || 10, filter));
    } catch (e) {
      setStatus((e as Error).message);
    }
  };
  return (
    <div id="capture">
      capture (pcapng, both directions) for <input name="seconds" value={seconds} size={3} onInput={(e) => setSeconds(e.currentTarget.value)} /> s,
      filter <input name="filter" placeholder="icmp or tcp port 80" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
      {props.interfaces.map((i) => (
        <button key={i} data-interface={i} onClick={() => run(i)}>
          {i}
        </button>
      ))}
      <span class="status">{status}</span>
    </div>
  );
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
      <CaptureForm pop={inst.pop} name={inst.instance} interfaces={intfs} />
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
