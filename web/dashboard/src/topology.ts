// The topology view: Cytoscape.js draws PoPs (instances inside them), switches, SAPs and links.
// Links are labelled with their delay, rate and loss and drawn wider with more traffic; a selected
// chain's path is highlighted. The layout runs only when nodes appear, keeping the others in place.
import cytoscape from "cytoscape";
import fcose from "cytoscape-fcose";

import { Chain, Graph, LinkSample, linkKey } from "./model";

// fCoSE lays compound nodes out as groups (the built-in layouts interleave the PoPs' instances).
cytoscape.use(fcose);

const kStyle: cytoscape.StylesheetJson = [
  {
    selector: "node",
    style: {
      label: "data(id)",
      "font-size": 11,
      "text-valign": "bottom",
      "text-margin-y": 3,
      width: 22,
      height: 22,
      "background-color": "#5b7db1",
    },
  },
  {
    selector: "node.pop",
    style: {
      shape: "round-rectangle",
      "background-color": "#e8eef7",
      "border-color": "#5b7db1",
      "border-width": 2,
      "text-valign": "top",
      "text-margin-y": -4,
      "font-weight": "bold",
      padding: "14px",
    },
  },
  { selector: "node.switch", style: { shape: "diamond", "background-color": "#7a7a7a" } },
  { selector: "node.sap", style: { shape: "triangle", "background-color": "#c98a2b" } },
  { selector: "node.instance", style: { "background-color": "#3c9a5f" } },
  { selector: "node.stopped", style: { "background-color": "#b33c3c" } },
  {
    selector: "edge",
    style: {
      width: "data(width)",
      "line-color": "#9aa9bd",
      "curve-style": "bezier",
      label: "data(label)",
      "font-size": 10,
      "text-background-color": "#ffffff",
      "text-background-opacity": 0.8,
      "text-background-padding": "2px",
    },
  },
  { selector: "edge.chain", style: { "line-color": "#e07b00" } },
  { selector: "node.chain", style: { "border-color": "#e07b00", "border-width": 3 } },
  { selector: ":selected", style: { "overlay-opacity": 0.15, "overlay-color": "#e07b00" } },
];

function linkLabel(s: LinkSample): string {
  const parts = [`${+s.delay_ms.toFixed(2)} ms`];
  if (s.rate_mbps > 0) {
    parts.push(`${s.rate_mbps} Mbit/s`);
  }
  if (s.loss_percent > 0) {
    parts.push(`${s.loss_percent}% loss`);
  }
  return parts.join(" · ");
}

// Wider with traffic: 2 px idle, up to 12 px at 10 Gbit/s (log scale).
function linkWidth(bytesPerS: number): number {
  const mbps = (bytesPerS * 8) / 1e6;
  return 2 + Math.min(10, Math.log10(1 + mbps) * 2.5);
}

export class TopologyView {
  readonly cy: cytoscape.Core;
  private structure = "";

  constructor(container: HTMLElement, onSelect: (kind: string, id: string) => void) {
    this.cy = cytoscape({ container, style: kStyle, minZoom: 0.1, maxZoom: 4 });
    this.cy.on("tap", "node, edge", (e) => {
      const t = e.target;
      onSelect(t.isNode() ? t.data("kind") : "link", t.id());
    });
  }

  // Sets the graph; nodes already drawn keep their place. Returns true if the structure changed.
  setGraph(graph: Graph, popOf: Map<string, string>): boolean {
    const kinds = ["", "pop", "switch", "instance", "sap"];
    const elements: cytoscape.ElementDefinition[] = [];
    for (const n of graph.nodes) {
      const kind = kinds[n.group] ?? "switch";
      const parent = kind === "instance" ? popOf.get(n.name) : undefined;
      elements.push({ group: "nodes", data: { id: n.name, kind, parent }, classes: kind });
    }
    for (const l of graph.links) {
      const a = graph.nodes[l.source]?.name;
      const b = graph.nodes[l.target]?.name;
      // An instance's attachment to its PoP is drawn by nesting it in the PoP.
      if (!a || !b || popOf.get(a) === b || popOf.get(b) === a) {
        continue;
      }
      elements.push({ group: "edges", data: { id: linkKey(a, b), source: a, target: b, width: 2, label: "" } });
    }
    const structure = JSON.stringify(elements.map((e) => [e.data.id, e.data.parent ?? ""]));
    if (structure === this.structure) {
      return false;
    }
    this.structure = structure;
    const first = this.cy.nodes().empty();
    const known = new Set(elements.map((e) => e.data.id));
    this.cy.elements().filter((e) => !known.has(e.id())).remove();
    const fresh = elements.filter((e) => this.cy.getElementById(e.data.id!).empty());
    this.cy.add(fresh);
    for (const e of elements) {
      if (e.group === "nodes") {
        this.cy.getElementById(e.data.id!).move({ parent: e.data.parent ?? null });
      }
    }
    if (fresh.some((e) => e.group === "nodes")) {
      this.placeNearNeighbours(fresh.filter((e) => e.group === "nodes").map((e) => e.data.id!));
      // The first drawing is laid out from scratch; later ones start where the nodes are.
      this.cy
        .layout({
          name: "fcose",
          animate: false,
          randomize: first,
          nodeDimensionsIncludeLabels: true,
          idealEdgeLength: () => 120,
          padding: 30,
        } as cytoscape.LayoutOptions)
        .run();
    }
    return true;
  }

  // A new node starts beside its PoP or a neighbour already drawn (not on top of everything).
  private placeNearNeighbours(ids: string[]): void {
    for (const id of ids) {
      const node = this.cy.getElementById(id);
      const anchor = node.parent().nonempty() ? node.parent() : node.neighborhood("node").not(`#${CSS.escape(id)}`);
      const placed = anchor.filter((n) => !ids.includes(n.id()));
      if (placed.nonempty()) {
        const p = placed.first().position();
        node.position({ x: p.x + 40 * (Math.random() - 0.5), y: p.y + 40 * (Math.random() - 0.5) });
      }
    }
  }

  // Labels and widths from the link samples (both directions of a link summed).
  setLinks(samples: LinkSample[]): void {
    const byKey = new Map<string, { sample: LinkSample; bytes: number }>();
    for (const s of samples) {
      const k = linkKey(s.from, s.to);
      const seen = byKey.get(k);
      byKey.set(k, { sample: s, bytes: (seen?.bytes ?? 0) + s.bytes_per_s });
    }
    this.cy.batch(() => {
      for (const [k, { sample, bytes }] of byKey) {
        const edge = this.cy.getElementById(k);
        if (edge.nonempty()) {
          edge.data({ label: linkLabel(sample), width: linkWidth(bytes), bytes_per_s: bytes });
        }
      }
    });
  }

  // Highlights a chain's path (null: none).
  highlight(chain: Chain | null): void {
    this.cy.batch(() => {
      this.cy.elements().removeClass("chain");
      if (!chain) {
        return;
      }
      const hops = [chain.vnf_src_name, ...chain.path, chain.vnf_dst_name];
      for (const h of hops) {
        this.cy.getElementById(h).addClass("chain");
      }
      for (let i = 0; i + 1 < hops.length; ++i) {
        this.cy.getElementById(linkKey(hops[i], hops[i + 1])).addClass("chain");
      }
    });
  }

  setStates(states: Map<string, string>): void {
    this.cy.batch(() => {
      for (const [name, state] of states) {
        this.cy.getElementById(name).toggleClass("stopped", state !== "running");
      }
    });
  }
}
