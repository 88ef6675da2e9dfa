#include "frontends/sonata/catalogue.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "common/files.h"
#include "zip_writer.h"

namespace chainlab::sonata {
namespace {

using testing::make_zip;
using testing::nsd_yaml;
using testing::sonata_files;
using testing::tango_files;

class CatalogueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/chainlab-catalogue-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    dir_ = root_ + "/nested/catalogue";  // open() creates missing parents
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  std::unique_ptr<Catalogue> open(std::vector<std::string>* warnings = nullptr) {
    auto c = Catalogue::open(dir_, warnings);
    EXPECT_TRUE(c.ok()) << c.error().message;
    return c.ok() ? std::move(c).value() : nullptr;
  }
  std::vector<std::string> files() const {
    auto names = list_dir(dir_);
    std::vector<std::string> out = names.ok() ? *names : std::vector<std::string>{};
    std::sort(out.begin(), out.end());
    return out;
  }

  std::string root_;
  std::string dir_;
};

TEST_F(CatalogueTest, AddListFindRemove) {
  auto c = open();
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->find_by_service_name("latest"), nullptr);
  auto a = c->add(make_zip(sonata_files(nsd_yaml("svc-a"))));
  ASSERT_TRUE(a.ok()) << a.error().message;
  auto b = c->add(make_zip(tango_files(nsd_yaml("svc-b"))));
  ASSERT_TRUE(b.ok()) << b.error().message;
  std::string a_bytes = make_zip(sonata_files(nsd_yaml("svc-a")));
  auto a2 = c->add(a_bytes);  // the same service again: a new entry with its own uuid
  ASSERT_TRUE(a2.ok()) << a2.error().message;

  const CatalogueEntry* ea = *a;
  EXPECT_EQ(ea->uuid.size(), 36u);
  EXPECT_EQ(ea->uuid[14], '4');  // version 4
  EXPECT_NE(std::string("89ab").find(ea->uuid[19]), std::string::npos);
  EXPECT_TRUE(ea->created_at.ends_with("Z"));
  EXPECT_EQ(ea->created_at[10], 'T');
  EXPECT_NE((*a2)->uuid, ea->uuid);
  EXPECT_EQ((*a2)->package.sha1, ea->package.sha1);

  auto all = c->list();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0]->uuid, ea->uuid);
  EXPECT_EQ(all[1]->package.nsd.name, "svc-b");
  EXPECT_EQ(c->find(ea->uuid), ea);
  EXPECT_EQ(c->find("nope"), nullptr);
  EXPECT_EQ(c->find_by_service_name("svc-a"), *a2);  // the newest upload wins
  EXPECT_EQ(c->find_by_service_name("svc-b"), *b);
  EXPECT_EQ(c->find_by_service_name("latest"), *a2);
  EXPECT_EQ(c->find_by_service_name("svc-c"), nullptr);
  // The 5GTANGO LLCM's service_name is the package name: the newest package of that name.
  EXPECT_EQ(c->find_by_service_name("test-package"), *a2);
  EXPECT_EQ(files().size(), 6u);

  std::string a2_uuid = (*a2)->uuid;
  ASSERT_TRUE(c->remove(a2_uuid).ok());
  EXPECT_EQ(c->find(a2_uuid), nullptr);
  EXPECT_EQ(c->find_by_service_name("svc-a"), ea);
  EXPECT_EQ(c->find_by_service_name("latest"), *b);
  EXPECT_EQ(c->remove(a2_uuid).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(c->remove("../../etc/passwd").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(files().size(), 4u);
  auto stored = read_file(dir_ + "/" + ea->uuid + ".pkg");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(*stored, a_bytes);
}

TEST_F(CatalogueTest, PersistsAcrossReopen) {
  std::vector<std::string> uuids;
  {
    auto c = open();
    ASSERT_NE(c, nullptr);
    for (const char* name : {"one", "two", "three"}) {
      auto e = c->add(make_zip(sonata_files(nsd_yaml(name))));
      ASSERT_TRUE(e.ok()) << e.error().message;
      uuids.push_back((*e)->uuid);
    }
    ASSERT_TRUE(c->remove(uuids[1]).ok());
  }
  std::vector<std::string> warnings;
  auto c = open(&warnings);
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(warnings.empty());
  auto all = c->list();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0]->uuid, uuids[0]);
  EXPECT_EQ(all[1]->uuid, uuids[2]);
  EXPECT_EQ(all[1]->package.nsd.name, "three");
  EXPECT_EQ(c->find_by_service_name("latest")->uuid, uuids[2]);
  EXPECT_EQ(c->find_by_service_name("two"), nullptr);
  EXPECT_EQ(c->find(uuids[0])->package.vnfds.size(), 2u);
}

