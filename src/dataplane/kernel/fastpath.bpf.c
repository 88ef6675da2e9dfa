/* The kernel fast path (docs/design/dataplane.md, "The kernel fast path").
 *
 * Two programs share one classification: `classify` follows a frame from the instance port it
 * entered through the LSIs' compiled flow tables (maps.h), across virtual links, to the instance
 * port it leaves by, and answers FORWARD, DROP or SLOW (the path needs the userspace engine:
 * shaped links, learning, floods, several outputs, double tags, long tables).
 *  - `fastpath_tc` (tc clsact ingress on every instance port's host end) forwards and drops
 *    what the kernel can do, with bpf_redirect_peer into the output instance's namespace, and
 *    counts per rule and per port; SLOW frames it drops, because...
 *  - `fastpath_sock` (the socket filter of the userspace engine's AF_PACKET socket on the same
 *    host end, which sees every frame just before tc does) passes exactly the SLOW frames up.
 * So every frame is handled once, by the kernel or by the engine, with the same rules. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>

/* After linux/bpf.h: the helpers' declarations use its types. */
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "dataplane/kernel/maps.h"

char LICENSE[] SEC("license") = "GPL";

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, CL_MAX_PORTS);
  __type(key, __u32); /* ifindex */
  __type(value, struct cl_ifport);
} ifports SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, CL_MAX_PORTS);
  __type(key, struct cl_port_key);
  __type(value, struct cl_port);
} ports SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __uint(max_entries, CL_MAX_TABLES);
  __type(key, struct cl_table_key);
  __type(value, struct cl_table);
} tables SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __uint(max_entries, CL_MAX_GROUPS);
  __type(key, struct cl_group_key);
  __type(value, struct cl_group);
} groups SEC(".maps");

/* LSIs whose tables could not be written (a full map): all their frames go to the engine. */
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __uint(max_entries, CL_MAX_SLOW_LSIS);
  __type(key, __u32);
  __type(value, __u32);
} slow_lsis SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 2 * CL_MAX_PORT_SLOTS);
  __type(key, __u32);
  __type(value, struct cl_counter);
} port_stats SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, CL_MAX_RULE_SLOTS);
  __type(key, __u32);
  __type(value, struct cl_counter);
} rule_stats SEC(".maps");

/* The flow key as the userspace engine parses it (frame.cc), plus what the path changed. */
struct flow {
  __u32 ipv4_src;
  __u32 ipv4_dst;
  __u16 vlan; /* CL_VLAN_NONE when untagged */
  __u16 eth_type;
  __u16 l4_src;
  __u16 l4_dst;
  __u8 ip_proto;
  __u8 eth_src[6];
  __u8 eth_dst[6];
  __u8 pad;
};

enum verdict { V_CONTINUE = 0, V_FORWARD, V_DROP, V_SLOW };

/* One frame's way through the LSIs: kept in a per-CPU scratch slot (the stack is 512 bytes). */
struct path {
  struct flow key;
  __u32 lsi;
  __u32 in_port;
  __u32 hops;
  __u32 base_len; /* the frame's length without a tag */
  __u32 rule_slots[CL_MAX_HOPS];
  __u32 entry_lens[CL_MAX_HOPS]; /* its length entering each LSI */
  __u32 exit_lens[CL_MAX_HOPS];  /* and leaving it */
  __u32 tx_slots[CL_MAX_HOPS];   /* ports the frame left by (virtual links, then the output) */
  __u32 rx_slots[CL_MAX_HOPS];   /* ports it entered by */
  __u32 out_ifindex;
  __u32 out_flags;
  __u32 mac_changed;
  __u32 in_slot;
  /* The socket filter's answer, kept for the tc program that runs next on this CPU for the same
   * frame (the taps and tc ingress run back to back in one softirq): one classification each. */
  __u32 cached;
  __u32 cached_ifindex;
  __u32 cached_len;
  __u32 cached_verdict;
};

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct path);
} scratch SEC(".maps");

static __always_inline int load(struct __sk_buff* skb, __u32 off, void* to, __u32 len) {
  return bpf_skb_load_bytes(skb, off, to, len);
}

static __always_inline int is_tpid(__u16 type) {
  return type == ETH_P_8021Q || type == ETH_P_8021AD;
}

/* Parses like parse_frame() in frame.cc. 0: parsed; -1: the kernel leaves it (a tag in the data
 * or two tags; the engine handles those). */
