// `chainlab image`: the local image store (import, list, inspect, rm, tag, build-from-host).
// Works on the store directly (no emulator needed); --store picks another root.
#include <cstdio>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/command_util.h"
#include "cli/commands.h"
#include "common/files.h"
#include "runtime/image_store.h"

namespace chainlab::cli {
namespace {

using runtime::ImageInfo;
using runtime::ImageStore;

struct ImageOptions {
  std::string store;
  std::string file;
  std::string ref;
  std::string tag;
  std::string name;
  std::string binaries;
  bool json = false;
};

std::string short_id(const std::string& id) {
  return id.substr(id.find(':') + 1, 12);
}

std::string human_size(uint64_t bytes) {
  if (bytes >= (uint64_t{1} << 30)) {
    return fmt::format("{:.1f} GiB", static_cast<double>(bytes) / (1 << 30));
  }
  if (bytes >= (uint64_t{1} << 20)) {
    return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1 << 20));
  }
  return fmt::format("{:.1f} KiB", static_cast<double>(bytes) / 1024);
}

nlohmann::json to_json(const ImageInfo& info) {
  return {{"id", info.id},
          {"tags", info.tags},
          {"layers", info.layer_dirs},
          {"size_bytes", info.size_bytes},
          {"created", info.created},
          {"config",
           {{"entrypoint", info.config.entrypoint},
            {"cmd", info.config.cmd},
            {"env", info.config.env},
            {"working_dir", info.config.working_dir},
            {"user", info.config.user},
            {"exposed_ports", info.config.exposed_ports}}}};
}

std::string words(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) {
    out += out.empty() ? s : " " + s;
  }
  return out;
}

// Opens the store of --store and runs body(opt, store); an error is printed and exit code 1.
int with_store(const ImageOptions& opt, Status (*body)(const ImageOptions&, ImageStore&)) {
  auto store = ImageStore::open(opt.store);
  if (!store.ok()) {
    return fail(store.error());
  }
  return exit_code_of(body(opt, **store));
}

Status import_image(const ImageOptions& opt, ImageStore& store) {
  std::fprintf(stderr, "importing %s into %s ...\n", opt.file.c_str(), store.root().c_str());
  CL_ASSIGN_OR_RETURN(ImageInfo info, store.import(opt.file, opt.tag));
  std::fprintf(stderr, "imported %zu layer(s), %s unpacked\n", info.layer_dirs.size(),
               human_size(info.size_bytes).c_str());
  std::printf("%s %s\n", info.id.c_str(), words(info.tags).c_str());
  return ok_status();
}

Status list_images(const ImageOptions& opt, ImageStore& store) {
  std::vector<ImageInfo> images = store.list();
  if (opt.json) {
    nlohmann::json j = nlohmann::json::array();
    for (const ImageInfo& i : images) {
      j.push_back(to_json(i));
    }
    std::printf("%s\n", j.dump(2).c_str());
    return ok_status();
  }
  Table table({"TAG", "ID", "LAYERS", "SIZE", "CREATED"});
  for (const ImageInfo& i : images) {
    std::vector<std::string> tags = i.tags.empty() ? std::vector<std::string>{"<none>"} : i.tags;
    for (const std::string& t : tags) {
      table.add({t, short_id(i.id), std::to_string(i.layer_dirs.size()), human_size(i.size_bytes),
                 i.created.empty() ? "-" : i.created.substr(0, 19)});
    }
  }
  print_table(table, "no images in " + store.root());
  return ok_status();
}

Table inspect_table(const ImageInfo& info) {
  const runtime::ImageConfig& c = info.config;
  Table table({"FIELD", "VALUE"});
  table.add({"id", info.id});
  table.add({"tags", words(info.tags)});
  table.add({"created", info.created});
  table.add({"size", human_size(info.size_bytes)});
  table.add({"entrypoint", words(c.entrypoint)});
  table.add({"cmd", words(c.cmd)});
  table.add({"working_dir", c.working_dir.empty() ? "/" : c.working_dir});
  table.add({"user", c.user.empty() ? "root" : c.user});
  table.add({"exposed_ports", words(c.exposed_ports)});
  for (const std::string& e : c.env) {
    table.add({"env", e});
  }
  for (const std::string& l : info.layer_dirs) {
    table.add({"layer", l});
  }
  return table;
}

