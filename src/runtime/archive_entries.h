// Walking the entries of an open libarchive reader, the one loop the image importer, the layer
// unpacker and the SONATA package reader share. Header-only; users link libarchive.
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include <string_view>

#include "common/result.h"

namespace chainlab::runtime {

// Calls `fn(entry)` (returning Status) for every entry header of `in` until the end; stops at the
// first error. A damaged archive is InvalidArgument "<damaged>: <libarchive's reason>".
template <class Fn>
Status for_each_archive_entry(archive* in, std::string_view damaged, Fn&& fn) {
  for (;;) {
    archive_entry* e = nullptr;
    int r = archive_read_next_header(in, &e);
    if (r == ARCHIVE_EOF) {
      return ok_status();
    }
    if (r < ARCHIVE_WARN) {
      const char* why = archive_error_string(in);
      return make_error(ErrorCode::kInvalidArgument, "{}: {}", damaged,
                        why != nullptr ? why : "unreadable");
    }
    CL_RETURN_IF_ERROR(fn(e));
  }
}

}  // namespace chainlab::runtime