static __always_inline int parse(struct __sk_buff* skb, struct flow* f) {
  __u8 eth[14];
  if (load(skb, 0, eth, sizeof eth) < 0) {
    return -1;
  }
  __builtin_memcpy(f->eth_dst, eth, 6);
  __builtin_memcpy(f->eth_src, eth + 6, 6);
  __u16 type = ((__u16)eth[12] << 8) | eth[13];
  if (is_tpid(type)) {
    return -1;
  }
  f->vlan = skb->vlan_present ? (skb->vlan_tci & 0x0fff) : CL_VLAN_NONE;
  f->eth_type = type;
  __u32 l3_len = skb->len - 14;
  if (type == ETH_P_IP) {
    __u8 ip[20];
    if (l3_len < 20 || load(skb, 14, ip, sizeof ip) < 0) {
      return 0;
    }
    __u32 hl = (__u32)(ip[0] & 0x0f) * 4;
    if ((ip[0] >> 4) != 4 || hl < 20 || hl > l3_len) {
      return 0;
    }
    f->ip_proto = ip[9];
    __builtin_memcpy(&f->ipv4_src, ip + 12, 4);
    __builtin_memcpy(&f->ipv4_dst, ip + 16, 4);
    if (((((__u16)ip[6] << 8) | ip[7]) & 0x1fff) != 0) {
      return 0;
    }
    __u32 need = f->ip_proto == 6     ? 20
                 : f->ip_proto == 17  ? 8
                 : f->ip_proto == 132 ? 12
                 : f->ip_proto == 1   ? 4
                                      : 0;
    __u8 l4[4];
    if (need == 0 || l3_len - hl < need || load(skb, 14 + hl, l4, sizeof l4) < 0) {
      return 0;
    }
    if (f->ip_proto == 1) {
      f->l4_src = l4[0];
      f->l4_dst = l4[1];
    } else {
      f->l4_src = ((__u16)l4[0] << 8) | l4[1];
      f->l4_dst = ((__u16)l4[2] << 8) | l4[3];
    }
  } else if (type == ETH_P_ARP) {
    __u8 arp[28];
    if (l3_len < 28 || load(skb, 14, arp, sizeof arp) < 0) {
      return 0;
    }
    if (arp[0] != 0 || arp[1] != 1 || arp[2] != 0x08 || arp[3] != 0 || arp[4] != 6 || arp[5] != 4) {
      return 0;
    }
    __builtin_memcpy(&f->ipv4_src, arp + 14, 4);
    __builtin_memcpy(&f->ipv4_dst, arp + 24, 4);
  } else if (type == ETH_P_IPV6) {
    __u8 ip6[7];
    if (l3_len < 40 || load(skb, 14, ip6, sizeof ip6) < 0 || (ip6[0] >> 4) != 6) {
      return 0;
    }
    f->ip_proto = ip6[6];
  }
  return 0;
}

static __always_inline int mac_eq(const __u8* a, const __u8* b) {
  return a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && a[3] == b[3] && a[4] == b[4] &&
         a[5] == b[5];
}

static __always_inline int matches(const struct cl_rule* r, const struct flow* f, __u32 in_port) {
  __u32 m = r->fields;
  if ((m & CL_M_IN_PORT) && r->in_port != in_port) {
    return 0;
  }
  if ((m & CL_M_ETH_SRC) && !mac_eq(r->eth_src, f->eth_src)) {
    return 0;
  }
  if ((m & CL_M_ETH_DST) && !mac_eq(r->eth_dst, f->eth_dst)) {
    return 0;
  }
  if ((m & CL_M_ETH_TYPE) && r->eth_type != f->eth_type) {
    return 0;
  }
  if ((m & CL_M_VLAN_NONE) && f->vlan != CL_VLAN_NONE) {
    return 0;
  }
  if ((m & CL_M_VLAN_ID) && f->vlan != r->vlan_id) {
    return 0;
  }
  if ((m & CL_M_IP_PROTO) && r->ip_proto != f->ip_proto) {
    return 0;
  }
  if ((m & CL_M_IPV4_SRC) && (f->ipv4_src & r->ipv4_src_mask) != r->ipv4_src) {
    return 0;
  }
  if ((m & CL_M_IPV4_DST) && (f->ipv4_dst & r->ipv4_dst_mask) != r->ipv4_dst) {
    return 0;
  }
  if ((m & CL_M_L4_SRC) && r->l4_src != f->l4_src) {
    return 0;
  }
  if ((m & CL_M_L4_DST) && r->l4_dst != f->l4_dst) {
    return 0;
  }
  return 1;
}

