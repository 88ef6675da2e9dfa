// Packet buffers of the data plane. A `Packet` is a frame in a fixed-size buffer from a
// `PacketPool`, with headroom in front so VLAN tags can be pushed without copying the payload, and
// the virtio-net header that AF_PACKET (PACKET_VNET_HDR) hands us with GSO/TSO super-frames and
// partial checksums. Buffers are allocated once per pool; nothing on the packet path allocates.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace chainlab::dataplane {

// struct virtio_net_hdr (linux/virtio_net.h), host byte order as AF_PACKET uses it.
struct VnetHeader {
  uint8_t flags = 0;         // kVnetNeedsCsum | kVnetDataValid
  uint8_t gso_type = 0;      // kGsoNone, kGsoTcpv4, kGsoUdp, kGsoTcpv6 (| kGsoEcn)
  uint16_t hdr_len = 0;      // length of the headers to copy into every segment
  uint16_t gso_size = 0;     // payload bytes per segment
  uint16_t csum_start = 0;   // offset from the frame start where checksumming starts
  uint16_t csum_offset = 0;  // where to store the checksum, relative to csum_start
};
static_assert(sizeof(VnetHeader) == 10);

inline constexpr uint8_t kVnetNeedsCsum = 1;
inline constexpr uint8_t kVnetDataValid = 2;
inline constexpr uint8_t kGsoNone = 0;
inline constexpr uint8_t kGsoTcpv4 = 1;
inline constexpr uint8_t kGsoUdp = 3;
inline constexpr uint8_t kGsoTcpv6 = 4;
inline constexpr uint8_t kGsoUdpL4 = 5;
inline constexpr uint8_t kGsoEcn = 0x80;

inline constexpr uint32_t kHeadroom = 64;          // bytes in front of a received frame
inline constexpr uint32_t kMaxFrame = 65536 + 64;  // GSO super-frame plus VLAN tags
inline constexpr uint32_t kBufferSize = kHeadroom + kMaxFrame;
inline constexpr uint32_t kNoPort = 0xffffffff;

struct Packet {
  uint8_t* data = nullptr;  // first byte of the Ethernet frame (inside `buf`)
  uint32_t len = 0;         // frame length
  VnetHeader vnet;          // offsets in it are relative to `data`
  uint32_t in_port = kNoPort;
  uint64_t release_ns = 0;  // link emulation: when this packet may leave
  Packet* next = nullptr;   // intrusive link for free lists and queues
  uint8_t* buf = nullptr;   // start of the buffer (kBufferSize bytes)

  // Resets to an empty frame at the standard headroom.
  void reset() {
    data = buf + kHeadroom;
    len = 0;
    vnet = VnetHeader{};
    in_port = kNoPort;
    release_ns = 0;
    next = nullptr;
  }
  uint32_t headroom() const { return static_cast<uint32_t>(data - buf); }
  uint32_t tailroom() const { return kBufferSize - headroom() - len; }
};

// A fixed set of buffers, reserved as one anonymous mapping (pages become resident only when a
// frame touches them). Single-threaded: each data-plane worker owns its pool.
class PacketPool {
 public:
  // `count` buffers of kBufferSize bytes. Returns null if the mapping fails.
  static std::unique_ptr<PacketPool> create(size_t count);
  ~PacketPool();
  PacketPool(const PacketPool&) = delete;
  PacketPool& operator=(const PacketPool&) = delete;

  // A reset packet, or null when all buffers are in use (the caller drops and counts).
  Packet* alloc() {
    Packet* p = free_;
    if (p != nullptr) {
      free_ = p->next;
      --available_;
      p->reset();
    }
    return p;
  }
  void free(Packet* p) {
    p->next = free_;
    free_ = p;
    ++available_;
  }
  size_t available() const { return available_; }
  size_t capacity() const { return count_; }

 private:
  PacketPool(uint8_t* region, size_t region_size, std::unique_ptr<Packet[]> packets, size_t count);

  uint8_t* region_;
  size_t region_size_;
  std::unique_ptr<Packet[]> packets_;
  size_t count_;
  size_t available_;
  Packet* free_ = nullptr;
};

}  // namespace chainlab::dataplane
