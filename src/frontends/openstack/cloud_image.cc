// Cloud: images, from the local image store and Glance-only records (see cloud.h).
#include <openssl/evp.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "frontends/openstack/cloud.h"
#include "frontends/openstack/cloud_internal.h"

namespace chainlab::openstack {
namespace {

std::string md5_hex(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_md5(), nullptr);
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += fmt::format("{:02x}", digest[i]);
  }
  return out;
}

// A tar archive has "ustar" at offset 257 (docker save and OCI layout tars both do).
bool looks_like_tar(const std::string& data) {
  return data.size() > 262 && data.compare(257, 5, "ustar") == 0;
}

// Instances run natively: a stored image has the host's architecture, named as Glance's
// `architecture` property names it (uname's machine: x86_64, aarch64...).
std::string host_architecture() {
  utsname u{};
  return ::uname(&u) == 0 ? std::string(u.machine) : std::string("x86_64");
}

Status check_visibility(const std::string& visibility) {
  if (visibility != "public" && visibility != "private" && visibility != "shared" &&
      visibility != "community") {
    return make_error(ErrorCode::kInvalidArgument, "Invalid visibility value: {}", visibility);
  }
  return ok_status();
}

// Marks the records listing a store image under one of its tags (not a Glance upload's).
constexpr const char* kStoreTagProperty = "chainlab_store_tag";

// The Glance id of a store image under its i-th tag: the first keeps the id images had before
// every tag was listed, the others derive theirs from the store id and the tag.
std::string store_image_id(const runtime::ImageInfo& info, const std::string& tag, size_t i) {
  return image_uuid_for_store_id(i == 0 ? info.id : md5_hex(info.id + "@" + tag));
}

Image store_image(const runtime::ImageInfo& info, const std::string& tag, std::string id,
                  const std::string& now) {
  Image im;
  im.id = std::move(id);
  im.name = tag;
  im.status = "active";
  im.container_format = "docker";
  im.disk_format = "raw";
  im.size = static_cast<int64_t>(info.size_bytes);
  im.store_ref = info.id;
  im.properties["architecture"] = host_architecture();
  im.properties[kStoreTagProperty] = tag;
  im.created_at = im.updated_at = info.created.empty() ? now : info.created.substr(0, 19) + "Z";
  return im;
}

}  // namespace

void Cloud::sync_images_locked() {
  if (images_ == nullptr) {
    return;
  }
  std::set<std::string> present;   // store ids
  std::set<std::string> listed;    // ids of the records the store's tags make now
  std::set<std::string> uploaded;  // store images a Glance upload made (listed as that record)
  for (const auto& [id, im] : images_by_id_) {
    if (!im.store_ref.empty() && !im.properties.contains(kStoreTagProperty)) {
      uploaded.insert(im.store_ref);
    }
  }
  for (const auto& info : images_->list()) {
    present.insert(info.id);
    const auto tags = info.tags.empty() ? std::vector<std::string>{info.id} : info.tags;
    for (size_t i = 0; i < tags.size() && uploaded.count(info.id) == 0; ++i) {
      std::string id = store_image_id(info, tags[i], i);
      listed.insert(id);
      if (!images_by_id_.contains(id)) {
        images_by_id_.put(store_image(info, tags[i], std::move(id), stamp()));
      }
    }
  }
  // Images removed from the store behind our back disappear, and so do tags moved to another
  // image (a newer pull): the name lists that one.
  for (auto it = images_by_id_.begin(); it != images_by_id_.end();) {
    const Image& im = it->second;
    bool gone = im.properties.contains(kStoreTagProperty)
                    ? listed.count(im.id) == 0
                    : !im.store_ref.empty() && present.count(im.store_ref) == 0;
    it = gone ? images_by_id_.erase(it) : std::next(it);
  }
}

void Cloud::create_default_image() {
  Image im;
  im.id = new_uuid();
  im.name = config_.default_image;
  im.status = "active";
  im.container_format = "bare";
  im.disk_format = "qcow2";
  im.size = 0;
  im.properties["chainlab_boots"] = "native instance";
  im.created_at = im.updated_at = stamp();
  images_by_id_.put(im);
}

std::vector<Image> Cloud::list_images() {
  std::lock_guard lock(mu_);  // images are not in the published view
  sync_images_locked();
  return images_by_id_.list([](const Image& a, const Image& b) { return a.name < b.name; });
}

Result<Image> Cloud::get_image(const std::string& id_or_name) {
  std::lock_guard lock(mu_);  // images are not in the published view
  sync_images_locked();
  if (const Image* im = images_by_id_.find_by_id_or_name(id_or_name)) {
    return *im;
  }
  return images_by_id_.not_found(id_or_name);
}