/* The table for (lsi, port, vlan), falling back as compile.cc promises: a missing table means no
 * rule; a port's tables hold its wildcard rules too, a VID's tables those for any VID. */
static __always_inline struct cl_table* find_table(__u32 lsi, __u32 port, __u16 vlan) {
  struct cl_table_key k = {lsi, port, vlan};
  struct cl_table* t = bpf_map_lookup_elem(&tables, &k);
  if (t) {
    return t;
  }
  if (vlan != CL_VLAN_NONE) {
    k.vlan = CL_VLAN_OTHER;
    t = bpf_map_lookup_elem(&tables, &k);
    if (t) {
      return t;
    }
  }
  k.in_port = CL_PORT_ANY;
  k.vlan = vlan;
  t = bpf_map_lookup_elem(&tables, &k);
  if (t) {
    return t;
  }
  if (vlan == CL_VLAN_NONE) {
    return 0;
  }
  k.vlan = CL_VLAN_OTHER;
  return bpf_map_lookup_elem(&tables, &k);
}

/* The first matching rule's index, or -1. A global function: verified once, not per hop. */
__noinline int first_match(struct cl_table* t, struct flow* f, __u32 in_port) {
  if (!t || !f) {
    return -1;
  }
  __u32 n = t->count;
  for (__u32 i = 0; i < CL_MAX_TABLE_RULES; i++) {
    if (i >= n) {
      break;
    }
    if (matches(&t->rules[i], f, in_port)) {
      return (int)i;
    }
  }
  return -1;
}

