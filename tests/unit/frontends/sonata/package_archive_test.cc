#include <gtest/gtest.h>

#include "frontends/sonata/package.h"
#include "zip_writer.h"

namespace chainlab::sonata {
namespace {

using testing::make_zip;
using testing::zdir;
using testing::zfile;
using testing::zip_entries;
using testing::zsymlink;
using testing::zzeros;

void expect_archive_error(const Result<std::map<std::string, std::string>>& r, ErrorCode code,
                          std::string_view substring) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, code) << r.error().message;
  EXPECT_NE(r.error().message.find(substring), std::string::npos) << r.error().message;
}

// Incompressible bytes.
std::string noise(size_t n) {
  std::string data(n, '\0');
  uint32_t x = 12345;
  for (char& c : data) {
    x = x * 1103515245 + 12345;
    c = static_cast<char>(x >> 24);
  }
  return data;
}

TEST(PackageArchive, ReadsRegularFilesAndNormalisesPaths) {
  std::string zip = zip_entries({zdir("META-INF/"), zfile("META-INF/MANIFEST.MF", "name: x\n"),
                                 zfile("./a/./b.yml", "b"), zfile("empty", "")});
  auto files = read_archive(zip);
  ASSERT_TRUE(files.ok()) << files.error().message;
  EXPECT_EQ(files->size(), 3u);
  EXPECT_EQ(files->at("META-INF/MANIFEST.MF"), "name: x\n");
  EXPECT_EQ(files->at("a/b.yml"), "b");
  EXPECT_EQ(files->at("empty"), "");
}

TEST(PackageArchive, ReadsLargeIncompressibleFileUnderDefaultLimits) {
  std::string data = noise(3 << 20);
  auto files = read_archive(zip_entries({zfile("blob", data)}));
  ASSERT_TRUE(files.ok()) << files.error().message;
  EXPECT_EQ(files->at("blob"), data);
}

TEST(PackageArchive, RefusesUnsafePaths) {
  expect_archive_error(read_archive(zip_entries({zfile("../x", "x")})), ErrorCode::kInvalidArgument,
                       "'../x': '..' path component");
  expect_archive_error(read_archive(zip_entries({zfile("a/../../x", "x")})),
                       ErrorCode::kInvalidArgument, "'..' path component");
  expect_archive_error(read_archive(zip_entries({zfile("/etc/x", "x")})),
                       ErrorCode::kInvalidArgument, "'/etc/x': absolute path");
  // libarchive turns the backslashes into slashes; refused either way.
  expect_archive_error(read_archive(zip_entries({zfile("a\\..\\..\\x", "x")})),
                       ErrorCode::kInvalidArgument, "refusing archive entry");
}

TEST(PackageArchive, RefusesLinksAndDevices) {
  expect_archive_error(read_archive(zip_entries({zsymlink("link", "/etc/passwd")})),
                       ErrorCode::kInvalidArgument, "'link': symbolic link");
  std::string zip = zip_entries({zfile("dev", "")});
  ASSERT_TRUE(testing::set_unix_mode(zip, "dev", S_IFCHR | 0644));
  expect_archive_error(read_archive(zip), ErrorCode::kInvalidArgument, "'dev': character device");
}

TEST(PackageArchive, RefusesDuplicateEntries) {
  expect_archive_error(read_archive(zip_entries({zfile("a.yml", "1"), zfile("./a.yml", "2")})),
                       ErrorCode::kInvalidArgument, "duplicate entry");
}

TEST(PackageArchive, RefusesZipBombByRatio) {
  // 50 MB of zeros deflate to ~50 KB: the ratio trips long before the size limits.
  std::string zip = zip_entries({zzeros("bomb", 50u << 20)});
  EXPECT_LT(zip.size(), 1u << 20);
  PackageLimits limits;
  limits.max_file_bytes = 100u << 20;
  limits.max_total_bytes = 100u << 20;
  expect_archive_error(read_archive(zip, limits), ErrorCode::kResourceExhausted, "'bomb'");
  expect_archive_error(read_archive(zip, limits), ErrorCode::kResourceExhausted,
                       "compression ratio");
}

TEST(PackageArchive, RefusesOversizedEntriesAndTotals) {
  std::string zip = zip_entries({zzeros("big", 50u << 20)});
  PackageLimits limits;
  limits.max_ratio = 1e9;  // only the sizes count
  expect_archive_error(read_archive(zip, limits), ErrorCode::kResourceExhausted,
                       "'big' is larger than the limit");
  limits.max_file_bytes = 1u << 20;
  limits.max_total_bytes = 1u << 20;
  std::string many = zip_entries({zzeros("a", 600u << 10), zzeros("b", 600u << 10)});
  expect_archive_error(read_archive(many, limits), ErrorCode::kResourceExhausted,
                       "more than the limit of 1048576 bytes (at 'b')");
  limits.max_archive_bytes = 100;
  expect_archive_error(read_archive(many, limits), ErrorCode::kResourceExhausted,
                       "larger than the limit");
}

TEST(PackageArchive, RefusesTooManyEntries) {
  std::vector<testing::ZipEntry> entries;
  for (int i = 0; i < 11; ++i) {
    entries.push_back(zfile(fmt::format("f{}", i), "x"));
  }
  PackageLimits limits;
  limits.max_entries = 10;
  expect_archive_error(read_archive(zip_entries(entries), limits), ErrorCode::kResourceExhausted,
                       "more than 10 entries");
  entries.pop_back();
  EXPECT_TRUE(read_archive(zip_entries(entries), limits).ok());
}

TEST(PackageArchive, RefusesTruncatedCorruptAndNonZipInput) {
  std::string zip = zip_entries({zfile("a.yml", noise(5000)), zfile("b.yml", "bbb")});
  for (size_t cut : {size_t{1}, size_t{30}, zip.size() / 2, zip.size() - 10}) {
    auto r = read_archive(std::string_view(zip).substr(0, zip.size() - cut));
    ASSERT_FALSE(r.ok()) << "cut " << cut;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << r.error().message;
  }
  std::string corrupt = zip;
  corrupt[2500] = static_cast<char>(corrupt[2500] ^ 0x55);  // inside a.yml's data
  auto r = read_archive(corrupt);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("'a.yml' is corrupt or truncated"), std::string::npos)
      << r.error().message;
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << r.error().message;
  expect_archive_error(read_archive("this is not a zip archive at all"),
                       ErrorCode::kInvalidArgument, "not a zip archive");
  expect_archive_error(read_archive(""), ErrorCode::kInvalidArgument, "empty");
}

}  // namespace
}  // namespace chainlab::sonata
