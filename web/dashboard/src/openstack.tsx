// The OpenStack PoPs of the run, read-only: servers, networks and stacks per PoP
// (GET /restapi/openstack; the OpenStack APIs themselves want Keystone tokens).
import { useEffect, useState } from "preact/hooks";

import { getJson } from "./api";

interface PopView {
  pop: string;
  servers: { id: string; name: string; instance: string; status: string }[];
  networks: { id: string; name: string; status: string; cidrs: string[] }[];
  stacks: { id: string; name: string; status: string }[];
}

// One cell: a line per resource, its name and a note (data-KIND="name" for scripts and tests).
function Items(props: { kind: string; items: [string, string, string][] }) {
  return (
    <td>
      {props.items.map(([id, name, note]) => (
        <div key={id} {...{ [`data-${props.kind}`]: name }}>
          {name} <span class="muted">{note}</span>
        </div>
      ))}
    </td>
  );
}

export function OpenStackPanel(props: { tick: number }) {
  const [pops, setPops] = useState<PopView[] | null>(null);
  useEffect(() => {
    getJson<PopView[]>("/restapi/openstack").then(setPops, () => setPops([]));
  }, [Math.floor(props.tick / 5)]);
  if (pops === null) {
    return null;
  }
  if (pops.length === 0) {
    return <p class="muted">This run has no OpenStack PoPs (topology: a PoP's endpoints.openstack).</p>;
  }
  return (
    <table id="openstack">
      <thead>
        <tr>
          <th>PoP</th><th>servers</th><th>networks</th><th>stacks</th>
        </tr>
      </thead>
      <tbody>
        {pops.map((p) => (
          <tr key={p.pop} data-pop={p.pop}>
            <td>{p.pop}</td>
            <Items kind="server" items={p.servers.map((s) => [s.id, s.name, `(${s.instance}, ${s.status})`])} />
            <Items kind="network" items={p.networks.map((n) => [n.id, n.name, n.cidrs.join(", ")])} />
            <Items kind="stack" items={p.stacks.map((s) => [s.id, s.name, `(${s.status})`])} />
          </tr>
        ))}
      </tbody>
    </table>
  );
}
