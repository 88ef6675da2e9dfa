#include <gtest/gtest.h>

#include "frontends/sonata/package_internal.h"

namespace chainlab::sonata::detail {
namespace {

TEST(PackageManifest, SonataManifestWithBothSpellings) {
  auto m = parse_sonata_manifest(R"(
package_group: eu.old
package_name: old-style
package_version: 0.1.1
entry_service_template: "file:///service_descriptors/s.yml"
package_content:
  - {name: /service_descriptors/s.yml, content-type: application/sonata.service_descriptor,
     md5: A16CE1B66BD6D6916C8F994EFCA0D778}
  - {name: ./function_descriptors/f.yml, content-type: application/sonata.function_descriptor}
  - {name: /docker_files/Dockerfile, content-type: application/sonata.docker_files}
)");
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->vendor, "eu.old");
  EXPECT_EQ(m->name, "old-style");
  EXPECT_EQ(m->version, "0.1.1");
  EXPECT_EQ(m->nsd_path, "service_descriptors/s.yml");
  ASSERT_EQ(m->content.size(), 3u);
  EXPECT_EQ(m->content[0].kind, ContentKind::kNsd);
  EXPECT_EQ(m->content[0].algorithm, "md5");
  EXPECT_EQ(m->content[0].hash, "a16ce1b66bd6d6916c8f994efca0d778");
  EXPECT_EQ(m->content[1].path, "function_descriptors/f.yml");
  EXPECT_EQ(m->content[1].kind, ContentKind::kVnfd);
  EXPECT_EQ(m->content[1].algorithm, "");
  EXPECT_EQ(m->content[2].kind, ContentKind::kOther);
}

TEST(PackageManifest, SonataManifestErrors) {
  auto missing = parse_sonata_manifest("vendor: v\nname: n\n");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "META-INF/MANIFEST.MF: missing key 'version'");
  auto bad = parse_sonata_manifest(R"(vendor: v
name: n
version: 1
package_content:
  - {name: /a/../../etc/passwd, content-type: application/sonata.function_descriptor}
)");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("META-INF/MANIFEST.MF: package_content[0].name: path "
                                     "'/a/../../etc/passwd' has a '..' component"),
            std::string::npos)
      << bad.error().message;
  auto md5 = parse_sonata_manifest(R"(vendor: v
name: n
version: 1
package_content: [{name: a, md5: xyz}]
)");
  ASSERT_FALSE(md5.ok());
  EXPECT_NE(md5.error().message.find("package_content[0].md5: 'xyz' is not a hex md5 digest"),
            std::string::npos)
      << md5.error().message;
}

TEST(PackageManifest, TangoNapd) {
  auto m = parse_tango_napd(R"(vendor: eu.5gtango
name: p
version: '0.1'
package_content:
  - {source: Definitions/n.yml, content-type: application/vnd.5gtango.nsd, algorithm: SHA-256,
     hash: 637e4a21390aa7a04b014dd48adbb2fcc305224d237cfc111cea65d07e39ed14}
  - {source: Definitions/v.yml, content-type: application/vnd.5gtango.vnfd}
)");
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->content.at(0).kind, ContentKind::kNsd);
  EXPECT_EQ(m->content.at(0).algorithm, "sha256");
  EXPECT_EQ(m->content.at(1).kind, ContentKind::kVnfd);
  auto bad = parse_tango_napd(R"(vendor: v
name: n
version: 1
package_content: [{source: a, algorithm: CRC32, hash: abcd}]
)");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find(
                "TOSCA-Metadata/NAPD.yaml: package_content[0].algorithm: unsupported algorithm"),
            std::string::npos)
      << bad.error().message;
}

TEST(PackageManifest, PathNormalisationAndDigests) {
  EXPECT_EQ(*normalise_package_path("/a/b.yml"), "a/b.yml");
  EXPECT_EQ(*normalise_package_path("file:///a//./b.yml "), "a/b.yml");
  EXPECT_FALSE(normalise_package_path("a/../b").ok());
  EXPECT_FALSE(normalise_package_path("/").ok());
  EXPECT_FALSE(normalise_package_path("a\\b").ok());
  // Blanks around components go (found by fuzzing: "a /" gave "a ", which read again as "a").
  EXPECT_EQ(*normalise_package_path("a /"), "a");
  EXPECT_EQ(*normalise_package_path("file:// a / b.yml"), "a/b.yml");
  EXPECT_FALSE(normalise_package_path("x/.. ").ok());
  EXPECT_EQ(md5_hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(sha1_hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace chainlab::sonata::detail
