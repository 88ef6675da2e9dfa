// The capture's pure parts: pcapng blocks (read back by the real tcpdump when it is installed),
// tcpdump filter expressions compiled by libpcap, and the REST query's bounds.
#include <unistd.h>

#include <cstring>
#include <fstream>

#include <gtest/gtest.h>
#include <httplib.h>

#include "dataplane/capture.h"
#include "dataplane/pcapng.h"
#include "endpoints/http/capture_stream.h"

namespace chainlab::dataplane {
namespace {

uint32_t u32_at(const std::string& s, size_t at) {
  uint32_t v = 0;
  std::memcpy(&v, s.data() + at, 4);
  return v;
}

// An Ethernet/IPv4/ICMP echo request from 10.0.0.1 to 10.0.0.2 (checksums not checked here).
std::string echo_request() {
  const unsigned char bytes[] = {
      0x02, 0, 0, 0,  0, 0x02, 0x02, 0, 0,  0, 0, 0x01, 0x08, 0x00,                     // Ethernet
      0x45, 0, 0, 28, 0, 1,    0,    0, 64, 1, 0, 0,    10,   0,    0, 1, 10, 0, 0, 2,  // IPv4
      8,    0, 0, 0,  0, 1,    0,    1};                                                // ICMP echo
  return std::string(reinterpret_cast<const char*>(bytes), sizeof bytes);
}

TEST(Pcapng, HeaderIsASectionAndAnEthernetInterfaceWithNanoseconds) {
  std::string h = pcapng_header("veth-a", 65535);
  ASSERT_GE(h.size(), 28u);
  EXPECT_EQ(u32_at(h, 0), 0x0A0D0D0Au);
  EXPECT_EQ(u32_at(h, 4), 28u);
  EXPECT_EQ(u32_at(h, 8), 0x1A2B3C4Du);
  EXPECT_EQ(u32_at(h, 24), 28u);  // the length repeated
  uint32_t idb = u32_at(h, 28 + 4);
  EXPECT_EQ(u32_at(h, 28), 1u);
  EXPECT_EQ(h.size(), 28u + idb);
  EXPECT_EQ(idb % 4, 0u);
  EXPECT_NE(h.find("veth-a"), std::string::npos);
}

TEST(Pcapng, PacketBlockIsPaddedAndCarriesTheDirection) {
  std::string frame = echo_request();  // 42 bytes: padded to 44
  std::string b =
      pcapng_packet(1'700'000'000'123'456'789ull, frame, 60, CaptureDirection::kOutbound);
  EXPECT_EQ(u32_at(b, 0), 6u);
  EXPECT_EQ(b.size() % 4, 0u);
  EXPECT_EQ(u32_at(b, 4), b.size());
  EXPECT_EQ(u32_at(b, b.size() - 4), b.size());
  uint64_t ts = (uint64_t{u32_at(b, 12)} << 32) | u32_at(b, 16);
  EXPECT_EQ(ts, 1'700'000'000'123'456'789ull);
  EXPECT_EQ(u32_at(b, 20), 42u);
  EXPECT_EQ(u32_at(b, 24), 60u);
  EXPECT_EQ(b.substr(28, 42), frame);
  EXPECT_EQ(u32_at(b, 28 + 44), 2u | (4u << 16));  // epb_flags, 4 bytes
  EXPECT_EQ(u32_at(b, 28 + 48), 2u);               // outbound
}

TEST(Pcapng, TcpdumpReadsWhatIsWritten) {
  if (::access("/usr/bin/tcpdump", X_OK) != 0) {
    GTEST_SKIP() << "tcpdump is not installed (scripts/install-deps.sh installs it)";
  }
  std::string path = ::testing::TempDir() + "/chainlab-pcapng-test.pcapng";
  {
    std::ofstream out(path, std::ios::binary);
    out << pcapng_header("veth-a", 262144)
        << pcapng_packet(1'000'000'123ull, echo_request(), 42, CaptureDirection::kInbound)
        << pcapng_packet(2'500'000'000ull, echo_request(), 42, CaptureDirection::kOutbound);
  }
  FILE* p = ::popen(
      ("tcpdump -nn -tt --time-stamp-precision=nano -r " + path + " 2>/dev/null").c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[512];
  while (size_t n = std::fread(buf, 1, sizeof buf, p)) {
    out.append(buf, n);
  }
  EXPECT_EQ(::pclose(p), 0) << out;
  EXPECT_NE(out.find("1.000000123 IP 10.0.0.1 > 10.0.0.2: ICMP echo request"), std::string::npos)
      << out;
  EXPECT_NE(out.find("2.500000000 IP 10.0.0.1 > 10.0.0.2: ICMP echo request"), std::string::npos)
      << out;
  ::unlink(path.c_str());
}

TEST(CaptureFilter, CompilesTcpdumpExpressionsAndRefusesBadOnes) {
  auto all = compile_capture_filter("", 65535);
  ASSERT_TRUE(all.ok()) << all.error().message;
  EXPECT_FALSE(all->empty());
  auto icmp = compile_capture_filter("icmp or (tcp and port 80)", 65535);
  ASSERT_TRUE(icmp.ok()) << icmp.error().message;
  EXPECT_GT(icmp->size(), all->size());
  auto bad = compile_capture_filter("icmp and and", 65535);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(bad.error().message.find("syntax error"), std::string::npos) << bad.error().message;
  EXPECT_FALSE(compile_capture_filter(std::string(kMaxFilterBytes + 1, ' '), 65535).ok());
  EXPECT_FALSE(compile_capture_filter(std::string("icmp\0tcp", 8), 65535).ok());
}

TEST(CaptureOpen, RefusesABadSnaplenAndAnUnknownInterfaceWithoutRoot) {
  auto small = PortCapture::open("lo", {.filter = "", .snaplen = 10});
  ASSERT_FALSE(small.ok());
  EXPECT_EQ(small.error().code, ErrorCode::kInvalidArgument);
  auto missing = PortCapture::open("no-such-if0", {});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  auto long_name = PortCapture::open(std::string(100, 'x'), {});
  ASSERT_FALSE(long_name.ok());
  EXPECT_EQ(long_name.error().code, ErrorCode::kNotFound);
}

httplib::Request request(const std::string& query) {
  httplib::Request req;
  httplib::detail::parse_query_text(query, req.params);
  return req;
}

TEST(CaptureQuery, BoundsEveryParameter) {
  auto q = endpoints::parse_capture_query(request("filter=icmp&count=6&duration=10&snaplen=128"));
  ASSERT_TRUE(q.ok()) << q.error().message;
  EXPECT_EQ(q->options.filter, "icmp");
  EXPECT_EQ(q->count, 6u);
  EXPECT_EQ(q->duration, std::chrono::seconds(10));
  EXPECT_EQ(q->options.snaplen, 128u);
  auto none = endpoints::parse_capture_query(request(""));
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->count);
  EXPECT_FALSE(none->duration);
  EXPECT_EQ(none->options.snaplen, kMaxSnaplen);
  for (const char* bad :
       {"count=0", "count=1000001", "count=-1", "count=1x", "count=", "duration=0",
        "duration=86401", "snaplen=63", "snaplen=262145", "count=18446744073709551616"}) {
    auto r = endpoints::parse_capture_query(request(bad));
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace chainlab::dataplane