Result<Image> Cloud::create_image(const ImageCreate& request) {
  std::lock_guard lock(mu_);  // images are not in the published view
  sync_images_locked();
  if (request.name.size() > 255) {
    return make_error(ErrorCode::kInvalidArgument, "name: too long");
  }
  CL_RETURN_IF_ERROR(check_visibility(request.visibility));
  if (request.min_disk < 0 || request.min_ram < 0) {
    return make_error(ErrorCode::kInvalidArgument, "min_disk and min_ram must be >= 0");
  }
  Image im;
  im.id = request.id.empty() ? new_uuid() : request.id;
  if (!is_uuid(im.id)) {
    return make_error(ErrorCode::kInvalidArgument, "id '{}' is not a valid UUID", im.id);
  }
  if (images_by_id_.contains(im.id)) {
    return make_error(ErrorCode::kAlreadyExists, "Image with identifier {} already exists!", im.id);
  }
  static_cast<ImageAttributes&>(im) = request;
  im.created_at = im.updated_at = stamp();
  return images_by_id_.put(im);
}

Result<Image> Cloud::update_image(const std::string& id, const ImageUpdate& update) {
  std::lock_guard lock(mu_);  // images are not in the published view
  sync_images_locked();
  CL_ASSIGN_OR_RETURN(Image * stored, images_by_id_.get(id));
  if (update.visibility) {
    CL_RETURN_IF_ERROR(check_visibility(*update.visibility));
  }
  Image im = *stored;
  set_if(im.name, update.name);
  set_if(im.container_format, update.container_format);
  set_if(im.disk_format, update.disk_format);
  set_if(im.visibility, update.visibility);
  set_if(im.is_protected, update.is_protected);
  set_if(im.min_disk, update.min_disk);
  set_if(im.min_ram, update.min_ram);
  set_if(im.tags, update.tags);
  for (const auto& [k, v] : update.properties) {
    if (v) {
      im.properties[k] = *v;
    } else {
      im.properties.erase(k);
    }
  }
  im.updated_at = stamp();
  *stored = im;
  return im;
}

Result<Image> Cloud::upload_image(const std::string& id, const std::string& data) {
  std::lock_guard lock(mu_);  // images are not in the published view
  sync_images_locked();
  CL_ASSIGN_OR_RETURN(Image * stored, images_by_id_.get(id));
  Image& im = *stored;
  if (!im.store_ref.empty() || im.status != "queued") {
    return make_error(ErrorCode::kFailedPrecondition,
                      "Failed to upload image data due to HTTP error: image {} is {}", id,
                      im.status);
  }
  if (images_ != nullptr && looks_like_tar(data)) {
    // A container image archive: import it into the store. Anything else stays plain data.
    std::string path = fmt::format("{}/.glance-upload-{}-{}.tar",
                                   std::filesystem::temp_directory_path().string(), ::getpid(), id);
    {
      std::ofstream out(path, std::ios::binary);
      out.write(data.data(), static_cast<std::streamsize>(data.size()));
    }
    std::string tag;
    if (!im.name.empty()) {
      tag = runtime::normalize_tag(im.name);
    }
    auto imported = images_->import(path, tag);
    if (!imported.ok() && !tag.empty()) {
      imported = images_->import(path);  // the name may not be a valid tag
    }
    std::remove(path.c_str());
    if (imported.ok()) {
      im.store_ref = imported->id;
      im.properties.emplace("architecture", host_architecture());
    }
  }
  if (im.store_ref.empty()) {
    image_data_[id] = data;
  }
  im.status = "active";
  im.size = static_cast<int64_t>(data.size());
  im.checksum = md5_hex(data);
  im.updated_at = stamp();
  return im;
}

Result<std::string> Cloud::image_data(const std::string& id) {
  std::lock_guard lock(mu_);  // images are not in the published view
  if (!images_by_id_.contains(id)) {
    return images_by_id_.not_found(id);
  }
  auto it = image_data_.find(id);
  return it == image_data_.end() ? std::string() : it->second;
}

Status Cloud::delete_image(const std::string& id) {
  std::lock_guard lock(mu_);  // images are not in the published view
  sync_images_locked();
  CL_ASSIGN_OR_RETURN(const Image* im, images_by_id_.get(id));
  if (im->is_protected) {
    return make_error(ErrorCode::kFailedPrecondition, "Image {} is protected and cannot be deleted",
                      id);
  }
  if (!im->store_ref.empty() && images_ != nullptr) {
    CL_RETURN_IF_ERROR(images_->remove(im->store_ref));
  }
  image_data_.erase(id);
  return images_by_id_.erase(id);
}

}  // namespace chainlab::openstack
