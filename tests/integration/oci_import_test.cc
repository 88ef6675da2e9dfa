// A `docker save` archive built here from scratch (a busybox layer, a config with ENTRYPOINT, CMD,
// ENV and WorkingDir), imported into an image store and run by the oci driver: the image's
// settings must be honoured (a defect of the reference).
#include <fstream>
#include <sstream>
#include <thread>

#include "../unit/runtime/image_test_util.h"
#include "oci_test_image.h"
#include "runtime/oci_driver.h"
#include "substrate/process.h"
#include "substrate/run.h"

namespace chainlab::runtime {
namespace {

using namespace std::chrono_literals;

TEST(OciImport, DockerSaveArchiveRunsWithItsConfig) {
  CL_REQUIRE_ROOT();
  if (!substrate::find_executable("runc").ok()) {
    GTEST_SKIP() << "runc not installed (scripts/install-deps.sh installs it)";
  }
  chainlab::testing::TestImage image;
  ASSERT_TRUE(image.error().empty()) << image.error();
  if (image.dir().empty()) {
    GTEST_SKIP() << "busybox not installed (scripts/install-deps.sh installs it)";
  }
  char tmpl[] = "/tmp/chainlab-oci-import-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::string work = tmpl;
  // The layer: the busybox tree as a plain tar (top-level names, no "./").
  auto tarred =
      chainlab::testing::run_command("cd " + image.dir() + " && tar -cf " + work + "/layer.tar *");
  ASSERT_EQ(tarred.status, 0) << tarred.output;
  std::ifstream in(work + "/layer.tar", std::ios::binary);
  std::stringstream layer;
  layer << in.rdbuf();

  testing::DockerArchive archive;
  archive.layers = {layer.str()};
  archive.tags = {"example/imported:1.0"};
  archive.config["config"] = {{"Entrypoint", {"/bin/sh", "-c"}},
                              {"Cmd", {"echo $GREETING from $(pwd); exec sleep 1000"}},
                              {"Env", {"GREETING=imported-env", "PATH=/bin"}},
                              {"WorkingDir", "/work"}};
  testing::write_bytes(work + "/image.tar", archive.build());

  auto store = ImageStore::open(work + "/store");
  ASSERT_TRUE(store.ok()) << store.error().message;
  auto info = (*store)->import(work + "/image.tar");
  ASSERT_TRUE(info.ok()) << info.error().message;
  {
    auto run = substrate::Run::begin({});
    ASSERT_TRUE(run.ok()) << run.error().message;
    OciDriver driver(**run, **store);
    InstanceSpec spec;
    spec.name = "imported";
    spec.image = "example/imported:1.0";
    auto made = driver.create(spec);
    ASSERT_TRUE(made.ok()) << made.error().message;
    std::unique_ptr<ComputeInstance> imported = std::move(made).value();
    ASSERT_TRUE(imported->start().ok());
    bool seen = false;
    std::string log;
    for (int i = 0; i < 300 && !seen; ++i) {
      log = imported->logs(4096).value_or("");
      seen = log.find("imported-env from /work") != std::string::npos;
      std::this_thread::sleep_for(10ms);
    }
    EXPECT_TRUE(seen) << "ENTRYPOINT/CMD/ENV/WorkingDir not honoured; log: " << log;
    EXPECT_EQ(imported->status()->driver, "oci");
    ASSERT_TRUE(imported->destroy().ok());
    (*run)->teardown();
  }
  chainlab::testing::run_command("rm -rf " + work);
}

}  // namespace
}  // namespace chainlab::runtime
