// The tables beside the graph: instances (like `chainlab top`), links (with their settings form),
// chains, E-LANs and the event stream.
import { useState } from "preact/hooks";

import { put } from "./api";
import { Sparkline } from "./chart";
import { bits, bytes, clock, percent } from "./format";
import { Chain, Elan, ElanSample, FlowSample, InstanceSample, InterfaceSample, LinkSample, RunEvent, linkKey } from "./model";

const kRowsShown = 50;

// Like `chainlab top`: the busiest first, the first 50 unless "all" is ticked (a 500-row table
// redrawn every second costs the browser more than the rest of the page), filtered by name or PoP.
function shownInstances(all: InstanceSample[], filter: string, showAll: boolean): InstanceSample[] {
  const f = filter.trim().toLowerCase();
  const rows = f ? all.filter((i) => i.instance.toLowerCase().includes(f) || i.pop.toLowerCase() === f) : all;
  const sorted = [...rows].sort((a, b) => b.cpu_cores - a.cpu_cores || a.instance.localeCompare(b.instance));
  return showAll ? sorted : sorted.slice(0, kRowsShown);
}

export function InstancesTable(props: {
  instances: InstanceSample[];
  interfaces: InterfaceSample[];
  cpuHistory: Map<string, number[]>; // the last minute of CPU (cores), one value per poll
  selected: string | null;
  onSelect: (name: string) => void;
}) {
  const [filter, setFilter] = useState("");
  const [showAll, setShowAll] = useState(false);
  const rows = shownInstances(props.instances, filter, showAll);
  const rates = new Map<string, { rx: number; tx: number }>();
  for (const i of props.interfaces) {
    const r = rates.get(i.instance) ?? { rx: 0, tx: 0 };
    r.rx += i.rx.bytes_per_s;
    r.tx += i.tx.bytes_per_s;
    rates.set(i.instance, r);
  }
  return (
    <div>
      <div class="table-tools">
        <input id="instance-filter" placeholder="filter: name or PoP" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
        <span>
          {rows.length} of {props.instances.length} shown
        </span>
        {props.instances.length > kRowsShown && (
          <label>
            <input type="checkbox" checked={showAll} onChange={(e) => setShowAll(e.currentTarget.checked)} /> all
          </label>
        )}
      </div>
    <table id="instances">
      <thead>
        <tr>
          <th>instance</th><th>PoP</th><th>state</th><th>CPU</th><th>last minute</th><th>limit</th><th>memory</th><th>rx</th><th>tx</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((i) => (
          <tr
            key={i.instance}
            data-instance={i.instance}
            class={props.selected === i.instance ? "selected" : ""}
            onClick={() => props.onSelect(i.instance)}
          >
            <td>{i.instance}</td>
            <td>{i.pop}</td>
            <td class={`state-${i.state}`}>{i.state}</td>
            <td class="num">{percent(i.cpu_cores)}</td>
            <td>
              <Sparkline values={props.cpuHistory.get(i.instance) ?? []} floor={0.05} title={`CPU of ${i.instance}, last minute`} />
            </td>
            <td class="num">{i.cpu_limit_cores > 0 ? percent(i.cpu_limit_cores) : "—"}</td>
            <td class="num">{bytes(i.memory_bytes)}</td>
            <td class="num">{bits(rates.get(i.instance)?.rx ?? 0)}</td>
            <td class="num">{bits(rates.get(i.instance)?.tx ?? 0)}</td>
          </tr>
        ))}
      </tbody>
    </table>
    </div>
  );
}

