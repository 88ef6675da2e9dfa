/* The eBPF fast path's map layouts, shared by the program (fastpath.bpf.c, C for clang -target
 * bpf) and the user side (compile.cc, fastpath.cc). Plain C: fixed-width fields, explicit
 * padding, no pointers. docs/design/dataplane.md, "The kernel fast path", explains the lookup. */
#ifndef CHAINLAB_DATAPLANE_KERNEL_MAPS_H
#define CHAINLAB_DATAPLANE_KERNEL_MAPS_H

#include <linux/types.h>

#define CL_MAX_TABLE_RULES 32 /* rules per table; a longer table is left to userspace */
#define CL_MAX_HOPS 8         /* LSIs one frame may cross in the kernel */
#define CL_MAX_GROUP 64       /* members of a group the kernel spreads over */
#define CL_MAX_PORT_SLOTS 65536
#define CL_MAX_RULE_SLOTS 65536
#define CL_MAX_TABLES 262144
#define CL_MAX_PORTS 131072
#define CL_MAX_GROUPS 16384
#define CL_MAX_SLOW_LSIS 65536

#define CL_PORT_ANY 0xffffffffu /* table key: rules for every in_port */
#define CL_VLAN_NONE 0xffffu    /* table key and flow key: untagged */
#define CL_VLAN_OTHER 0xfffeu   /* table key: tagged with a VID no rule of the LSI names */

/* ifindex of an instance port's host end -> where its frames enter. */
struct cl_ifport {
  __u32 lsi;
  __u32 port;
};

/* (lsi, port) -> what the port is. */
struct cl_port_key {
  __u32 lsi;
  __u32 port;
};

#define CL_PORT_INSTANCE 1u /* ifindex: the host end */
#define CL_PORT_VLINK 2u    /* peer_lsi/peer_port: the other end */
#define CL_PORT_SHAPED 4u   /* link emulation on its egress: userspace */
#define CL_PORT_TAPPED 8u   /* a capture runs on the host end: redirect through it, not past it */
#define CL_PORT_PEER 16u    /* a veth whose peer is in another namespace: bpf_redirect_peer */

struct cl_port {
  __u32 flags;
  __u32 ifindex;
  __u32 peer_lsi;
  __u32 peer_port;
  __u32 slot; /* index into port_stats */
  __u32 pad;
};

struct cl_table_key {
  __u32 lsi;
  __u32 in_port; /* a port id, or CL_PORT_ANY */
  __u32 vlan;    /* a VID, CL_VLAN_NONE or CL_VLAN_OTHER */
};

/* Which match fields a rule sets (cl_rule.fields). */
#define CL_M_ETH_SRC (1u << 0)
#define CL_M_ETH_DST (1u << 1)
#define CL_M_ETH_TYPE (1u << 2)
#define CL_M_VLAN_NONE (1u << 3)
#define CL_M_VLAN_ID (1u << 4)
#define CL_M_IP_PROTO (1u << 5)
#define CL_M_IPV4_SRC (1u << 6)
#define CL_M_IPV4_DST (1u << 7)
#define CL_M_L4_SRC (1u << 8)
#define CL_M_L4_DST (1u << 9)
#define CL_M_IN_PORT (1u << 10)

/* The rule's actions, flattened: VLAN operations in order, MAC rewrites, then one target. */
#define CL_A_SLOW (1u << 0) /* the kernel cannot do this rule: the frame goes to userspace */
#define CL_A_ETH_SRC (1u << 1)
#define CL_A_ETH_DST (1u << 2)

#define CL_MAX_VLAN_OPS 4
#define CL_V_POP 1
#define CL_V_PUSH 2
#define CL_V_SET 3 /* rewrites the VID, pushes if untagged */

#define CL_T_DROP 0
#define CL_T_OUTPUT 1
#define CL_T_SELECT 2

struct cl_rule {
  __u32 fields;
  __u32 in_port;
  __u8 eth_src[6];
  __u8 eth_dst[6];
  __u16 eth_type;
  __u16 vlan_id;
  __u8 ip_proto;
  __u8 pad0[3];
  __u32 ipv4_src; /* network order, already masked */
  __u32 ipv4_src_mask;
  __u32 ipv4_dst;
  __u32 ipv4_dst_mask;
  __u16 l4_src;
  __u16 l4_dst;
  /* actions */
  __u32 actions;
  __u8 vlan_ops[CL_MAX_VLAN_OPS]; /* CL_V_*, 0 ends the list */
  __u16 vlan_args[CL_MAX_VLAN_OPS];
  __u8 new_src[6];
  __u8 new_dst[6];
  __u32 target;    /* CL_T_* */
  __u32 target_id; /* output port, or group id */
  __u32 slot;      /* index into rule_stats */
  __u32 pad1;
};

#define CL_TABLE_SLOW 1u /* more rules than CL_MAX_TABLE_RULES: every frame to userspace */

struct cl_table {
  __u32 count;
  __u32 flags;
  struct cl_rule rules[CL_MAX_TABLE_RULES];
};

struct cl_group_key {
  __u32 lsi;
  __u32 group;
};

struct cl_group {
  __u32 count; /* > CL_MAX_GROUP: userspace */
  __u32 pad;
  __u32 members[CL_MAX_GROUP];
  __u32 keys[CL_MAX_GROUP]; /* what the hash weighs per member (GroupSpec::keys or the port) */
};

struct cl_counter {
  __u64 packets;
  __u64 bytes;
};

/* port_stats holds two counters per port slot: 2*slot received, 2*slot+1 sent. */

#endif
