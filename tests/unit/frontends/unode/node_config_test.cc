// The Universal Node's INI config (the reference's default-config.ini) as `chainlab node` reads it.
#include "frontends/unode/node_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace chainlab::unode {
namespace {

using ::testing::HasSubstr;

// The reference's config/default-config.ini, as far as its keys go.
constexpr const char* kReference = R"([physical ports]
ports_name = [eth0 eth1]

[rest server]
server_port = 8080

[initial graphs]
nffgs = [g1=/tmp/g1.json]

[user authentication]
user_authentication = false

[double-decker]
client_name = UN
broker_address = tcp://127.0.0.1:5555

[datastore]
ip_address = localhost
port = 8081

[misc]
IMAGE_DIR = /tmp
)";

TEST(NodeConfigTest, TheReferencesFileIsReadAndWhatIsNotUsedIsWarned) {
  std::vector<std::string> warnings;
  auto c = parse_node_config(kReference, "un.ini", &warnings);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->interfaces, (std::vector<std::string>{"eth0", "eth1"}));
  EXPECT_EQ(c->port, 8080);
  ASSERT_EQ(c->initial_graphs.size(), 1u);
  EXPECT_EQ(c->initial_graphs[0], (std::pair<std::string, std::string>{"g1", "/tmp/g1.json"}));
  ASSERT_FALSE(warnings.empty());
  EXPECT_THAT(warnings[0], HasSubstr("authentication is always on"));
}

TEST(NodeConfigTest, BadValuesAreRefusedNamingTheLine) {
  auto c = parse_node_config("[rest server]\nserver_port = 99999\n", "un.ini", nullptr);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().message, "un.ini:2: server_port: expected 1..65535, not '99999'");
  c = parse_node_config("[initial graphs]\nnffgs = [g1]\n", "un.ini", nullptr);
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.error().message, HasSubstr("expected id=path"));
  c = parse_node_config("[rest server\nserver_port = 1\n", "un.ini", nullptr);
  ASSERT_FALSE(c.ok());
  c = parse_node_config(std::string("[a]\nb = c\0d\n", 13), "un.ini", nullptr);
  ASSERT_FALSE(c.ok());
}

}  // namespace
}  // namespace chainlab::unode