// One row per link (both directions), with a form that calls PUT /restapi/link/A/B, the route
// `chainlab link set` uses.
export function LinksTable(props: { links: LinkSample[]; selected: string | null; onSelect: (key: string) => void }) {
  const seen = new Map<string, { s: LinkSample; bytes: number }>();
  for (const s of props.links) {
    const k = linkKey(s.from, s.to);
    seen.set(k, { s: seen.get(k)?.s ?? s, bytes: (seen.get(k)?.bytes ?? 0) + s.bytes_per_s });
  }
  const chosen = props.selected ? seen.get(props.selected) : undefined;
  return (
    <div>
      <table id="links">
        <thead>
          <tr>
            <th>link</th><th>delay</th><th>rate</th><th>loss</th><th>traffic</th><th>drops</th>
          </tr>
        </thead>
        <tbody>
          {[...seen].map(([k, { s, bytes }]) => (
            <tr key={k} data-link={k} class={props.selected === k ? "selected" : ""} onClick={() => props.onSelect(k)}>
              <td>{k.replace("|", " — ")}</td>
              <td class="num">{+s.delay_ms.toFixed(2)} ms</td>
              <td class="num">{s.rate_mbps > 0 ? `${s.rate_mbps} Mbit/s` : "—"}</td>
              <td class="num">{s.loss_percent}%</td>
              <td class="num">{bits(bytes)}</td>
              <td class="num">{s.dropped_loss + s.dropped_queue}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {chosen && <LinkForm key={props.selected} sample={chosen.s} />}
    </div>
  );
}

function LinkForm(props: { sample: LinkSample }) {
  const s = props.sample;
  const [delay, setDelay] = useState(String(+s.delay_ms.toFixed(3)));
  const [rate, setRate] = useState(String(s.rate_mbps));
  const [loss, setLoss] = useState(String(s.loss_percent));
  const [status, setStatus] = useState("");
  const apply = async (e: Event) => {
    e.preventDefault();
    const q = new URLSearchParams({ delay: `${delay}ms`, loss, bw: rate });
    setStatus("applying…");
    try {
      await put(`/restapi/link/${encodeURIComponent(s.from)}/${encodeURIComponent(s.to)}?${q}`);
      setStatus("applied");
    } catch (err) {
      setStatus(String((err as Error).message));
    }
  };
  return (
    <form id="link-form" onSubmit={apply}>
      <b>{s.from} — {s.to}</b>
      <label>delay ms <input name="delay" value={delay} onInput={(e) => setDelay(e.currentTarget.value)} /></label>
      <label>rate Mbit/s (0: none) <input name="rate" value={rate} onInput={(e) => setRate(e.currentTarget.value)} /></label>
      <label>loss % <input name="loss" value={loss} onInput={(e) => setLoss(e.currentTarget.value)} /></label>
      <button type="submit">apply</button>
      <span class="status">{status}</span>
    </form>
  );
}

export function ChainsTable(props: {
  chains: Chain[];
  flows: FlowSample[];
  selected: string | null;
  onSelect: (id: string | null) => void;
}) {
  // A chain's throughput: its rules' bytes on the first node of its path (they all carry it).
  const rate = (c: Chain) =>
    props.flows.find((f) => f.cookie === c.cookie && f.pop === c.path[0])?.bytes_per_s ?? 0;
  return (
    <table id="chains">
      <thead>
        <tr>
          <th>chain</th><th>path</th><th>VLAN</th><th>throughput</th>
        </tr>
      </thead>
      <tbody>
        {props.chains.map((c) => (
          <tr
            key={c.id}
            data-chain={c.id}
            class={props.selected === c.id ? "selected" : ""}
            onClick={() => props.onSelect(props.selected === c.id ? null : c.id)}
          >
            <td>{c.id}</td>
            <td>{c.path.join(" → ")}</td>
            <td class="num">{c.vlan || "—"}</td>
            <td class="num" data-bytes-per-s={rate(c)}>{bits(rate(c))}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

// One row per E-LAN with the frames its rules steer per second; a click highlights it.
export function ElansTable(props: {
  elans: Elan[];
  samples: ElanSample[];
  selected: string | null;
  onSelect: (name: string | null) => void;
}) {
  const rate = (e: Elan) => props.samples.find((s) => s.elan === e.name)?.bytes_per_s ?? 0;
  if (props.elans.length === 0) {
    return <p class="muted">none (chainlab elan add NAME VNF:INTF...)</p>;
  }
  return (
    <table id="elans">
      <thead>
        <tr>
          <th>E-LAN</th><th>VLAN</th><th>members</th><th>spans</th><th>traffic</th>
        </tr>
      </thead>
      <tbody>
        {props.elans.map((e) => (
          <tr
            key={e.name}
            data-elan={e.name}
            class={props.selected === e.name ? "selected" : ""}
            onClick={() => props.onSelect(props.selected === e.name ? null : e.name)}
          >
            <td>{e.name}</td>
            <td class="num">{e.vlan}</td>
            <td>{e.members.join(", ")}</td>
            <td>{e.tree.join(", ")}</td>
            <td class="num" data-bytes-per-s={rate(e)}>{bits(rate(e))}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function EventsList(props: { events: RunEvent[] }) {
  return (
    <ol id="events">
      {props.events.map((e) => (
        <li key={e.id} data-type={e.type}>
          <span class="time">{clock(e.time_ms)}</span> <b>{e.type}</b>{" "}
          <span class="data">{JSON.stringify(e.data)}</span>
        </li>
      ))}
    </ol>
  );
}