Status inspect_image(const ImageOptions& opt, ImageStore& store) {
  CL_ASSIGN_OR_RETURN(ImageInfo info, store.resolve(opt.ref));
  if (opt.json) {
    std::printf("%s\n", to_json(info).dump(2).c_str());
  } else {
    std::printf("%s", inspect_table(info).render().c_str());
  }
  return ok_status();
}

Status remove_image(const ImageOptions& opt, ImageStore& store) {
  CL_ASSIGN_OR_RETURN(ImageInfo info, store.resolve(opt.ref));
  CL_RETURN_IF_ERROR(store.remove(opt.ref));
  std::printf("removed %s %s\n", info.id.c_str(), words(info.tags).c_str());
  return ok_status();
}

Status tag_image(const ImageOptions& opt, ImageStore& store) {
  CL_RETURN_IF_ERROR(store.tag(opt.ref, opt.tag));
  std::printf("tagged %s as %s\n", opt.ref.c_str(), runtime::normalize_tag(opt.tag).c_str());
  return ok_status();
}

Status build_image(const ImageOptions& opt, ImageStore& store) {
  std::vector<std::string> binaries;
  for (std::string_view b : split(opt.binaries, ',')) {
    if (!trim(b).empty()) {
      binaries.emplace_back(trim(b));
    }
  }
  std::fprintf(stderr, "building %s from host binaries: %s ...\n", opt.name.c_str(),
               words(binaries).c_str());
  CL_ASSIGN_OR_RETURN(ImageInfo info, store.build_from_host(opt.name, binaries));
  std::fprintf(stderr, "built %s unpacked\n", human_size(info.size_bytes).c_str());
  std::printf("%s %s\n", info.id.c_str(), words(info.tags).c_str());
  return ok_status();
}

}  // namespace

void add_image_command(CLI::App& app, CliContext& ctx) {
  auto opt = std::make_shared<ImageOptions>();
  opt->store = ctx.env.image_dir;
  auto* cmd = app.add_subcommand("image", "Manage the local image store (no Docker daemon)");
  cmd->require_subcommand(1);
  cmd->add_option("--store", opt->store,
                  fmt::format("Image store root (default {})", ctx.env.image_dir));

  auto* imp = cmd->add_subcommand("import", "Import a `docker save` tar or an OCI layout");
  imp->add_option("file", opt->file, "Archive or OCI layout directory")->required();
  imp->add_option("--tag", opt->tag, "Also tag the image NAME:TAG");
  imp->callback([opt, &ctx] { ctx.exit_code = with_store(*opt, import_image); });

  auto* list = cmd->add_subcommand("list", "List images");
  list->alias("ls");
  list->add_flag("--json", opt->json, "Machine-readable output");
  list->callback([opt, &ctx] { ctx.exit_code = with_store(*opt, list_images); });

  auto* inspect = cmd->add_subcommand("inspect", "Show an image's config and layers");
  inspect->add_option("ref", opt->ref, "NAME[:TAG], sha256:ID or an id prefix")->required();
  inspect->add_flag("--json", opt->json, "Machine-readable output");
  inspect->callback([opt, &ctx] { ctx.exit_code = with_store(*opt, inspect_image); });

  auto* rm = cmd->add_subcommand("rm", "Remove an image and the layers only it used");
  rm->add_option("ref", opt->ref, "NAME[:TAG], sha256:ID or an id prefix")->required();
  rm->callback([opt, &ctx] { ctx.exit_code = with_store(*opt, remove_image); });

  auto* tag = cmd->add_subcommand("tag", "Add a tag to an image");
  tag->add_option("ref", opt->ref, "Existing image")->required();
  tag->add_option("new", opt->tag, "New NAME[:TAG]")->required();
  tag->callback([opt, &ctx] { ctx.exit_code = with_store(*opt, tag_image); });

  auto* build = cmd->add_subcommand("build-from-host",
                                    "Build a small image from host binaries and their libraries");
  build->add_option("name", opt->name, "Image NAME[:TAG]")->required();
  build->add_option("--binaries", opt->binaries, "Comma-separated binaries (first = CMD)")
      ->required();
  build->callback([opt, &ctx] { ctx.exit_code = with_store(*opt, build_image); });
}

}  // namespace chainlab::cli