/* select.cc's flow_hash and select_member, bit for bit, so both paths pick the same member. */
static __always_inline __u64 mix(__u64 x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

static __always_inline __u64 mac_value(const __u8* m) {
  return ((__u64)m[0] << 40) | ((__u64)m[1] << 32) | ((__u64)m[2] << 24) | ((__u64)m[3] << 16) |
         ((__u64)m[4] << 8) | m[5];
}

static __always_inline __u64 flow_hash(const struct flow* f) {
  if (f->eth_type != ETH_P_IP) {
    __u64 a = mac_value(f->eth_src), b = mac_value(f->eth_dst);
    __u64 lo = a < b ? a : b, hi = a < b ? b : a;
    return mix(mix(lo) ^ hi);
  }
  int ports = f->ip_proto != 1;
  /* FlowKey holds the addresses as loaded from the frame (network order) in a host integer. */
  __u64 src = ((__u64)f->ipv4_src << 16) | (ports ? f->l4_src : 0);
  __u64 dst = ((__u64)f->ipv4_dst << 16) | (ports ? f->l4_dst : 0);
  __u64 lo = src < dst ? src : dst, hi = src < dst ? dst : src;
  return mix(mix(mix(lo) ^ hi) ^ f->ip_proto);
}

__noinline __u32 pick_member(struct cl_group* g, __u64 hash) {
  if (!g) {
    return CL_PORT_ANY;
  }
  __u32 n = g->count, best = CL_PORT_ANY;
  __u64 best_score = 0;
  for (__u32 i = 0; i < CL_MAX_GROUP; i++) {
    if (i >= n) {
      break;
    }
    __u64 score = mix(hash ^ mix(g->keys[i]));
    if (best == CL_PORT_ANY || score > best_score) {
      best = g->members[i];
      best_score = score;
    }
  }
  return best;
}

/* Runs the rule's VLAN operations on the key. 0, or -1 when the frame would carry two tags. */
static __always_inline int apply_vlan(const struct cl_rule* r, struct flow* f) {
  for (int i = 0; i < CL_MAX_VLAN_OPS; i++) {
    __u8 op = r->vlan_ops[i];
    if (op == 0) {
      break;
    }
    if (op == CL_V_POP) {
      f->vlan = CL_VLAN_NONE;
    } else if (op == CL_V_PUSH) {
      if (f->vlan != CL_VLAN_NONE) {
        return -1;
      }
      f->vlan = r->vlan_args[i];
    } else {
      f->vlan = r->vlan_args[i];
    }
  }
  return 0;
}

static __always_inline __u32 tagged_len(const struct path* p) {
  return p->base_len + (p->key.vlan != CL_VLAN_NONE ? 4 : 0);
}

/* One LSI: the rule for the frame, its changes, where it goes next. A global function. */
__noinline int hop(struct path* p) {
  if (!p) {
    return V_SLOW;
  }
  __u32 h = p->hops;
  if (h >= CL_MAX_HOPS) {
    return V_SLOW;
  }
  __u32 lsi = p->lsi;
  if (bpf_map_lookup_elem(&slow_lsis, &lsi)) {
    return V_SLOW;
  }
  struct cl_table* t = find_table(p->lsi, p->in_port, p->key.vlan);
  if (!t) {
    return V_DROP;
  }
  if (t->flags & CL_TABLE_SLOW) {
    return V_SLOW;
  }
  int i = first_match(t, &p->key, p->in_port);
  if (i < 0 || i >= CL_MAX_TABLE_RULES) {
    return V_DROP;
  }
  struct cl_rule* r = &t->rules[i];
  if (r->actions & CL_A_SLOW) {
    return V_SLOW;
  }
  p->rule_slots[h] = r->slot;
  p->entry_lens[h] = tagged_len(p);
  p->hops = h + 1;
  __u32 out = r->target_id;
  if (r->target == CL_T_SELECT) {
    struct cl_group_key gk = {p->lsi, r->target_id};
    struct cl_group* g = bpf_map_lookup_elem(&groups, &gk);
    if (!g) {
      return V_SLOW; /* not written (yet): the engine knows */
    }
    if (g->count > CL_MAX_GROUP) {
      return V_SLOW;
    }
    out = pick_member(g, flow_hash(&p->key));
  } else if (r->target != CL_T_OUTPUT) {
    return V_DROP;
  }
  if (apply_vlan(r, &p->key) < 0) {
    return V_SLOW;
  }
  if (r->actions & CL_A_ETH_SRC) {
    __builtin_memcpy(p->key.eth_src, r->new_src, 6);
    p->mac_changed = 1;
  }
  if (r->actions & CL_A_ETH_DST) {
    __builtin_memcpy(p->key.eth_dst, r->new_dst, 6);
    p->mac_changed = 1;
  }
  p->exit_lens[h] = tagged_len(p);
  if (out == p->in_port || out == CL_PORT_ANY) {
    return V_DROP;
  }
  struct cl_port_key pk = {p->lsi, out};
  struct cl_port* port = bpf_map_lookup_elem(&ports, &pk);
  if (!port) {
    return V_SLOW; /* gone, or never given to the kernel: the engine knows what to do */
  }
  if (port->flags & CL_PORT_SHAPED) {
    return V_SLOW;
  }
  p->tx_slots[h] = port->slot;
  if (port->flags & CL_PORT_INSTANCE) {
    p->out_ifindex = port->ifindex;
    p->out_flags = port->flags;
    return V_FORWARD;
  }
  struct cl_port_key peer = {port->peer_lsi, port->peer_port};
  struct cl_port* far = bpf_map_lookup_elem(&ports, &peer);
  if (!far) {
    return V_SLOW;
  }
  p->rx_slots[h] = far->slot;
  p->lsi = port->peer_lsi;
  p->in_port = port->peer_port;
  return V_CONTINUE;
}

static __always_inline struct path* scratch_path(void) {
  __u32 zero = 0;
  return bpf_map_lookup_elem(&scratch, &zero);
}

/* Starts the path of a frame received on an instance port; 0 when the interface is none of ours.
 * Clears the cache. */
static __always_inline int start(struct __sk_buff* skb, struct path* p) {
  __u32 ifindex = skb->ifindex;
  struct cl_ifport* in = bpf_map_lookup_elem(&ifports, &ifindex);
  if (!in) {
    p->cached = 0;
    return 0;
  }
  struct cl_port_key pk = {in->lsi, in->port};
  struct cl_port* port = bpf_map_lookup_elem(&ports, &pk);
  __builtin_memset(p, 0, sizeof *p);
  if (!port) {
    return 0;
  }
  p->lsi = in->lsi;
  p->in_port = in->port;
  p->base_len = skb->len;
  p->in_slot = port->slot;
  return 1;
}

static __always_inline int classify(struct __sk_buff* skb, struct path* p) {
  if (parse(skb, &p->key) < 0) {
    return V_SLOW;
  }
  int v = V_SLOW;
  for (int h = 0; h < CL_MAX_HOPS; h++) {
    v = hop(p);
    if (v != V_CONTINUE) {
      break;
    }
  }
  return v == V_CONTINUE ? V_SLOW : v;
}

static __always_inline void count(void* map, __u32 slot, __u64 bytes) {
  struct cl_counter* c = bpf_map_lookup_elem(map, &slot);
  if (c) {
    c->packets += 1;
    c->bytes += bytes;
  }
}

/* The counters the engine would have bumped for this path (worker.cc): slot 0 is no port. */
static __always_inline void count_path(struct path* p, __u32 in_slot, __u32 len) {
  count(&port_stats, 2 * in_slot, len);
  for (int h = 0; h < CL_MAX_HOPS; h++) {
    if (h >= p->hops) {
      break;
    }
    count(&rule_stats, p->rule_slots[h], p->entry_lens[h]);
    if (p->tx_slots[h] != 0) {
      count(&port_stats, 2 * p->tx_slots[h] + 1, p->exit_lens[h]);
    }
    if (p->rx_slots[h] != 0) {
      count(&port_stats, 2 * p->rx_slots[h], p->exit_lens[h]);
    }
  }
}

/* Rewrites the frame to the path's final headers. */
static __always_inline int rewrite(struct __sk_buff* skb, struct path* p) {
  __u16 was = skb->vlan_present ? (skb->vlan_tci & 0x0fff) : CL_VLAN_NONE;
  __u16 now = p->key.vlan;
  if (was != now) {
    if (was != CL_VLAN_NONE && bpf_skb_vlan_pop(skb) < 0) {
      return -1;
    }
    if (now != CL_VLAN_NONE && bpf_skb_vlan_push(skb, bpf_htons(ETH_P_8021Q), now) < 0) {
      return -1;
    }
  }
  if (p->mac_changed && bpf_skb_store_bytes(skb, 0, p->key.eth_dst, 6, 0) < 0) {
    return -1;
  }
  if (p->mac_changed && bpf_skb_store_bytes(skb, 6, p->key.eth_src, 6, 0) < 0) {
    return -1;
  }
  return 0;
}

SEC("tc")
int fastpath_tc(struct __sk_buff* skb) {
  struct path* p = scratch_path();
  if (!p) {
    return TC_ACT_OK;
  }
  int v;
  if (p->cached && p->cached_ifindex == skb->ifindex && p->cached_len == skb->len) {
    p->cached = 0;
    v = (int)p->cached_verdict;
  } else if (start(skb, p)) {
    v = classify(skb, p);
  } else {
    return TC_ACT_OK;
  }
  if (v == V_SLOW) {
    return TC_ACT_SHOT; /* the engine has its copy */
  }
  count_path(p, p->in_slot, skb->len + (skb->vlan_present ? 4 : 0));
  if (v == V_DROP) {
    return TC_ACT_SHOT;
  }
  if (rewrite(skb, p) < 0) {
    return TC_ACT_SHOT;
  }
  /* Into the instance's namespace directly; through the host end when a capture watches it or
   * when the port is no veth into another namespace (a NIC, a local pair). */
  if ((p->out_flags & (CL_PORT_PEER | CL_PORT_TAPPED)) == CL_PORT_PEER) {
    return bpf_redirect_peer(p->out_ifindex, 0);
  }
  return bpf_redirect(p->out_ifindex, 0);
}

SEC("socket")
int fastpath_sock(struct __sk_buff* skb) {
  /* A frame leaving through the host end (a bpf_redirect to its egress) is no ingress: with several
   * workers the fanout group, not the socket, decides whether taps see outgoing frames, and kernels
   * before the group's IGNORE_OUTGOING flag pass them up. */
  if (skb->pkt_type == 4 /* PACKET_OUTGOING */) {
    return 0;
  }
  struct path* p = scratch_path();
  if (!p || !start(skb, p)) {
    return skb->len;
  }
  int v = classify(skb, p);
  p->cached = 1;
  p->cached_ifindex = skb->ifindex;
  p->cached_len = skb->len;
  p->cached_verdict = (__u32)v;
  return v == V_SLOW ? skb->len : 0;
}
