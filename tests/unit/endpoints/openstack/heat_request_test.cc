// Heat request bodies (endpoints/openstack/heat.h parse_stack_request): the `files` heatclient
// sends and the environment's resource_registry are checked and reach the template.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "endpoints/openstack/heat.h"

namespace chainlab::endpoints {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

const json kTemplate = {{"heat_template_version", "2018-08-31"},
                        {"resources", {{"v", {{"type", "My::VNF"}}}}}};
const char* kVnf = "heat_template_version: 2018-08-31\nresources: {}\n";

std::string request_error(const json& body) {
  auto r = parse_stack_request(body, true);
  return r.ok() ? "" : r.error().message;
}

TEST(HeatRequest, FilesAndTheRegistryReachTheTemplate) {
  json body = {{"stack_name", "s"},
               {"template", kTemplate},
               {"files", {{"vnf.yaml", kVnf}}},
               {"environment", {{"resource_registry", {{"My::VNF", "vnf.yaml"}}}}}};
  auto r = parse_stack_request(body, true);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->files.files.at("vnf.yaml"), kVnf);
  EXPECT_EQ(r->files.resolve("My::VNF"), "vnf.yaml");
  // The same registry as YAML text (an environment file's content).
  body["environment"] = "resource_registry:\n  My::VNF: vnf.yaml\n";
  EXPECT_TRUE(parse_stack_request(body, true).ok());
}

TEST(HeatRequest, BadFilesAndRegistriesAre400s) {
  json body = {{"stack_name", "s"}, {"template", kTemplate}};
  EXPECT_THAT(request_error(body), HasSubstr("unsupported resource type 'My::VNF'"))
      << "no registry: the type is unknown";
  body["files"] = json::array({kVnf});
  EXPECT_THAT(request_error(body), HasSubstr("files: expected a mapping"));
  body["files"] = {{"vnf.yaml", 3}};
  EXPECT_THAT(request_error(body), HasSubstr("files.vnf.yaml: expected a string"));
  body["files"] = {{"vnf.yaml", kVnf}};
  body["environment"] = {{"resource_registry", {{"My::VNF", {{"a", 1}}}}}};
  EXPECT_THAT(request_error(body),
              HasSubstr("environment.resource_registry.My::VNF: expected a string"));
  body["environment"] = {{"resource_registry", {{"resources", {{"v", {{"x", "y"}}}}}}}};
  EXPECT_THAT(request_error(body), HasSubstr("resource_registry.resources is not supported"));
  body["environment"] = {{"resource_registry", {{"My::VNF", "missing.yaml"}}}};
  EXPECT_THAT(request_error(body), HasSubstr("template 'missing.yaml' is not among the request's"));
}

}  // namespace
}  // namespace chainlab::endpoints
