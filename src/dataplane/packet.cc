#include "dataplane/packet.h"

#include <sys/mman.h>

namespace chainlab::dataplane {

std::unique_ptr<PacketPool> PacketPool::create(size_t count) {
  size_t size = count * kBufferSize;
  void* region = ::mmap(nullptr, size, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (region == MAP_FAILED) {
    return nullptr;
  }
  auto packets = std::make_unique<Packet[]>(count);
  return std::unique_ptr<PacketPool>(
      new PacketPool(static_cast<uint8_t*>(region), size, std::move(packets), count));
}

PacketPool::PacketPool(uint8_t* region, size_t region_size, std::unique_ptr<Packet[]> packets,
                       size_t count)
    : region_(region),
      region_size_(region_size),
      packets_(std::move(packets)),
      count_(count),
      available_(0) {
  for (size_t i = count; i-- > 0;) {
    Packet* p = &packets_[i];
    p->buf = region_ + i * kBufferSize;
    free(p);
  }
}

PacketPool::~PacketPool() {
  ::munmap(region_, region_size_);
}

}  // namespace chainlab::dataplane