TEST_F(CatalogueTest, DamagedStoredPackageIsSkippedWithAWarning) {
  std::string damaged;
  std::string kept;
  {
    auto c = open();
    ASSERT_NE(c, nullptr);
    auto a = c->add(make_zip(sonata_files(nsd_yaml("a"))));
    auto b = c->add(make_zip(sonata_files(nsd_yaml("b"))));
    ASSERT_TRUE(a.ok() && b.ok());
    damaged = (*a)->uuid;
    kept = (*b)->uuid;
  }
  ASSERT_TRUE(write_file(dir_ + "/" + damaged + ".pkg", "garbage", true).ok());
  // Files that are not catalogue entries are left alone.
  ASSERT_TRUE(write_file(dir_ + "/notes.txt", "mine", true).ok());
  std::vector<std::string> warnings;
  auto c = open(&warnings);
  ASSERT_NE(c, nullptr);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("skipping package " + damaged), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[0].find("zip"), std::string::npos) << warnings[0];
  ASSERT_EQ(c->list().size(), 1u);
  EXPECT_EQ(c->list()[0]->uuid, kept);
  EXPECT_TRUE(read_file(dir_ + "/notes.txt").ok());
}

TEST_F(CatalogueTest, MetadataWithWrongTypesIsSkippedWithAWarning) {
  std::string uuid;
  {
    auto c = open();
    ASSERT_NE(c, nullptr);
    auto a = c->add(make_zip(sonata_files()));
    ASSERT_TRUE(a.ok());
    uuid = (*a)->uuid;
  }
  // A number where the uuid belongs used to escape as a JSON type_error from open().
  ASSERT_TRUE(
      write_file(dir_ + "/" + uuid + ".json", R"({"uuid": 5, "created_at": "x"})", true).ok());
  std::vector<std::string> warnings;
  auto c = open(&warnings);
  ASSERT_NE(c, nullptr);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("not valid catalogue metadata"), std::string::npos) << warnings[0];
  EXPECT_TRUE(c->list().empty());
}

TEST_F(CatalogueTest, FailedAddLeavesNoFiles) {
  auto c = open();
  ASSERT_NE(c, nullptr);
  testing::Files f = sonata_files();
  f["function_descriptors/vnf-a.yml"] += "# tampered\n";
  auto r = c->add(make_zip(f));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(c->add("not a zip").error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(files().empty());
  EXPECT_TRUE(c->list().empty());
}

TEST_F(CatalogueTest, LeftoversOfInterruptedWritesAreCleanedOnOpen) {
  {
    auto c = open();
    ASSERT_NE(c, nullptr);
    ASSERT_TRUE(c->add(make_zip(sonata_files())).ok());
  }
  std::string orphan = dir_ + "/0b5e2f6a-1c4d-4e8f-9a7b-3c2d1e0f9a8b.pkg";
  ASSERT_TRUE(write_file(orphan, "half", true).ok());
  ASSERT_TRUE(write_file(dir_ + "/.tmp-x.json", "{", true).ok());
  std::vector<std::string> warnings;
  auto c = open(&warnings);
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(warnings.empty());
  EXPECT_EQ(c->list().size(), 1u);
  EXPECT_EQ(files().size(), 2u);
}

}  // namespace
}  // namespace chainlab::sonata
